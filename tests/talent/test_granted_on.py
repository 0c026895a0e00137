"""A funding's 拨付日期 has come, lies in the term and in or after the funding's year: the
grant and correction services, the funding page, the enrollee page's funding rows and the
funding sheet refuse the same date. A date stored before the rule is left alone."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from talent import services
from talent.models import Enrollment, Funding
from talent.resources import FundingResource

from .conftest import SYSTEM
from .test_funding_corrections import save_enrollee_page, save_funding_page
from .test_imports import errors_of, run

pytestmark = pytest.mark.django_db
D = datetime.date
TERM_START = D(2024, 3, 1)  # 拔尖领军人才, 36 months: to 2027-02-28
AHEAD = "拨付日期不能晚于今天。"
BEFORE_TERM = "拨付日期 2020-01-01 早于聘期开始 2024-03-01。"
BEFORE_YEAR = ("拨付日期 2025-12-20 早于资助年度（2026年）：一个年度的资助在该年度内或之后拨付，"
               "拨付日期应不早于2026年1月1日。")


@pytest.fixture
def enrollment(top_leading, enroll) -> Enrollment:
    return enroll(top_leading, term_start=TERM_START)


def grant(enrollment: Enrollment, granted_on: D | None, year: int = 2026) -> Funding:
    return services.funding_grant(enrollment=enrollment, year=year, amount=Decimal("1500000"), granted_on=granted_on,
                                  actor=SYSTEM)


@pytest.mark.parametrize(("granted_on", "message"), [
    (D(2099, 1, 1), AHEAD), (D(2020, 1, 1), BEFORE_TERM), (D(2025, 12, 20), BEFORE_YEAR)])
def test_the_grant_service_refuses_a_date_ahead_before_the_term_or_before_the_year(enrollment, granted_on,
                                                                                   message) -> None:
    with pytest.raises(ValidationError) as refused:
        grant(enrollment, granted_on)
    assert refused.value.message_dict == {"granted_on": [message]}
    assert not Funding.objects.exists()


def test_the_correction_service_refuses_a_paid_date_before_the_term(enrollment, county_a_clerk) -> None:
    funding = grant(enrollment, D(2026, 4, 15))
    with pytest.raises(ValidationError) as refused:
        services.funding_update(funding=funding, year=2026, amount=funding.amount, granted_on=D(2020, 1, 1),
                                note="", actor=county_a_clerk)
    assert refused.value.message_dict == {"granted_on": [BEFORE_TERM]}
    assert Funding.objects.get(pk=funding.pk).granted_on == D(2026, 4, 15)


def test_the_correction_service_refuses_to_move_the_year_past_its_paid_date(enrollment, county_a_clerk) -> None:
    funding = grant(enrollment, D(2025, 12, 20), year=2025)
    with pytest.raises(ValidationError) as refused:
        services.funding_update(funding=funding, year=2026, amount=funding.amount, granted_on=D(2025, 12, 20),
                                note="", actor=county_a_clerk)
    assert refused.value.message_dict == {"granted_on": [BEFORE_YEAR]}


def test_a_grant_paid_the_year_after_its_year_is_recorded(enrollment) -> None:
    assert grant(enrollment, D(2026, 1, 20), year=2025).granted_on == D(2026, 1, 20)


def test_the_funding_page_refuses_a_paid_date_after_today(enrollment, county_a_clerk, client_for) -> None:
    funding = grant(enrollment, D(2026, 4, 15))
    ahead = timezone.localdate() + datetime.timedelta(days=1)
    response = save_funding_page(client_for(county_a_clerk), funding, granted_on=ahead.isoformat())
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"granted_on": [AHEAD]}
    assert Funding.objects.get(pk=funding.pk).granted_on == D(2026, 4, 15)


def test_the_enrollee_pages_funding_row_refuses_a_paid_date_before_the_term(enrollment, county_a_clerk,
                                                                             client_for) -> None:
    funding = grant(enrollment, D(2026, 4, 15))
    response = save_enrollee_page(client_for(county_a_clerk), enrollment, 2026, granted_on="2020-01-01")
    assert response.status_code == 200 and BEFORE_TERM in response.content.decode()
    assert Funding.objects.get(pk=funding.pk).granted_on == D(2026, 4, 15)


def test_the_funding_sheet_refuses_a_paid_date_before_the_year(tmp_path: Path, enrollment, county_a_clerk) -> None:
    rows = [["身份证号", "人才计划", "资助年度", "资助金额（元）", "拨付日期"],
            [enrollment.person.id_number, "甘肃省拔尖领军人才", 2026, "1500000", "2025-12-20"]]
    result = run(tmp_path, rows, FundingResource, county_a_clerk)
    assert not result.committed
    assert [(column, message) for _, column, message in errors_of(result)] == [("拨付日期", BEFORE_YEAR)]
    assert not Funding.objects.exists()


def test_a_paid_date_stored_before_the_rule_is_left_alone_when_the_note_changes(enrollment, county_a_clerk) -> None:
    funding = grant(enrollment, D(2026, 4, 15))
    Funding.objects.filter(pk=funding.pk).update(granted_on=D(2020, 1, 1))  # stored before the rule
    updated = services.funding_update(funding=funding, year=2026, amount=funding.amount, granted_on=D(2020, 1, 1),
                                      note="补记说明", actor=county_a_clerk)
    assert (updated.granted_on, updated.note) == (D(2020, 1, 1), "补记说明")


ERASED = "该资助已于 2026-04-15 拨付，计入累计资助，拨付日期不能清空（清空后就像从未拨付）；日期有误的，请改为正确的拨付日期。"


def test_the_correction_service_keeps_a_paid_date_from_being_cleared(enrollment, county_a_clerk) -> None:
    funding = grant(enrollment, D(2026, 4, 15))
    with pytest.raises(ValidationError) as refused:
        services.funding_update(funding=funding, year=2026, amount=funding.amount, granted_on=None, note="",
                                actor=county_a_clerk)
    assert refused.value.message_dict == {"granted_on": [ERASED]}
    assert services.funding_delete_refusal(Funding.objects.get(pk=funding.pk))  # still paid: not deletable


def test_the_funding_page_keeps_a_paid_date_from_being_cleared(enrollment, county_a_clerk, client_for) -> None:
    funding = grant(enrollment, D(2026, 4, 15))
    response = save_funding_page(client_for(county_a_clerk), funding, granted_on="")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"granted_on": [ERASED]}


def test_the_enrollee_pages_funding_row_keeps_a_paid_date_from_being_cleared(enrollment, county_a_clerk,
                                                                             client_for) -> None:
    grant(enrollment, D(2026, 4, 15))
    response = save_enrollee_page(client_for(county_a_clerk), enrollment, 2026, granted_on="")
    assert response.status_code == 200 and ERASED in response.content.decode()


def test_the_funding_sheet_keeps_a_paid_date_from_being_cleared(tmp_path: Path, enrollment, county_a_clerk) -> None:
    funding = grant(enrollment, D(2026, 4, 15))
    rows = [["身份证号", "人才计划", "资助年度", "资助金额（元）", "拨付日期"],
            [enrollment.person.id_number, "甘肃省拔尖领军人才", 2026, "1500000", ""]]
    result = run(tmp_path, rows, FundingResource, county_a_clerk)
    assert not result.committed
    assert [(column, message) for _, column, message in errors_of(result)] == [("拨付日期", ERASED)]
    assert Funding.objects.get(pk=funding.pk).granted_on == D(2026, 4, 15)


def test_a_grant_not_yet_paid_keeps_no_date_and_may_still_be_withdrawn(enrollment, county_a_clerk) -> None:
    funding = grant(enrollment, None)
    services.funding_update(funding=funding, year=2026, amount=funding.amount, granted_on=None, note="待拨付",
                            actor=county_a_clerk)
    assert services.funding_delete_refusal(Funding.objects.get(pk=funding.pk)) == ""
