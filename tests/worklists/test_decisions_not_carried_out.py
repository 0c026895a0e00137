"""台账 of decisions the registry does not show carried out: 调整职务, 责令辞职, 免职 and
降职 whose cadre still serves in the principal post he held before the decision; 撤职 and
开除公职 likewise; 开除党籍 whose cadre is still recorded as a Party member. A row leaves the
list once 任职经历 or the profile follows the decision."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from cadres.models import Cadre, CadreStatus, Post, Rank
from cadres.services import cadre_save, post_appoint
from cadres.supervision.models import DisciplineFinding, DisciplineKind, HandlingType
from cadres.supervision.services import discipline_finding_save
from orgwork.common.contract import SystemActor
from orgwork.units.models import Unit
from tests.samples.cadres import cadre_in
from tests.supervision.helpers import handle

from .conftest import column, exported, open_list

SYSTEM = SystemActor("tests")
D = datetime.date

pytestmark = pytest.mark.usefixtures("reference")


def deputy_head(unit: Unit, name: str, **fields: Any) -> Cadre:
    """A 副镇长 (乡科级副职) since 2021-03-01."""
    cadre = cadre_in(unit, name=name, **fields)
    post_appoint(post=Post(cadre=cadre, unit=unit, title="城关镇副镇长", rank=Rank.TOWNSHIP_DEPUTY,
                           appointed_on=D(2021, 3, 1)), actor=SYSTEM)
    return Cadre.objects.get(pk=cadre.pk)


def appoint(cadre: Cadre, title: str, on: datetime.date) -> None:
    post_appoint(post=Post(cadre=cadre, unit=cadre.unit, title=title, rank=Rank.TOWNSHIP_DEPUTY, appointed_on=on),
                 actor=SYSTEM)


def discipline(cadre: Cadre, kind: str, on: datetime.date) -> DisciplineFinding:
    return discipline_finding_save(finding=DisciplineFinding(
        cadre=cadre, kind=kind, decided_on=on, document_number="城纪处〔2026〕5号",
        deciding_organ="中共兰州市城关区纪律检查委员会"), actor=SYSTEM)


def test_a_dismissed_cadre_still_in_his_post_is_listed_with_what_is_left_to_do(
        tree: dict[str, Unit], county_a_clerk: Any, client_for: Any) -> None:
    cadre = deputy_head(tree["county_a"], "免职未落实")
    handle(cadre, HandlingType.DISMISSAL, D(2026, 5, 10), document_number="城组通〔2026〕9号")
    response = open_list(client_for(county_a_clerk), "supervision_handling_not_carried_out")
    assert column(response) == ["免职未落实"]
    assert column(response, 3) == ["免职"] and column(response, 6) == ["城关镇副镇长"]
    assert column(response, 8) == [
        "免职后仍任「城关镇副镇长」（2021-03-01任职）：请在任职经历中登记免职或新任职务，或修改干部状态。"]


def test_a_decision_the_posts_follow_is_not_listed(tree: dict[str, Unit], county_a_clerk: Any,
                                                   client_for: Any) -> None:
    moved = deputy_head(tree["county_a"], "已调整")
    handle(moved, HandlingType.POST_ADJUSTMENT, D(2026, 5, 10))
    appoint(moved, "城关区档案馆副馆长", D(2026, 5, 20))
    retired = deputy_head(tree["county_a"], "已退出")
    handle(retired, HandlingType.ORDERED_RESIGNATION, D(2026, 5, 10))
    retired = Cadre.objects.get(pk=retired.pk)
    retired.status = CadreStatus.RETIRED
    cadre_save(cadre=retired, actor=SYSTEM)
    warned = deputy_head(tree["county_a"], "仅诫勉")
    handle(warned, HandlingType.ADMONISHMENT, D(2026, 5, 10))
    still = deputy_head(tree["county_a"], "降职未落实")
    handle(still, HandlingType.DEMOTION, D(2026, 5, 10))
    assert column(open_list(client_for(county_a_clerk), "supervision_handling_not_carried_out")) == ["降职未落实"]


def test_the_list_keeps_to_the_clerks_jurisdiction_and_filters_by_type(
        tree: dict[str, Unit], county_a_clerk: Any, client_for: Any) -> None:
    handle(deputy_head(tree["county_a"], "本区免职"), HandlingType.DISMISSAL, D(2026, 5, 10))
    handle(deputy_head(tree["county_a"], "本区降职"), HandlingType.DEMOTION, D(2026, 4, 10))
    handle(deputy_head(tree["county_b"], "外区免职"), HandlingType.DISMISSAL, D(2026, 5, 10))
    client = client_for(county_a_clerk)
    assert column(open_list(client, "supervision_handling_not_carried_out")) == ["本区降职", "本区免职"]
    narrowed = open_list(client, "supervision_handling_not_carried_out", {"handling_type": HandlingType.DISMISSAL})
    assert column(narrowed) == ["本区免职"]


def test_the_sheet_of_the_list_masks_the_id_number_for_a_clerk_without_the_right(
        tree: dict[str, Unit], county_a_clerk: Any, client_for: Any) -> None:
    cadre = deputy_head(tree["county_a"], "免职未落实")
    handle(cadre, HandlingType.DISMISSAL, D(2026, 5, 10))
    rows = exported(client_for(county_a_clerk), "supervision_handling_not_carried_out")
    assert rows[1][0] == "免职未落实" and rows[1][1] != cadre.id_number and rows[1][1].endswith(cadre.id_number[-4:])


def test_an_expelled_member_still_recorded_as_a_party_member_is_listed(
        tree: dict[str, Unit], county_a_clerk: Any, client_for: Any) -> None:
    cadre = deputy_head(tree["county_a"], "开除党籍", political_status="中共党员", party_joined_on=D(2000, 7, 1))
    discipline(cadre, DisciplineKind.PARTY_EXPULSION, D(2026, 3, 2))
    response = open_list(client_for(county_a_clerk), "supervision_findings_not_carried_out")
    assert column(response) == ["开除党籍"]
    assert column(response, 6) == ["已开除党籍，干部信息中的政治面貌仍为中共党员：请更正政治面貌（填有入党时间的一并清空，原值留在修改记录中）。"]


def test_a_cadre_removed_from_office_still_in_his_post_is_listed_until_the_posts_follow(
        tree: dict[str, Unit], county_a_clerk: Any, client_for: Any) -> None:
    cadre = cadre_in(tree["county_a"], name="撤职未落实")
    post_appoint(post=Post(cadre=cadre, unit=cadre.unit, title="城关镇镇长", rank=Rank.TOWNSHIP_CHIEF,
                           appointed_on=D(2021, 3, 1)), actor=SYSTEM)
    discipline(cadre, DisciplineKind.PUBLIC_DISMISSAL, D(2026, 3, 2))
    warned = deputy_head(tree["county_a"], "仅警告")
    discipline(warned, DisciplineKind.PUBLIC_WARNING, D(2026, 3, 2))
    client = client_for(county_a_clerk)
    assert column(open_list(client, "supervision_findings_not_carried_out")) == ["撤职未落实"]
    appoint(cadre, "城关区档案馆科员", D(2026, 3, 20))  # 乡科级副职: lower than 镇长
    assert column(open_list(client, "supervision_findings_not_carried_out")) == []


def test_an_expelled_member_leaves_the_list_once_the_profile_is_corrected(
        tree: dict[str, Unit], county_a_clerk: Any, client_for: Any) -> None:
    cadre = deputy_head(tree["county_a"], "开除党籍", political_status="中共党员", party_joined_on=D(2000, 7, 1))
    discipline(cadre, DisciplineKind.PARTY_EXPULSION, D(2026, 3, 2))
    cadre = Cadre.objects.get(pk=cadre.pk)
    cadre.political_status, cadre.party_joined_on = "群众", None
    cadre_save(cadre=cadre, actor=county_a_clerk)
    assert column(open_list(client_for(county_a_clerk), "supervision_findings_not_carried_out")) == []


def test_a_demotion_is_carried_out_by_a_lower_rank_not_by_any_new_post(
        tree: dict[str, Unit], county_a_clerk: Any, client_for: Any) -> None:
    cadre = cadre_in(tree["county_a"], name="降职者")
    post_appoint(post=Post(cadre=cadre, unit=cadre.unit, title="城关镇镇长", rank=Rank.TOWNSHIP_CHIEF,
                           appointed_on=D(2021, 3, 1)), actor=SYSTEM)
    handle(cadre, HandlingType.DEMOTION, D(2026, 5, 10))
    client = client_for(county_a_clerk)
    post_appoint(post=Post(cadre=cadre, unit=cadre.unit, title="城关区档案馆馆长", rank=Rank.TOWNSHIP_CHIEF,
                           appointed_on=D(2026, 5, 20)), actor=SYSTEM)  # moved, not lowered
    response = open_list(client, "supervision_handling_not_carried_out")
    assert column(response) == ["降职者"]
    assert column(response, 8) == ["降职后仍任「城关区档案馆馆长」（2026-05-20任职），职务层次仍为乡科级正职（决定时为乡科级正职）："
                                   "请在任职经历中登记降低职务层次后的新任职务。"]
    post_appoint(post=Post(cadre=cadre, unit=cadre.unit, title="城关区档案馆副馆长", rank=Rank.TOWNSHIP_DEPUTY,
                           appointed_on=D(2026, 6, 1)), actor=SYSTEM)
    assert column(open_list(client, "supervision_handling_not_carried_out")) == []


def test_an_expulsion_from_office_stays_listed_until_the_cadre_leaves_service(
        tree: dict[str, Unit], county_a_clerk: Any, client_for: Any) -> None:
    cadre = deputy_head(tree["county_a"], "开除公职")
    discipline(cadre, DisciplineKind.PUBLIC_EXPULSION, D(2026, 3, 2))
    client = client_for(county_a_clerk)
    response = open_list(client, "supervision_findings_not_carried_out")
    assert column(response) == ["开除公职"]
    assert column(response, 6) == ["已开除公职，干部状态仍为在职：请修改干部状态（开除公职后不再任职）。"]
    cadre = Cadre.objects.get(pk=cadre.pk)
    cadre.status = CadreStatus.REMOVED
    cadre_save(cadre=cadre, actor=SYSTEM)
    assert column(open_list(client, "supervision_findings_not_carried_out")) == []


def test_no_post_is_taken_after_an_expulsion_from_office(tree: dict[str, Unit]) -> None:
    from django.core.exceptions import ValidationError

    cadre = deputy_head(tree["county_a"], "开除公职")
    discipline(cadre, DisciplineKind.PUBLIC_EXPULSION, D(2026, 3, 2))
    with pytest.raises(ValidationError) as caught:
        appoint(cadre, "城关区档案馆科员", D(2026, 3, 20))
    assert caught.value.message_dict["appointed_on"] == [
        "该干部已被开除公职（处分决定：城纪处〔2026〕5号，2026-03-02），此后不能再任职：任职时间 2026-03-20 不能登记。"]
    assert not Post.objects.filter(cadre=cadre, title="城关区档案馆科员").exists()
