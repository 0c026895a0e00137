"""A 预备党员's open 发展党员 file follows his relationship: when the receiving side
confirms the transfer (接收组织关系, or 省外转入 of one who left the province with his file
open) the file moves to the receiving branch in the same transaction, with one audit row
of its own, and the transfer's audit row and the step's message say so. The receiving
county can then open the file and take his 转正 or 取消; a closed file stays where it was."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from branches.members import rules, services
from branches.members.models import Applicant, Member, MemberCategory, Stage, Transfer, TransferState
from orgwork.audit.models import AuditLog

from .conftest import SYSTEM, VOTE_COUNT, add_member, days_ago, probationary
from .test_batch_parity import batch
from .test_record_steps import step_url

pytestmark = pytest.mark.django_db


def trail(record: Any) -> Any:
    return AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(type(record)),
                                   object_id=str(record.pk)).order_by("pk")


def sent_to_county_b(orgs: Any, file: Applicant, letter: str = "城组转〔2026〕21号") -> Transfer:
    member = Member.objects.get(pk=file.member_id)
    transfer = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number=letter,
                                       started_on=days_ago(6), actor=SYSTEM)
    return services.transfer_send(transfer=transfer, sent_on=days_ago(5), valid_days=30, actor=SYSTEM)


def test_the_open_file_of_a_probationary_member_follows_him_when_the_receiving_county_confirms(
        orgs, contact, client_for, county_a_clerk, county_b_clerk):
    file = probationary(orgs["community"], contact, vote_days_ago=400, oath=True)
    transfer = sent_to_county_b(orgs, file)
    before = trail(file).count()
    receiving = client_for(county_b_clerk)
    done = receiving.post(step_url(transfer, "receive"), {"day": days_ago(1).isoformat()}, follow=True)
    assert done.status_code == 200 and services.FILE_FOLLOWS in done.content.decode()
    moved = Applicant.objects.get(pk=file.pk)
    assert (moved.branch_id, moved.stage) == (orgs["county_b"].pk, Stage.PROBATIONARY)
    assert moved.member.branch_id == orgs["county_b"].pk
    written = trail(file)[before:]
    assert len(written) == 1 and written[0].actor_id == county_b_clerk.pk
    assert "发展党员档案随之转入" in written[0].message and "城组转〔2026〕21号" in written[0].message
    assert services.FILE_FOLLOWS in trail(transfer).last().message
    # The receiving county opens the file and makes him full; the sending county no longer reaches it.
    assert receiving.get(reverse("admin:members_applicant_change", args=[file.pk])).status_code == 200
    ends = rules.probation_end(file.vote_on)
    add_member(orgs["county_b"], "七里河党员")  # a 正式党员 of the receiving branch votes on the 转正
    assert receiving.post(step_url(file, "make-full"), {"day": ends.isoformat(), "expected": "1", "present": "1",
                                                        "in_favour": "1"}).status_code == 302
    assert Member.objects.get(pk=file.member_id).category == MemberCategory.FULL
    assert client_for(county_a_clerk).get(reverse("admin:members_applicant_change", args=[file.pk])).status_code != 200


def test_a_batch_receipt_moves_the_file_and_says_so(orgs, contact, client_for, county_b_clerk):
    file = probationary(orgs["community"], contact, vote_days_ago=200)
    transfer = sent_to_county_b(orgs, file)
    text = batch(client_for(county_b_clerk), "transfer", "receive", [transfer.pk], day=days_ago(1).isoformat())
    assert services.FILE_FOLLOWS in text, text
    assert Applicant.objects.get(pk=file.pk).branch_id == orgs["county_b"].pk


def test_a_closed_file_stays_with_the_branch_that_closed_it(orgs, contact, county_b_clerk):
    file = probationary(orgs["community"], contact, vote_days_ago=400, oath=True)
    file = services.applicant_make_full(**VOTE_COUNT, applicant=file, decided_on=rules.probation_end(file.vote_on), actor=SYSTEM)
    transfer = sent_to_county_b(orgs, file)
    before = trail(file).count()
    done = services.transfer_receive(transfer=transfer, received_on=days_ago(1), actor=county_b_clerk)
    assert not done.file_followed and services.FILE_FOLLOWS not in trail(transfer).last().message
    assert Applicant.objects.get(pk=file.pk).branch_id == orgs["community"].pk and trail(file).count() == before


def test_a_letter_sent_back_leaves_the_file_where_it_is(orgs, contact, county_b_clerk):
    file = probationary(orgs["community"], contact, vote_days_ago=200)
    transfer = sent_to_county_b(orgs, file)
    services.transfer_return(transfer=transfer, reason="介绍信抬头有误", actor=county_b_clerk)
    assert Applicant.objects.get(pk=file.pk).branch_id == orgs["community"].pk
    assert Transfer.objects.get(pk=transfer.pk).state == TransferState.RETURNED


def test_the_open_file_of_a_member_back_from_outside_the_province_follows_him_to_the_receiving_branch(
        orgs, contact, client_for, county_a_clerk):
    file = probationary(orgs["community"], contact, vote_days_ago=300)
    member = Member.objects.get(pk=file.member_id)
    out = services.transfer_start(member=member, destination="北京市海淀区某街道党工委", letter_number="城组转〔2026〕22号",
                                  started_on=days_ago(60), actor=SYSTEM)
    services.transfer_send(transfer=out, sent_on=days_ago(59), valid_days=30, actor=SYSTEM)
    services.transfer_receive(transfer=out, received_on=days_ago(50), actor=SYSTEM)
    assert Applicant.objects.get(pk=file.pk).branch_id == orgs["community"].pk  # nothing receives it here
    before = trail(file).count()
    done = client_for(county_a_clerk).post(step_url(member, "transfer-in"), {
        "to_branch": orgs["village"].pk, "origin": "北京市海淀区某街道党工委", "letter_number": "京海转〔2026〕41号",
        "sent_on": days_ago(10).isoformat(), "valid_days": "30", "received_on": days_ago(3).isoformat()}, follow=True)
    assert done.status_code == 200 and services.FILE_FOLLOWS in done.content.decode()
    assert Applicant.objects.get(pk=file.pk).branch_id == orgs["village"].pk
    assert trail(file).count() == before + 1 and "发展党员档案随之转入" in trail(file).last().message
    back = Transfer.objects.get(member=member, origin="北京市海淀区某街道党工委")
    assert services.FILE_FOLLOWS in trail(back).last().message


def test_files_left_behind_by_earlier_receipts_follow_their_members_once_with_an_audit_row(orgs, contact):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    left = probationary(orgs["community"], contact, vote_days_ago=200)
    sent_to_county_b(orgs, left)
    services.transfer_receive(transfer=Transfer.objects.get(member_id=left.member_id), received_on=days_ago(1),
                              actor=SYSTEM)
    Applicant.objects.filter(pk=left.pk).update(branch=orgs["community"])  # as a receipt before the file followed
    closed = probationary(orgs["community"], contact, vote_days_ago=400, oath=True)
    services.applicant_make_full(**VOTE_COUNT, applicant=closed, decided_on=rules.probation_end(closed.vote_on), actor=SYSTEM)
    Member.objects.filter(pk=closed.member_id).update(branch=orgs["county_b"])
    before = trail(left).count()
    follow = import_module("branches.members.migrations.0026_open_files_follow_their_members").files_follow
    for _ in range(2):  # a second run finds nothing left
        with connection.schema_editor() as editor:
            follow(apps, editor)
    assert Applicant.objects.get(pk=left.pk).branch_id == orgs["county_b"].pk
    assert Applicant.objects.get(pk=closed.pk).branch_id == orgs["community"].pk  # closed: stays
    written = trail(left)[before:]
    assert len(written) == 1 and written[0].changes == {"branch": [orgs["community"].pk, orgs["county_b"].pk]}
    assert written[0].actor_shown == "系统（发展党员档案随转）" and written[0].unit_path == orgs["county_b"].unit.path
