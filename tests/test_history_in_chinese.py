"""History pages and the audit log read in Chinese: no field keys, resource keys, raw ids,
system actor keys, English titles or UTC timestamps with microseconds."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from orgwork.audit.models import AuditAction
from orgwork.audit.presentation import readable_changes
from orgwork.audit.recorder import record
from orgwork.common import secrets
from tests.samples.cadres import cadre_in

pytestmark = pytest.mark.django_db


def test_an_import_jobs_history_names_its_kind_and_says_whether_it_was_unmasked_in_chinese(
        tree: Any, county_a_clerk: Any, client_for: Any) -> None:
    from orgwork.imports.models import ImportJob
    from orgwork.imports.registry import get

    job = ImportJob.objects.create(resource="cadres", original_name="干部.xlsx", checksum="0" * 64,
                                   uploader=county_a_clerk, unit=tree["county_a"])
    record(job, action=AuditAction.EXPORT, actor=county_a_clerk, message="下载错误标注表，个人信息已遮蔽",
           changes={"rows": 2, "unmasked": False})
    html = client_for(county_a_clerk).get(reverse("admin:imports_importjob_history", args=[job.pk])).content.decode()
    assert f"导入类型：{get('cadres').verbose_name}" in html
    assert "含完整个人信息：否" in html and "行数：2" in html
    for raw in ("导入类型：cadres", "unmasked", "rows："):
        assert raw not in html


def test_a_full_view_of_a_cadres_id_number_names_the_field_in_chinese(tree: Any, personas: Any,
                                                                       client_for: Any) -> None:
    cadre = cadre_in(tree["county_a"])
    secrets.record_full_view(user=personas["county_a_clerk"], instance=cadre, fields=["id_number"],
                             purpose="干部信息编辑页")
    html = client_for(personas["city_officer"]).get(
        reverse("admin:cadres_cadre_history", args=[cadre.pk])).content.decode()
    assert "查看完整身份证号：干部信息编辑页" in html and "字段：身份证号" in html
    assert "fields" not in html and "id_number" not in html


def test_a_spot_check_draw_names_the_system_actor_and_counts_its_population() -> None:
    from cadres.supervision.models import SpotCheckDraw

    rows = readable_changes(SpotCheckDraw, {"drawn_by_system": [None, "seed_demo"],
                                            "population": [[], [[1, 8], [2, 10], [3, 8]]]})
    shown = {r.label: r.new for r in rows}
    assert shown["系统抽取"] == "系统（演示数据）"
    assert shown["抽取总体"] == "3 人（分属 2 个单位）"
    assert all("[" not in r.new and "seed_demo" not in r.new for r in rows)


def test_an_access_logs_page_is_titled_in_chinese_and_local_time(personas: Any, client_for: Any) -> None:
    from axes.models import AccessLog

    log = AccessLog.objects.create(username="sysadmin", ip_address="10.0.0.1", user_agent="x", http_accept="*/*",
                                   path_info="/admin/login/")
    at = datetime.datetime(2026, 12, 6, 8, 4, 3, 734082, tzinfo=datetime.UTC)
    AccessLog.objects.filter(pk=log.pk).update(attempt_time=at)
    html = client_for(personas["security_admin"]).get(
        reverse("admin:axes_accesslog_change", args=[log.pk])).content.decode()
    assert "sysadmin 的登录记录（2026-12-06 16:04:03）" in html
    assert "Access Log for" not in html and "734082" not in html


def test_the_audit_logs_kinds_of_record_are_all_named_in_chinese(personas: Any, client_for: Any) -> None:
    from django.contrib.contenttypes.models import ContentType

    from orgwork.audit.admin import content_type_label

    labels = [content_type_label(t) for t in ContentType.objects.all() if t.model_class() is not None]
    assert "系统 · 后台任务记录" in labels
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label.split(" · ")[-1]) for label in labels), labels
    html = client_for(personas["audit_admin"]).get(reverse("admin:audit_auditlog_changelist")).content.decode()
    assert "后台任务记录" in html and "Task Result" not in html


def test_an_audit_log_entry_shows_a_note_without_an_arrow_from_nothing(personas: Any, tree: Any,
                                                                        client_for: Any) -> None:
    cadre = cadre_in(tree["county_a"])
    secrets.record_full_view(user=personas["county_a_clerk"], instance=cadre, fields=["id_number"],
                             purpose="干部信息编辑页")
    from orgwork.audit.models import AuditLog

    entry = AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE).latest("pk")
    html = client_for(personas["audit_admin"]).get(
        reverse("admin:audit_auditlog_change", args=[entry.pk])).content.decode()
    assert "字段：身份证号" in html and "字段： →" not in html


def test_a_list_of_kinds_kept_as_codes_reads_by_their_names() -> None:
    from branches.models import WeakBranchCase, WeakCategory
    from talent.models import BenefitArea, ServiceCard

    rows = readable_changes(WeakBranchCase, {"categories": [[WeakCategory.RULES], [WeakCategory.RULES, "gone"]]})
    assert [(r.label, r.old, r.new) for r in rows] == [
        ("软弱涣散类型", WeakCategory.RULES.label, f"{WeakCategory.RULES.label}、gone")]
    (card,) = readable_changes(ServiceCard, {"areas": [None, [BenefitArea.HOUSEHOLD, BenefitArea.ENTRY_EXIT]]})
    assert card.new == "户籍、出入境和居留" and "household" not in card.new


def test_an_audit_log_entry_names_its_unit_not_its_path_of_codes(personas: Any, tree: Any, client_for: Any) -> None:
    from orgwork.audit.models import AuditLog

    cadre = cadre_in(tree["county_a"])
    entry = AuditLog.objects.filter(object_id=str(cadre.pk)).latest("pk")
    assert entry.unit_path == tree["county_a"].path
    html = client_for(personas["audit_admin"]).get(
        reverse("admin:audit_auditlog_change", args=[entry.pk])).content.decode()
    assert "所属单位" in html and str(tree["county_a"]) in html and tree["county_a"].path not in html
    gone = AuditLog.objects.create(action=AuditAction.UPDATE, actor_name="county_a_clerk", unit_path="62/6299/",
                                   object_repr="已撤并单位的干部")
    html = client_for(personas["audit_admin"]).get(
        reverse("admin:audit_auditlog_change", args=[gone.pk])).content.decode()
    assert "62/6299/（单位已调整）" in html
