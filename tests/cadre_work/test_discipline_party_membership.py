"""A 党纪处分 is given to Party members: refused for a cadre known not to be one at the
decision (政治面貌 recorded and not 中共党员/中共预备党员, or 入党时间 after the decision),
on every path (the service as commands call it, the finding page, the sheet); a blank
政治面貌 is unknown and not refused; a 政务处分 needs no membership."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.models import Cadre
from cadres.services import cadre_save
from cadres.supervision.models import DisciplineFinding, DisciplineKind
from cadres.supervision.resources import DisciplineFindingResource
from orgwork.imports.engine import ImportResult, run_import
from orgwork.imports.reader import open_sheet
from tests.imports.sheets import xlsx
from tests.samples.cadres import cadre_in

from .discipline_helpers import SHEET_HEAD, SYSTEM, find, messages_of, sheet_row

pytestmark = pytest.mark.django_db
DECIDED = datetime.date(2026, 6, 1)


def findings_sheet(user: Any, rows: list[list[str]], folder: Path) -> ImportResult:
    path = xlsx(folder / "党纪政务处分.xlsx", [SHEET_HEAD, *rows], text_columns=[0])
    return run_import(DisciplineFindingResource, user, open_sheet(str(path), path.name, DisciplineFindingResource),
                      commit=True)


def masses(unit: Any) -> Cadre:
    return cadre_in(unit, name="王群众", political_status="群众")


def member(unit: Any, joined: datetime.date = datetime.date(2001, 7, 1)) -> Cadre:
    return cadre_in(unit, name="刘党员", political_status="中共党员", party_joined_on=joined)


def test_a_findings_sheet_refuses_party_discipline_for_a_cadre_of_the_masses(tree, county_a_clerk, tmp_path) -> None:
    cadre = masses(tree["county_a"])
    rows = [sheet_row(cadre, "党内严重警告", "2026-06-01"), sheet_row(cadre, "开除党籍", "2026-06-02", "城纪处〔2026〕10号")]
    result = findings_sheet(county_a_clerk, rows, tmp_path)
    assert not result.committed and result.error_rows == 2
    assert "党纪处分（党内严重警告）只适用于中共党员：王群众的政治面貌为「群众」" in messages_of(result)
    assert "党纪处分（开除党籍）只适用于中共党员" in messages_of(result)
    assert not DisciplineFinding.objects.exists()


def test_a_findings_sheet_records_a_public_sanction_for_a_cadre_of_the_masses(tree, county_a_clerk, tmp_path) -> None:
    cadre = masses(tree["county_a"])
    assert findings_sheet(county_a_clerk, [sheet_row(cadre, "记过", "2026-06-01")], tmp_path).committed
    assert DisciplineFinding.objects.get().kind == DisciplineKind.PUBLIC_DEMERIT


def test_a_findings_sheet_records_party_discipline_for_a_member_and_for_an_unknown_status(
        tree, county_a_clerk, tmp_path) -> None:
    known, unknown = member(tree["county_a"]), cadre_in(tree["county_a"], name="赵未填")
    assert unknown.political_status == ""
    rows = [sheet_row(known, "党内警告", "2026-06-01"), sheet_row(unknown, "党内警告", "2026-06-01", "城纪处〔2026〕11号")]
    result = findings_sheet(county_a_clerk, rows, tmp_path)
    assert result.committed, result.errors
    assert DisciplineFinding.objects.count() == 2


def test_the_service_refuses_party_discipline_decided_before_the_cadre_joined_the_party(tree) -> None:
    cadre = member(tree["county_a"], joined=datetime.date(2026, 7, 1))
    with pytest.raises(ValidationError) as caught:
        find(cadre, DECIDED)
    assert "入党时间为 2026.07，晚于处分决定日期 2026-06-01" in " ".join(caught.value.messages)
    with pytest.raises(ValidationError) as caught:
        find(cadre, datetime.date(2026, 7, 15))  # a member since, but a 预备党员 that day
    assert "尚在一年预备期内" in " ".join(caught.value.messages)


def test_the_service_refuses_party_discipline_for_a_non_party_cadre(tree) -> None:
    cadre = cadre_in(tree["county_a"], name="钱民盟", political_status="民盟盟员")
    with pytest.raises(ValidationError) as caught:
        find(cadre, DECIDED, DisciplineKind.PARTY_PROBATION_1)
    assert caught.value.message_dict["kind"][0].startswith("党纪处分（留党察看一年）只适用于中共党员")


def test_an_earlier_party_discipline_stays_recordable_after_an_expulsion_on_file(tree) -> None:
    cadre = member(tree["county_a"])
    find(cadre, DECIDED, DisciplineKind.PARTY_EXPULSION, number="城纪处〔2026〕12号")
    cadre.political_status, cadre.party_joined_on = "群众", None  # the profile after the expulsion
    cadre_save(cadre=cadre, actor=SYSTEM)
    assert find(cadre, datetime.date(2026, 3, 1)).kind == DisciplineKind.PARTY_WARNING
    with pytest.raises(ValidationError):
        find(cadre, datetime.date(2026, 6, 20), DisciplineKind.PARTY_SERIOUS_WARNING)  # after the expulsion


def test_the_finding_page_refuses_party_discipline_for_a_cadre_of_the_masses(tree, county_a_clerk, client_for) -> None:
    cadre = masses(tree["county_a"])
    response = client_for(county_a_clerk).post(reverse("admin:supervision_disciplinefinding_add"), {
        "cadre": cadre.pk, "kind": DisciplineKind.PARTY_SERIOUS_WARNING, "decided_on": "2026-06-01",
        "document_number": "城纪处〔2026〕3号", "deciding_organ": "中共兰州市城关区纪律检查委员会", "summary": ""})
    assert response.status_code == 200
    assert "只适用于中共党员" in response.content.decode()
    assert not DisciplineFinding.objects.exists()


def test_an_expulsion_on_file_is_read_again_from_its_sheet_after_the_status_was_changed(
        tree, county_a_clerk, tmp_path) -> None:
    cadre = member(tree["county_a"])
    row = sheet_row(cadre, "开除党籍", "2026-06-01", "城纪处〔2026〕12号")
    assert findings_sheet(county_a_clerk, [row], tmp_path).committed
    cadre.political_status, cadre.party_joined_on = "群众", None
    cadre_save(cadre=cadre, actor=SYSTEM)
    result = findings_sheet(county_a_clerk, [row], tmp_path)
    assert result.committed, result.errors
    assert DisciplineFinding.objects.get().kind == DisciplineKind.PARTY_EXPULSION


def probationer(unit: Any) -> Cadre:
    return cadre_in(unit, name="孙预备", political_status="中共预备党员", party_joined_on=datetime.date(2025, 12, 1))


def test_the_service_refuses_party_discipline_for_a_probationary_member(tree) -> None:
    cadre = probationer(tree["county_a"])
    with pytest.raises(ValidationError) as caught:
        find(cadre, DECIDED)
    shown = caught.value.message_dict["kind"][0]
    assert shown.startswith("孙预备是中共预备党员，不给予党纪处分") and "取消预备党员资格" in shown
    assert find(cadre, DECIDED, DisciplineKind.PUBLIC_WARNING).kind == DisciplineKind.PUBLIC_WARNING


def test_a_findings_sheet_refuses_party_discipline_for_a_probationary_member(tree, county_a_clerk, tmp_path) -> None:
    cadre = probationer(tree["county_a"])
    result = findings_sheet(county_a_clerk, [sheet_row(cadre, "党内警告", "2026-06-01")], tmp_path)
    assert not result.committed and "孙预备是中共预备党员，不给予党纪处分" in messages_of(result)
    assert not DisciplineFinding.objects.exists()


def test_the_finding_page_refuses_party_discipline_for_a_probationary_member(tree, county_a_clerk, client_for) -> None:
    cadre = probationer(tree["county_a"])
    response = client_for(county_a_clerk).post(reverse("admin:supervision_disciplinefinding_add"), {
        "cadre": cadre.pk, "kind": DisciplineKind.PARTY_WARNING, "decided_on": "2026-06-01",
        "document_number": "城纪处〔2026〕4号", "deciding_organ": "中共兰州市城关区纪律检查委员会", "summary": ""})
    assert response.status_code == 200 and "不给予党纪处分" in response.content.decode()
    assert not DisciplineFinding.objects.exists()


def test_the_service_refuses_party_discipline_within_a_year_of_joining(tree) -> None:
    cadre = member(tree["county_a"], joined=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError) as caught:
        find(cadre, DECIDED)  # 2026-06-01: still in the 预备期
    assert "处分决定日期 2026-06-01 时尚在一年预备期内" in caught.value.message_dict["kind"][0]


def test_the_profile_cannot_become_probationary_under_party_discipline_on_file(tree, county_a_clerk) -> None:
    cadre = member(tree["county_a"])
    find(cadre, DECIDED)
    cadre = Cadre.objects.get(pk=cadre.pk)
    cadre.political_status = "中共预备党员"
    with pytest.raises(ValidationError) as caught:
        cadre_save(cadre=cadre, actor=county_a_clerk)
    assert caught.value.message_dict["political_status"][0].startswith("该干部有党纪处分记录（党内警告，2026-06-01")
    assert Cadre.objects.get(pk=cadre.pk).political_status == "中共党员"


def test_a_cadres_sheet_cannot_move_the_joining_date_past_party_discipline_on_file(tree, county_a_clerk,
                                                                                  tmp_path) -> None:
    from cadres.resources import CadreResource
    from tests.cadres.test_sheet_post_changes import HEAD

    cadre = member(tree["county_a"])
    find(cadre, DECIDED)
    head = [*HEAD[:5], "入党时间"]
    row = [cadre.name, "男", "1975.06", cadre.id_number, cadre.unit.code, "2025.12"]
    path = xlsx(tmp_path / "干部.xlsx", [head, row], text_columns=[3])
    result = run_import(CadreResource, county_a_clerk, open_sheet(str(path), path.name, CadreResource), commit=True)
    assert not result.committed
    assert "处分决定日期在一年预备期内或入党之前" in " ".join(str(e) for e in result.errors)
    assert Cadre.objects.get(pk=cadre.pk).party_joined_on == datetime.date(2001, 7, 1)
