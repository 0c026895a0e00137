"""The write contract (写入约定) in the kernel: actor, permission, scope, one audit row."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from orgwork.audit.models import AuditAction, AuditLog
from orgwork.common.contract import SystemActor, perform, require_actor, save_audited
from orgwork.rectification.models import RectificationItem
from orgwork.rectification.services import rectification_open_item
from orgwork.units.models import Unit

pytestmark = pytest.mark.django_db


def _item(tree: dict[str, Unit], actor: Any) -> RectificationItem:
    return rectification_open_item(unit=tree["county_a"], source="inspection", problem="台账不全",
                                   actor=actor, measure="补齐台账")


def _rename(item: RectificationItem, text: str) -> Any:
    def apply(locked: RectificationItem) -> list[str]:
        locked.problem = text
        return ["problem"]
    return apply


def test_a_change_without_an_actor_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        require_actor(None)
    assert caught.value.code == "no_actor"


def test_an_anonymous_actor_is_refused_like_none() -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ValidationError):
        require_actor(AnonymousUser())


def test_a_system_actor_is_named_in_the_single_audit_row(tree: dict[str, Unit], county_a_clerk: Any) -> None:
    system = SystemActor("seed_demo")
    item = _item(tree, county_a_clerk)
    before = AuditLog.objects.count()
    perform(RectificationItem.objects.all(), item.pk, actor=system, permission="rectification.change_rectificationitem",
            label="修改整改事项", what="整改事项", apply=_rename(item, "台账缺三个月"))
    rows = list(AuditLog.objects.order_by("id")[before:])
    assert len(rows) == 1
    assert rows[0].actor_id is None and rows[0].actor_name == "system:seed_demo"
    assert rows[0].changes == {"problem": ["台账不全", "台账缺三个月"]}


def test_a_contract_save_writes_no_updated_at_or_version_noise(tree: dict[str, Unit],
                                                                county_a_clerk: Any) -> None:
    item = _item(tree, county_a_clerk)
    item = RectificationItem.objects.get(pk=item.pk)
    item.version += 1
    item.problem = "问题表述更正"
    entry = save_audited(item, actor=county_a_clerk, fields=["problem", "version"])
    assert entry is not None and set(entry.changes) == {"problem"}
    assert AuditLog.objects.filter(object_id=str(item.pk), action=AuditAction.UPDATE).count() == 1


def test_a_clerk_cannot_change_a_row_of_another_county_through_the_contract(
        tree: dict[str, Unit], county_a_clerk: Any, county_b_clerk: Any) -> None:
    item = _item(tree, county_a_clerk)
    with pytest.raises(ValidationError) as caught:
        perform(RectificationItem.objects.all(), item.pk, actor=county_b_clerk,
                permission="rectification.change_rectificationitem", label="修改整改事项", what="整改事项",
                apply=_rename(item, "越权修改"))
    assert caught.value.code == "scope"
    assert RectificationItem.objects.get(pk=item.pk).problem == "台账不全"


def test_an_actor_without_the_permission_is_refused_before_anything_is_locked(
        tree: dict[str, Unit], county_a_clerk: Any, view_only_auditor: Any) -> None:
    item = _item(tree, county_a_clerk)
    with pytest.raises(ValidationError) as caught:
        perform(RectificationItem.objects.all(), item.pk, actor=view_only_auditor,
                permission="rectification.change_rectificationitem", label="修改整改事项", what="整改事项",
                apply=_rename(item, "无权修改"))
    assert caught.value.code == "permission"
