"""A unit sits under a unit of a higher 行政层级 (省级 → 市级 → 县级 → 乡级); a department
may share its committee's level. Refused in Chinese on every path: the service, the unit
form, the units sheet, and a change of level that would strand the units below."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgwork.audit.models import AuditLog
from orgwork.common.contract import SystemActor
from orgwork.units.models import LEVEL_RANK, Unit, UnitLevel, UnitType
from orgwork.units.scope import units_visible_to
from orgwork.units.services import unit_save
from seeds.demo.units import DATA

from .conftest import make_unit
from .test_units import _units_sheet

pytestmark = pytest.mark.django_db

SAME_LEVEL = "不能隶属于同为县级的「兰州市城关区」"


def last_audit_id() -> int:
    last = AuditLog.objects.order_by("-id").first()
    return last.pk if last else 0


def test_a_county_cannot_be_moved_under_another_county_by_the_service(tree: dict[str, Unit]) -> None:
    county = tree["county_b"]
    county.parent = tree["county_a"]
    before = last_audit_id()
    with pytest.raises(ValidationError) as error:
        unit_save(unit=county, actor=SystemActor("fixture"))
    assert SAME_LEVEL in error.value.message_dict["parent"][0]
    stored = Unit.objects.get(pk=county.pk)
    assert (stored.parent, stored.full_name, stored.path) == (tree["city"], "兰州市七里河区", "62/6201/620103/")
    assert not AuditLog.objects.filter(pk__gt=before).exists()


def test_a_system_administrator_cannot_move_a_county_under_another_on_the_unit_page(
        tree: dict[str, Unit], personas: dict[str, Any], client_for: Any) -> None:
    county = tree["county_b"]
    client = client_for(personas["system_admin"])
    before = last_audit_id()
    response = client.post(reverse("admin:units_unit_change", args=[county.pk]), {
        "code": county.code, "name": county.name, "parent": tree["county_a"].pk, "unit_type": county.unit_type,
        "level": county.level, "sort_order": 0})
    assert response.status_code == 200
    assert SAME_LEVEL in str(response.context["adminform"].form.errors["parent"])
    assert Unit.objects.get(pk=county.pk).parent == tree["city"]
    assert not AuditLog.objects.filter(pk__gt=before).exists()
    # The clerk of 城关区 still does not see 七里河区.
    assert not units_visible_to(personas["county_a_clerk"]).filter(pk=county.pk).exists()


def test_a_unit_cannot_sit_under_a_unit_of_a_lower_level(tree: dict[str, Unit]) -> None:
    with pytest.raises(ValidationError) as error:
        make_unit("620102900", "某市", tree["county_a"], UnitLevel.CITY, UnitType.GOVERNMENT)
    assert "上级单位的行政层级不能低于本单位" in error.value.message_dict["parent"][0]
    assert not Unit.objects.filter(code="620102900").exists()


def test_a_township_cannot_sit_under_another_township(tree: dict[str, Unit]) -> None:
    with pytest.raises(ValidationError) as error:
        make_unit("620102001001", "城关镇二", tree["township_a"], UnitLevel.TOWNSHIP, UnitType.TOWNSHIP)
    assert "不能隶属于另一个乡镇「兰州市城关区·城关镇」" in error.value.message_dict["parent"][0]


def test_a_committee_department_shares_its_countys_level_and_is_named_after_it(tree: dict[str, Unit]) -> None:
    department = make_unit("620102ZZB", "区委组织部", tree["county_a"], UnitLevel.COUNTY, UnitType.PARTY_DEPARTMENT)
    assert department.full_name == "兰州市城关区·区委组织部"
    office = make_unit("620102ZZB01", "组织科", department, UnitLevel.TOWNSHIP, UnitType.OTHER)
    assert office.full_name == "兰州市城关区·区委组织部·组织科"


def test_a_unit_cannot_be_lowered_beneath_the_units_below_it(tree: dict[str, Unit]) -> None:
    city = tree["city"]
    city.level = UnitLevel.COUNTY
    with pytest.raises(ValidationError) as error:
        unit_save(unit=city, actor=SystemActor("fixture"))
    assert "下级单位「兰州市城关区」是县级党委，不能隶属于县级党委" in error.value.message_dict["level"][0]
    assert Unit.objects.get(pk=city.pk).level == UnitLevel.CITY


def test_a_units_sheet_cannot_place_a_county_under_a_county(
        tree: dict[str, Unit], county_a_clerk: Any, role_groups: Any, tmp_path: Any) -> None:
    from orgwork.imports.engine import run_import
    from orgwork.units.resources import UnitResource

    county_a_clerk.groups.add(role_groups["系统管理员"])
    sheet = _units_sheet(tmp_path, "620102777,新设区,620102,党委,县级")
    result = run_import(UnitResource, county_a_clerk, sheet, commit=True)
    assert not result.committed
    [error] = result.errors
    assert "县级党委须隶属于更高层级的单位" in error.message
    assert not Unit.objects.filter(code="620102777").exists()


def test_every_unit_of_the_demo_jurisdiction_sits_under_a_higher_level_or_is_a_department() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    province = Unit(code=data["province"]["code"], name="省", level=UnitLevel.PROVINCE,
                    unit_type=UnitType.PARTY_COMMITTEE)
    placed = [Unit(code=c, name=n, unit_type=t, level=UnitLevel.PROVINCE) .placement_error(province)
              for c, n, t in data["provincial_departments"]]
    for city_data in data["cities"]:
        city = Unit(code=city_data["code"], name=city_data["name"], level=UnitLevel.CITY,
                    unit_type=UnitType.PARTY_COMMITTEE)
        placed.append(city.placement_error(province))
        county = Unit(level=UnitLevel.COUNTY, unit_type=UnitType.PARTY_COMMITTEE)
        township = Unit(level=UnitLevel.TOWNSHIP, unit_type=UnitType.TOWNSHIP)
        placed += [county.placement_error(city), township.placement_error(county), township.placement_error(city)]
    assert set(placed) == {""}
    assert list(LEVEL_RANK) == [UnitLevel.PROVINCE, UnitLevel.CITY, UnitLevel.COUNTY, UnitLevel.TOWNSHIP]
