"""A 党组织 sheet is checked against the tree as all its rows together leave it: rows that
each look right alone (A under B, B under A) cannot close a cycle, and the bulk path that
rewrites descendants' paths after a sheet always ends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from branches.models import Domain, OrgKind, PartyOrganisation
from branches.resources import PartyOrganisationResource
from branches.services import party_orgs_sync_descendants

from .conftest import TEST_ACTOR, make_org
from .test_imports import errors_of, sheet_of
from .test_rules_on_every_path import audit_rows_of

pytestmark = pytest.mark.django_db

HEADER = ["组织代码", "组织名称", "组织类别", "上级党组织代码", "所在单位代码", "领域"]
CYCLE = "不能把党组织移到它自己的下级「{}」之下：会形成循环。"


@pytest.fixture
def committees(tree: Any, orgs: Any) -> dict[str, PartyOrganisation]:
    """Three 党委 side by side under 城关区委, as a first sheet adds them."""
    return {key: make_org(code, name, tree["township_a"], OrgKind.COMMITTEE, parent=orgs["committee"],
                          domain=Domain.RURAL)
            for key, code, name in [("a", "PC620102001A", "测试甲党委"), ("b", "PC620102001B", "测试乙党委"),
                                    ("c", "PC620102001C", "测试丙党委")]}


def paths_of(*orgs: PartyOrganisation) -> dict[str, str]:
    return dict(PartyOrganisation.objects.filter(pk__in=[o.pk for o in orgs]).values_list("code", "path"))


def run(tmp_path: Path, user: Any, rows: list[list[Any]], *, commit: bool) -> Any:
    from orgwork.imports.engine import run_import

    return run_import(PartyOrganisationResource, user, sheet_of(tmp_path, PartyOrganisationResource, [HEADER, *rows]),
                      commit=commit)


def test_an_organisations_sheet_putting_two_committees_under_each_other_is_refused_whole_and_writes_nothing(
        tmp_path: Path, committees: Any, county_a_clerk: Any) -> None:
    before, trail = paths_of(*committees.values()), len(audit_rows_of(committees["a"]))
    rows = [["PC620102001A", "测试甲党委", "党委", "PC620102001B", "620102001", "农村"],
            ["PC620102001B", "测试乙党委", "党委", "PC620102001A", "620102001", "农村"]]
    checked = run(tmp_path, county_a_clerk, rows, commit=False)
    assert errors_of(checked) == [(3, "上级党组织代码", CYCLE.format("测试甲党委")
                                   + "本表第2行把「测试甲党委」放在了「测试乙党委」之下。")]
    committed = run(tmp_path, county_a_clerk, rows, commit=True)
    assert not committed.committed and committed.errors
    assert paths_of(*committees.values()) == before
    assert len(audit_rows_of(committees["a"])) == trail


def test_an_organisations_sheet_closing_a_cycle_over_three_rows_is_refused_at_the_row_that_closes_it(
        tmp_path: Path, committees: Any, county_a_clerk: Any) -> None:
    before = paths_of(*committees.values())
    rows = [["PC620102001A", "测试甲党委", "党委", "PC620102001B", "620102001", "农村"],
            ["PC620102001B", "测试乙党委", "党委", "PC620102001C", "620102001", "农村"],
            ["PC620102001C", "测试丙党委", "党委", "PC620102001A", "620102001", "农村"]]
    result = run(tmp_path, county_a_clerk, rows, commit=True)
    assert not result.committed
    # Each link the other rows give is named with its row, so that the clerk finds the rows to correct.
    assert errors_of(result) == [(4, "上级党组织代码", CYCLE.format("测试甲党委")
                                  + "本表第2行把「测试甲党委」放在了「测试乙党委」之下，第3行把「测试乙党委」放在了「测试丙党委」之下。")]
    assert paths_of(*committees.values()) == before


def test_a_cycle_through_an_organisation_the_sheet_leaves_in_place_names_that_link_as_on_record(
        tmp_path: Path, tree: Any, committees: Any, county_a_clerk: Any) -> None:
    """丁 stays under 甲 as stored; the sheet puts 甲 under 丙 and then 丙 under 丁."""
    make_org("PC620102001D", "测试丁党委", tree["township_a"], OrgKind.COMMITTEE, parent=committees["a"],
             domain=Domain.RURAL)
    rows = [["PC620102001A", "测试甲党委", "党委", "PC620102001C", "620102001", "农村"],
            ["PC620102001C", "测试丙党委", "党委", "PC620102001D", "620102001", "农村"]]
    result = run(tmp_path, county_a_clerk, rows, commit=False)
    assert errors_of(result) == [(3, "上级党组织代码", CYCLE.format("测试丁党委")
                                  + "本表第2行把「测试甲党委」放在了「测试丙党委」之下。（「测试丁党委」原在「测试甲党委」之下。）")]


def test_an_organisations_sheet_cannot_close_a_cycle_through_a_new_row(
        tmp_path: Path, committees: Any, county_a_clerk: Any) -> None:
    rows = [["PC620102001N", "测试新党委", "党委", "PC620102001A", "620102001", "农村"],
            ["PC620102001A", "测试甲党委", "党委", "PC620102001N", "620102001", "农村"]]
    result = run(tmp_path, county_a_clerk, rows, commit=True)
    assert [(row, column) for row, column, _ in errors_of(result)] == [(3, "上级党组织代码")]
    assert not PartyOrganisation.objects.filter(code="PC620102001N").exists()


def test_an_organisations_sheet_moving_several_committees_into_a_chain_still_imports(
        tmp_path: Path, tree: Any, committees: Any, county_a_clerk: Any) -> None:
    branch = make_org("PB620102001-009", "测试丙党委第一党支部", tree["township_a"], parent=committees["c"],
                      domain=Domain.RURAL)
    rows = [["PC620102001B", "测试乙党委", "党委", "PC620102001A", "620102001", "农村"],
            ["PC620102001C", "测试丙党委", "党委", "PC620102001B", "620102001", "农村"]]
    result = run(tmp_path, county_a_clerk, rows, commit=True)
    assert (result.committed, result.updated) == (True, 2), errors_of(result)
    top = "A-DW/PC620102001A/"
    assert paths_of(*committees.values(), branch) == {
        "PC620102001A": top, "PC620102001B": f"{top}PC620102001B/", "PC620102001C": f"{top}PC620102001B/PC620102001C/",
        "PB620102001-009": f"{top}PC620102001B/PC620102001C/PB620102001-009/"}


def test_rewriting_descendants_paths_ends_with_a_refusal_on_a_cycle_the_rules_never_saw(committees: Any) -> None:
    # Written straight into the table, as no path of the application can: the bulk path
    # must still end, with nothing but a refusal.
    a, b = committees["a"], committees["b"]
    PartyOrganisation.objects.filter(pk=a.pk).update(parent=b, path=f"{b.path}{a.code}/")
    PartyOrganisation.objects.filter(pk=b.pk).update(parent=a, path=f"{a.path}{b.code}/")
    with pytest.raises(ValidationError) as refused:
        party_orgs_sync_descendants(organisations=PartyOrganisation.objects.filter(pk__in=[a.pk, b.pk]),
                                    actor=TEST_ACTOR)
    assert "会形成循环" in refused.value.message_dict["parent"][0]
