"""Every item on the books has a 整改时限, and 延期 moves it only forward from today, by at
most six months, with the issuing level's approval on a checklist issued above the clerk."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from branches.members import rules as member_rules
from branches.members import services as member_services
from orgwork.audit.models import AuditLog
from orgwork.rectification import rules, services
from orgwork.rectification.models import ChecklistSource, ItemState, RectificationItem
from tests.cadre_work.secondment_helpers import cadre_a, check, same_year_days, station  # noqa: F401  (fixtures)
from tests.imports.conftest import media  # noqa: F401  (fixture)
from tests.members.conftest import SYSTEM, member, orgs, today  # noqa: F401  (fixtures)

from .conftest import CITY_APPROVAL
from .test_admin import messages_of, post_action
from .test_item_page_steps import step_url

pytestmark = pytest.mark.django_db

JUNE_30 = datetime.date(2026, 6, 30)


def fresh(item: RectificationItem) -> RectificationItem:
    return RectificationItem.objects.get(pk=item.pk)


# --- 整改时限 of the items other modules open -------------------------------------------

def test_an_item_opened_without_a_deadline_gets_three_months_from_today(tree, city_officer):
    item = services.rectification_open_item(unit=tree["county_a"], source=ChecklistSource.OTHER,
                                            problem="某项问题", actor=city_officer)
    expected = today() + rules.DEFAULT_TERM
    assert (item.deadline, item.original_deadline) == (expected, expected)


def test_the_self_lapse_review_of_six_unpaid_months_carries_a_deadline(orgs, member, monkeypatch):
    this_month = today().replace(day=1)
    for back in range(5, -1, -1):
        member_services.dues_generate_month(month=member_rules.add_months(this_month, -back), actor=SYSTEM)
    next_month = member_rules.add_months(this_month, 1)
    monkeypatch.setattr("orgwork.common.dates.today", lambda: next_month)
    call_command("members_check_arrears")
    item = RectificationItem.objects.get(source_object_id=str(member.pk))
    assert item.deadline == item.original_deadline == next_month + member_services.ARREARS_TERM


def test_an_absence_found_by_duty_checks_carries_a_deadline(tree, cadre_a):  # noqa: F811
    from cadres.secondment.services import ABSENCE_TERM
    from django.utils import timezone

    assignment = station(cadre_a, township=tree["township_a"])
    for day in same_year_days(2):
        check(assignment, day, present=False)
    item = RectificationItem.objects.get()
    assert item.deadline == item.original_deadline == timezone.localdate() + ABSENCE_TERM


# --- 延期: after today, at most six months, approved from above ---------------------

@pytest.fixture
def june(extension_day: datetime.date) -> datetime.date:
    return extension_day


def test_an_extension_to_a_day_already_past_is_refused(june, item_in, county_a_clerk):
    late = item_in(ItemState.IN_PROGRESS, deadline=datetime.date(2026, 4, 30))
    with pytest.raises(ValidationError) as refused:
        services.rectification_extend_deadline(item=late, actor=county_a_clerk, new_deadline=datetime.date(2026, 5, 20),
                                               reason="来不及", approval=CITY_APPROVAL)
    assert refused.value.message_dict == {"new_deadline": [
        "延期后的整改时限 2026-05-20 不晚于今天（2026-06-01），延期后仍已逾期：请填写今后的日期。"]}
    assert fresh(late).deadline == datetime.date(2026, 4, 30)


def test_an_extension_buys_at_most_six_months_from_the_current_deadline(june, item_in, county_a_clerk):
    item = item_in(ItemState.IN_PROGRESS)
    with pytest.raises(ValidationError) as refused:
        services.rectification_extend_deadline(item=item, actor=county_a_clerk, new_deadline=datetime.date(2030, 1, 1),
                                               reason="长期", approval=CITY_APPROVAL)
    assert refused.value.message_dict == {"new_deadline": [
        "每次延期最长6个月：延期后的整改时限最晚为 2026-12-30（自现整改时限起算）；确需更长时间的，到期前再次申请延期。"]}
    services.rectification_extend_deadline(item=item, actor=county_a_clerk, new_deadline=datetime.date(2026, 12, 30),
                                           reason="需提请全委会审议", approval=CITY_APPROVAL)
    assert fresh(item).deadline == datetime.date(2026, 12, 30)


def test_an_overdue_item_is_extended_by_at_most_six_months_from_today(june, item_in, county_a_clerk):
    late = item_in(ItemState.IN_PROGRESS, deadline=datetime.date(2026, 4, 30))
    with pytest.raises(ValidationError, match="最晚为 2026-12-01（自今天起算）"):
        services.rectification_extend_deadline(item=late, actor=county_a_clerk, new_deadline=datetime.date(2026, 12, 2),
                                               reason="来不及", approval=CITY_APPROVAL)


def test_a_county_cannot_extend_an_item_of_the_citys_checklist_without_the_citys_approval(
        june, item_in, county_a_clerk):
    item = item_in(ItemState.IN_PROGRESS)
    with pytest.raises(ValidationError) as refused:
        services.rectification_extend_deadline(item=item, actor=county_a_clerk, new_deadline=datetime.date(2026, 9, 30),
                                               reason="上级同意延期")
    assert list(refused.value.message_dict) == ["approval"]
    assert "延期须经清单印发单位同意，请填写批准单位及文号" in refused.value.message_dict["approval"][0]
    assert fresh(item).deadline == JUNE_30


def test_the_approval_of_an_extension_is_written_into_the_timeline_and_the_audit_trail(june, item_in, county_a_clerk):
    item = item_in(ItemState.IN_PROGRESS)
    services.rectification_extend_deadline(item=item, actor=county_a_clerk, new_deadline=datetime.date(2026, 9, 30),
                                           reason="涉及制度修订", approval=CITY_APPROVAL)
    last = fresh(item).transitions.order_by("-id").first()
    assert last.note.endswith(f"理由：涉及制度修订；批准：{CITY_APPROVAL}")
    row = AuditLog.objects.filter(object_id=str(item.pk)).order_by("-id").first()
    assert CITY_APPROVAL in row.message


def test_the_city_extends_an_item_of_its_own_checklist_without_an_approval(june, item_in, city_officer):
    item = item_in(ItemState.IN_PROGRESS)
    services.rectification_extend_deadline(item=item, actor=city_officer, new_deadline=datetime.date(2026, 9, 30),
                                           reason="需提请全委会审议")
    assert fresh(item).deadline == datetime.date(2026, 9, 30)


def test_the_extend_step_on_the_record_page_asks_a_county_for_the_approval(june, item_in, county_a_clerk,
                                                                           client_for: Any):
    item = item_in(ItemState.IN_PROGRESS)
    client = client_for(county_a_clerk)
    refused = client.post(step_url(item, "extend_step"), {"new_deadline": "2026-09-30", "reason": "上级同意延期"})
    assert refused.status_code == 200 and "请填写批准单位及文号" in refused.content.decode()
    assert fresh(item).deadline == JUNE_30
    done = client.post(step_url(item, "extend_step"), {"new_deadline": "2026-09-30", "reason": "上级同意延期",
                                                       "approval": CITY_APPROVAL})
    assert done.status_code == 302 and fresh(item).deadline == datetime.date(2026, 9, 30)


def test_the_extend_action_refuses_a_past_deadline_in_its_summary(june, item_in, county_a_clerk, client_for: Any):
    item = item_in(ItemState.IN_PROGRESS, deadline=datetime.date(2026, 4, 30))
    response = post_action(client_for(county_a_clerk), "extend_action", [item], apply="1",
                           new_deadline="2026-05-20", reason="来不及", approval=CITY_APPROVAL)
    assert any("请填写今后的日期" in message for message in messages_of(response))
    assert fresh(item).deadline == datetime.date(2026, 4, 30)


# --- 延期 again: only near the deadline; the approval reads as one ---------------------------

AGAIN_REFUSED = ("该事项已延期过（原定整改时限 2026-06-30，现整改时限 2026-09-30）：再次延期须在现整改时限前30天内"
                 "或逾期后申请，即 2026-08-31 起可再次申请延期。")
SEPTEMBER_30 = datetime.date(2026, 9, 30)


def extended_once(item_in, county_a_clerk) -> RectificationItem:
    item = item_in(ItemState.IN_PROGRESS)
    services.rectification_extend_deadline(item=item, actor=county_a_clerk, new_deadline=SEPTEMBER_30,
                                           reason="需提请全委会审议", approval=CITY_APPROVAL)
    return fresh(item)


def extensions_of(item: RectificationItem) -> int:
    return item.transitions.filter(name="extend").count()


def test_an_extended_item_is_not_extended_again_at_once(june, item_in, county_a_clerk):
    item = extended_once(item_in, county_a_clerk)
    rows = AuditLog.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.rectification_extend_deadline(item=item, actor=county_a_clerk, new_deadline=datetime.date(2026, 12, 30),
                                               reason="还需时间", approval=CITY_APPROVAL)
    assert refused.value.message_dict == {"new_deadline": [AGAIN_REFUSED]}
    assert fresh(item).deadline == SEPTEMBER_30 and extensions_of(item) == 1
    assert AuditLog.objects.count() == rows


def test_an_extended_item_is_extended_again_within_a_month_of_its_deadline(june, item_in, county_a_clerk,
                                                                            monkeypatch):
    item = extended_once(item_in, county_a_clerk)
    monkeypatch.setattr("orgwork.common.dates.today", lambda: datetime.date(2026, 8, 31))
    services.rectification_extend_deadline(item=item, actor=county_a_clerk, new_deadline=datetime.date(2026, 12, 31),
                                           reason="制度修订尚待审定", approval=CITY_APPROVAL)
    assert fresh(item).deadline == datetime.date(2026, 12, 31) and extensions_of(item) == 2


def test_an_extended_item_past_its_deadline_is_extended_again(june, item_in, county_a_clerk, monkeypatch):
    item = extended_once(item_in, county_a_clerk)
    monkeypatch.setattr("orgwork.common.dates.today", lambda: datetime.date(2026, 10, 15))
    services.rectification_extend_deadline(item=item, actor=county_a_clerk, new_deadline=datetime.date(2026, 12, 31),
                                           reason="逾期原因已说明", approval=CITY_APPROVAL)
    assert fresh(item).deadline == datetime.date(2026, 12, 31)


def test_the_extend_step_on_the_record_page_says_when_a_further_extension_can_be_applied_for(
        june, item_in, county_a_clerk, client_for: Any):
    item = extended_once(item_in, county_a_clerk)
    response = client_for(county_a_clerk).post(step_url(item, "extend_step"), {
        "new_deadline": "2026-12-30", "reason": "还需时间", "approval": CITY_APPROVAL})
    assert response.status_code == 200 and AGAIN_REFUSED in response.content.decode()
    assert fresh(item).deadline == SEPTEMBER_30 and extensions_of(item) == 1


def test_the_extend_action_refuses_an_item_extended_a_moment_ago(june, item_in, county_a_clerk, client_for: Any):
    item = extended_once(item_in, county_a_clerk)
    response = post_action(client_for(county_a_clerk), "extend_action", [item], apply="1",
                           new_deadline="2026-12-30", reason="还需时间", approval=CITY_APPROVAL)
    assert any(AGAIN_REFUSED in message for message in messages_of(response))
    assert fresh(item).deadline == SEPTEMBER_30 and extensions_of(item) == 1


@pytest.mark.parametrize("approval", ["1", "同意", "市委组织部同意", "2026-3"])
def test_an_approval_that_names_no_unit_and_no_document_is_refused(june, item_in, county_a_clerk, approval):
    item = item_in(ItemState.IN_PROGRESS)
    with pytest.raises(ValidationError) as refused:
        services.rectification_extend_deadline(item=item, actor=county_a_clerk, new_deadline=SEPTEMBER_30,
                                               reason="上级同意延期", approval=approval)
    assert refused.value.message_dict == {"approval": [rules.APPROVAL_INCOMPLETE]}
    assert fresh(item).deadline == JUNE_30 and extensions_of(item) == 0


def test_the_extend_step_and_action_refuse_an_approval_of_one_character_on_their_forms(
        june, item_in, county_a_clerk, client_for: Any):
    item = item_in(ItemState.IN_PROGRESS)
    client = client_for(county_a_clerk)
    data = {"new_deadline": "2026-09-30", "reason": "上级同意延期", "approval": "1"}
    on_page = client.post(step_url(item, "extend_step"), data)
    assert on_page.status_code == 200 and rules.APPROVAL_INCOMPLETE in on_page.content.decode()
    in_batch = post_action(client, "extend_action", [item], apply="1", **data)
    assert not in_batch.redirect_chain and rules.APPROVAL_INCOMPLETE in in_batch.content.decode()
    assert fresh(item).deadline == JUNE_30 and extensions_of(item) == 0


# --- 挂账 by hand needs a 整改时限 ----------------------------------------------------------

def test_an_item_put_on_the_books_by_hand_without_a_deadline_is_refused(city_checklist, tree, city_officer):
    item = RectificationItem(checklist=city_checklist, problem="新发现的问题", responsible_unit=tree["county_a"])
    with pytest.raises(ValidationError) as refused:
        services.rectification_item_create(item=item, actor=city_officer)
    assert refused.value.message_dict == {"deadline": ["请填写整改时限：挂账的问题须有整改时限。"]}
    assert not RectificationItem.objects.exists()


def test_the_add_form_refuses_an_item_without_a_deadline_on_the_form(city_checklist, tree, city_officer,
                                                                     client_for: Any):
    from django.urls import reverse

    data = {"checklist": city_checklist.pk, "problem": "新发现的问题", "responsible_unit": tree["county_a"].pk,
            "responsible_person": "", "lead_leader": "", "measure": "", "deadline": "", "account": "",
            "evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0", "evidence-MIN_NUM_FORMS": "0",
            "evidence-MAX_NUM_FORMS": "1000", "transitions-TOTAL_FORMS": "0", "transitions-INITIAL_FORMS": "0",
            "transitions-MIN_NUM_FORMS": "0", "transitions-MAX_NUM_FORMS": "1000"}
    response = client_for(city_officer).post(reverse("admin:rectification_rectificationitem_add"), data)
    assert response.status_code == 200 and "挂账的问题须有整改时限" in response.content.decode()
    assert not RectificationItem.objects.exists()


def test_a_sheet_row_of_a_new_item_without_a_deadline_is_refused(media, city_checklist, city_officer, tmp_path):
    from .test_import import DOC, errors_of, run, sheet

    path = sheet(tmp_path, [[1, "巡视反馈", DOC, "新问题", "620102", "李华", "", "专项整治", ""]])
    result = run(path, city_officer, commit=True)
    assert not result.committed
    assert "挂账的问题须有整改时限" in str(errors_of(result))
    assert not RectificationItem.objects.exists()
