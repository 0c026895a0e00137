"""The applicants' sheet's 培养考察 column may carry every 考察 held since the 积极分子
designation in one cell (2022-08-20、2023-02-15): the half-yearly rule is checked through
all of them, as on the page through the 考察记录, each becomes a 考察记录, and the file's
最近一次培养考察日期 is the latest. A file whose 考察 were held every half year is no
longer refused for want of a false 考察逾期原因."""

from __future__ import annotations

import datetime

import pytest

from branches.members import rules
from branches.members.models import ActivistReview, Applicant
from orgwork.audit.models import AuditLog

from .conftest import add_member
from .test_applicant_sheet import CONTACT_ID, activist_day, candidate_day, file_row, run

pytestmark = pytest.mark.django_db
COLUMN = "最近一次培养考察日期"


def first_review_day() -> datetime.date:
    return rules.add_months(activist_day(), 5)


def second_review_day() -> datetime.date:
    return rules.add_months(activist_day(), 10)


@pytest.fixture(autouse=True)
def contact(orgs):
    return add_member(orgs["community"], "联系人", id_number=CONTACT_ID)


def errors(result) -> list[tuple[str, str]]:
    return [(e.column, e.message) for e in result.errors]


def test_every_review_of_the_cell_counts_and_becomes_a_review_record(tmp_path, orgs, county_a_clerk):
    audits = AuditLog.objects.count()
    result = run(tmp_path, file_row(**{COLUMN: f"{first_review_day():%Y-%m-%d}、{second_review_day():%Y-%m-%d}"}), user=county_a_clerk)
    assert result.committed, errors(result)
    file = Applicant.objects.get(name="赵明")
    assert (file.reviewed_on, file.review_late_reason) == (second_review_day(), "")
    assert sorted(ActivistReview.objects.filter(applicant=file).values_list("reviewed_on", flat=True)) == [first_review_day(), second_review_day()]
    assert AuditLog.objects.filter(message="发展党员表登记的培养考察").count() == 2 and AuditLog.objects.count() > audits
    again = run(tmp_path, file_row(**{COLUMN: f"{first_review_day():%Y-%m-%d}、{second_review_day():%Y-%m-%d}"}), user=county_a_clerk)
    assert again.committed and ActivistReview.objects.filter(applicant=file).count() == 2


def test_the_latest_review_alone_still_shows_the_stretch_without_one(tmp_path, orgs, county_a_clerk):
    result = run(tmp_path, file_row(**{COLUMN: f"{second_review_day():%Y-%m-%d}"}), user=county_a_clerk)
    assert not result.committed
    assert [c for c, _ in errors(result)] == ["确定为发展对象日期"] and "超过六个月没有考察记录" in errors(result)[0][1]


def test_a_stretch_of_more_than_six_months_between_the_cells_dates_is_refused(tmp_path, orgs, county_a_clerk):
    early = rules.add_months(activist_day(), 2)
    result = run(tmp_path, file_row(**{COLUMN: f"{early:%Y-%m-%d}，{second_review_day():%Y-%m-%d}"}), user=county_a_clerk)
    assert not result.committed
    assert errors(result) == [("确定为发展对象日期", rules.review_gap_error(activist_day(), [early, second_review_day()], candidate_day(), ""))]
    assert not Applicant.objects.exists() and not ActivistReview.objects.exists()


def test_a_date_of_the_cell_before_the_designation_is_refused(tmp_path, orgs, county_a_clerk):
    before = rules.add_months(activist_day(), -1)
    result = run(tmp_path, file_row(**{COLUMN: f"{before:%Y-%m-%d}、{first_review_day():%Y-%m-%d}、{second_review_day():%Y-%m-%d}"}),
                 user=county_a_clerk)
    assert not result.committed
    assert (COLUMN, "考察日期不能早于确定为入党积极分子日期。") in errors(result)
