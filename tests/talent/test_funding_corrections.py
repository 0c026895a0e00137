"""Correcting a funding record (更正资助经费): the funding's own page, the enrollee page's
funding rows and the service change the record they show, never a second grant; a year
already funded or outside the term is refused; disbursed rows offer no 删除."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgwork.audit.models import AuditAction, AuditLog
from talent import services
from talent.models import Enrollment, Funding
from talent.resources import FundingResource
from tests.test_versioning import form_data

from .conftest import SYSTEM
from .test_imports import errors_of, run
from .test_record_page_steps import audit_rows_since, last_audit_id

pytestmark = pytest.mark.django_db
PAID_ON = datetime.date(2025, 4, 15)


def grant(enrollment: Enrollment, year: int = 2025, amount: str = "1500000", **kwargs) -> Funding:
    return services.funding_grant(enrollment=enrollment, year=year, amount=Decimal(amount), actor=SYSTEM, **kwargs)


def funding_page(funding: Funding) -> str:
    return reverse("admin:talent_funding_change", args=[funding.pk])


def enrollee_page(enrollment: Enrollment) -> str:
    return reverse("admin:talent_enrollment_change", args=[enrollment.pk])


def save_funding_page(client, funding: Funding, **changes):
    data = form_data(client.get(funding_page(funding)))
    data.update(changes)
    return client.post(funding_page(funding), data)


def funding_rows(page) -> tuple[str, list]:
    inline = next(f for f in page.context["inline_admin_formsets"] if f.formset.model is Funding)
    return inline.formset.prefix, inline.formset.forms


def save_enrollee_page(client, enrollment: Enrollment, row_year: int, **changes):
    """The enrollee page posted back with the funding row for ``row_year`` changed."""
    page = client.get(enrollee_page(enrollment))
    data = form_data(page)
    prefix, forms = funding_rows(page)
    index = next(i for i, form in enumerate(forms) if form.instance.year == row_year)
    data.update({f"{prefix}-{index}-{name}": value for name, value in changes.items()})
    return client.post(enrollee_page(enrollment), data)


def only_audit_row(last: int, funding: Funding) -> AuditLog:
    assert audit_rows_since(last) == [("funding", str(funding.pk), AuditAction.UPDATE)]
    return AuditLog.objects.get(pk__gt=last)


# ---------------------------------------------------------------- the funding's own page


def test_changing_only_the_remarks_on_a_funding_page_saves_them_with_one_audit_row(
        top_leading, enroll, county_a_clerk, client_for) -> None:
    funding = grant(enroll(top_leading), granted_on=PAID_ON, note="首期拨付")
    client = client_for(county_a_clerk)
    last = last_audit_id()
    response = save_funding_page(client, funding, note="首期拨付，含设备购置费")
    assert response.status_code == 302
    funding.refresh_from_db()
    assert funding.note == "首期拨付，含设备购置费"
    assert set(only_audit_row(last, funding).changes) == {"note"}


def test_changing_only_the_disbursement_date_on_a_funding_page_saves_it(top_leading, enroll, county_a_clerk,
                                                                         client_for) -> None:
    funding = grant(enroll(top_leading))
    client = client_for(county_a_clerk)
    last = last_audit_id()
    assert save_funding_page(client, funding, granted_on="2025-04-15").status_code == 302
    funding.refresh_from_db()
    assert funding.granted_on == PAID_ON
    assert set(only_audit_row(last, funding).changes) == {"granted_on"}


def test_changing_the_year_on_a_funding_page_corrects_that_record_and_grants_no_second(
        top_leading, enroll, county_a_clerk, client_for) -> None:
    enrollment = enroll(top_leading)
    funding = grant(enrollment, year=2025)
    client = client_for(county_a_clerk)
    last = last_audit_id()
    assert save_funding_page(client, funding, year="2026").status_code == 302
    assert list(enrollment.fundings.values_list("pk", "year")) == [(funding.pk, 2026)]
    assert only_audit_row(last, funding).changes["year"] == [2025, 2026]


def test_a_funding_page_cannot_move_a_grant_onto_a_year_already_funded(top_leading, enroll, county_a_clerk,
                                                                       client_for) -> None:
    enrollment = enroll(top_leading)
    funding, other = grant(enrollment, year=2025), grant(enrollment, year=2026, amount="2000000")
    client = client_for(county_a_clerk)
    last = last_audit_id()
    response = save_funding_page(client, funding, year="2026")
    assert response.status_code == 200
    assert (f"「{enrollment.person.name}」2026年的资助已另有记录（2026年 2,000,000元），"
            "不能把本记录的资助年度从2025年改为2026年；请更正2026年的那条记录。") in response.content.decode()
    assert dict(enrollment.fundings.values_list("pk", "year")) == {funding.pk: 2025, other.pk: 2026}
    assert audit_rows_since(last) == []


def test_a_funding_page_refuses_a_year_outside_the_term_as_a_grant_does(top_leading, enroll, county_a_clerk,
                                                                         client_for) -> None:
    funding = grant(enroll(top_leading), year=2025)  # 36 months from 2024-01-01: 2024—2026
    response = save_funding_page(client_for(county_a_clerk), funding, year="2027")
    assert response.status_code == 200 and "资助年度应在聘期内（2024—2026年）。" in response.content.decode()
    funding.refresh_from_db()
    assert funding.year == 2025


def test_the_enrollee_of_a_funding_record_is_fixed_on_its_page(top_leading, enroll, county_a_clerk,
                                                               client_for) -> None:
    enrollment, someone_else = enroll(top_leading), enroll(top_leading)
    funding = grant(enrollment)
    client = client_for(county_a_clerk)
    assert "enrollment" not in client.get(funding_page(funding)).context["adminform"].form.fields
    assert save_funding_page(client, funding, enrollment=str(someone_else.pk), note="更正").status_code == 302
    funding.refresh_from_db()
    assert (funding.enrollment_id, funding.note) == (enrollment.pk, "更正")
    assert not someone_else.fundings.exists()


# ---------------------------------------------------------------- the enrollee page's funding rows


def test_the_enrollee_page_corrects_a_funding_row_in_place_with_one_audit_row(top_leading, enroll, county_a_clerk,
                                                                              client_for) -> None:
    enrollment = enroll(top_leading)
    funding = grant(enrollment, year=2025)
    client = client_for(county_a_clerk)
    last = last_audit_id()
    response = save_enrollee_page(client, enrollment, 2025, year="2026", note="年度更正")
    assert response.status_code == 302
    assert list(enrollment.fundings.values_list("pk", "year", "note")) == [(funding.pk, 2026, "年度更正")]
    assert set(only_audit_row(last, funding).changes) == {"year", "note"}


def test_the_enrollee_page_cannot_move_a_funding_row_onto_a_year_already_funded(top_leading, enroll, county_a_clerk,
                                                                                client_for) -> None:
    enrollment = enroll(top_leading)
    funding, other = grant(enrollment, year=2025), grant(enrollment, year=2026, amount="2000000")
    client = client_for(county_a_clerk)
    last = last_audit_id()
    response = save_enrollee_page(client, enrollment, 2025, year="2026")
    assert response.status_code == 200
    assert "不能把本记录的资助年度从2025年改为2026年" in response.content.decode()
    assert dict(enrollment.fundings.values_list("pk", "year")) == {funding.pk: 2025, other.pk: 2026}
    assert audit_rows_since(last) == []


def test_the_enrollee_page_offers_no_delete_for_disbursed_funding_rows(top_leading, enroll, county_a_clerk,
                                                                      client_for) -> None:
    enrollment = enroll(top_leading)
    grant(enrollment, year=2025, granted_on=PAID_ON)
    grant(enrollment, year=2024)
    page = client_for(county_a_clerk).get(enrollee_page(enrollment))
    prefix, forms = funding_rows(page)
    html = page.content.decode()
    assert [form.instance.year for form in forms] == [2025, 2024]
    assert f'name="{prefix}-0-DELETE"' not in html  # disbursed: no trash to click
    assert f'name="{prefix}-1-DELETE"' in html


def test_a_funding_row_added_on_the_enrollee_page_is_granted_through_the_service(top_leading, enroll, county_a_clerk,
                                                                                 client_for) -> None:
    enrollment = enroll(top_leading)
    client = client_for(county_a_clerk)
    page = client.get(enrollee_page(enrollment))
    data = form_data(page)
    prefix, _ = funding_rows(page)
    data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-year": "2027", f"{prefix}-0-amount": "1000000"})
    response = client.post(enrollee_page(enrollment), data)
    assert response.status_code == 200 and "资助年度应在聘期内（2024—2026年）。" in response.content.decode()
    data[f"{prefix}-0-year"] = "2026"
    last = last_audit_id()
    assert client.post(enrollee_page(enrollment), data).status_code == 302
    funding = enrollment.fundings.get()
    assert audit_rows_since(last) == [("funding", str(funding.pk), AuditAction.CREATE)]
    assert AuditLog.objects.get(pk__gt=last).actor == county_a_clerk


# ---------------------------------------------------------------- the service and the sheet


def test_the_correction_service_refuses_a_year_already_funded_and_changes_nothing(top_leading, enroll,
                                                                                  county_a_clerk) -> None:
    enrollment = enroll(top_leading)
    funding = grant(enrollment, year=2025)
    grant(enrollment, year=2026)
    with pytest.raises(ValidationError) as error:
        services.funding_update(funding=funding, year=2026, amount=funding.amount, actor=county_a_clerk)
    assert "2026年的资助已另有记录" in error.value.message_dict["year"][0]
    funding.refresh_from_db()
    assert funding.year == 2025


def test_correcting_a_funding_record_to_what_it_holds_writes_nothing(top_leading, enroll, county_a_clerk) -> None:
    funding = grant(enroll(top_leading), granted_on=PAID_ON, note="首期")
    last = last_audit_id()
    services.funding_update(funding=funding, year=2025, amount=Decimal("1500000.00"), granted_on=PAID_ON,
                            note="首期", actor=county_a_clerk)
    assert audit_rows_since(last) == []


def test_a_clerk_of_another_county_cannot_correct_the_funding(top_leading, enroll, county_b_clerk) -> None:
    funding = grant(enroll(top_leading))
    with pytest.raises(ValidationError, match="不存在或不在您的管辖范围内"):
        services.funding_update(funding=funding, year=2025, amount=funding.amount, note="改", actor=county_b_clerk)


def test_the_funding_sheet_corrects_the_record_of_its_year_and_refuses_a_year_outside_the_term(
        tmp_path: Path, top_leading, enroll, county_a_clerk) -> None:
    enrollment = enroll(top_leading)
    funding = grant(enrollment, year=2025)
    head = ["身份证号", "人才计划", "资助年度", "资助金额（元）", "拨付日期", "备注"]
    number = enrollment.person.id_number
    result = run(tmp_path, [head, [number, "甘肃省拔尖领军人才", 2025, 1500000, "2025-04-15", "首期拨付"]],
                 FundingResource, county_a_clerk)
    assert result.committed and (result.new, result.error_count) == (0, 0)
    assert list(enrollment.fundings.values_list("pk", "granted_on", "note")) == [(funding.pk, PAID_ON, "首期拨付")]
    outside = run(tmp_path, [head, [number, "甘肃省拔尖领军人才", 2027, 1500000, "", ""]], FundingResource,
                  county_a_clerk)
    assert not outside.committed and enrollment.fundings.count() == 1
    assert "2027年聘期内的入选记录" in errors_of(outside)[0][2]
