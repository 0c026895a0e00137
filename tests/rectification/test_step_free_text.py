"""A step's own text — 延期理由, 批准单位及文号, 审核意见 — is refused as any record's free
text is (``orgwork.common.freetext``): only punctuation, unseen characters, a masked or a
whole ID number; and the timeline (整改流转记录) keeps no ID or mobile number, as the
audit trail keeps none."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from orgwork.audit.models import AuditLog
from orgwork.common import freetext
from orgwork.rectification import services
from orgwork.rectification.models import ItemState, ItemTransition, RectificationItem

from .conftest import CITY_APPROVAL
from .test_admin import post_action
from .test_item_page_steps import step_url

pytestmark = pytest.mark.django_db

JUNE_30 = datetime.date(2026, 6, 30)
SEPTEMBER_30 = datetime.date(2026, 9, 30)
ID_NUMBER = "620102198007210036"
MOBILE = "13912345678"


@pytest.fixture
def june(extension_day: datetime.date) -> datetime.date:
    return extension_day


def deadline_of(item: RectificationItem) -> datetime.date:
    return RectificationItem.objects.get(pk=item.pk).deadline


def extend(item: RectificationItem, actor: Any, *, reason: str, approval: str = CITY_APPROVAL) -> RectificationItem:
    return services.rectification_extend_deadline(item=item, actor=actor, new_deadline=SEPTEMBER_30, reason=reason,
                                                  approval=approval)


@pytest.mark.parametrize("reason, approval, field", [
    ("。。。", CITY_APPROVAL, "reason"),
    ("涉及制度修订", "……", "approval"),
    ("\u200b", CITY_APPROVAL, "reason"),
])
def test_an_extension_whose_reason_or_approval_says_nothing_is_refused(june, item_in, county_a_clerk, reason,
                                                                       approval, field):
    item = item_in(ItemState.IN_PROGRESS)
    with pytest.raises(ValidationError) as refused:
        extend(item, county_a_clerk, reason=reason, approval=approval)
    assert list(refused.value.message_dict) == [field]
    assert deadline_of(item) == JUNE_30
    assert not ItemTransition.objects.filter(item=item, name="extend").exists()


@pytest.mark.parametrize("field", ["reason", "approval"])
def test_an_extension_with_a_whole_id_number_in_its_text_is_refused(june, item_in, county_a_clerk, field):
    item = item_in(ItemState.IN_PROGRESS)
    texts = {"reason": "涉及制度修订", "approval": CITY_APPROVAL, field: f"经本人（{ID_NUMBER}）同意"}
    with pytest.raises(ValidationError) as refused:
        extend(item, county_a_clerk, **texts)
    assert refused.value.message_dict[field] == [freetext.WHOLE_ID_NUMBER]
    assert deadline_of(item) == JUNE_30


def test_a_mobile_number_in_an_extension_reason_is_kept_masked_in_the_timeline_and_the_trail(
        june, item_in, county_a_clerk):
    item = item_in(ItemState.IN_PROGRESS)
    extend(item, county_a_clerk, reason=f"待联系人（{MOBILE}）回复")
    note = ItemTransition.objects.get(item=item, name="extend").note
    assert "139****5678" in note and MOBILE not in note
    assert not AuditLog.objects.filter(object_id=str(item.pk), message__contains=MOBILE).exists()
    assert deadline_of(item) == SEPTEMBER_30


def test_a_review_note_with_a_whole_id_number_is_refused(item_in, city_officer):
    item = item_in(ItemState.CLOSURE_REQUESTED)
    with pytest.raises(ValidationError) as refused:
        services.rectification_approve_closure(item=item, actor=city_officer, note=f"经核实 {ID_NUMBER} 已整改")
    assert refused.value.message_dict["note"] == [freetext.WHOLE_ID_NUMBER]
    assert RectificationItem.objects.get(pk=item.pk).state == ItemState.CLOSURE_REQUESTED


def test_the_extend_step_on_the_record_page_refuses_an_approval_of_dots(june, item_in, county_a_clerk, client_for):
    item = item_in(ItemState.IN_PROGRESS)
    page = client_for(county_a_clerk).post(step_url(item, "extend_step"), {
        "new_deadline": "2026-09-30", "reason": "。。。", "approval": "……"})
    assert page.status_code == 200 and freetext.SAYS_NOTHING in page.content.decode()
    assert deadline_of(item) == JUNE_30


def test_the_extend_action_refuses_an_id_number_on_its_form(june, item_in, county_a_clerk, client_for):
    item = item_in(ItemState.IN_PROGRESS)
    page = post_action(client_for(county_a_clerk), "extend_action", [item], apply="1", new_deadline="2026-09-30",
                       reason=f"本人身份证号 {ID_NUMBER}", approval=CITY_APPROVAL)
    assert freetext.WHOLE_ID_NUMBER in page.content.decode()
    assert deadline_of(item) == JUNE_30


def test_the_send_back_step_still_refuses_a_reason_of_dashes(item_in, city_officer, client_for):
    requested = item_in(ItemState.CLOSURE_REQUESTED)
    page = client_for(city_officer).post(step_url(requested, "send_back_step"), {"reason": "——"})
    assert page.status_code == 200 and freetext.SAYS_NOTHING in page.content.decode()
    assert RectificationItem.objects.get(pk=requested.pk).state == ItemState.CLOSURE_REQUESTED


# --- a direction control anywhere in a step's text ----------------------------------------

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: what follows it is drawn backwards


@pytest.mark.parametrize("field", ["reason", "approval"])
def test_an_extension_whose_text_holds_a_direction_control_is_refused(june, item_in, county_a_clerk, field):
    item = item_in(ItemState.IN_PROGRESS)
    texts = {"reason": "涉及制度修订", "approval": CITY_APPROVAL}
    texts[field] = RLO + texts[field]
    with pytest.raises(ValidationError) as refused:
        extend(item, county_a_clerk, **texts)
    assert refused.value.message_dict == {field: [freetext.TURNS_DIRECTION]}
    assert deadline_of(item) == JUNE_30
    assert not ItemTransition.objects.filter(item=item, name="extend").exists()


def test_a_send_back_reason_with_a_direction_control_inside_is_refused(item_in, city_officer):
    item = item_in(ItemState.CLOSURE_REQUESTED)
    with pytest.raises(ValidationError) as refused:
        services.rectification_send_back(item=item, actor=city_officer, reason=f"佐证材料{RLO}不全")
    assert refused.value.message_dict == {"reason": [freetext.TURNS_DIRECTION]}
    assert RectificationItem.objects.get(pk=item.pk).state == ItemState.CLOSURE_REQUESTED


@pytest.mark.parametrize("step, data", [
    ("approve", {"note": f"经核实{RLO}同意"}),
    ("reopen", {"reason": f"{RLO}回头看发现反弹"}),
])
def test_a_review_note_or_look_back_reason_with_a_direction_control_is_refused(item_in, city_officer, step, data):
    item = item_in(ItemState.CLOSURE_REQUESTED if step == "approve" else ItemState.CLOSED)
    state = item.state
    with pytest.raises(ValidationError) as refused:
        services.STEP_SERVICES[step](item=item, actor=city_officer, **data)
    assert refused.value.message_dict == {next(iter(data)): [freetext.TURNS_DIRECTION]}
    assert RectificationItem.objects.get(pk=item.pk).state == state


def test_a_closure_requests_account_with_a_direction_control_is_refused(item_in, county_a_clerk):
    item = item_in(ItemState.IN_PROGRESS)
    with pytest.raises(ValidationError) as refused:
        services.rectification_request_closure(item=item, actor=county_a_clerk, account=f"已整改{RLO}完毕")
    assert refused.value.message_dict == {"account": [freetext.TURNS_DIRECTION]}
    assert RectificationItem.objects.get(pk=item.pk).state == ItemState.IN_PROGRESS


def test_the_extend_step_and_action_refuse_a_direction_control_on_their_forms(june, item_in, county_a_clerk,
                                                                              client_for):
    item = item_in(ItemState.IN_PROGRESS)
    client = client_for(county_a_clerk)
    data = {"new_deadline": "2026-09-30", "reason": RLO + "涉及制度修订", "approval": CITY_APPROVAL}
    on_page = client.post(step_url(item, "extend_step"), data)
    assert on_page.status_code == 200 and freetext.TURNS_DIRECTION in on_page.content.decode()
    in_batch = post_action(client, "extend_action", [item], apply="1", **data)
    assert freetext.TURNS_DIRECTION in in_batch.content.decode()
    assert deadline_of(item) == JUNE_30


def test_timeline_notes_written_before_have_their_numbers_masked_by_the_migration(june, item_in, county_a_clerk):
    import importlib

    from django.apps import apps

    item = item_in(ItemState.IN_PROGRESS)
    extend(item, county_a_clerk, reason="涉及制度修订")
    row = ItemTransition.objects.get(item=item, name="extend")
    # A note as 延期 wrote it before its text was checked and masked.
    ItemTransition.objects.filter(pk=row.pk).update(note=f"理由：本人 {ID_NUMBER}，电话 {MOBILE}")
    migration = importlib.import_module("orgwork.rectification.migrations.0007_timeline_notes_masked")
    migration.mask_notes(apps, None)
    assert ItemTransition.objects.get(pk=row.pk).note == "理由：本人 620102********0036，电话 139****5678"
    assert ItemTransition.objects.get(item=item, name="open").note == ""
