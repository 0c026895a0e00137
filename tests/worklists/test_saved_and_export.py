"""Saved lists open with the viewer's own scope; exports carry the list's headers, masked IDs and escaped cells."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from cadres.models import Assessment, AssessmentGrade, Cadre
from cadres.services import assessment_save
from orgwork.common.contract import SystemActor
from orgwork.accounts.models import User
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.common import idnumber
from orgwork.units.models import Unit
from orgwork.worklists.models import SavedList
from talent.models import ServiceCard
from tests.samples.cadres import cadre_in

from .conftest import column, exported, open_list
from django.utils import timezone


SYSTEM = SystemActor("tests")

SLUG = "cadres_low_political_score"


# A rectification item is opened for a low score: the write needs a named actor.


@pytest.fixture
def low_scores(reference: None, tree: dict[str, Unit]) -> dict[str, Any]:
    def low(unit: Unit, name: str, year: int = 2024) -> Any:
        cadre = cadre_in(unit, name=name)
        assessment_save(assessment=Assessment(cadre=cadre, year=year, grade=AssessmentGrade.COMPETENT,
                                              political_score=Decimal("72.5")), actor=SYSTEM)
        return cadre

    return {"a": low(tree["county_a"], "城关低分"), "a_old": low(tree["county_a"], "城关旧年", 2023),
            "b": low(tree["county_b"], "七里河低分"), "other": low(tree["other_city"], "天水低分")}


def test_a_shared_list_opens_for_a_colleague_with_the_colleagues_own_scope(
    low_scores: Any, make_staff: Any, tree: dict[str, Unit], city_officer: User, client_for: Any
) -> None:
    client_for(city_officer).post(reverse("admin:worklist", args=[SLUG]), {"name": "2024年低分", "query": "year=2024",
                                                                          "shared": "1"})
    saved = SavedList.objects.get(name="2024年低分")
    colleague = make_staff("city_colleague", tree["city"], "干部监督")

    response = client_for(colleague).get(reverse("admin:worklist_saved", args=[saved.pk]), follow=True)

    assert sorted(column(response)) == sorted(["城关低分", "七里河低分"])
    assert column(response) == column(open_list(client_for(city_officer), SLUG, {"year": "2024"}))


def test_a_list_saved_in_the_city_is_not_open_to_a_county_clerk(
    low_scores: Any, city_officer: User, county_a_clerk: User, client_for: Any
) -> None:
    client_for(city_officer).post(reverse("admin:worklist", args=[SLUG]), {"name": "全市", "query": "", "shared": "1"})
    saved = SavedList.objects.get(name="全市")
    assert client_for(county_a_clerk).get(reverse("admin:worklist_saved", args=[saved.pk])).status_code == 404


def test_a_saved_unit_filter_cannot_widen_a_colleagues_scope(
    low_scores: Any, make_staff: Any, tree: dict[str, Unit], county_a_clerk: User, client_for: Any
) -> None:
    """A county-A list that names county B's code (typed by hand) shows nothing, not county B."""
    client_for(county_a_clerk).post(reverse("admin:worklist", args=[SLUG]),
                                    {"name": "越权", "query": "unit=620103", "shared": "1"})
    saved = SavedList.objects.get(name="越权")
    colleague = make_staff("county_a_colleague", tree["county_a"], "干部监督")

    response = client_for(colleague).get(reverse("admin:worklist_saved", args=[saved.pk]), follow=True)

    assert response.context["count"] == 0
    assert "七里河低分" not in response.content.decode()


def test_the_low_score_export_has_chinese_headers_masked_ids_escaped_cells_and_an_audit_entry(
    low_scores: Any, tree: dict[str, Unit], county_a_clerk: User, client_for: Any
) -> None:
    formula = cadre_in(tree["county_a"], name="公式")
    # A name on record from before the name rule may still hold a formula: the export escapes it.
    Cadre.objects.filter(pk=formula.pk).update(name="=HYPERLINK(\"http://x\",\"点我\")")
    assessment_save(assessment=Assessment(cadre=formula, year=2024, grade=AssessmentGrade.COMPETENT,
                                          political_score=Decimal("60")), actor=SYSTEM)

    rows = exported(client_for(county_a_clerk), SLUG, {"year": "2024"})

    assert rows[0] == ("姓名", "身份证号", "单位", "现任职务", "考核年度", "考核等次", "政治素质测评得分")
    by_id = {row[1]: row for row in rows[1:]}
    assert set(by_id) == {idnumber.mask(low_scores["a"].id_number), idnumber.mask(formula.id_number)}
    assert by_id[idnumber.mask(formula.id_number)][0] == "'=HYPERLINK(\"http://x\",\"点我\")"
    assert by_id[idnumber.mask(low_scores["a"].id_number)][2:6] == ("兰州市城关区", "科员", 2024, "称职")
    entry = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert entry.actor == county_a_clerk and entry.changes["rows"] == 2 and entry.changes["unmasked"] is False


def test_the_export_shows_full_ids_only_to_someone_granted_them(
    low_scores: Any, county_a_clerk: User, client_for: Any
) -> None:
    county_a_clerk.user_permissions.add(
        Permission.objects.get(codename="view_unmasked_id_number", content_type__app_label="cadres"))
    granted = User.objects.get(pk=county_a_clerk.pk)

    rows = exported(client_for(granted), SLUG, {"year": "2024"})

    assert [row[1] for row in rows[1:]] == [low_scores["a"].id_number]
    assert AuditLog.objects.get(action=AuditAction.EXPORT).message.endswith("1 条，含完整个人信息")
    viewed = AuditLog.objects.get(action=AuditAction.VIEW_SENSITIVE)
    assert viewed.actor == granted and viewed.message.endswith("（1 行）") and "导出台账" in viewed.message


def test_the_card_export_masks_the_holders_id_and_keeps_a_leading_at_sign_as_text(
    make_card: Callable[..., ServiceCard], make_person: Any, county_a_clerk: User, client_for: Any
) -> None:
    today = timezone.localdate()
    card = make_card(issued_on=today - datetime.timedelta(days=300), expires_on=today + datetime.timedelta(days=7))
    card.holder.name = "@SUM(A1:A9)"
    card.holder.save(update_fields=["name"])

    rows = exported(client_for(county_a_clerk), "talent_cards_expiring")

    assert rows[0] == ("卡号", "持卡人", "身份证号", "单位", "卡级别", "发卡日期", "有效期至", "剩余天数")
    # A text cell in an .xlsx is never a formula unless it starts with "=": kept as typed.
    assert rows[1][:5] == (card.card_number, "@SUM(A1:A9)", idnumber.mask(card.holder.id_number), "兰州市城关区", "A卡")
    assert rows[1][7] == 7 and len(rows) == 2
