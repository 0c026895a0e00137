"""The admin: workflow actions with one summary per batch, permission gating, forged ids,
the reason pages, and the checklist changelist's progress columns."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from orgwork.rectification.models import Checklist, ChecklistSource, ItemState, RectificationItem

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:rectification_rectificationitem_changelist"


def post_action(client: Any, action: str, items: list[RectificationItem], **extra: str) -> Any:
    data = {"action": action, "_selected_action": [str(i.pk) for i in items], **extra}
    if "apply" not in extra:
        data["index"] = "0"  # the changelist's own action bar
    return client.post(reverse(CHANGELIST), data, follow=True)


def messages_of(response: Any) -> list[str]:
    """The messages shown on the page the action ended on (reading them uses them up)."""
    return [strip_tags(str(m)) for m in response.context["messages"]]  # a batch's refusals are a list


def state_of(item: RectificationItem) -> str:
    return RectificationItem.objects.get(pk=item.pk).state


def test_starting_a_batch_ends_with_one_summary(item_in, county_a_clerk, client_for):
    items = [item_in(ItemState.ON_BOOKS, problem=f"问题{i}") for i in range(3)]
    response = post_action(client_for(county_a_clerk), "start_action", items)
    assert response.redirect_chain
    assert messages_of(response) == ["开始整改：已办理 3 项。"]
    assert {state_of(i) for i in items} == {ItemState.IN_PROGRESS}


def test_a_mixed_batch_reports_what_was_refused_and_why(item_in, county_a_clerk, client_for):
    ready = item_in(ItemState.ON_BOOKS, problem="待整改")
    done = item_in(ItemState.CLOSED, problem="已销号的问题")
    response = post_action(client_for(county_a_clerk), "start_action", [ready, done])
    [message] = messages_of(response)
    assert message.startswith("开始整改：已办理 1 项，未办理 1 项。「已销号的问题」：不能开始整改：该事项已经销号")
    assert (state_of(ready), state_of(done)) == (ItemState.IN_PROGRESS, ItemState.CLOSED)


def test_sending_back_shows_a_reason_page_and_insists_on_a_reason(item_in, city_officer, client_for):
    item = item_in(ItemState.CLOSURE_REQUESTED)
    client = client_for(city_officer)
    page = post_action(client, "send_back_action", [item])
    assert page.status_code == 200 and not page.redirect_chain
    assert "确认退回" in page.content.decode()
    again = post_action(client, "send_back_action", [item], apply="1", reason="  ")
    assert again.status_code == 200 and not again.redirect_chain
    assert "请填写原因" in again.content.decode() or "这个字段是必填项" in again.content.decode()
    assert state_of(item) == ItemState.CLOSURE_REQUESTED
    done = post_action(client, "send_back_action", [item], apply="1", reason="整改报告未盖章")
    assert done.redirect_chain
    assert messages_of(done) == ["退回：已办理 1 项。"]
    item.refresh_from_db()
    assert (item.state, item.return_reason) == (ItemState.IN_PROGRESS, "整改报告未盖章")


def test_requesting_closure_without_evidence_is_refused_per_item(item_in, county_a_clerk, client_for):
    bare = item_in(ItemState.IN_PROGRESS, problem="无材料")
    client = client_for(county_a_clerk)
    response = post_action(client, "request_closure_action", [bare], apply="1", account="")
    assert messages_of(response) == [
        "申请销号：已办理 0 项，未办理 1 项。「无材料」：申请销号须有佐证材料：请上传附件或填写书面整改情况说明。"]
    response = post_action(client, "request_closure_action", [bare], apply="1", account="已建立台账")
    assert messages_of(response) == ["申请销号：已办理 1 项。"]
    assert state_of(bare) == ItemState.CLOSURE_REQUESTED


def test_the_requester_approving_their_own_request_is_refused_in_the_summary(item_in, county_a_clerk,
                                                                            city_officer, client_for):
    item = item_in(ItemState.CLOSURE_REQUESTED, problem="自审")
    response = post_action(client_for(county_a_clerk), "approve_action", [item], apply="1")
    assert messages_of(response) == [
        "销号：已办理 0 项，未办理 1 项。「自审」：不能销号：审核人不能是销号申请人本人，请由其他同志审核。"]
    response = post_action(client_for(city_officer), "approve_action", [item], apply="1")
    assert messages_of(response) == ["销号：已办理 1 项。"]
    assert state_of(item) == ItemState.CLOSED


def test_reopening_through_the_admin_needs_a_reason(item_in, city_officer, client_for):
    item = item_in(ItemState.CLOSED)
    client = client_for(city_officer)
    assert not post_action(client, "reopen_action", [item], apply="1", reason="").redirect_chain
    response = post_action(client, "reopen_action", [item], apply="1", reason="回头看发现反弹")
    assert messages_of(response) == ["回头看重新挂账：已办理 1 项。"]
    assert state_of(item) == ItemState.REOPENED


def test_a_county_b_clerk_cannot_act_on_county_a_items_with_forged_ids(item_in, county_b_clerk, client_for):
    on_books = item_in(ItemState.ON_BOOKS, problem="城关区问题")
    requested = item_in(ItemState.CLOSURE_REQUESTED, problem="城关区待审")
    client = client_for(county_b_clerk)
    response = post_action(client, "start_action", [on_books])
    assert messages_of(response) == [f"所选记录中有 1 条不在您的管辖范围内或已不在当前列表中（编号 {on_books.pk}），"
                                     "未执行任何操作。请刷新列表后重新选择。"]
    post_action(client, "approve_action", [requested], apply="1")
    post_action(client, "send_back_action", [requested], apply="1", reason="伪造")
    assert (state_of(on_books), state_of(requested)) == (ItemState.ON_BOOKS, ItemState.CLOSURE_REQUESTED)


def test_a_batch_with_an_item_of_another_county_is_refused_whole_not_run_on_the_rest(item_in, county_a_clerk,
                                                                                     client_for, tree):
    ours = item_in(ItemState.ON_BOOKS, problem="城关区问题")
    theirs = item_in(ItemState.ON_BOOKS, problem="七里河区问题", unit=tree["county_b"])
    response = post_action(client_for(county_a_clerk), "start_action", [ours, theirs])
    [message] = messages_of(response)
    assert message.startswith("所选记录中有 1 条不在您的管辖范围内或已不在当前列表中") and "七里河区问题" not in message
    assert (state_of(ours), state_of(theirs)) == (ItemState.ON_BOOKS, ItemState.ON_BOOKS)


def actions_offered(client: Any) -> set[str]:
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    form = response.context["action_form"]  # None when no action is available at all
    return set() if form is None else {name for name, _ in form.fields["action"].choices if name}


def test_actions_are_offered_by_permission(item_in, county_a_clerk, view_only_auditor, make_staff, tree,
                                           client_for):
    from django.contrib.auth.models import Permission

    item_in(ItemState.ON_BOOKS)
    assert actions_offered(client_for(county_a_clerk)) == {
        "start_action", "request_closure_action", "approve_action", "send_back_action", "reopen_action",
        "extend_action"}
    worker = make_staff("worker", tree["county_a"])
    worker.user_permissions.set(Permission.objects.filter(codename__in=[
        "view_rectificationitem", "change_rectificationitem", "request_closure_rectificationitem"]))
    assert actions_offered(client_for(worker)) == {"start_action", "request_closure_action"}
    assert actions_offered(client_for(view_only_auditor)) == set()


def test_an_action_the_user_lacks_is_not_run_even_when_posted(item_in, make_staff, tree, client_for):
    from django.contrib.auth.models import Permission

    item = item_in(ItemState.CLOSURE_REQUESTED)
    worker = make_staff("worker", tree["city"])
    worker.user_permissions.set(Permission.objects.filter(codename__in=[
        "view_rectificationitem", "change_rectificationitem", "request_closure_rectificationitem"]))
    post_action(client_for(worker), "approve_action", [item], apply="1")
    assert state_of(item) == ItemState.CLOSURE_REQUESTED


def test_the_overdue_and_person_filters(item_in, county_a_clerk, client_for):
    import datetime

    late = item_in(ItemState.IN_PROGRESS, problem="逾期的", deadline=datetime.date(2026, 3, 15))
    timely = item_in(ItemState.IN_PROGRESS, problem="未到期", deadline=datetime.date(2099, 1, 1))
    client = client_for(county_a_clerk)
    shown = lambda **q: {o.pk for o in client.get(reverse(CHANGELIST), q).context["cl"].result_list}  # noqa: E731
    assert shown(overdue="yes") == {late.pk}
    assert shown(overdue="no") == {timely.pk}
    assert shown(person="张明") == {late.pk, timely.pk}
    assert shown(person="李四") == set()
    assert shown(source="inspection", state="in_progress") == {late.pk, timely.pk}


def test_checklist_changelist_shows_progress_without_a_query_per_row(item_in, city_officer, client_for, tree):
    item_in(ItemState.CLOSED, problem="已改")
    item_in(ItemState.IN_PROGRESS, problem="在改")
    client = client_for(city_officer)
    url = reverse("admin:rectification_checklist_changelist")
    client.get(url)  # a server's page after the first: the unit filter's choices are kept
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    row = next(c for c in response.context["cl"].result_list if c.document_number == "兰巡反〔2026〕1号")
    assert (row.found, row.rectified, row.rate) == (2, 1, 50.0)
    assert "50.0%" in response.content.decode()
    for n in range(5):
        Checklist.objects.create(source=ChecklistSource.OTHER, title=f"清单{n}", unit=tree["city"], year=2026)
    with CaptureQueriesContext(connection) as six:
        client.get(url)
    assert len(six) == len(one)


def test_items_added_inline_on_a_checklist_are_put_on_the_books(city_checklist, city_officer, client_for, tree):
    url = reverse("admin:rectification_checklist_change", args=[city_checklist.pk])
    client = client_for(city_officer)
    data = {
        "source": city_checklist.source, "title": city_checklist.title,
        "document_number": city_checklist.document_number, "document_date": "2026-03-01",
        "unit": city_checklist.unit_id, "year": "2026",
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-problem": "干部档案审核不严", "items-0-responsible_unit": tree["county_b"].pk,
        "items-0-responsible_person": "赵六", "items-0-lead_leader": "", "items-0-measure": "专项审核",
        "items-0-deadline": "2026-09-30",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    item = RectificationItem.objects.get(problem="干部档案审核不严")
    assert (item.state, item.source, item.created_by) == (ItemState.ON_BOOKS, ChecklistSource.INSPECTION,
                                                          city_officer)
    assert [t.label for t in item.transitions.all()] == ["挂账"]


def test_the_item_changelist_shows_the_progress_of_the_filtered_list(item_in, city_officer, client_for, tree):
    item_in(ItemState.CLOSED, problem="甲")
    item_in(ItemState.IN_PROGRESS, problem="乙")
    item_in(ItemState.ON_BOOKS, problem="丙", unit=tree["county_b"])
    client = client_for(city_officer)
    everything = client.get(reverse(CHANGELIST))
    assert everything.context["cl"].progress["found"] == 3
    assert "发现问题 <strong>3</strong> 个，已整改 <strong>1</strong> 个" in everything.content.decode()
    county_a = client.get(reverse(CHANGELIST), {"unit_tree": "620102"})
    assert (county_a.context["cl"].progress["found"], county_a.context["cl"].progress["rate"]) == (2, 50.0)


def test_the_item_changelist_lets_a_long_checklist_title_wrap(open_item, city_officer, client_for):
    open_item(problem="甲")
    html = client_for(city_officer).get(reverse(CHANGELIST)).content.decode()
    # The checklist's title with its document number may wrap (Django keeps a foreign key
    # on one line), which leaves the item's own problem text room beside it.
    assert '<td class="field-checklist nowrap wrap">市委第一巡察组反馈问题清单（兰巡反〔2026〕1号）</td>' in html, html


def change_form_data(item: RectificationItem, **overrides: Any) -> dict[str, Any]:
    transitions = list(item.transitions.all())
    data = {
        "problem": item.problem, "responsible_unit": item.responsible_unit_id,
        "responsible_person": item.responsible_person, "lead_leader": item.lead_leader, "measure": item.measure,
        "deadline": item.deadline.isoformat() if item.deadline else "", "account": item.account,
        "seen_version": item.version,
        "evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0", "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "1000",
        "transitions-TOTAL_FORMS": str(len(transitions)), "transitions-INITIAL_FORMS": str(len(transitions)),
        "transitions-MIN_NUM_FORMS": "0", "transitions-MAX_NUM_FORMS": "1000",
    }
    for n, t in enumerate(transitions):
        data[f"transitions-{n}-id"] = t.pk
        data[f"transitions-{n}-item"] = item.pk
    data.update(overrides)
    return data


def test_evidence_uploaded_on_the_change_page_is_attributed_and_counts_as_evidence(
        item_in, county_a_clerk, client_for, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    item = item_in(ItemState.IN_PROGRESS)
    url = reverse("admin:rectification_rectificationitem_change", args=[item.pk])
    data = change_form_data(item, **{"evidence-TOTAL_FORMS": "1", "evidence-0-description": "整改报告",
                                     "evidence-0-file": SimpleUploadedFile("报告.pdf", b"%PDF-1.4\n%%EOF\n")})
    response = client_for(county_a_clerk).post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    [evidence] = item.evidence.all()
    assert (evidence.description, evidence.uploaded_by) == ("整改报告", county_a_clerk)
    response = post_action(client_for(county_a_clerk), "request_closure_action", [item], apply="1", account="")
    assert messages_of(response) == ["申请销号：已办理 1 项。"]


def test_evidence_cannot_be_added_on_the_page_once_closure_is_requested(item_in, county_a_clerk, client_for):
    item = item_in(ItemState.CLOSURE_REQUESTED)
    url = reverse("admin:rectification_rectificationitem_change", args=[item.pk])
    page = client_for(county_a_clerk).get(url)
    evidence_formset = next(f for f in page.context["inline_admin_formsets"] if f.opts.model.__name__ == "Evidence")
    assert not evidence_formset.has_add_permission


def test_the_progress_page_counts_each_units_subtree_within_the_users_jurisdiction(item_in, city_officer,
                                                                                   county_a_clerk, client_for):
    item_in(ItemState.CLOSED, problem="甲")
    item_in(ItemState.IN_PROGRESS, problem="乙")
    url = reverse("admin:rectification_progress")
    city = client_for(city_officer).get(url)
    assert {u.code: (u.found, u.rectified) for u in city.context["rows"]} == {
        "6201": (2, 1), "620102": (2, 1), "620103": (0, 0)}
    county = client_for(county_a_clerk).get(url, {"unit": "6201"})  # a unit above: not reachable
    assert [u.code for u in county.context["rows"]] == ["620102", "620102001"]
    assert county.context["parent"] is None


def test_the_progress_page_needs_the_view_permission(non_staff, make_staff, tree, client_for):
    nobody = make_staff("nobody", tree["city"])
    assert client_for(nobody).get(reverse("admin:rectification_progress")).status_code == 403
