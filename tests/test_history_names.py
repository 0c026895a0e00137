"""A change in the trail names what it points at and writes months as the pages do: on a
record's 变更记录 and on the 审计日志 page alike, a foreign key reads as the record it
names (a unit by its full name), not 「编号 8」, and 出生年月 reads 1975.06, not 1975-06-01.
The name goes through the one door for personal data: an ID number in it is masked."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from cadres.models import Cadre
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.rectification.models import Evidence, RectificationItem
from tests.samples.cadres import cadre_in
from tests.samples.rectification import item_sample

pytestmark = pytest.mark.django_db


def page_text(response: Any) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def created(model: type, pk: int) -> AuditLog:
    return AuditLog.objects.get(content_type=ContentType.objects.get_for_model(model), object_id=str(pk),
                                action=AuditAction.CREATE)


def test_the_audit_log_page_names_a_checklist_and_a_unit_instead_of_their_numbers(tree, personas, client_for) -> None:
    item = item_sample(tree["county_a"])
    entry = AuditLog.objects.get(content_type=ContentType.objects.get_for_model(RectificationItem),
                                 object_id=str(item.pk), changes__has_key="checklist")  # 挂账
    text = page_text(client_for(personas["audit_admin"]).get(reverse("admin:audit_auditlog_change", args=[entry.pk])))
    assert f"问题清单：（空） → {item.checklist}" in text
    assert "责任单位：（空） → 兰州市城关区" in text
    assert "编号 " not in text.replace("日志编号", "").replace("对象编号", "")


def test_the_audit_log_page_names_a_cadres_unit_by_its_full_name(tree, personas, client_for) -> None:
    cadre = cadre_in(tree["county_a"])
    entry = created(Cadre, cadre.pk)
    text = page_text(client_for(personas["audit_admin"]).get(reverse("admin:audit_auditlog_change", args=[entry.pk])))
    assert "单位：（空） → 兰州市城关区" in text and f"→ 编号 {tree['county_a'].pk}" not in text


def test_a_cadres_history_writes_its_months_as_the_cadre_page_does(tree, county_a_clerk, client_for) -> None:
    cadre = cadre_in(tree["county_a"], birth=datetime.date(1980, 5, 17), party_joined_on=datetime.date(2003, 7, 1),
                     work_started_on=datetime.date(2002, 8, 1))
    text = page_text(client_for(county_a_clerk).get(reverse("admin:cadres_cadre_history", args=[cadre.pk])))
    assert "出生年月：1980.05" in text and "入党时间：2003.07" in text and "参加工作时间：2002.08" in text
    assert "1980-05-01" not in text and "2003-07-01" not in text


def test_the_audit_log_page_writes_a_cadres_months_as_the_cadre_page_does(tree, personas, client_for) -> None:
    cadre = cadre_in(tree["county_a"], birth=datetime.date(1980, 5, 17))
    entry = created(Cadre, cadre.pk)
    text = page_text(client_for(personas["audit_admin"]).get(reverse("admin:audit_auditlog_change", args=[entry.pk])))
    assert "出生年月：（空） → 1980.05" in text and "1980-05-01" not in text


def test_an_id_number_in_a_related_records_name_stays_masked_in_the_trail(tree, personas, client_for) -> None:
    number = cadre_in(tree["county_a"]).id_number
    item = item_sample(tree["county_a"])
    RectificationItem.objects.filter(pk=item.pk).update(problem=f"{number} 未按期整改")
    entry = AuditLog.objects.create(action=AuditAction.UPDATE, content_type=ContentType.objects.get_for_model(Evidence),
                                    object_id="1", object_repr="整改材料", unit_path=tree["county_a"].path,
                                    changes={"item": [None, item.pk]})
    text = page_text(client_for(personas["audit_admin"]).get(reverse("admin:audit_auditlog_change", args=[entry.pk])))
    assert f"整改事项：（空） → {number[:6]}********{number[-4:]} 未按期整改" in text
    assert number not in text


def test_a_county_clerk_reads_the_province_officer_who_put_an_item_on_the_books_by_name(
        tree, personas, client_for) -> None:
    from orgwork.rectification.models import ChecklistSource
    from orgwork.rectification.services import rectification_open_item

    officer = personas["province_officer"]
    officer.last_name, officer.first_name = "李", "明"
    officer.save(update_fields=["last_name", "first_name"])
    item = rectification_open_item(unit=tree["county_a"], source=ChecklistSource.UNANNOUNCED_VISIT,
                                   problem="暗访发现窗口人员脱岗", actor=officer)
    text = page_text(client_for(personas["county_a_clerk"]).get(
        reverse("admin:rectification_rectificationitem_history", args=[item.pk])))
    assert "挂账人：（空） → 李明（province_officer）" in text and f"→ 编号 {officer.pk}" not in text
