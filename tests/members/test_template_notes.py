"""What each members template's 填写说明 says of a column is what its import does with it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from branches.members.resources import DuesPaymentResource
from orgwork.imports.exporting import SHOWN_ONLY_NOTE

from .conftest import run_sheet as run
from .conftest import sheet_messages as messages

pytestmark = pytest.mark.django_db


def template_notes(client: Any, slug: str) -> tuple[dict[str, str], dict[str, str]]:
    """(填写说明 column → its note, header → its comment) of the downloaded template."""
    answer = client.get(reverse("admin:imports_importjob_template", args=[slug]))
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    notes = {row[0]: row[2] or "" for row in book["填写说明"].iter_rows(min_row=2, values_only=True) if row and row[0]}
    comments = {c.value: c.comment.text if c.comment else "" for c in book.worksheets[0][1]}
    return notes, comments


def test_the_dues_template_says_the_name_is_checked_against_the_member_of_the_id_number(
        tmp_path, orgs, member, client_for, county_a_clerk):
    """The import refuses a row whose 姓名 is not the member's: the template may not call
    the column 仅供查看，导入时不读取."""
    month = member.joined_on  # a month not generated: the name is checked all the same
    notes, comments = template_notes(client_for(county_a_clerk), "members_dues")
    assert notes["姓名"] != SHOWN_ONLY_NOTE and "须是系统中该身份证号的党员的姓名" in notes["姓名"]
    assert "不一致的行不导入" in notes["姓名"] and "不一致的行不导入" in comments["姓名"]
    assert notes["应交金额（元）"] == SHOWN_ONLY_NOTE
    result = run(tmp_path, [["身份证号", "姓名", "月份", "实交金额（元）", "交纳日期"],
                            [member.id_number, "李四", f"{month:%Y-%m}", "20.00", ""]],
                 DuesPaymentResource, county_a_clerk)
    assert not result.committed and "2:姓名:姓名与系统中该身份证号的党员不一致" in messages(result)


def test_the_appraisals_template_says_the_name_is_checked_as_its_import_does(client_for, county_a_clerk, orgs):
    notes, _ = template_notes(client_for(county_a_clerk), "members_appraisals")
    assert "须是系统中该身份证号的党员的姓名" in notes["姓名"]
    assert notes["期满评定结果"] == SHOWN_ONLY_NOTE


def test_the_roster_and_applicant_templates_say_a_name_or_branch_on_file_is_not_changed_by_the_sheet(
        client_for, county_a_clerk, orgs):
    notes, _ = template_notes(client_for(county_a_clerk), "members_roster")
    assert "须与系统中该身份证号的党员的姓名一致" in notes["姓名"]
    assert "组织关系转接" in notes["党支部代码"]
    assert [h for h, note in notes.items() if note == SHOWN_ONLY_NOTE] == ["党籍状态", "党籍状态变更日期",
                                                                          "党籍状态变更原因或依据"]
    notes, _ = template_notes(client_for(county_a_clerk), "members_applicants")
    assert "须与系统中该身份证号的申请人的姓名一致" in notes["姓名"]
    assert "组织关系转接" in notes["党支部代码"]
    assert [h for h, note in notes.items() if note == SHOWN_ONLY_NOTE] == ["发展阶段"]
