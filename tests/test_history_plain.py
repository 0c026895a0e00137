"""The 变更记录 page in plain Chinese: labels, display values, no internal columns."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from orgwork.audit.models import AuditAction, AuditLog
from orgwork.audit.presentation import readable_changes
from orgwork.common.contract import SystemActor
from orgwork.units.models import Unit, UnitLevel
from orgwork.units.services import unit_save

pytestmark = pytest.mark.django_db


def test_a_moved_units_history_names_the_old_and_new_parent_by_place(tree: dict[str, Unit], county_a_clerk: Any,
                                                                        city_officer: Any, client_for: Any) -> None:
    township = Unit.objects.get(code="620102001")
    township.parent = tree["county_a"]
    township.level = UnitLevel.COUNTY
    unit_save(unit=township, actor=SystemActor("fixture"))
    html = client_for(city_officer).get(reverse("admin:units_unit_history", args=[township.pk])).content.decode()
    assert "行政层级：乡级 → 县级" in html
    for internal in ("层级路径", "单位全称", "版本号", "full_name", "<code>", "parent_id", "False"):
        assert internal not in html


def test_a_foreign_key_reads_as_the_record_it_names() -> None:
    unit = Unit.objects.create(code="99", name="测试省", path="99/")
    rows = readable_changes(Unit, {"parent_id": [None, unit.pk]}, {"parent_id": {unit.pk: "测试省"}})
    assert [(r.label, r.old, r.new) for r in rows] == [("上级单位", "（空）", "测试省")]


def test_booleans_and_choices_read_as_words() -> None:
    from orgwork.accounts.models import User

    rows = readable_changes(User, {"is_active": [True, False]})
    assert [(r.old, r.new) for r in rows] == [("是", "否")]
    rows = readable_changes(Unit, {"level": ["township", "county"]})
    assert [(r.old, r.new) for r in rows] == [("乡级", "县级")]


def test_a_masked_personal_value_stays_masked_in_plain_reading() -> None:
    from cadres.models import Cadre

    kept = {"masked": "620102********0033", "hmac": "0" * 32}
    rows = readable_changes(Cadre, {"id_number": [None, kept]})
    assert rows[0].new == "620102********0033" and rows[0].label == "身份证号"


def test_a_creation_row_shows_new_values_without_an_arrow(tree: dict[str, Unit], city_officer: Any,
                                                          client_for: Any) -> None:
    html = client_for(city_officer).get(reverse("admin:units_unit_history", args=[tree["township_a"].pk])).content.decode()
    created = AuditLog.objects.filter(object_id=str(tree["township_a"].pk), action=AuditAction.CREATE)
    assert created.exists()
    assert "单位名称：城关镇" in html and "（空） →" not in html


def test_a_system_actor_reads_as_what_it_does_and_an_account_as_itself() -> None:
    from orgwork.audit.actors import actor_shown

    assert actor_shown("system:seed_demo") == "系统（演示数据）"
    assert actor_shown("system:members_generate_dues") == "系统（每月生成党费）"
    assert actor_shown("system:fixture") == "系统" and actor_shown("") == "系统"
    assert actor_shown("chengguan_party") == "chengguan_party"
    assert str(SystemActor("send_reminders")) == "系统（发送提醒）"


def test_a_role_granted_and_a_right_taken_read_as_words_and_chinese_names() -> None:
    from django.contrib.auth.models import Group

    from orgwork.accounts.models import User

    rows = readable_changes(User, {"groups": {"action": "授予", "items": ["基层党建", "干部监督"]}})
    assert [(r.label, r.old, r.new) for r in rows] == [("角色", "", "授予：基层党建、干部监督")]
    rows = readable_changes(Group, {"permissions": {"action": "撤销", "items": ["audit.view_auditlog"]}})
    assert [(r.label, r.new) for r in rows] == [("权限", "撤销：审计 · 审计日志 · 可查看审计日志")]
