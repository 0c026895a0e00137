"""A programme's 每批名额 and yearly funding range (年度资助下限/上限) are not changed under
what is already recorded: a quota below the enrollees of a batch, or a range that would
put recorded grants outside it, is refused on the programme's page and by the service,
naming the batch or the grants; the page saves through ``services.programme_save``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgwork.audit.models import AuditAction, AuditLog
from talent import services
from talent.models import Programme
from tests.test_versioning import form_data

from .conftest import SYSTEM
from .test_record_page_steps import audit_rows_since, last_audit_id

pytestmark = pytest.mark.django_db
RULE = "年度资助范围须覆盖已登记的资助经费；确需调整的，请先更正这些资助记录。"


def page(programme: Programme) -> str:
    return reverse("admin:talent_programme_change", args=[programme.pk])


def granted(top_leading: Programme, enroll: Any, amounts: list[str]) -> None:
    """One 2024 enrollee of 拔尖领军人才 per amount, granted it for 2025."""
    for amount in amounts:
        services.funding_grant(enrollment=enroll(top_leading), year=2025, amount=Decimal(amount), actor=SYSTEM)


def refused(programme: Programme, actor: Any, **fields: Any) -> dict[str, list[str]]:
    for name, value in fields.items():
        setattr(programme, name, value)
    with pytest.raises(ValidationError) as error:
        services.programme_save(programme=programme, actor=actor)
    return error.value.message_dict


def test_the_service_refuses_a_quota_below_the_enrollees_of_a_batch(top_leading, enroll, province_officer) -> None:
    for _ in range(4):
        enroll(top_leading)
    assert refused(top_leading, province_officer, quota_per_batch=1) == {
        "quota_per_batch": ["「甘肃省拔尖领军人才」2024年批次已入选 4 人，每批名额不能少于 4 人。"]}
    assert Programme.objects.get(pk=top_leading.pk).quota_per_batch == 25


def test_the_service_refuses_a_funding_minimum_above_recorded_grants_and_names_them(top_leading, enroll,
                                                                                   province_officer) -> None:
    granted(top_leading, enroll, ["700000", "900000", "2400000"])
    assert refused(top_leading, province_officer, funding_min=Decimal("2500000")) == {"funding_min": [
        f"年度资助下限 2,500,000元 高于已登记的 3 笔资助经费（2025年 700,000元、2025年 900,000元、2025年 2,400,000元）：{RULE}"]}
    assert Programme.objects.get(pk=top_leading.pk).funding_min == Decimal("500000")


def test_the_service_refuses_a_funding_maximum_below_recorded_grants(top_leading, enroll, province_officer) -> None:
    granted(top_leading, enroll, ["600000", "1000000", "1500000", "2000000", "2400000"])
    message = refused(top_leading, province_officer, funding_max=Decimal("800000"))
    assert message == {"funding_max": [
        f"年度资助上限 800,000元 低于已登记的 4 笔资助经费（2025年 2,400,000元、2025年 2,000,000元、"
        f"2025年 1,500,000元等4笔）：{RULE}"]}


def test_the_service_refuses_to_stop_funding_a_programme_with_recorded_grants(top_leading, enroll,
                                                                             province_officer) -> None:
    granted(top_leading, enroll, ["700000"])
    message = refused(top_leading, province_officer, funding_min=None, funding_max=None)
    assert message == {"funding_max": [
        "「甘肃省拔尖领军人才」已登记资助经费 1 笔（2025年 700,000元），年度资助上限不能留空（留空表示该计划不拨付年度资助）。"]}


def test_a_quota_and_range_that_still_cover_the_records_are_saved_with_one_audit_row(top_leading, enroll,
                                                                                    province_officer) -> None:
    for _ in range(4):
        enroll(top_leading)
    granted(top_leading, enroll, ["700000", "2400000"])
    last = last_audit_id()
    services.programme_save(programme=Programme.objects.get(pk=top_leading.pk), actor=province_officer)
    assert audit_rows_since(last) == []
    top_leading.quota_per_batch, top_leading.funding_min = 6, Decimal("700000")
    services.programme_save(programme=top_leading, actor=province_officer)
    assert audit_rows_since(last) == [("programme", str(top_leading.pk), AuditAction.UPDATE)]
    entry = AuditLog.objects.get(pk__gt=last)
    assert (set(entry.changes), entry.actor) == ({"quota_per_batch", "funding_min"}, province_officer)


def test_the_programme_page_refuses_a_quota_and_a_range_under_the_records(top_leading, enroll, province_officer,
                                                                          client_for) -> None:
    for _ in range(2):
        enroll(top_leading)
    granted(top_leading, enroll, ["700000", "2400000"])
    client = client_for(province_officer)
    data = {**form_data(client.get(page(top_leading))), "quota_per_batch": "1", "funding_min": "2500000"}
    response = client.post(page(top_leading), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["quota_per_batch"] == ["「甘肃省拔尖领军人才」2024年批次已入选 4 人，每批名额不能少于 4 人。"]
    assert errors["funding_min"][0].startswith("年度资助下限 2,500,000元 高于已登记的 2 笔资助经费（2025年 700,000元、")
    stored = Programme.objects.get(pk=top_leading.pk)
    assert (stored.quota_per_batch, stored.funding_min) == (25, Decimal("500000"))


def test_the_programme_page_saves_through_the_service(top_leading, province_officer, client_for) -> None:
    client = client_for(province_officer)
    data = {**form_data(client.get(page(top_leading))), "description": "每人每年资助50万—300万元"}
    last = last_audit_id()
    assert client.post(page(top_leading), data).status_code == 302
    assert Programme.objects.get(pk=top_leading.pk).description == "每人每年资助50万—300万元"
    assert audit_rows_since(last) == [("programme", str(top_leading.pk), AuditAction.UPDATE)]


def test_the_programme_service_needs_the_permission(top_leading, view_only_auditor) -> None:
    top_leading.quota_per_batch = 30
    with pytest.raises(ValidationError, match="您没有「修改人才计划」的权限。"):
        services.programme_save(programme=top_leading, actor=view_only_auditor)
    assert Programme.objects.get(pk=top_leading.pk).quota_per_batch == 25
