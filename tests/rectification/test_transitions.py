"""挂账销号 transitions: the full matrix, the evidence and reviewer rules, reopen, audit rows."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from orgwork.audit.models import AuditAction, AuditLog
from tests.rectification.conftest import CITY_APPROVAL
from orgwork.rectification import services
from orgwork.rectification import transitions as T
from orgwork.rectification.models import ItemState, ItemTransition, RectificationItem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("extension_day")]

STEP_ARGS = {
    "start": {},
    "request_closure": {"account": "已整改完毕，附整改报告。"},
    "approve": {},
    "send_back": {"reason": "佐证材料不足"},
    "reopen": {"reason": "回头看发现问题反弹"},
    "extend": {"new_deadline": datetime.date(2026, 12, 30), "reason": "涉及制度修订，需提请全委会审议",
               "approval": CITY_APPROVAL},
}
# Who takes each step in the matrix: county A works on the item, the city reviews it.
STEP_ACTOR = {"start": "county_a_clerk", "request_closure": "county_a_clerk", "approve": "city_officer",
              "send_back": "city_officer", "reopen": "city_officer", "extend": "county_a_clerk"}

MATRIX = [(state, name) for state in ItemState.values for name in T.TRANSITIONS]


@pytest.mark.parametrize(("state", "step"), MATRIX, ids=[f"{s}-{n}" for s, n in MATRIX])
def test_every_step_works_from_the_states_the_table_allows_and_is_refused_from_every_other(
        state, step, item_in, personas):
    item = item_in(state)
    transition = T.TRANSITIONS[step]
    actor = personas[STEP_ACTOR[step]]
    version = item.version
    run = services.STEP_SERVICES[step]
    if state in transition.sources:
        result = run(item=item, actor=actor, **STEP_ARGS[step])
        item.refresh_from_db()
        assert item.state == transition.target_from(state) == result.state
        assert item.version == version + 1
    else:
        with pytest.raises(ValidationError) as refused:
            run(item=item, actor=actor, **STEP_ARGS[step])
        assert refused.value.message_dict["state"] == [T.refusal(transition, state)]
        assert f"当前状态「{ItemState(state).label}」" in refused.value.message_dict["state"][0]
        item.refresh_from_db()
        assert (item.state, item.version) == (state, version)


def test_the_refusal_message_says_why_in_chinese():
    assert T.refusal(T.APPROVE, ItemState.IN_PROGRESS) == (
        "不能销号：该事项正在整改，尚未申请销号（当前状态「整改中」），只有「申请销号」状态的事项可以销号。")
    assert T.refusal(T.REOPEN, ItemState.ON_BOOKS).startswith("不能回头看重新挂账：该事项尚未开始整改")


def test_closure_cannot_be_requested_without_an_attachment_or_a_written_account(item_in, county_a_clerk):
    item = item_in(ItemState.IN_PROGRESS)
    with pytest.raises(ValidationError) as refused:
        services.rectification_request_closure(item=item, actor=county_a_clerk, account="   ")
    assert refused.value.message_dict == {"account": ["申请销号须有佐证材料：请上传附件或填写书面整改情况说明。"]}
    item.refresh_from_db()
    assert item.state == ItemState.IN_PROGRESS


def test_a_written_account_is_enough_evidence_and_is_kept(item_in, county_a_clerk):
    item = item_in(ItemState.IN_PROGRESS)
    services.rectification_request_closure(item=item, actor=county_a_clerk, account="已召开专题会议研究整改。")
    item.refresh_from_db()
    assert item.state == ItemState.CLOSURE_REQUESTED
    assert item.account == "已召开专题会议研究整改。"
    assert item.requested_by == county_a_clerk and item.requested_at is not None


def test_an_attachment_is_enough_evidence(item_in, county_a_clerk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = item_in(ItemState.IN_PROGRESS)
    services.rectification_add_evidence(item=item, actor=county_a_clerk, description="整改报告",
                                        file=SimpleUploadedFile("报告.pdf", b"%PDF-1.4 report\n%%EOF\n"))
    services.rectification_request_closure(item=item, actor=county_a_clerk)
    item.refresh_from_db()
    assert item.state == ItemState.CLOSURE_REQUESTED
    assert item.account == ""
    assert [e.description for e in item.evidence.all()] == ["整改报告"]


def test_evidence_cannot_be_added_once_closure_is_requested(item_in, county_a_clerk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = item_in(ItemState.CLOSURE_REQUESTED)
    with pytest.raises(ValidationError, match="不能再添加佐证材料"):
        services.rectification_add_evidence(item=item, actor=county_a_clerk,
                                            file=SimpleUploadedFile("a.pdf", b"x"))


def test_the_requester_cannot_strike_off_their_own_item(item_in, open_item, city_officer, county_a_clerk):
    item = item_in(ItemState.IN_PROGRESS)
    services.rectification_request_closure(item=item, actor=city_officer, account="市里代为申请")
    with pytest.raises(ValidationError) as refused:
        services.rectification_approve_closure(item=item, actor=city_officer)
    assert refused.value.message_dict == {"reviewed_by": ["不能销号：审核人不能是销号申请人本人，请由其他同志审核。"]}
    item.refresh_from_db()
    assert item.state == ItemState.CLOSURE_REQUESTED and item.reviewed_by is None


def test_another_reviewer_strikes_the_item_off(item_in, city_officer, county_a_clerk):
    item = item_in(ItemState.CLOSURE_REQUESTED)
    services.rectification_approve_closure(item=item, actor=city_officer)
    item.refresh_from_db()
    assert item.state == ItemState.CLOSED
    assert (item.requested_by, item.reviewed_by) == (county_a_clerk, city_officer)
    assert item.closed_at is not None


@pytest.mark.parametrize("reason", ["", "   "])
def test_sending_back_needs_a_reason(item_in, city_officer, reason):
    item = item_in(ItemState.CLOSURE_REQUESTED)
    with pytest.raises(ValidationError) as refused:
        services.rectification_send_back(item=item, actor=city_officer, reason=reason)
    assert refused.value.message_dict == {"reason": ["退回须填写原因。"]}


@pytest.mark.parametrize("reason", ["无", "N/A"])
def test_sending_back_on_a_word_that_stands_for_none_is_refused(item_in, city_officer, reason):
    item = item_in(ItemState.CLOSURE_REQUESTED)
    with pytest.raises(ValidationError) as refused:
        services.rectification_send_back(item=item, actor=city_officer, reason=reason)
    assert refused.value.message_dict == {"reason": [f"退回须写明原因：「{reason}」不是原因。"]}
    item.refresh_from_db()
    assert item.state == ItemState.CLOSURE_REQUESTED


def test_a_sent_back_item_returns_to_work_with_the_reason(item_in, city_officer, county_a_clerk):
    item = item_in(ItemState.CLOSURE_REQUESTED)
    services.rectification_send_back(item=item, actor=city_officer, reason="缺少会议记录")
    item.refresh_from_db()
    assert item.state == ItemState.IN_PROGRESS
    assert item.return_reason == "缺少会议记录"
    # and the clerk may request again
    services.rectification_request_closure(item=item, actor=county_a_clerk, account="补充会议记录")
    assert item.state == ItemState.CLOSURE_REQUESTED


@pytest.mark.parametrize("reason", ["", "  "])
def test_reopening_needs_a_reason(item_in, city_officer, reason):
    item = item_in(ItemState.CLOSED)
    with pytest.raises(ValidationError) as refused:
        services.rectification_reopen(item=item, actor=city_officer, reason=reason)
    assert refused.value.message_dict == {"reason": ["重新挂账须填写原因。"]}
    item.refresh_from_db()
    assert item.state == ItemState.CLOSED


def test_a_look_back_reopens_a_struck_off_item_and_work_starts_again(item_in, city_officer, county_a_clerk):
    item = item_in(ItemState.CLOSED)
    services.rectification_reopen(item=item, actor=city_officer, reason="回头看发现制度未落实")
    item.refresh_from_db()
    assert item.state == ItemState.REOPENED
    assert (item.reopen_reason, item.reopen_count, item.closed_at) == ("回头看发现制度未落实", 1, None)
    services.rectification_start(item=item, actor=county_a_clerk)
    services.rectification_request_closure(item=item, actor=county_a_clerk, account="再次整改")
    services.rectification_approve_closure(item=item, actor=city_officer)
    item.refresh_from_db()
    assert item.state == ItemState.CLOSED and item.reopen_count == 1


def test_every_transition_is_in_the_audit_log_with_actor_and_time(item_in, city_officer, county_a_clerk):
    item = item_in(ItemState.REOPENED)
    rows = list(AuditLog.objects.filter(action=AuditAction.TRANSITION, object_id=str(item.pk)).order_by("at", "id"))
    assert [(r.message.split("：")[0], r.actor) for r in rows] == [
        ("挂账", city_officer), ("开始整改", county_a_clerk), ("申请销号", county_a_clerk),
        ("销号", city_officer), ("回头看重新挂账", city_officer)]
    assert all(r.at is not None and r.unit_path == "62/6201/620102/" for r in rows)
    assert rows[-1].changes["state"] == [ItemState.CLOSED, ItemState.REOPENED]
    assert "回头看发现问题反弹" in rows[-1].message
    timeline = [(t.from_state, t.to_state) for t in ItemTransition.objects.filter(item=item)]
    assert timeline == [("", "on_books"), ("on_books", "in_progress"), ("in_progress", "closure_requested"),
                        ("closure_requested", "closed"), ("closed", "reopened")]


def test_a_refused_transition_leaves_no_audit_row(item_in, city_officer):
    item = item_in(ItemState.ON_BOOKS)
    before = AuditLog.objects.filter(object_id=str(item.pk)).count()
    with pytest.raises(ValidationError):
        services.rectification_approve_closure(item=item, actor=city_officer)
    assert AuditLog.objects.filter(object_id=str(item.pk)).count() == before


def test_a_user_without_the_approval_permission_cannot_strike_off(item_in, make_staff, tree):
    item = item_in(ItemState.CLOSURE_REQUESTED)
    worker = make_staff("worker", tree["city"])
    worker.user_permissions.set(Permission.objects.filter(
        codename__in=["view_rectificationitem", "change_rectificationitem", "request_closure_rectificationitem"]))
    with pytest.raises(ValidationError, match="您没有「销号」的权限"):
        services.rectification_approve_closure(item=item, actor=worker)


def test_a_clerk_cannot_move_an_item_outside_their_jurisdiction(item_in, county_b_clerk):
    item = item_in(ItemState.ON_BOOKS)
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        services.rectification_start(item=item, actor=county_b_clerk)
    assert RectificationItem.objects.get(pk=item.pk).state == ItemState.ON_BOOKS
