"""The rules of an item on the books, on every path (service, record page, checklist inline,
sheet, seeder): content frozen from 申请销号, the deadline moved only by 延期, one audit
row per step, no step without an actor, and 按期 counted by the original deadline."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from orgwork.audit.models import AuditAction, AuditLog
from orgwork.common.contract import SystemActor
from tests.rectification.conftest import CITY_APPROVAL
from orgwork.rectification import rules, services
from orgwork.rectification.models import ItemState, ItemTransition, RectificationItem
from orgwork.rectification.selectors import checklists_with_progress, rectification_progress, rectification_totals
from orgwork.units.models import Unit

from .test_admin import change_form_data, messages_of, post_action
from .test_import import DOC, errors_of, run, sheet

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("extension_day")]

JUNE_30 = datetime.date(2026, 6, 30)
LATER = datetime.date(2026, 9, 30)


def audit_rows(item: RectificationItem) -> Any:
    return AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(RectificationItem),
                                   object_id=str(item.pk))


def fresh(item: RectificationItem) -> RectificationItem:
    return RectificationItem.objects.get(pk=item.pk)


# --- the write contract: one audit row per step, an actor always ------------------------

STEPS = [
    (ItemState.ON_BOOKS, "start", "county_a_clerk", {}),
    (ItemState.IN_PROGRESS, "request_closure", "county_a_clerk", {"account": "已修订议事规则"}),
    (ItemState.CLOSURE_REQUESTED, "approve", "city_officer", {}),
    (ItemState.CLOSURE_REQUESTED, "send_back", "city_officer", {"reason": "缺少会议记录"}),
    (ItemState.CLOSED, "reopen", "city_officer", {"reason": "回头看发现反弹"}),
    (ItemState.IN_PROGRESS, "extend", "county_a_clerk", {"new_deadline": LATER, "reason": "需提请全委会审议",
                                                         "approval": CITY_APPROVAL}),
]


@pytest.mark.parametrize(("state", "step", "who", "args"), STEPS, ids=[s[1] for s in STEPS])
def test_each_step_writes_exactly_one_audit_row_and_one_timeline_row(item_in, personas, state, step, who, args):
    item = item_in(state)
    rows, timeline = audit_rows(item).count(), item.transitions.count()
    services.STEP_SERVICES[step](item=item, actor=personas[who], **args)
    new = list(audit_rows(item).order_by("id")[rows:])
    assert len(new) == 1
    assert new[0].action == AuditAction.TRANSITION and new[0].actor == personas[who]
    assert "updated_at" not in new[0].changes and "version" not in new[0].changes
    assert item.transitions.count() == timeline + 1


def test_opening_an_item_writes_one_audit_row_and_the_first_timeline_entry(open_item, city_officer):
    item = open_item()
    [row] = audit_rows(item)
    assert (row.action, row.message, row.actor) == (AuditAction.TRANSITION, "挂账：— → 挂账", city_officer)
    assert row.changes["problem"] == [None, item.problem] and row.changes["original_deadline"] == [None, "2026-06-30"]
    assert [t.label for t in item.transitions.all()] == ["挂账"]


@pytest.mark.parametrize("nobody", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_no_step_is_taken_without_an_actor(item_in, open_item, tree, nobody):
    item = item_in(ItemState.IN_PROGRESS)
    calls = [
        lambda: services.rectification_start(item=item_in(ItemState.ON_BOOKS, problem="另一事项"), actor=nobody),
        lambda: services.rectification_request_closure(item=item, actor=nobody, account="说明"),
        lambda: services.rectification_extend_deadline(item=item, actor=nobody, new_deadline=LATER, reason="理由"),
        lambda: services.rectification_item_update(item=item, actor=nobody),
        lambda: services.rectification_open_item(unit=tree["county_a"], source="inspection", problem="无人挂账",
                                                 actor=nobody),
    ]
    for call in calls:
        with pytest.raises(ValidationError) as refused:
            call()
        assert refused.value.code == "no_actor"
    assert fresh(item).state == ItemState.IN_PROGRESS
    assert not RectificationItem.objects.filter(problem="无人挂账").exists()


def test_a_system_actor_takes_a_step_and_is_named_in_the_one_audit_row(item_in):
    item = item_in(ItemState.ON_BOOKS)
    services.rectification_start(item=item, actor=SystemActor("rectification_batch"))
    row = audit_rows(item).order_by("-id").first()
    assert (row.actor_id, row.actor_name) == (None, "system:rectification_batch")
    assert item.transitions.order_by("-id").first().actor is None


def test_the_system_cannot_strike_an_item_off_in_a_reviewers_place(item_in):
    item = item_in(ItemState.CLOSURE_REQUESTED)
    with pytest.raises(ValidationError, match="销号须由审核人本人签署"):
        services.rectification_approve_closure(item=item, actor=SystemActor("batch"))
    assert fresh(item).state == ItemState.CLOSURE_REQUESTED


# --- content frozen from 申请销号 ----------------------------------------------------------

@pytest.mark.parametrize("state", [ItemState.CLOSURE_REQUESTED, ItemState.CLOSED])
def test_a_frozen_items_content_cannot_be_changed_through_the_service(item_in, city_officer, state):
    item = item_in(state)
    item.measure = "换一个措施"
    item.responsible_person = "换人"
    with pytest.raises(ValidationError) as refused:
        services.rectification_item_update(item=item, actor=city_officer)
    label = ItemState(state).label
    assert set(refused.value.message_dict) == {"measure", "responsible_person"}
    assert f"当前状态为「{label}」" in refused.value.message_dict["measure"][0]
    stored = fresh(item)
    assert (stored.measure, stored.responsible_person) == ("修订议事规则", "张明")


def test_a_struck_off_items_record_page_reads_without_a_save_and_a_forged_post_changes_nothing(
        item_in, city_officer, client_for):
    item = item_in(ItemState.CLOSED)
    url = reverse("admin:rectification_rectificationitem_change", args=[item.pk])
    client = client_for(city_officer)
    page = client.get(url)
    assert not set(rules.CONTENT_FIELDS) & set(page.context["adminform"].form.fields)
    assert not page.context["has_change_permission"] and 'name="_save"' not in page.content.decode()
    assert reverse("admin:rectification_rectificationitem_reopen_step", args=[item.pk]) in page.content.decode()
    rows = audit_rows(item).count()
    on_time = rectification_totals(RectificationItem.objects.filter(pk=item.pk))["on_time"]
    response = client.post(url, change_form_data(item, deadline="2030-12-31", measure="改了", problem="改了"))
    assert response.status_code == 403
    stored = fresh(item)
    assert (stored.deadline, stored.measure, stored.problem) == (JUNE_30, "修订议事规则", item.problem)
    assert audit_rows(item).count() == rows
    assert rectification_totals(RectificationItem.objects.filter(pk=item.pk))["on_time"] == on_time


def inline_data(checklist: Any, items: list[RectificationItem], **row: Any) -> dict[str, Any]:
    data = {
        "source": checklist.source, "title": checklist.title, "document_number": checklist.document_number,
        "document_date": "2026-03-01", "unit": checklist.unit_id, "year": "2026",
        "items-TOTAL_FORMS": str(len(items)), "items-INITIAL_FORMS": str(len(items)), "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for n, item in enumerate(items):
        values = {"id": item.pk, "checklist": checklist.pk, "problem": item.problem,
                  "responsible_unit": item.responsible_unit_id, "responsible_person": item.responsible_person,
                  "lead_leader": item.lead_leader, "measure": item.measure,
                  "deadline": item.deadline.isoformat() if item.deadline else "", "seen_version": item.version}
        values.update(row if n == 0 else {})
        data.update({f"items-{n}-{key}": value for key, value in values.items()})
    return data


def test_a_checklists_inline_row_cannot_change_an_item_awaiting_sign_off(item_in, city_checklist, city_officer,
                                                                          client_for):
    item = item_in(ItemState.CLOSURE_REQUESTED)
    url = reverse("admin:rectification_checklist_change", args=[city_checklist.pk])
    response = client_for(city_officer).post(url, inline_data(city_checklist, [item], measure="悄悄改措施"))
    assert response.status_code == 200
    assert "当前状态为「申请销号」" in response.content.decode()
    assert fresh(item).measure == "修订议事规则"


def test_a_sheet_cannot_change_a_struck_off_item_but_may_repeat_it_unchanged(tmp_path, item_in, city_officer):
    item = item_in(ItemState.CLOSED)
    same = [1, "巡视反馈", DOC, item.problem, "620102", "张明", "", "修订议事规则", "2026.06.30"]
    unchanged = run(sheet(tmp_path, [same]), city_officer, commit=True)
    assert unchanged.committed and unchanged.unchanged == 1
    changed = run(sheet(tmp_path, [[*same[:7], "另订措施", "2030.12.31"]]), city_officer, commit=True)
    assert not changed.committed
    assert any("当前状态为「已销号」" in message and "回头看" in message for _, _, message in errors_of(changed))
    stored = fresh(item)
    assert (stored.measure, stored.deadline) == ("修订议事规则", JUNE_30)


def test_after_a_look_back_the_item_can_be_edited_again(item_in, city_officer):
    item = item_in(ItemState.REOPENED)
    item.measure = "回头看后补充措施"
    services.rectification_item_update(item=item, actor=city_officer)
    assert fresh(item).measure == "回头看后补充措施"


# --- the deadline moves only by 延期 -------------------------------------------------------

def test_the_record_page_refuses_to_move_a_deadline_and_points_to_extend(item_in, county_a_clerk, client_for):
    item = item_in(ItemState.IN_PROGRESS)
    url = reverse("admin:rectification_rectificationitem_change", args=[item.pk])
    response = client_for(county_a_clerk).post(url, change_form_data(item, deadline="2030-12-31"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["deadline"] == [rules.EXTEND_HINT]
    assert fresh(item).deadline == JUNE_30


def test_the_record_page_saves_an_ordinary_edit_through_the_service_with_one_audit_row(
        item_in, county_a_clerk, client_for):
    item = item_in(ItemState.IN_PROGRESS)
    rows = audit_rows(item).count()
    url = reverse("admin:rectification_rectificationitem_change", args=[item.pk])
    response = client_for(county_a_clerk).post(url, change_form_data(item, measure="修订议事规则并组织学习"))
    assert response.status_code == 302
    [row] = audit_rows(item).order_by("id")[rows:]
    assert (row.action, row.changes) == (AuditAction.UPDATE, {"measure": ["修订议事规则", "修订议事规则并组织学习"]})
    assert fresh(item).version == item.version + 1


def test_a_checklists_inline_row_cannot_move_a_deadline(item_in, city_checklist, city_officer, client_for):
    item = item_in(ItemState.ON_BOOKS)
    url = reverse("admin:rectification_checklist_change", args=[city_checklist.pk])
    response = client_for(city_officer).post(url, inline_data(city_checklist, [item], deadline="2030-12-31"))
    assert response.status_code == 200
    assert rules.EXTEND_HINT in response.content.decode()
    assert fresh(item).deadline == JUNE_30


def test_a_sheet_cannot_move_the_deadline_of_an_existing_item(tmp_path, item_in, city_officer):
    item = item_in(ItemState.IN_PROGRESS)
    path = sheet(tmp_path, [[1, "巡视反馈", DOC, item.problem, "620102", "张明", "", "修订议事规则", "2030.12.31"]])
    result = run(path, city_officer, commit=True)
    assert not result.committed
    assert [(column, message) for _, column, message in errors_of(result)] == [("整改时限", rules.EXTEND_HINT)]
    assert fresh(item).deadline == JUNE_30


def without_deadline(item: RectificationItem) -> RectificationItem:
    """An item put on the books before every item had to carry a 整改时限."""
    RectificationItem.objects.filter(pk=item.pk).update(deadline=None, original_deadline=None)
    return fresh(item)


def test_a_sheet_puts_new_items_on_the_books_with_their_original_deadline_and_may_give_one_a_first_deadline(
        tmp_path, item_in, city_checklist, city_officer):
    bare = without_deadline(item_in(ItemState.ON_BOOKS, problem="未定时限"))
    path = sheet(tmp_path, [
        [1, "巡视反馈", DOC, "新问题", "620102", "李华", "", "专项整治", "2026.08.31"],
        [2, "巡视反馈", DOC, "未定时限", "620102", "张明", "", "修订议事规则", "2026.07.31"],
    ])
    result = run(path, city_officer, commit=True)
    assert (result.committed, result.new, result.updated) == (True, 1, 1)
    new = RectificationItem.objects.get(problem="新问题")
    assert (new.deadline, new.original_deadline, new.state) == (datetime.date(2026, 8, 31),) * 2 + (ItemState.ON_BOOKS,)
    assert audit_rows(new).count() == 1  # the engine's row; the timeline gets its 挂账 entry
    assert [t.label for t in new.transitions.all()] == ["挂账"]
    bare.refresh_from_db()
    assert bare.deadline == bare.original_deadline == datetime.date(2026, 7, 31)


@pytest.mark.parametrize(("new_deadline", "reason", "field", "message"), [
    (LATER, "  ", "reason", "延期须填写原因。"),
    (datetime.date(2026, 6, 1), "来不及", "new_deadline", "延期后的整改时限须晚于现整改时限 2026-06-30。"),
    (JUNE_30, "来不及", "new_deadline", "延期后的整改时限须晚于现整改时限 2026-06-30。"),
])
def test_an_extension_needs_a_reason_and_a_later_date(item_in, county_a_clerk, new_deadline, reason, field, message):
    item = item_in(ItemState.IN_PROGRESS)
    with pytest.raises(ValidationError) as refused:
        services.rectification_extend_deadline(item=item, actor=county_a_clerk, new_deadline=new_deadline,
                                               reason=reason)
    assert refused.value.message_dict == {field: [message]}
    assert fresh(item).deadline == JUNE_30


def test_an_extension_keeps_the_original_deadline_and_tells_the_timeline_why(item_in, county_a_clerk):
    item = item_in(ItemState.IN_PROGRESS)
    services.rectification_extend_deadline(item=item, actor=county_a_clerk, new_deadline=LATER,
                                           reason="需提请全委会审议", approval=CITY_APPROVAL)
    stored = fresh(item)
    assert (stored.deadline, stored.original_deadline, stored.state, stored.is_extended) == (
        LATER, JUNE_30, ItemState.IN_PROGRESS, True)
    last = stored.transitions.order_by("-id").first()
    assert (last.label, last.actor) == ("延期", county_a_clerk)
    assert last.note == f"整改时限由 2026-06-30 延至 2026-09-30，理由：需提请全委会审议；批准：{CITY_APPROVAL}"
    row = audit_rows(item).order_by("-id").first()
    assert row.changes == {"deadline": ["2026-06-30", "2026-09-30"]} and "需提请全委会审议" in row.message


@pytest.mark.parametrize("state", [ItemState.CLOSURE_REQUESTED, ItemState.CLOSED])
def test_a_frozen_item_cannot_be_extended(item_in, county_a_clerk, state):
    item = item_in(state)
    with pytest.raises(ValidationError, match="不能延期"):
        services.rectification_extend_deadline(item=item, actor=county_a_clerk, new_deadline=LATER, reason="来不及")


def test_the_extend_action_moves_the_deadline_with_a_reason(item_in, county_a_clerk, client_for):
    item = item_in(ItemState.IN_PROGRESS)
    client = client_for(county_a_clerk)
    page = post_action(client, "extend_action", [item])
    assert "确认延期" in page.content.decode()
    refused = post_action(client, "extend_action", [item], apply="1", new_deadline="2026-09-30", reason=" ")
    assert not refused.redirect_chain and fresh(item).deadline == JUNE_30
    done = post_action(client, "extend_action", [item], apply="1", new_deadline="2026-09-30", reason="需提请全委会审议",
                       approval=CITY_APPROVAL)
    assert messages_of(done) == ["延期：已办理 1 项。"]
    assert (fresh(item).deadline, fresh(item).original_deadline) == (LATER, JUNE_30)


def test_the_database_refuses_a_deadline_before_the_original(item_in):
    item = item_in(ItemState.IN_PROGRESS)
    with pytest.raises(IntegrityError), transaction.atomic():
        RectificationItem.objects.filter(pk=item.pk).update(deadline=datetime.date(2026, 5, 1))


# --- 按期整改 by the original deadline, 延期 counted apart -------------------------------

def test_an_item_closed_after_its_original_deadline_is_not_on_time_however_far_it_was_extended(
        item_in, county_a_clerk, city_officer, city_checklist, tree):
    punctual = item_in(ItemState.CLOSED, problem="按期销号", deadline=datetime.date(2099, 1, 1))
    late = item_in(ItemState.IN_PROGRESS, problem="延期后销号", deadline=datetime.date(2026, 4, 30))
    services.rectification_extend_deadline(item=late, actor=county_a_clerk, new_deadline=datetime.date(2026, 11, 30),
                                           reason="需上级审批", approval=CITY_APPROVAL)
    services.rectification_request_closure(item=late, actor=county_a_clerk, account="已完成")
    services.rectification_approve_closure(item=late, actor=city_officer)
    row = checklists_with_progress().get(pk=city_checklist.pk)
    assert (row.found, row.rectified, row.on_time, row.extended) == (2, 2, 1, 1)
    totals = rectification_totals(RectificationItem.objects.filter(pk__in=[punctual.pk, late.pk]))
    assert (totals["on_time"], totals["extended"], totals["overdue"]) == (1, 1, 0)
    [county] = rectification_progress(units=Unit.objects.filter(pk=tree["county_a"].pk))
    assert (county.on_time, county.extended) == (1, 1)


def test_the_progress_page_and_the_dashboard_show_the_extended_items(item_in, county_a_clerk, city_officer,
                                                                     client_for):
    from orgwork import dashboard

    item = item_in(ItemState.IN_PROGRESS)
    services.rectification_extend_deadline(item=item, actor=county_a_clerk, new_deadline=LATER, reason="需审议",
                                           approval=CITY_APPROVAL)
    page = client_for(city_officer).get(reverse("admin:rectification_progress"))
    assert "延期事项" in page.content.decode()
    assert {u.code: u.extended for u in page.context["rows"]}["620102"] == 1
    data = dashboard.get("rectification_progress").compute(city_officer)
    extended = next(s for s in data.series if s.name == "延期")
    assert dict(zip(data.labels, extended.values))["城关区"] == 1
    listed = client_for(city_officer).get(extended.link(data.labels.index("城关区")))
    assert [o.pk for o in listed.context["cl"].result_list] == [item.pk]


# --- the record page offers no delete -----------------------------------------------------

def test_an_item_on_the_books_cannot_be_deleted_from_its_page_or_the_list(item_in, city_officer, client_for):
    item = item_in(ItemState.ON_BOOKS)
    client = client_for(city_officer)
    page = client.get(reverse("admin:rectification_rectificationitem_change", args=[item.pk]))
    assert page.context["has_delete_permission"] is False
    assert client.post(reverse("admin:rectification_rectificationitem_delete", args=[item.pk]),
                       {"post": "yes"}).status_code == 403
    actions = client.get(reverse("admin:rectification_rectificationitem_changelist")).context["action_form"]
    assert "delete_selected" not in {name for name, _ in actions.fields["action"].choices}
    assert RectificationItem.objects.filter(pk=item.pk).exists()


# --- opening by hand: the original deadline is kept on every path -------------------------

def test_an_item_added_on_its_own_page_is_put_on_the_books_with_its_original_deadline(
        city_checklist, city_officer, client_for, tree):
    url = reverse("admin:rectification_rectificationitem_add")
    response = client_for(city_officer).post(url, {
        "checklist": city_checklist.pk, "problem": "谈心谈话不经常", "responsible_unit": tree["county_a"].pk,
        "responsible_person": "王五", "lead_leader": "", "measure": "建立谈心谈话制度", "deadline": "2026-10-31",
        "account": "",
        "evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0", "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "1000",
        "transitions-TOTAL_FORMS": "0", "transitions-INITIAL_FORMS": "0", "transitions-MIN_NUM_FORMS": "0",
        "transitions-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 302, response.context["errors"] if response.context else response
    item = RectificationItem.objects.get(problem="谈心谈话不经常")
    assert (item.state, item.original_deadline, item.created_by) == (ItemState.ON_BOOKS, datetime.date(2026, 10, 31),
                                                                     city_officer)
    assert audit_rows(item).count() == 1


def test_an_item_added_on_a_checklists_inline_row_keeps_its_original_deadline(city_checklist, city_officer,
                                                                              client_for, tree):
    data = inline_data(city_checklist, [])
    data.update({"items-TOTAL_FORMS": "1", "items-0-problem": "发展党员程序不规范",
                 "items-0-responsible_unit": tree["county_b"].pk, "items-0-deadline": "2026-11-30"})
    response = client_for(city_officer).post(reverse("admin:rectification_checklist_change",
                                                     args=[city_checklist.pk]), data)
    assert response.status_code == 302
    item = RectificationItem.objects.get(problem="发展党员程序不规范")
    assert item.original_deadline == item.deadline == datetime.date(2026, 11, 30)


def test_an_item_without_a_deadline_may_be_given_one_on_its_page(item_in, county_a_clerk, client_for):
    item = without_deadline(item_in(ItemState.ON_BOOKS, problem="待定时限"))
    url = reverse("admin:rectification_rectificationitem_change", args=[item.pk])
    response = client_for(county_a_clerk).post(url, change_form_data(item, deadline="2026-12-31"))
    assert response.status_code == 302
    stored = fresh(item)
    assert stored.deadline == stored.original_deadline == datetime.date(2026, 12, 31)
    assert not stored.is_extended


def test_a_clerk_cannot_edit_an_item_of_another_county_through_the_service(item_in, county_b_clerk):
    item = item_in(ItemState.ON_BOOKS)
    item.measure = "越权修改"
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        services.rectification_item_update(item=item, actor=county_b_clerk)
    assert fresh(item).measure == "修订议事规则"


def test_the_edit_service_refuses_to_move_a_deadline(item_in, county_a_clerk):
    item = item_in(ItemState.IN_PROGRESS)
    item.deadline = datetime.date(2030, 12, 31)
    with pytest.raises(ValidationError) as refused:
        services.rectification_item_update(item=item, actor=county_a_clerk)
    assert refused.value.message_dict == {"deadline": [rules.EXTEND_HINT]}
    assert fresh(item).deadline == JUNE_30


def test_the_extend_action_refuses_an_item_awaiting_sign_off_in_its_summary(item_in, county_a_clerk, client_for):
    item = item_in(ItemState.CLOSURE_REQUESTED, problem="待审事项")
    response = post_action(client_for(county_a_clerk), "extend_action", [item], apply="1",
                           new_deadline="2026-09-30", reason="来不及")
    [message] = messages_of(response)
    assert message.startswith("延期：已办理 0 项，未办理 1 项。「待审事项」：不能延期：该事项已申请销号")
    assert fresh(item).deadline == JUNE_30


def test_a_new_request_after_a_return_starts_a_new_review(item_in, personas):
    """The page showed the previous round's 审核人, 审核时间 and 退回原因 beside a fresh
    申请销号, so the item looked reviewed already."""
    item = item_in(ItemState.CLOSURE_REQUESTED)
    services.STEP_SERVICES["send_back"](item=item, actor=personas["city_officer"], reason="缺少会议记录")
    returned = fresh(item)
    assert returned.reviewed_by == personas["city_officer"] and returned.return_reason == "缺少会议记录"
    services.STEP_SERVICES["request_closure"](item=returned, actor=personas["county_a_clerk"], account="补充会议记录")
    again = fresh(item)
    assert again.state == ItemState.CLOSURE_REQUESTED
    assert (again.reviewed_by, again.reviewed_at, again.return_reason) == (None, None, "")
    assert audit_rows(item).filter(changes__has_key="return_reason").exists()  # the trail keeps the round before
