"""A 软弱涣散 case's checklist item says what the case says: a corrected 软弱涣散类型, 存在问题,
整顿方案 or 联系领导 corrects the item's 问题描述, 整改措施 and 牵头领导 in the same save, on
the service and the case's page; the item's page, its checklist's rows, its service and
the 整改事项 sheet do not edit those three fields; and once closure is requested on the
item, the case's text is not corrected either."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from branches.models import WeakBranchCase, WeakCategory
from branches.services import weak_case_open, weak_case_record_survey, weak_case_save
from orgwork.audit.models import AuditLog
from orgwork.imports.engine import run_import
from orgwork.imports.reader import open_sheet
from orgwork.rectification.models import ItemState, RectificationItem
from orgwork.rectification.resources import RectificationItemResource, checklist_reference
from orgwork.rectification.services import rectification_item_update

pytestmark = pytest.mark.django_db

ON_THE_ITEM = ("该整改事项由软弱涣散党组织整顿挂账，{}随软弱涣散党组织整顿填写，不在整改事项中修改："
               "请在软弱涣散党组织整顿中更正，整改事项随之更新。")


@pytest.fixture
def case(orgs: Any, county_a_clerk: Any) -> WeakBranchCase:
    return weak_case_open(
        organisation=orgs["village"], year=timezone.localdate().year, categories=[WeakCategory.RULES],
        problems="制度不落实", plan="建章立制", contact_leader="王副书记",
        deadline=timezone.localdate() + datetime.timedelta(days=30), actor=county_a_clerk)


def item_of(case: WeakBranchCase) -> RectificationItem:
    return RectificationItem.objects.get(pk=case.rectification_item_id)


def corrected(case: WeakBranchCase, **values: Any) -> WeakBranchCase:
    edited = WeakBranchCase.objects.get(pk=case.pk)
    for name, value in values.items():
        setattr(edited, name, value)
    return edited


def test_a_corrected_case_corrects_its_items_text_with_one_audit_row_on_the_item(
        case: WeakBranchCase, county_a_clerk: Any) -> None:
    year = case.year
    before = item_of(case)
    weak_case_save(case=corrected(case, categories=[WeakCategory.SECRETARY], problems="支部书记长期外出",
                                  plan="选派第一书记", contact_leader="赵部长"), actor=county_a_clerk)
    item = item_of(case)
    assert item.problem == f"城关镇红星村党支部（{year}年软弱涣散）：书记长期缺职或不胜任。支部书记长期外出"
    assert (item.measure, item.lead_leader, item.state) == ("选派第一书记", "赵部长", ItemState.ON_BOOKS)
    assert item.version == before.version + 1
    rows = AuditLog.objects.filter(content_type__model="rectificationitem", object_id=str(item.pk)).order_by("pk")
    assert rows.last().message == f"随软弱涣散整顿台账「{WeakBranchCase.objects.get(pk=case.pk)}」更正"
    assert set(rows.last().changes) >= {"problem", "measure", "lead_leader"}


def test_a_case_saved_without_a_text_change_leaves_its_item_alone(case: WeakBranchCase, county_a_clerk: Any) -> None:
    before = item_of(case)
    weak_case_save(case=corrected(case, awareness_rate=None), actor=county_a_clerk)
    assert item_of(case).version == before.version


def test_the_case_page_corrects_the_item_too(case: WeakBranchCase, county_a_clerk: Any, client_for: Any) -> None:
    data = {"organisation": case.organisation_id, "year": case.year, "categories": [WeakCategory.RULES],
            "problems": case.problems, "plan": "建章立制，按月督导", "contact_leader": case.contact_leader,
            "awareness_rate": "", "satisfaction_rate": "", "surveyed_on": ""}
    response = client_for(county_a_clerk).post(reverse("admin:branches_weakbranchcase_change", args=[case.pk]), data)
    assert response.status_code == 302
    assert item_of(case).measure == "建章立制，按月督导"


def test_the_item_page_shows_the_cases_fields_read_only(case: WeakBranchCase, county_a_clerk: Any,
                                                        client_for: Any) -> None:
    page = client_for(county_a_clerk).get(reverse("admin:rectification_rectificationitem_change",
                                                  args=[case.rectification_item_id]))
    fields = page.context["adminform"].form.fields
    assert not {"problem", "measure", "lead_leader"} & set(fields)
    assert {"responsible_person", "account"} <= set(fields)  # the item's own work is still written there


def test_the_item_service_refuses_the_cases_fields_and_names_where_they_are_corrected(
        case: WeakBranchCase, county_a_clerk: Any) -> None:
    item = item_of(case)
    item.measure = "另写的措施"
    with pytest.raises(ValidationError) as refused:
        rectification_item_update(item=item, actor=county_a_clerk)
    assert refused.value.message_dict["measure"] == [ON_THE_ITEM.format("整改措施")]
    assert item_of(case).measure == "建章立制"
    item = item_of(case)
    item.responsible_person = "李支书"
    rectification_item_update(item=item, actor=county_a_clerk)
    assert item_of(case).responsible_person == "李支书"


def test_the_items_sheet_refuses_a_row_changing_the_cases_fields_and_writes_nothing(
        tmp_path: Path, case: WeakBranchCase, county_a_clerk: Any) -> None:
    item = item_of(case)
    workbook = Workbook()
    ws = workbook.active
    ws.append(["事项编号", "问题来源", "清单文号", "问题描述", "责任单位", "责任人", "牵头领导", "整改措施", "整改时限"])
    ws.append([item.pk, "软弱涣散整顿", checklist_reference(item.checklist), item.problem, item.responsible_unit.code, "", "另一位领导",
               item.measure, item.deadline.strftime("%Y.%m.%d")])
    path = tmp_path / "整改事项.xlsx"
    workbook.save(path)
    result = run_import(RectificationItemResource, county_a_clerk,
                        open_sheet(str(path), path.name, RectificationItemResource), commit=True)
    assert not result.committed
    assert [e.message for e in result.errors] == [ON_THE_ITEM.format("牵头领导")]
    assert item_of(case).lead_leader == "王副书记"


def test_once_closure_is_requested_the_cases_text_is_not_corrected(case: WeakBranchCase, county_a_clerk: Any,
                                                                   client_for: Any) -> None:
    weak_case_record_survey(case=WeakBranchCase.objects.get(pk=case.pk), awareness=95, satisfaction=95,
                            surveyed_on=timezone.localdate(), actor=county_a_clerk)
    assert item_of(case).state == ItemState.CLOSURE_REQUESTED
    with pytest.raises(ValidationError) as refused:
        weak_case_save(case=corrected(case, plan="改写的方案"), actor=county_a_clerk)
    assert refused.value.message_dict["plan"][0].startswith("该整顿挂入的整改事项不能随之更正：该事项当前状态为「申请销号」")
    stored = WeakBranchCase.objects.get(pk=case.pk)
    data = {"organisation": stored.organisation_id, "year": stored.year, "categories": [WeakCategory.RULES],
            "problems": stored.problems, "plan": "改写的方案", "contact_leader": stored.contact_leader,
            "awareness_rate": "95", "satisfaction_rate": "95", "surveyed_on": timezone.localdate().isoformat()}
    response = client_for(county_a_clerk).post(reverse("admin:branches_weakbranchcase_change", args=[case.pk]), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["plan"][0].startswith("该整顿挂入的整改事项不能随之更正")
    assert (WeakBranchCase.objects.get(pk=case.pk).plan, item_of(case).measure) == ("建章立制", "建章立制")
