"""The demo step for members: a roster, dues with arrears, every pipeline stage, two
transfers (one overdue, its letter past its validity), one awaiting 确认转出 whose member is
behind with his dues (refused until paid or excepted) and one in from outside the province
with its letter's validity, behind with its dues; a second run adds nothing."""

from __future__ import annotations

import datetime
import io

import pytest

from branches.members import selectors
from branches.members.models import Applicant, Appraisal, AppraisalGrade, DuesRecord, Member, Stage, Transfer
from orgwork.audit.models import AuditLog
from orgwork.rectification.models import RectificationItem
from seeds.demo import DemoContext
from seeds.demo import members as step

from .conftest import SYSTEM

pytestmark = pytest.mark.django_db


def test_the_demo_step_builds_every_stage_and_is_idempotent(orgs):
    ctx = DemoContext(scale="small", stdout=io.StringIO())
    step.build(ctx)
    counts = (Member.objects.count(), DuesRecord.objects.count(), Applicant.objects.count(), Transfer.objects.count(),
              AuditLog.objects.count(), RectificationItem.objects.count(), Appraisal.objects.count())
    assert counts[0] >= step.MEMBERS and counts[1] > step.MEMBERS * 10
    stages = set(Applicant.objects.values_list("stage", flat=True))
    assert stages >= {Stage.APPLIED, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY, Stage.FULL, Stage.CANCELLED}
    (cancelled,) = Applicant.objects.filter(stage=Stage.CANCELLED)
    assert cancelled.vote_on < cancelled.cancel_meeting_on < cancelled.probation_ends_on
    assert selectors.transfers_overdue(SYSTEM).count() == 1
    assert selectors.arrears(SYSTEM).exists() and counts[5] >= 1
    ending = selectors.probation_ending(SYSTEM)
    assert ending.filter(application__isnull=True).exists() and ending.filter(application__isnull=False).exists()
    assert selectors.candidates_missing_checks(SYSTEM).exists()
    assert list(selectors.approvals_pending(SYSTEM).values_list("name", flat=True)) == [step.AWAITING_APPROVAL]
    reminded_by = datetime.date.today() + datetime.timedelta(days=15)  # the default rule's lead
    assert [a.name for a in selectors.approvals_awaited(due_by=reminded_by)] == [step.AWAITING_APPROVAL]
    grades = set(Appraisal.objects.values_list("grade", flat=True))
    assert grades == {AppraisalGrade.EXCELLENT, AppraisalGrade.QUALIFIED, AppraisalGrade.BASIC, AppraisalGrade.UNQUALIFIED}
    assert selectors.corrections_due(SYSTEM).count() == 1 and selectors.disposals_pending(SYSTEM).count() == 1
    (departed,) = Member.objects.filter(status="expelled", status_reason=step.DEPARTED_REASON)
    assert departed.status_changed_on is not None and departed not in selectors.arrears(SYSTEM)
    assert not departed.dues.filter(month__gt=departed.status_changed_on, paid_on__isnull=True).exists()
    assert all(m.branch.unit.path.startswith(orgs["community"].unit.path) for m in Member.objects.select_related("branch__unit"))
    sexes: dict[int, set[str]] = {}
    for branch_id, gender in Member.objects.values_list("branch_id", "gender"):
        sexes.setdefault(branch_id, set()).add(gender)
    assert all(len(found) == 2 for found in sexes.values()), "a demo branch whose members are all one sex"
    roster = [(name, gender) for name, gender in Member.objects.values_list("name", "gender")
              if name[0] in step.SURNAMES]  # not the applicants the pipeline admitted (董欣怡…)
    assert len(roster) >= step.MEMBERS and all(name[1:] in step.GIVEN[gender] for name, gender in roster)
    step.build(DemoContext(scale="small", stdout=io.StringIO()))
    assert (Member.objects.count(), DuesRecord.objects.count(), Applicant.objects.count(), Transfer.objects.count(),
            AuditLog.objects.count(), RectificationItem.objects.count(), Appraisal.objects.count()) == counts


def test_the_demo_dues_sheet_shows_its_two_mistakes_and_pays_three_months_once_fixed(orgs, settings, tmp_path,
                                                                                     county_a_clerk):
    from openpyxl import load_workbook

    from branches.members.resources import DuesPaymentResource
    from orgwork.imports.engine import run_import
    from orgwork.imports.reader import open_sheet

    settings.VAR_DIR = tmp_path
    step.build(DemoContext(scale="small", stdout=io.StringIO()))
    path = tmp_path / "demo-sheets" / step.DUES_SHEET
    result = run_import(DuesPaymentResource, county_a_clerk, open_sheet(str(path), path.name, DuesPaymentResource),
                        commit=True)
    assert [(e.row, e.column) for e in result.errors] == [(3, "姓名"), (4, "姓名"), (4, "月份")]
    assert not result.committed

    book = load_workbook(path)
    sheet = book.active
    sheet["B3"].value, sheet["B4"].value = sheet["B4"].value, sheet["B3"].value
    sheet["C4"].value = sheet["C2"].value
    book.save(path)
    fixed = run_import(DuesPaymentResource, county_a_clerk, open_sheet(str(path), path.name, DuesPaymentResource),
                       commit=True)
    assert fixed.committed and fixed.updated == 3, [(e.row, e.column, e.message) for e in fixed.errors]


