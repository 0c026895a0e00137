"""A file kept before a rule was made stricter (集中培训 recorded for an 入党积极分子 not yet
a 发展对象) comes back on the exported sheet as it stands: the re-uploaded row is 未变 and
the sheet goes through. A row that changes such a file is checked by today's rules and
refused with their words."""

from __future__ import annotations

import datetime

import pytest

from branches.members import rules
from branches.members.models import Applicant, Stage
from orgwork.audit.models import AuditLog

from .conftest import add_member, make_id
from .test_applicant_sheet import CONTACT_ID, activist_day, file_row, messages, review_day, run

pytestmark = pytest.mark.django_db
NUMBER = make_id(datetime.date(1991, 6, 2))
AN_ACTIVIST = {"身份证号": NUMBER, "确定为发展对象日期": "", "政治审查完成日期": "", "集中培训天数": "", "公示结束日期": "",
               "支部大会讨论接收日期": "", "上级党委审批日期": "", "入党宣誓日期": ""}


@pytest.fixture(autouse=True)
def contact(orgs):
    return add_member(orgs["community"], "联系人", id_number=CONTACT_ID)


@pytest.fixture
def older_file(tmp_path, orgs, county_a_clerk) -> Applicant:
    """An 入党积极分子 whose file says 3 days of 集中培训, kept before the rule refused that."""
    result = run(tmp_path, file_row(**AN_ACTIVIST), user=county_a_clerk)
    assert result.committed, messages(result)
    Applicant.objects.filter(name="赵明").update(training_days=3)  # as stored before the rule
    return Applicant.objects.get(name="赵明")


def test_the_older_file_uploaded_again_as_it_stands_is_unchanged(tmp_path, older_file, county_a_clerk):
    audits = AuditLog.objects.count()
    result = run(tmp_path, file_row(**{**AN_ACTIVIST, "集中培训天数": "3"}), user=county_a_clerk)
    assert result.committed, messages(result)
    assert (result.unchanged, result.updated, result.new) == (1, 0, 0)
    assert AuditLog.objects.count() == audits
    older_file.refresh_from_db()
    assert (older_file.stage, older_file.training_days) == (Stage.ACTIVIST, 3)


def test_a_row_that_changes_the_older_file_is_checked_by_todays_rules(tmp_path, older_file, county_a_clerk):
    later = rules.add_months(review_day(), 1)
    assert later > activist_day()
    result = run(tmp_path, file_row(**{**AN_ACTIVIST, "集中培训天数": "3", "最近一次培养考察日期": later.isoformat()}),
                 user=county_a_clerk)
    assert not result.committed
    assert ("集中培训天数", "须先确定为发展对象。") in [(e.column, e.message) for e in result.errors]
    older_file.refresh_from_db()
    assert older_file.reviewed_on == review_day()
