"""The jurisdiction tree: paths, subtree queries, cycles, duplicate codes, moves."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgwork.units.models import Unit, UnitLevel, UnitType
from orgwork.units.scope import units_visible_to
from orgwork.common.contract import SystemActor
from orgwork.units.services import unit_save

from .conftest import make_unit


def test_a_unit_path_spells_its_ancestry(tree: dict[str, Unit]) -> None:
    assert tree["township_a"].path == "62/6201/620102/620102001/"
    assert tree["township_a"].is_within(tree["city"])
    assert not tree["county_b"].is_within(tree["county_a"])


def test_a_subtree_is_one_query(tree: dict[str, Unit], django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        codes = sorted(Unit.objects.filter(path__startswith=tree["city"].path).values_list("code", flat=True))
    assert codes == ["6201", "620102", "620102001", "620103"]


def test_a_code_that_prefixes_another_does_not_leak_into_its_subtree(tree: dict[str, Unit]) -> None:
    lookalike = make_unit("62010", "假冒单位", tree["province"])
    assert not lookalike.path.startswith(tree["city"].path)
    assert "62010" not in Unit.objects.filter(path__startswith=tree["city"].path).values_list("code", flat=True)


def test_a_unit_cannot_move_below_its_own_descendant(tree: dict[str, Unit]) -> None:
    city = tree["city"]
    city.parent = tree["township_a"]
    with pytest.raises(ValidationError) as error:
        unit_save(unit=city, actor=SystemActor("fixture"))
    assert "循环" in str(error.value.message_dict["parent"])
    city.refresh_from_db()
    assert city.parent == tree["province"]


def test_a_unit_cannot_be_its_own_parent(tree: dict[str, Unit]) -> None:
    county = tree["county_a"]
    county.parent = county
    with pytest.raises(ValidationError) as error:
        unit_save(unit=county, actor=SystemActor("fixture"))
    assert "不能是本单位" in str(error.value.message_dict["parent"])


def test_a_duplicate_code_is_refused_with_a_clear_message(tree: dict[str, Unit]) -> None:
    with pytest.raises(ValidationError) as error:
        unit_save(unit=Unit(code="620102", name="重复", parent=tree["city"]), actor=SystemActor("fixture"))
    assert error.value.message_dict["code"] == ["单位代码已存在，不能重复。"]


def test_moving_a_unit_rewrites_the_paths_of_its_whole_subtree(tree: dict[str, Unit]) -> None:
    county = tree["county_a"]
    county.parent = tree["other_city"]
    unit_save(unit=county, actor=SystemActor("fixture"))
    assert Unit.objects.get(code="620102001").path == "62/6205/620102/620102001/"
    assert Unit.objects.get(code="620102").path == "62/6205/620102/"
    assert Unit.objects.get(code="620103").path == "62/6201/620103/"


def test_a_county_clerk_sees_only_their_county(county_a_clerk: Any) -> None:
    assert sorted(units_visible_to(county_a_clerk).values_list("code", flat=True)) == ["620102", "620102001"]


def test_a_county_clerk_cannot_attach_a_unit_to_another_county_by_a_forged_post(
    county_b_clerk: Any, tree: dict[str, Unit], client_for: Any, role_groups: Any
) -> None:
    county_b_clerk.groups.add(role_groups["系统管理员"])
    response = client_for(county_b_clerk).post(
        reverse("admin:units_unit_add"),
        {"code": "620102099", "name": "伪造", "parent": tree["county_a"].pk, "unit_type": "township",
         "level": "township", "sort_order": 0},
    )
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not Unit.objects.filter(code="620102099").exists()


def test_the_unit_list_filter_offers_only_units_in_scope(county_a_clerk: Any, client_for: Any) -> None:
    response = client_for(county_a_clerk).get(reverse("admin:units_unit_changelist"))
    offered = [c.get("display") for spec in response.context["cl"].filter_specs for c in spec.choices(response.context["cl"])]
    assert any("城关镇" in str(d) for d in offered)
    assert not any("七里河区" in str(d) for d in offered)


def test_the_tree_has_a_single_root(tree: dict[str, Unit]) -> None:
    with pytest.raises(ValidationError) as error:
        unit_save(unit=Unit(code="63", name="另一个省", parent=None), actor=SystemActor("fixture"))
    assert "已有最高层级单位「甘肃省」" in str(error.value.message_dict["parent"])


def test_the_root_units_staff_see_every_unit_without_a_filter(province_officer: Any, county_a_clerk: Any) -> None:
    from orgwork.units.scope import scope_queryset

    everything = Unit.objects.all()
    assert "WHERE" not in str(scope_queryset(everything, province_officer).query)
    assert scope_queryset(everything, province_officer).count() == Unit.objects.count()
    assert "WHERE" in str(scope_queryset(everything.filter(level="county"), county_a_clerk).query)


def test_a_township_is_named_by_its_place(tree: dict[str, Unit]) -> None:
    assert str(tree["township_a"]) == "兰州市城关区·城关镇"
    assert str(tree["county_a"]) == "兰州市城关区"
    assert str(tree["city"]) == "兰州市"
    assert str(tree["province"]) == "甘肃省"


def test_two_townships_of_the_same_name_can_be_told_apart(tree: dict[str, Unit]) -> None:
    other = make_unit("620103001", "城关镇", tree["county_b"], UnitLevel.TOWNSHIP, UnitType.TOWNSHIP)
    assert str(other) == "兰州市七里河区·城关镇" != str(tree["township_a"])


def test_a_moved_county_carries_its_place_name_down_the_subtree(tree: dict[str, Unit]) -> None:
    county = tree["county_a"]
    county.parent = tree["other_city"]
    unit_save(unit=county, actor=SystemActor("fixture"))
    assert Unit.objects.get(code="620102001").full_name == "天水市城关区·城关镇"


def test_a_renamed_county_renames_the_place_of_its_townships(tree: dict[str, Unit]) -> None:
    county = Unit.objects.get(code="620102")
    county.name = "新城区"
    unit_save(unit=county, actor=SystemActor("fixture"))
    assert Unit.objects.get(code="620102001").full_name == "兰州市新城区·城关镇"


def test_moving_a_unit_audits_every_descendant_it_rewrites(tree: dict[str, Unit]) -> None:
    from orgwork.audit.models import AuditLog

    county = tree["county_a"]
    county.parent = tree["other_city"]
    before = AuditLog.objects.count()
    unit_save(unit=county, actor=SystemActor("fixture"))
    rows = list(AuditLog.objects.order_by("id")[before:])
    assert sorted(r.object_id for r in rows) == sorted([str(county.pk), str(tree["township_a"].pk)])
    township_row = next(r for r in rows if r.object_id == str(tree["township_a"].pk))
    assert township_row.changes["path"] == ["62/6201/620102/620102001/", "62/6205/620102/620102001/"]
    assert township_row.actor_name == "system:fixture"


def test_a_unit_cannot_be_saved_without_an_actor(tree: dict[str, Unit]) -> None:
    with pytest.raises(ValidationError) as error:
        unit_save(unit=Unit(code="620102002", name="无名街道", parent=tree["county_a"]), actor=None)
    assert error.value.code == "no_actor"
    assert not Unit.objects.filter(code="620102002").exists()


def test_a_county_clerk_cannot_place_a_unit_under_another_county_through_the_service(
        tree: dict[str, Unit], county_b_clerk: Any, role_groups: Any) -> None:
    county_b_clerk.groups.add(role_groups["系统管理员"])
    with pytest.raises(ValidationError) as error:
        unit_save(unit=Unit(code="620102098", name="越权街道", parent=tree["county_a"]), actor=county_b_clerk)
    assert error.value.code == "scope"


def test_a_units_sheet_gives_new_units_their_place_names(tree: dict[str, Unit], county_a_clerk: Any,
                                                         role_groups: Any, tmp_path: Any) -> None:
    from orgwork.imports.engine import run_import
    from orgwork.imports.reader import open_sheet
    from orgwork.units.resources import UnitResource

    county_a_clerk.groups.add(role_groups["系统管理员"])
    path = tmp_path / "units.csv"
    path.write_text("单位代码,单位名称,上级单位代码,单位类型,行政层级\r\n620102003,东关街道,620102,乡镇,乡级\r\n",
                    encoding="utf-8")
    result = run_import(UnitResource, county_a_clerk, open_sheet(str(path), path.name, UnitResource), commit=True)
    assert result.committed, result.report()
    assert Unit.objects.get(code="620102003").full_name == "兰州市城关区·东关街道"


# --- a code is one code whatever its case (gs01a is GS01A) ----------------------------

def _units_sheet(tmp_path: Any, *rows: str) -> Any:
    from orgwork.imports.reader import open_sheet
    from orgwork.units.resources import UnitResource

    path = tmp_path / "units.csv"
    path.write_text("单位代码,单位名称,上级单位代码,单位类型,行政层级\r\n" + "".join(f"{r}\r\n" for r in rows),
                    encoding="utf-8")
    return open_sheet(str(path), path.name, UnitResource)


@pytest.fixture
def lettered(tree: dict[str, Unit]) -> Unit:
    """A unit whose code has letters, written in capitals as codes are."""
    return make_unit("620102ZZB", "城关区委组织部", tree["county_a"], UnitLevel.COUNTY, UnitType.PARTY_DEPARTMENT)


def test_a_units_sheet_with_its_own_code_in_small_letters_updates_the_unit_and_keeps_its_code(
        lettered: Unit, county_a_clerk: Any, role_groups: Any, tmp_path: Any) -> None:
    from orgwork.imports.engine import run_import
    from orgwork.units.resources import UnitResource

    county_a_clerk.groups.add(role_groups["系统管理员"])
    sheet = _units_sheet(tmp_path, "620102zzb,城关区委组织部（更名）,620102,党委工作部门,县级")
    result = run_import(UnitResource, county_a_clerk, sheet, commit=True)
    assert (result.committed, result.new, result.updated) == (True, 0, 1), result.report()
    unit = Unit.objects.get(pk=lettered.pk)
    assert (unit.code, unit.name, unit.path) == ("620102ZZB", "城关区委组织部（更名）", "62/6201/620102/620102ZZB/")
    assert Unit.objects.filter(code__iexact="620102zzb").count() == 1


def test_two_rows_of_a_units_sheet_whose_codes_differ_only_by_case_are_one_unit_twice(
        tree: dict[str, Unit], county_a_clerk: Any, role_groups: Any, tmp_path: Any) -> None:
    from orgwork.imports.engine import run_import
    from orgwork.units.resources import UnitResource

    county_a_clerk.groups.add(role_groups["系统管理员"])
    sheet = _units_sheet(tmp_path, "620102ZZC,组织科,620102,其他,乡级", "620102zzc,组织科二,620102,其他,乡级")
    result = run_import(UnitResource, county_a_clerk, sheet, commit=True)
    assert not result.committed
    assert [(e.row, e.column) for e in result.errors] == [(3, "单位代码")]
    assert "与第 2 行重复" in result.errors[0].message
    assert not Unit.objects.filter(code__iexact="620102zzc").exists()


def test_a_unit_code_differing_only_by_case_is_refused_by_the_service(lettered: Unit, tree: dict[str, Unit]) -> None:
    with pytest.raises(ValidationError) as error:
        unit_save(unit=Unit(code="620102zzb", name="同码异写", parent=tree["county_a"]), actor=SystemActor("fixture"))
    assert "单位代码已存在（不区分大小写），不能重复。" in error.value.messages


def test_the_unit_form_refuses_a_code_differing_only_by_case(
        lettered: Unit, county_a_clerk: Any, tree: dict[str, Unit], client_for: Any, role_groups: Any) -> None:
    county_a_clerk.groups.add(role_groups["系统管理员"])
    response = client_for(county_a_clerk).post(
        reverse("admin:units_unit_add"),
        {"code": "620102Zzb", "name": "同码异写", "parent": tree["county_a"].pk, "unit_type": "other",
         "level": "township", "sort_order": 0},
    )
    assert response.status_code == 200
    assert "单位代码已存在（不区分大小写），不能重复。" in str(response.context["adminform"].form.errors)
    assert list(Unit.objects.filter(code__iexact="620102zzb").values_list("code", flat=True)) == ["620102ZZB"]


def test_the_database_holds_no_two_unit_codes_differing_only_by_case(lettered: Unit, tree: dict[str, Unit]) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(code="620102zzb", name="绕过服务", parent=tree["county_a"], path="x/")