def test_the_demo_appraisal_sheet_refuses_its_unqualified_row_and_imports_five_once_fixed(orgs, settings, tmp_path,
                                                                                         county_a_clerk):
    from openpyxl import load_workbook

    from branches.members.resources import AppraisalResource
    from orgwork.imports.engine import run_import
    from orgwork.imports.reader import open_sheet

    settings.VAR_DIR = tmp_path
    step.build(DemoContext(scale="small", stdout=io.StringIO()))
    before = Appraisal.objects.count()
    path = tmp_path / "demo-sheets" / step.APPRAISAL_SHEET
    result = run_import(AppraisalResource, county_a_clerk, open_sheet(str(path), path.name, AppraisalResource),
                        commit=True)
    assert [(e.row, e.column) for e in result.errors] == [(5, "组织处置")], [e.message for e in result.errors]
    assert not result.committed and Appraisal.objects.count() == before

    book = load_workbook(path)
    sheet = book.active
    year, decided = step.appraisal_day()
    sheet["F5"].value = "限期改正"
    sheet["G5"].value = (decided + datetime.timedelta(days=180)).isoformat()
    book.save(path)
    fixed = run_import(AppraisalResource, county_a_clerk, open_sheet(str(path), path.name, AppraisalResource),
                       commit=True)
    assert fixed.committed and fixed.new == 5, [(e.row, e.column, e.message) for e in fixed.errors]
    assert Appraisal.objects.filter(year=year, disposal="correct").count() == 2


def test_the_demo_writes_no_zero_dues_for_employed_members_and_lists_the_one_base_not_yet_filled(orgs):
    step.build(DemoContext(scale="small", stdout=io.StringIO()))
    assert not DuesRecord.objects.filter(member__dues_category="employed", due__lte=0).exists()
    assert [m.name for m in selectors.missing_income_base(SYSTEM)] == [step.BASE_NOT_YET_FILLED]


def test_the_demo_shows_a_letter_past_its_validity_and_a_transfer_in_behind_with_its_dues(orgs):
    from branches.members import rules
    from orgwork.common import dates

    step.build(DemoContext(scale="small", stdout=io.StringIO()))
    issued = Transfer.objects.filter(letter_number__startswith="演示转", sent_on__isnull=False)
    assert set(issued.values_list("valid_days", flat=True)) == {rules.LETTER_VALID_DAYS_DEFAULT}
    assert any(t.state == "in_transit" and t.valid_until < dates.today() for t in issued)
    arrived = Transfer.objects.get(from_branch__isnull=True, letter_number=step.TRANSFER_IN_LETTER[1])
    first = rules.add_months(arrived.dues_paid_to, 1)
    assert first < arrived.received_on.replace(day=1)  # months behind, followed here
    owed = list(arrived.member.dues.filter(paid_on__isnull=True).order_by("month").values_list("month", flat=True))
    assert owed[0] == first and not arrived.member.dues.filter(month__lt=first).exists()


def test_the_demo_registers_its_transfer_in_with_the_letters_validity(orgs):
    from branches.members import rules

    step.build(DemoContext(scale="small", stdout=io.StringIO()))
    arrived = Transfer.objects.get(from_branch__isnull=True, letter_number=step.TRANSFER_IN_LETTER[1])
    assert arrived.valid_days == rules.LETTER_VALID_DAYS_DEFAULT and arrived.valid_until >= arrived.received_on


def test_the_demo_holds_a_letter_refused_for_the_members_unpaid_dues(orgs):
    from django.core.exceptions import ValidationError

    from branches.members import rules, services
    from orgwork.common import dates

    step.build(DemoContext(scale="small", stdout=io.StringIO()))
    pending = Transfer.objects.get(letter_number=step.BEHIND_WITH_DUES_LETTER)
    assert pending.state == "pending" and pending.member.unpaid_months > 0
    with pytest.raises(ValidationError) as refused:
        services.transfer_send(transfer=pending, sent_on=dates.today(), valid_days=rules.LETTER_VALID_DAYS_DEFAULT,
                               actor=SYSTEM)
    assert f"尚有{pending.member.unpaid_months}个月党费未交纳" in refused.value.message_dict["dues_exception"][0]


def test_the_demo_holds_a_letter_received_whose_unpaid_months_its_exception_let_through(orgs):
    step.build(DemoContext(scale="small", stdout=io.StringIO()))
    letter = Transfer.objects.get(letter_number=step.EXCEPTED_LETTER)
    assert (letter.state, letter.dues_exception) == ("received", step.EXCEPTION_REASON)
    excused = DuesRecord.objects.filter(excused_by=letter)
    assert excused.exists() and all(row.paid_on is None and row.branch_id == letter.from_branch_id for row in excused)
    assert letter.member.unpaid_months == DuesRecord.objects.filter(
        member=letter.member, paid_on__isnull=True, excused_by__isnull=True,
        month__lt=datetime.date.today().replace(day=1)).count()
