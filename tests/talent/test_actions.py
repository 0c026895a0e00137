"""Workflow actions in the admin: each calls the service per row and sums up once."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.utils.html import strip_tags
from django.urls import reverse

from talent import services

from .conftest import SYSTEM
from talent.models import BenefitArea, EnrollmentStatus, RequestStatus, Reward
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_the_review_action_asks_for_the_grade_then_applies_it(leading, enroll, county_a_clerk, client_for) -> None:
    first, second = enroll(leading), enroll(leading)
    url = reverse("admin:talent_enrollment_changelist")
    client = client_for(county_a_clerk)
    page = client.post(url, {"action": "record_review", "_selected_action": [first.pk, second.pk]})
    assert page.status_code == 200 and "考核等次" in page.content.decode()
    done = client.post(url, {"action": "record_review", "_selected_action": [first.pk, second.pk], "apply": "1",
                             "review_year": 2026, "grade": "excellent", "reviewed_on": "2026-12-01", "comment": ""})
    assert done.status_code == 302
    assert Reward.objects.filter(enrollment__in=[first, second]).count() == 2
    assert [str(m) for m in get_messages(done.wsgi_request)] == ["登记聘期考核：已办理 2 条。"]


def test_the_exit_action_reports_refusals_in_one_summary(leading, enroll, county_a_clerk, client_for) -> None:
    active, gone = enroll(leading), enroll(leading, term_start=datetime.date(2019, 1, 1), batch_year=2019)
    services.enrollment_complete_term(enrollment=gone, actor=SYSTEM)  # its term ended 2023-12-31
    # Both are listed under 全部 (the list starts on 在册), where the clerk picked them.
    response = client_for(county_a_clerk).post(reverse("admin:talent_enrollment_changelist") + "?status__exact=all", {
        "action": "exit_enrollment", "_selected_action": [active.pk, gone.pk], "apply": "1",
        "reason": "own_request", "exit_date": "2025-05-01", "note": ""})
    active.refresh_from_db()
    assert active.status == EnrollmentStatus.EXITED
    (message,) = [strip_tags(str(m)) for m in get_messages(response.wsgi_request)]
    assert message.startswith(f"办理退出：已办理 1 条，未办理 1 条。「{gone}」：") and "已期满" in message
    assert message.endswith("。") and "。；" not in message and "。。" not in message


def test_the_return_action_needs_a_reason_and_closes_the_request(make_card, county_a_clerk, client_for) -> None:
    request = services.green_request_submit(card=make_card(), area=BenefitArea.TAX, content="个税减免",
                                            submitted_on=datetime.date(2026, 1, 5), actor=SYSTEM)
    url = reverse("admin:talent_greenchannelrequest_changelist")
    client = client_for(county_a_clerk)
    blank = client.post(url, {"action": "return_request", "_selected_action": [request.pk], "apply": "1", "reason": ""})
    assert blank.status_code == 200
    assert_styled_action_form(blank.content.decode(), "reason")
    client.post(url, {"action": "return_request", "_selected_action": [request.pk], "apply": "1",
                      "reason": "缺少纳税证明"})
    request.refresh_from_db()
    assert (request.status, request.result) == (RequestStatus.RETURNED, "缺少纳税证明")


def test_the_overdue_filter_lists_late_open_requests(make_card, county_a_clerk, client_for) -> None:
    card = make_card()
    late = services.green_request_submit(card=card, area=BenefitArea.MEDICAL, content="就医",
                                         submitted_on=datetime.date(2026, 6, 1), actor=SYSTEM)
    services.green_request_submit(card=card, area=BenefitArea.MEDICAL, content="就医",
                                  submitted_on=timezone.localdate(), actor=SYSTEM)
    response = client_for(county_a_clerk).get(reverse("admin:talent_greenchannelrequest_changelist") + "?overdue=yes")
    assert list(response.context["cl"].queryset) == [late]


def test_the_funding_list_is_headed_by_totals_in_scope(top_leading, enroll, city_officer, client_for) -> None:
    from decimal import Decimal

    services.funding_grant(enrollment=enroll(top_leading, unit="county_a"), year=2024, amount=Decimal("1200000"), actor=SYSTEM)
    services.funding_grant(enrollment=enroll(top_leading, unit="other_city"), year=2024, amount=Decimal("900000"), actor=SYSTEM)
    page = client_for(city_officer).get(reverse("admin:talent_funding_changelist"))
    assert [r["total"] for r in page.context["programme_totals"]] == [Decimal("1200000")]
    assert [(u.name, u.total_text) for u in page.context["unit_totals"]] == [("城关区", "1,200,000元")]


def test_a_request_typed_on_an_expired_card_is_a_form_error(make_card, county_a_clerk, client_for) -> None:
    from talent.models import GreenChannelRequest

    card = make_card(expires_on=datetime.date(2025, 6, 30))
    response = client_for(county_a_clerk).post(reverse("admin:talent_greenchannelrequest_add"), {
        "card": card.pk, "area": "medical", "content": "就医", "submitted_on": "2025-07-02"})
    assert "已于 2025-06-30 过期" in str(response.context["adminform"].form.errors["card"])
    ok = client_for(county_a_clerk).post(reverse("admin:talent_greenchannelrequest_add"), {
        "card": card.pk, "area": "medical", "content": "就医", "submitted_on": "2025-06-02"})
    assert ok.status_code == 302
    assert GreenChannelRequest.objects.get().deadline == datetime.date(2025, 6, 5)


def test_an_enrollees_plan_is_edited_in_the_change_form_with_version_checking(leading, enroll, county_a_clerk,
                                                                              client_for) -> None:
    enrollment = enroll(leading)
    url = reverse("admin:talent_enrollment_change", args=[enrollment.pk])
    form = {"person": enrollment.person.pk, "programme": leading.pk, "batch_year": 2024, "term_start": "2024-01-01",
            "term_end": "2028-12-31", "training_plan": "赴中国农科院访学三个月", "seen_version": enrollment.version,
            "plan_files-TOTAL_FORMS": 0, "plan_files-INITIAL_FORMS": 0, "fundings-TOTAL_FORMS": 0,
            "fundings-INITIAL_FORMS": 0, "reviews-TOTAL_FORMS": 0, "reviews-INITIAL_FORMS": 0}
    client = client_for(county_a_clerk)
    assert client.post(url, form).status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.training_plan == "赴中国农科院访学三个月" and enrollment.version == 2
    stale = client.post(url, {**form, "training_plan": "改为赴兰州大学访学"})
    assert stale.status_code == 200 and "保存冲突" in stale.content.decode()


def assert_styled_action_form(page: str, field: str) -> None:
    """An action's own form is drawn inside the page's content area, each field in a row of
    the kernel's field list with its error beside it, and the buttons in a submit row: the
    admin's stylesheet gives form controls their borders only there, and a form outside it
    showed bare text boxes a clerk could not see."""
    main = page.split('<div id="content-main">', 1)
    assert len(main) == 2, "the action form is outside #content-main"
    body = main[1]
    assert '<fieldset class="module aligned">' in body and f'name="{field}"' in body
    assert '<div class="form-row errors">' in body and '<div class="submit-row">' in body


def test_a_review_batch_with_an_enrollment_of_another_county_is_refused_whole(leading, enroll, county_a_clerk,
                                                                              client_for) -> None:
    """A forged selection naming a county B enrollment is not run on county A's rest."""
    ours, theirs = enroll(leading), enroll(leading, unit="county_b")
    done = client_for(county_a_clerk).post(reverse("admin:talent_enrollment_changelist"), {
        "action": "record_review", "_selected_action": [ours.pk, theirs.pk], "apply": "1",
        "review_year": 2026, "grade": "excellent", "reviewed_on": "2026-12-01", "comment": ""})
    assert done.status_code == 302
    [message] = [str(m) for m in get_messages(done.wsgi_request)]
    assert message == (f"所选记录中有 1 条不在您的管辖范围内或已不在当前列表中（编号 {theirs.pk}），未执行任何操作。"
                       "请刷新列表后重新选择。")
    assert not Reward.objects.filter(enrollment__in=[ours, theirs]).exists()


def test_the_complete_action_tells_a_request_already_completed_apart_from_one_it_completes(
        make_card, county_a_clerk, client_for) -> None:
    card = make_card()
    done, open_one = (services.green_request_submit(card=card, area=BenefitArea.TAX, content=f"个税减免{n}",
                                                    submitted_on=datetime.date(2026, 1, 5), actor=SYSTEM)
                      for n in (1, 2))
    services.green_request_complete(request=done, result="已办", actor=SYSTEM)
    response = client_for(county_a_clerk).post(reverse("admin:talent_greenchannelrequest_changelist"), {
        "action": "complete", "_selected_action": [done.pk, open_one.pk], "apply": "1", "result": "办结"})
    (message,) = [strip_tags(str(m)) for m in get_messages(response.wsgi_request)]
    assert message.startswith("办结：已办理 1 条，未办理 1 条。") and f"「{done}」：已办结，无需再办理" in message
    open_one.refresh_from_db()
    assert open_one.status == RequestStatus.DONE
