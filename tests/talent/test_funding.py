"""Funding (资助经费): the programme's yearly range, one grant a year, totals in SQL."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from talent import services

from .conftest import SYSTEM
from talent.models import ExitReason, Funding
from talent.selectors import funding_totals_by_programme, funding_totals_by_unit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("amount", ["500000", "1500000", "3000000"])
def test_a_grant_inside_the_top_leading_range_is_recorded(top_leading, enroll, amount) -> None:
    funding = services.funding_grant(enrollment=enroll(top_leading), year=2024, amount=Decimal(amount), actor=SYSTEM)
    assert funding.amount == Decimal(amount)
    assert (funding.person, funding.programme) == (funding.enrollment.person, top_leading)


@pytest.mark.parametrize("amount", ["499999.99", "3000000.01"])
def test_a_grant_outside_the_range_is_refused_naming_the_range(top_leading, enroll, amount) -> None:
    with pytest.raises(ValidationError) as error:
        services.funding_grant(enrollment=enroll(top_leading), year=2024, amount=Decimal(amount), actor=SYSTEM)
    assert "500,000元—3,000,000元" in str(error.value)
    assert not Funding.objects.exists()


def test_a_programme_without_yearly_funding_refuses_any_grant(tree, enroll) -> None:
    from talent.models import Programme, ProgrammeType

    graduates = Programme.objects.create(name="选调生", programme_type=ProgrammeType.SELECTED_GRADUATE,
                                         unit=tree["province"], term_months=24)
    with pytest.raises(ValidationError, match="不拨付年度资助"):
        services.funding_grant(enrollment=enroll(graduates), year=2024, amount=Decimal("1000"), actor=SYSTEM)


def test_no_grant_after_the_enrollee_has_exited(top_leading, enroll) -> None:
    enrollment = enroll(top_leading)
    services.enrollment_exit(enrollment=enrollment, reason=ExitReason.DISCIPLINE, exit_date=datetime.date(2024, 9, 1), actor=SYSTEM)
    with pytest.raises(ValidationError, match="已退出，不再拨付资助"):
        services.funding_grant(enrollment=enrollment, year=2025, amount=Decimal("600000"), actor=SYSTEM)


def test_a_grant_outside_the_term_is_refused(top_leading, enroll) -> None:
    with pytest.raises(ValidationError, match="资助年度应在聘期内"):
        services.funding_grant(enrollment=enroll(top_leading), year=2030, amount=Decimal("600000"), actor=SYSTEM)


def test_granting_the_same_year_again_with_the_same_amount_changes_nothing(top_leading, enroll) -> None:
    enrollment = enroll(top_leading)
    first = services.funding_grant(enrollment=enrollment, year=2024, amount=Decimal("800000"), actor=SYSTEM)
    again = services.funding_grant(enrollment=enrollment, year=2024, amount=Decimal("800000"), actor=SYSTEM)
    assert first.pk == again.pk and Funding.objects.count() == 1


def test_totals_per_programme_and_per_unit_subtree_are_summed_in_one_query(
        top_leading, leading, enroll, province_officer, city_officer, county_b_clerk, tree,
        django_assert_num_queries) -> None:
    services.funding_grant(enrollment=enroll(top_leading, unit="county_a"), year=2024, amount=Decimal("1000000"), actor=SYSTEM)
    services.funding_grant(enrollment=enroll(top_leading, unit="township_a"), year=2024, amount=Decimal("500000"), actor=SYSTEM)
    services.funding_grant(enrollment=enroll(leading, unit="county_b"), year=2024, amount=Decimal("200000"), actor=SYSTEM)
    services.funding_grant(enrollment=enroll(leading, unit="other_city"), year=2024, amount=Decimal("300000"), actor=SYSTEM)

    with django_assert_num_queries(1):
        rows = list(funding_totals_by_programme(province_officer))
    assert {r["programme__name"]: (r["total"], r["people"]) for r in rows} == {
        "甘肃省拔尖领军人才": (Decimal("1500000"), 2), "甘肃省领军人才": (Decimal("500000"), 2)}

    # One query for the sums, plus the one that lists the city officer's units (the scope).
    with django_assert_num_queries(2):
        by_unit = {u.name: u.funding_total for u in funding_totals_by_unit(city_officer)}
    assert by_unit == {"城关区": Decimal("1500000"), "七里河区": Decimal("200000")}

    assert {r["programme__name"]: r["total"] for r in funding_totals_by_programme(county_b_clerk)} == {
        "甘肃省领军人才": Decimal("200000")}


# ---------------------------------------------------------------- disbursed money is not deleted


def funding_url(funding: Funding, view: str) -> str:
    from django.urls import reverse

    return reverse(f"admin:talent_funding_{view}", args=[funding.pk])


def test_disbursed_funding_offers_no_delete_and_its_delete_url_is_refused(top_leading, enroll, county_a_clerk,
                                                                          client_for) -> None:
    funding = services.funding_grant(enrollment=enroll(top_leading), year=2024, amount=Decimal("2400000"),
                                     granted_on=datetime.date(2024, 4, 15), actor=SYSTEM)
    client = client_for(county_a_clerk)
    assert funding_url(funding, "delete") not in client.get(funding_url(funding, "change")).content.decode()
    assert client.post(funding_url(funding, "delete"), {"post": "yes"}).status_code == 403
    assert funding_totals_by_programme(county_a_clerk)[0]["total"] == Decimal("2400000")


def test_the_delete_service_refuses_disbursed_funding_in_chinese(top_leading, enroll, county_a_clerk) -> None:
    funding = services.funding_grant(enrollment=enroll(top_leading), year=2024, amount=Decimal("2400000"),
                                     granted_on=datetime.date(2024, 4, 15), actor=SYSTEM)
    with pytest.raises(ValidationError) as error:
        services.funding_delete(funding=funding, actor=county_a_clerk)
    assert "已于 2024-04-15 拨付" in str(error.value) and "不能删除" in str(error.value)
    assert Funding.objects.filter(pk=funding.pk).exists()


def test_the_enrollee_page_refuses_to_delete_a_disbursed_funding_row(top_leading, enroll, county_a_clerk,
                                                                    client_for) -> None:
    from django.urls import reverse

    enrollment = enroll(top_leading)
    funding = services.funding_grant(enrollment=enrollment, year=2024, amount=Decimal("2400000"),
                                     granted_on=datetime.date(2024, 4, 15), actor=SYSTEM)
    url = reverse("admin:talent_enrollment_change", args=[enrollment.pk])
    client = client_for(county_a_clerk)
    page = client.get(url)
    from tests.test_versioning import form_data

    data = form_data(page)
    prefix = next(f.formset.prefix for f in page.context["inline_admin_formsets"] if f.formset.model is Funding)
    data[f"{prefix}-0-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "已拨付的资助经费不能删除" in response.content.decode()
    assert Funding.objects.filter(pk=funding.pk).exists()


def test_funding_not_yet_disbursed_may_be_withdrawn_with_an_audit_row(top_leading, enroll, county_a_clerk,
                                                                      client_for) -> None:
    from orgwork.audit.models import AuditAction, AuditLog

    funding = services.funding_grant(enrollment=enroll(top_leading), year=2024, amount=Decimal("600000"), actor=SYSTEM)
    assert client_for(county_a_clerk).post(funding_url(funding, "delete"), {"post": "yes"}).status_code == 302
    assert not Funding.objects.filter(pk=funding.pk).exists()
    assert AuditLog.objects.get(object_id=str(funding.pk), content_type__model="funding",
                                action=AuditAction.DELETE).actor == county_a_clerk
