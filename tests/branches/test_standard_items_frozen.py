"""Once a branch is assessed against a 标准版本, its items (细则条目) and their 分值 are
frozen: the version page shows them read only, a submission that still changes them is
refused, and the service refuses adding, re-scoring or removing an item. A change is a
new version."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.models import StandardItem, StandardVersion
from branches.services import assessment_open, standard_item_delete, standard_item_save
from tests.test_versioning import form_data

from .test_rules_on_every_path import audit_rows_of

pytestmark = pytest.mark.django_db

FROZEN = "该标准版本已有 1 个党组织按其评定，评分项和分值不能再修改；如需调整，请新建标准版本。"


@pytest.fixture
def version(rural_standard: dict[str, StandardVersion]) -> StandardVersion:
    return rural_standard["new"]


@pytest.fixture
def in_use(version: StandardVersion, orgs: Any, county_a_clerk: Any) -> StandardVersion:
    assessment_open(organisation=orgs["village"], year=2025, actor=county_a_clerk)
    return version


def first_item(version: StandardVersion) -> StandardItem:
    return version.items.order_by("seq").first()


def test_an_item_of_a_version_in_use_cannot_be_rescored_through_the_service(
        in_use: StandardVersion, province_officer: Any) -> None:
    item = first_item(in_use)
    trail = len(audit_rows_of(item))
    item.points = Decimal("5")
    with pytest.raises(ValidationError) as refused:
        standard_item_save(item=item, actor=province_officer)
    assert refused.value.messages == [FROZEN]
    assert first_item(in_use).points == Decimal("20")
    assert len(audit_rows_of(item)) == trail


def test_an_item_cannot_be_added_to_or_removed_from_a_version_in_use(in_use: StandardVersion,
                                                                     province_officer: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        standard_item_save(item=StandardItem(version=in_use, seq=5, title="新增检查内容", points=Decimal("10")),
                           actor=province_officer)
    assert refused.value.messages == [FROZEN]
    with pytest.raises(ValidationError) as refused:
        standard_item_delete(item=first_item(in_use), actor=province_officer)
    assert refused.value.messages == [FROZEN]
    assert in_use.items.count() == 4


def test_the_items_of_a_version_nobody_was_assessed_against_still_change_through_the_service(
        version: StandardVersion, province_officer: Any) -> None:
    item = first_item(version)
    item.points = Decimal("25")
    standard_item_save(item=item, actor=province_officer)
    assert first_item(version).points == Decimal("25")
    assert "points" in audit_rows_of(item)[-1].changes
    standard_item_delete(item=first_item(version), actor=province_officer)
    assert version.items.count() == 3


def test_the_page_of_a_version_in_use_shows_its_items_read_only_with_no_add_or_delete(
        in_use: StandardVersion, province_officer: Any, client_for: Any) -> None:
    page = client_for(province_officer).get(reverse("admin:branches_standardversion_change", args=[in_use.pk]))
    (inline,) = page.context["inline_admin_formsets"]
    assert not inline.has_add_permission and not inline.has_delete_permission
    assert not any(name in form.fields for form in inline.formset.forms for name in ("title", "points", "is_veto"))
    assert FROZEN in page.content.decode()


def test_a_version_page_drawn_before_the_first_assessment_cannot_rescore_an_item_after_it(
        version: StandardVersion, orgs: Any, county_a_clerk: Any, province_officer: Any, client_for: Any) -> None:
    client = client_for(province_officer)
    url = reverse("admin:branches_standardversion_change", args=[version.pk])
    data = form_data(client.get(url))
    assessment_open(organisation=orgs["village"], year=2025, actor=county_a_clerk)
    item = first_item(version)
    trail = len(audit_rows_of(item))
    (points_key,) = [key for key, value in data.items() if key.endswith("-0-points")]
    response = client.post(url, {**data, points_key: "5"})
    assert response.status_code == 200
    (inline,) = response.context["inline_admin_formsets"]
    assert list(inline.formset.non_form_errors()) == [FROZEN]
    assert first_item(version).points == Decimal("20")
    assert len(audit_rows_of(item)) == trail


def test_a_forged_new_item_or_deletion_on_the_page_of_a_version_in_use_is_refused(
        in_use: StandardVersion, province_officer: Any, client_for: Any) -> None:
    client = client_for(province_officer)
    url = reverse("admin:branches_standardversion_change", args=[in_use.pk])
    data = form_data(client.get(url))
    prefix = next(key for key in data if key.endswith("-TOTAL_FORMS"))[: -len("-TOTAL_FORMS")]
    added = {**data, f"{prefix}-TOTAL_FORMS": "5", f"{prefix}-4-seq": "5", f"{prefix}-4-title": "新增检查内容",
             f"{prefix}-4-points": "10"}
    response = client.post(url, added)
    assert response.status_code == 200
    assert list(response.context["inline_admin_formsets"][0].formset.non_form_errors()) == [FROZEN]
    response = client.post(url, {**data, f"{prefix}-0-DELETE": "on"})
    assert list(response.context["inline_admin_formsets"][0].formset.non_form_errors()) == [FROZEN]
    assert in_use.items.count() == 4


def test_the_page_of_a_version_nobody_used_saves_an_item_through_the_service(
        version: StandardVersion, province_officer: Any, client_for: Any) -> None:
    client = client_for(province_officer)
    url = reverse("admin:branches_standardversion_change", args=[version.pk])
    data = form_data(client.get(url))
    (points_key,) = [key for key, value in data.items() if key.endswith("-0-points")]
    response = client.post(url, {**data, points_key: "25"})
    assert response.status_code == 302
    item = first_item(version)
    assert item.points == Decimal("25")
    assert audit_rows_of(item)[-1].actor == province_officer


def test_the_pass_and_star_lines_of_a_version_in_use_are_frozen_too_and_it_offers_no_delete(
        in_use: StandardVersion, province_officer: Any, client_for: Any) -> None:
    """The 达标/示范/星级 given to assessed branches stand on the version's 评定分数线."""
    client = client_for(province_officer)
    url = reverse("admin:branches_standardversion_change", args=[in_use.pk])
    page = client.get(url)
    assert "pass_score" not in page.context["adminform"].form.fields
    assert not page.context["has_delete_permission"]
    in_use.refresh_from_db()
    in_use.pass_score = Decimal("70")
    with pytest.raises(ValidationError) as refused:
        in_use.full_clean()
    assert refused.value.message_dict["pass_score"] == [
        "该标准版本已有 1 个党组织按其评定，评定分数线不能再修改（已评定的等次和星级按原分数线确定）；如需调整，请新建标准版本。"]


def test_the_lines_of_a_version_nobody_used_may_still_be_set(version: StandardVersion) -> None:
    version.refresh_from_db()
    version.pass_score = Decimal("70")
    version.full_clean()
