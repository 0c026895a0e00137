"""The navigation sidebar (导航栏), grouped by the department's work.

``UNFOLD["SIDEBAR"]["navigation"]`` names :func:`sidebar`: 干部管理, 干部监督, 基层党建,
人才工作, 整改清单, 台账, 数据导入 (with 我的导出文件), 消息提醒, 系统管理. An entry for a model shows only to an account
whose app list holds that model — the list the admin site builds from the account's
permissions (and reuses for a minute, :meth:`OrgworkAdminSite.get_app_list`), so the
sidebar offers exactly the pages the account may open, and costs no query of its own.
A registered model that no group names is listed under 其他, never dropped. A 台账 shows
to whoever holds its permission.

Models are named by label ("cadres.cadre"): the kernel does not import the domain apps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.contrib.admin import AdminSite
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

# (group title, [(model label, Material Symbols icon), ...])
GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    ("干部管理", [
        ("cadres.cadre", "badge"),
        ("cadres.post", "work_history"),
        ("cadres.assessment", "grading"),
        ("cadres.positionquota", "format_list_numbered"),
        ("reserve.reservepool", "group_work"),
        ("reserve.reservemember", "person_celebrate"),
        ("training.trainingclass", "school"),
        ("training.classattendance", "how_to_reg"),
        ("training.onlinecourse", "cast_for_education"),
        ("training.onlinecompletion", "computer"),
        ("training.trainingminimum", "timer"),
        ("secondment.assignment", "flight_takeoff"),
        ("secondment.dutycheck", "fact_check"),
        ("secondment.assignmentassessment", "grading"),
    ]),
    ("干部监督", [
        ("supervision.handlingrecord", "gavel"),
        ("supervision.disciplinefinding", "balance"),
        ("supervision.vettingcase", "fact_check"),
        ("supervision.personalmattersreport", "description"),
        ("supervision.spotcheckdraw", "shuffle"),
        ("supervision.spotcheck", "task"),
        ("supervision.fileaudit", "folder_open"),
        ("supervision.traveldocument", "travel_explore"),
        ("supervision.traveldocumentloan", "assignment_return"),
        ("supervision.travelviolation", "report"),
        ("supervision.influenceperiodrule", "schedule"),
        # 选人用人监督 (cadres.selection)
        ("selection.selectionreport", "summarize"),
        ("selection.selectionevaluation", "how_to_vote"),
        ("selection.departurecheck", "logout"),
        ("selection.lookback", "manage_search"),
        ("selection.dissatisfactionline", "tune"),
    ]),
    ("基层党建", [
        ("branches.partyorganisation", "account_tree"),
        ("branches.meeting", "groups"),
        ("branches.standard", "rule"),
        ("branches.standardversion", "history_edu"),
        ("branches.branchassessment", "workspace_premium"),
        ("branches.modelbranchquota", "military_tech"),
        ("branches.weakbranchcase", "healing"),
        ("branches.termelection", "how_to_vote"),
        ("members.member", "groups"),
        ("members.transfer", "move_up"),
        ("members.applicant", "person_add"),
        ("members.duesrecord", "payments"),
        ("members.appraisal", "fact_check"),
    ]),
    ("人才工作", [
        ("talent.programme", "school"),
        ("talent.person", "person_search"),
        ("talent.enrollment", "how_to_reg"),
        ("talent.funding", "payments"),
        ("talent.termreview", "assignment_turned_in"),
        ("talent.reward", "emoji_events"),
        ("talent.servicecard", "card_membership"),
        ("talent.greenchannelrequest", "fast_forward"),
        ("talent.expertliaison", "handshake"),
        ("talent.liaisoncontact", "contact_phone"),
    ]),
    ("整改清单", [
        ("rectification.checklist", "checklist"),
        ("rectification.rectificationitem", "task_alt"),
    ]),
    ("数据导入", [
        ("imports.importjob", "upload_file"),
    ]),
    ("消息提醒", [
        ("notifications.notification", "notifications"),
        ("notifications.reminderrule", "alarm"),
    ]),
    ("系统管理", [
        ("units.unit", "corporate_fare"),
        ("accounts.user", "person"),
        ("auth.group", "admin_panel_settings"),
        ("audit.auditlog", "manage_history"),
        ("notifications.delivery", "outgoing_mail"),
        ("axes.accessattempt", "lock_clock"),
        ("axes.accessfailurelog", "block"),
        ("axes.accesslog", "login"),
    ]),
]
EXPORTS_IN = "数据导入"  # 我的导出文件 (the account's own export files) is listed in this group
WORKLISTS_TITLE = "台账"
WORKLISTS_AFTER = "整改清单"  # the 台账 group comes after this one
OTHER_TITLE = "其他"
DEFAULT_ICON = "table_rows"


def site_of(request: HttpRequest) -> AdminSite:
    """The admin site serving the request (the project's own, unless a test mounts another)."""
    view = getattr(getattr(request, "resolver_match", None), "func", None)
    site = getattr(view, "admin_site", None) or getattr(getattr(view, "model_admin", None), "admin_site", None)
    return site if isinstance(site, AdminSite) else admin.site


def visible_models(request: HttpRequest) -> dict[str, dict[str, Any]]:
    """The models of the request's app list by label, worked out once per request."""
    found = getattr(request, "_orgwork_visible_models", None)
    if found is None:
        found = {
            f"{app['app_label']}.{model['object_name'].lower()}": model
            for app in site_of(request).get_app_list(request)
            for model in app["models"]
            if model.get("admin_url")
        }
        request._orgwork_visible_models = found  # type: ignore[attr-defined]
    return found


def _model_item(icon: str, model: dict[str, Any]) -> dict[str, Any]:
    return {"title": model["name"], "icon": icon, "link": model["admin_url"]}


def _worklist_items(request: HttpRequest) -> list[dict[str, Any]]:
    from orgwork.worklists.registry import lists_for

    lists = lists_for(request.user)
    try:
        index = reverse("admin:worklists")
    except NoReverseMatch:  # a site without the 台账 pages
        return []
    if not lists:
        return []
    items: list[dict[str, Any]] = [{
        "title": "全部台账", "icon": "table_view", "link": index,
        "active": _exactly(index),
    }]
    for worklist in lists:
        items.append({"title": worklist.title, "icon": "list_alt",
                      "link": reverse("admin:worklist", args=[worklist.slug])})
    return items


def _exports_items() -> list[dict[str, Any]]:
    try:
        return [{"title": "我的导出文件", "icon": "download", "link": reverse("admin:exports")}]
    except NoReverseMatch:  # a site without the export pages
        return []


def _exactly(path: str) -> Callable[[HttpRequest], bool]:
    return lambda request: request.path == path


def sidebar(request: HttpRequest) -> list[dict[str, Any]]:
    """The sidebar's groups for this request's account (unfold's ``SIDEBAR.navigation``)."""
    if not getattr(request.user, "is_authenticated", False):
        return []
    models = visible_models(request)
    index = reverse("admin:index")
    groups: list[dict[str, Any]] = [
        {"items": [{"title": "工作台", "icon": "dashboard", "link": index}]},
    ]
    named: set[str] = set()
    for title, entries in GROUPS:
        items = []
        for label, icon in entries:
            named.add(label)
            if label in models:
                items.append(_model_item(icon, models[label]))
        if title == EXPORTS_IN and items:  # those who import and export; anyone else reaches
            items += _exports_items()      # their files from the export's message and the inbox
        if items:
            groups.append({"title": title, "items": items})
        if title == WORKLISTS_AFTER:
            worklists = _worklist_items(request)
            if worklists:
                groups.append({"title": WORKLISTS_TITLE, "items": worklists, "collapsible": True})
    others = [_model_item(DEFAULT_ICON, model) for label, model in models.items() if label not in named]
    if others:
        groups.append({"title": OTHER_TITLE, "items": others})
    return groups
