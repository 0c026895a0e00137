"""Supervision audit lists, registered from ``SupervisionConfig.ready``."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from orgwork.notifications import registry as notifications
from orgwork.notifications.registry import DeadlineSource, DueItem
from orgwork.worklists.registry import Column, WorkList, register

from .filters import (DiscrepanciesFilter, FindingsNotCarriedOutFilter, HandlingNotCarriedOutFilter, OverdueLoansFilter,
                      SuspectedFilesFilter, VettingDuringInfluenceFilter)
from .models import FileAuditItem, SpotCheck, TravelDocumentLoan, TravelDocumentType, VettingCase, VettingStatus
from .selectors import (discrepancies_unhandled, files_suspected, findings_not_carried_out, handling_not_carried_out,
                        influence_end_of, not_carried_out_reason, overdue_loans, unresolved_discrepancy_q,
                        vetting_during_influence)

SECTION = "干部监督"
UNMASK = "cadres.view_unmasked_id_number"
# How long a 凡提四必 review may stay 审查中 after the nomination, and how long a 漏报/瞒报
# finding may wait for its handling after the check, before they are reminded as due.
VETTING_DUE_DAYS = 30
FINDING_DUE_DAYS = 30


# Who a row is about, first on the lists of records of a cadre.
CADRE_COLUMNS = (
    Column("姓名", "cadre.name"),
    Column("身份证号", "cadre.id_number", sensitive=True),
    Column("单位", "cadre.unit.full_name"),
)


def loans_overdue(user: Any) -> QuerySet[TravelDocumentLoan]:
    return overdue_loans(user)


def change_link(model: str) -> Any:
    return lambda obj: reverse(f"admin:supervision_{model}_change", args=[obj.pk])


def suspected_items(audit: Any) -> str:
    return "、".join(label for item, label in FileAuditItem.choices if getattr(audit, f"suspect_{item}", False))


def vetting_cases_due(until: datetime.date) -> Iterator[DueItem]:
    """到期事项来源: 凡提四必 reviews still 审查中 ``VETTING_DUE_DAYS`` after the nomination."""
    rows = (VettingCase.objects.filter(status=VettingStatus.REVIEWING,
                                       nominated_on__lte=until - datetime.timedelta(days=VETTING_DUE_DAYS))
            .values_list("pk", "cadre__name", "proposed_post", "nominated_on", "cadre__unit_id")
            .order_by("nominated_on", "pk"))
    for pk, name, post, nominated_on, unit_id in rows.iterator(chunk_size=2000):
        yield DueItem(pk=pk, title=f"{name}拟任{post}的凡提四必审查",
                      deadline=nominated_on + datetime.timedelta(days=VETTING_DUE_DAYS), unit_id=unit_id,
                      link=reverse("admin:supervision_vettingcase_change", args=[pk]))


def travel_loans_due(until: datetime.date) -> Iterator[DueItem]:
    """到期事项来源: travel documents lent and not yet returned, by their due date."""
    types = dict(TravelDocumentType.choices)
    rows = (TravelDocumentLoan.objects.filter(returned_on__isnull=True, due_on__lte=until)
            .values_list("pk", "document__holder__name", "document__document_type", "due_on",
                         "document__holder__unit_id").order_by("due_on", "pk"))
    for pk, name, kind, due_on, unit_id in rows.iterator(chunk_size=2000):
        yield DueItem(pk=pk, title=f"{name}借出的{types.get(kind, kind)}交还", deadline=due_on, unit_id=unit_id,
                      link=reverse("admin:supervision_traveldocumentloan_change", args=[pk]))


def findings_due(until: datetime.date) -> Iterator[DueItem]:
    """到期事项来源: 漏报/瞒报 found by a spot check and not handled ``FINDING_DUE_DAYS`` after it."""
    rows = (SpotCheck.objects.filter(unresolved_discrepancy_q(),
                                     checked_on__lte=until - datetime.timedelta(days=FINDING_DUE_DAYS))
            .values_list("pk", "cadre__name", "draw__year", "checked_on", "cadre__unit_id")
            .order_by("checked_on", "pk"))
    for pk, name, year, checked_on, unit_id in rows.iterator(chunk_size=2000):
        yield DueItem(pk=pk, title=f"{name}{year}年度个人有关事项抽查发现问题的处理",
                      deadline=checked_on + datetime.timedelta(days=FINDING_DUE_DAYS), unit_id=unit_id,
                      link=reverse("admin:supervision_spotcheck_change", args=[pk]))


def register_sources() -> None:
    notifications.register(DeadlineSource(
        key="supervision_vetting_case", title="凡提四必审查", due=vetting_cases_due,
        permission="supervision.view_vettingcase",
        list_url=lambda: reverse("admin:supervision_vettingcase_changelist") + "?status__exact=reviewing"))
    notifications.register(DeadlineSource(
        key="supervision_travel_loan", title="因私出入境证件交还", due=travel_loans_due,
        permission="supervision.view_traveldocumentloan",
        list_url=lambda: reverse("admin:worklist", args=["supervision_travel_overdue"])))
    notifications.register(DeadlineSource(
        key="supervision_spot_check_finding", title="个人有关事项抽查发现问题处理", due=findings_due,
        permission="supervision.view_spotcheck",
        list_url=lambda: reverse("admin:worklist", args=["supervision_discrepancies_unhandled"])))


def register_all() -> None:
    register_sources()
    register(WorkList(
        slug="supervision_handling_not_carried_out", title="组织处理后仍任原职的干部", section=SECTION,
        permission="supervision.view_handlingrecord", queryset=handling_not_carried_out,
        filterset_class=HandlingNotCarriedOutFilter, unmask_permission=UNMASK,
        row_link=lambda r: reverse("admin:cadres_cadre_change", args=[r.cadre_id]),
        description="已作出调整职务、责令辞职、免职决定，干部信息中仍为在职、仍任决定前的主职务的干部；已作出降职决定，"
                    "现任主职务的职务层次未低于决定时的干部。请在任职经历中登记免职或新任职务（或修改干部状态），"
                    "使干部信息与决定一致。",
        columns=(
            *CADRE_COLUMNS,
            Column("处理方式", "get_handling_type_display"),
            Column("决定日期", "decided_on"),
            Column("文号", "document_number"),
            Column("仍任职务", "post_held"),
            Column("任职时间", "post_held_since"),
            Column("待办", not_carried_out_reason),
        ),
    ))
    register(WorkList(
        slug="supervision_findings_not_carried_out", title="处分后干部信息未变更的干部", section=SECTION,
        permission="supervision.view_disciplinefinding", queryset=findings_not_carried_out,
        filterset_class=FindingsNotCarriedOutFilter, unmask_permission=UNMASK,
        row_link=lambda r: reverse("admin:cadres_cadre_change", args=[r.cadre_id]),
        description="受撤职处分后现任主职务的职务层次未低于处分时、受开除公职处分后干部状态仍为在职、"
                    "受开除党籍处分后政治面貌仍为中共党员的干部。请在任职经历、干部状态或政治面貌中落实处分决定。",
        columns=(
            *CADRE_COLUMNS,
            Column("处分种类", "get_kind_display"),
            Column("处分决定日期", "decided_on"),
            Column("处分决定文号", "document_number"),
            Column("待办", not_carried_out_reason),
        ),
    ))
    register(WorkList(
        slug="supervision_vetting_during_influence", title="影响期内被提名的干部", section=SECTION,
        permission="supervision.view_vettingcase", queryset=vetting_during_influence,
        filterset_class=VettingDuringInfluenceFilter, row_link=change_link("vettingcase"),
        description="受到组织处理或党纪政务处分、影响期未满即被提名拟提拔的凡提四必案件，须逐一核实。",
        columns=(
            Column("姓名", "cadre.name"),
            Column("单位", "cadre.unit.full_name"),
            Column("拟任职务", "proposed_post"),
            Column("提名单位（人）", "nominated_by"),
            Column("提名日期", "nominated_on"),
            Column("影响期截止日", influence_end_of),
            Column("审查状态", "get_status_display"),
        ),
    ))
    register(WorkList(
        slug="supervision_discrepancies_unhandled", title="漏报瞒报尚未处理完毕", section=SECTION,
        permission="supervision.view_spotcheck", queryset=discrepancies_unhandled, filterset_class=DiscrepanciesFilter,
        unmask_permission=UNMASK, row_link=change_link("spotcheck"),
        description="个人有关事项报告抽查核实发现漏报、瞒报，尚未办理处理完毕的干部。",
        columns=(
            *CADRE_COLUMNS,
            Column("报告年度", "draw.year"),
            Column("抽查类型", "get_selection_display"),
            Column("核查结果", "get_outcome_display"),
            Column("抽取批次", "round_label"),
            Column("核查日期", "checked_on"),
            Column("核查情况", "findings"),
        ),
    ))
    register(WorkList(
        slug="supervision_files_suspected", title="档案疑似造假暂缓选任", section=SECTION,
        permission="supervision.view_fileaudit", queryset=files_suspected, filterset_class=SuspectedFilesFilter,
        unmask_permission=UNMASK, row_link=change_link("fileaudit"),
        description="干部人事档案专项审核发现疑似造假、尚未查结的干部，查结前暂缓选任程序。",
        columns=(
            *CADRE_COLUMNS,
            Column("审核日期", "audited_on"),
            Column("审核人", "auditor"),
            Column("疑似造假项目", suspected_items),
        ),
    ))
    register(WorkList(
        slug="supervision_travel_overdue", title="因私出入境证件逾期未交还", section=SECTION,
        permission="supervision.view_traveldocumentloan", queryset=loans_overdue, filterset_class=OverdueLoansFilter,
        row_link=change_link("traveldocumentloan"),
        description="借出后超过应交还日期仍未交回的因私出入境证件。",
        columns=(
            Column("持证人", "document.holder.name"),
            Column("单位", "document.holder.unit.full_name"),
            Column("证件类型", "document.get_document_type_display"),
            Column("借出日期", "lent_on"),
            Column("应交还日期", "due_on"),
            Column("逾期天数", lambda loan: (timezone.localdate() - loan.due_on).days),
            Column("事由及目的地", "purpose"),
            Column("审批人", "approved_by"),
        ),
    ))
