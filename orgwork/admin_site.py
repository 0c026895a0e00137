"""The admin site every staff member works in; its index is the dashboard (工作台)."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import get_script_prefix, get_urlconf, path, reverse
from django.utils.translation import get_language
from unfold.sites import UnfoldAdminSite

from orgwork.common.caching import TimedCache

APP_LIST_SECONDS = 60  # how long one account's app list is reused
APP_LIST_ENTRIES = 512  # accounts remembered per process


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete (自动补全), with each choice named as its admin names it.

    A choice's text is ``str(obj)`` in Django's view: for a person, the name alone, and two
    党员 called 何国庆 look the same. An admin may define ``autocomplete_label(obj)`` (say,
    name, branch and ID number tail) and ``autocomplete_select_related`` (what that label
    reads, fetched in the same query).
    """

    def get_queryset(self) -> Any:
        related = getattr(self.model_admin, "autocomplete_select_related", ())
        queryset = super().get_queryset()
        return queryset.select_related(*related) if related else queryset

    def serialize_result(self, obj: Any, to_field_name: str) -> dict[str, str]:
        found = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            found["text"] = str(label(obj))
        return found


def autocomplete_source(request: HttpRequest) -> tuple[str, str, str]:
    """(app label, model name, field name) of the form field an autocomplete request fills,
    as Django's autocomplete sends them; empty strings for any other request."""
    return (request.GET.get("app_label", ""), request.GET.get("model_name", ""), request.GET.get("field_name", ""))


class OrgworkAdminSite(UnfoldAdminSite):
    """django-unfold's site (its layout, sidebar and colours come from ``settings.UNFOLD``),
    with the dashboard as its index, the 台账 pages and a reused app list."""

    site_header = "组织工作管理系统"
    site_title = "组织工作管理系统"
    index_title = "工作台"
    enable_nav_sidebar = True
    index_template = "admin/orgwork/dashboard.html"
    # An empty cell reads as the lists' own 「—」 (流动党员, 预备期满 of a cancelled
    # candidate), not Django's hyphen beside them, which reads like a minus sign.
    empty_value_display = "—"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._app_lists: TimedCache[list[dict[str, Any]]] = TimedCache(APP_LIST_SECONDS, APP_LIST_ENTRIES)
        self._sidebars: TimedCache[list[dict[str, Any]]] = TimedCache(APP_LIST_SECONDS, APP_LIST_ENTRIES * 4)

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        """The app list of the navigation sidebar (and the index), reused for a minute.

        Every admin page builds it: a permission check and two reversed URLs per model,
        then the sort — a fifth of a changelist's time. What it depends on is in the key:
        the account, its whole permission set (so a granted or revoked permission is seen
        on the next page), its flags and home unit, the URL configuration and language.
        Callers get their own copies of the dictionaries.
        """
        user = request.user
        if app_label is not None or not getattr(user, "is_authenticated", False):
            return super().get_app_list(request, app_label)
        key = (user.pk, user.is_active, user.is_staff, user.is_superuser, getattr(user, "unit_id", None),
               frozenset(user.get_all_permissions()), get_urlconf(), get_script_prefix(), get_language())
        request.orgwork_app_list_key = key  # type: ignore[attr-defined]  # the sidebar's cache key
        apps = self._app_lists.get_or_set(key, lambda: super(OrgworkAdminSite, self).get_app_list(request))
        return [{**app, "models": [dict(model) for model in app["models"]]} for app in apps]

    def get_sidebar_list(self, request: HttpRequest) -> list[dict[str, Any]]:
        """The sidebar's groups (:func:`orgwork.navigation.sidebar` with each entry's
        current mark), reused for a minute, like the app list they are made from.

        unfold copies the groups and marks the current entry afresh for every page; for
        our sidebar that depends on nothing but the app list's key (the account and its
        permissions, which also decide its 台账) and the path the request is on, since its
        entries carry no per-request callbacks. The groups are shared: read, never changed.
        """
        if getattr(request, "orgwork_app_list_key", None) is None:
            self.get_app_list(request)  # sets the key (the page has usually built the list already)
        app_list_key = getattr(request, "orgwork_app_list_key", None)
        if app_list_key is None:
            return super().get_sidebar_list(request)
        return self._sidebars.get_or_set((app_list_key, request.path),
                                         lambda: super(OrgworkAdminSite, self).get_sidebar_list(request))

    def autocomplete_view(self, request: HttpRequest) -> HttpResponse:
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)

    def get_urls(self) -> list[Any]:
        from orgwork.exports import views as exports
        from orgwork.worklists import views

        wrap = self.admin_view
        return [
            path("exports/", wrap(lambda r: exports.list_view(self, r)), name="exports"),
            path("exports/progress/", wrap(lambda r: exports.progress_view(self, r)), name="exports_progress"),
            path("exports/<int:pk>/download/", wrap(lambda r, pk: exports.download_view(self, r, pk)),
                 name="export_download"),
            path("exports/<int:pk>/retry/", wrap(lambda r, pk: exports.retry_view(self, r, pk)), name="export_retry"),
            path("worklists/", wrap(lambda r: views.index_view(self, r)), name="worklists"),
            path("worklists/saved/<int:pk>/", wrap(lambda r, pk: views.saved_open_view(self, r, pk)), name="worklist_saved"),
            path("worklists/saved/<int:pk>/delete/", wrap(lambda r, pk: views.saved_delete_view(self, r, pk)),
                 name="worklist_saved_delete"),
            path("worklists/<slug:slug>/", wrap(lambda r, slug: views.list_view(self, r, slug)), name="worklist"),
            path("dashboard/<slug:slug>.xlsx", wrap(self.panel_export_view), name="dashboard_export"),
            path("dashboard/<slug:slug>/", wrap(self.panel_view), name="dashboard_panel"),
            *super().get_urls(),
        ]

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        from orgwork.dashboard import figures_for, one_drawing, panels_for
        from orgwork.routers import reading_from_replica
        from orgwork.worklists.registry import lists_for

        with reading_from_replica():
            with one_drawing():
                # A deferred panel's place is drawn now, its figures by panel_view.
                panels = [(panel, None if panel.deferred else panel.compute(request.user))
                          for panel in panels_for(request.user)]
                figures = figures_for(request.user)
            # The 台账 button only for who may open one of them (not the 三员: a page saying
            # 您没有可查看的台账 is no destination).
            context = {"panels": panels, "figures": figures, "has_worklists": bool(lists_for(request.user))}
            response = super().index(request, {**context, **(extra_context or {})})
            return response.render()

    def panel_view(self, request: HttpRequest, slug: str) -> HttpResponse:
        """One panel of the 工作台, as the page fetches a deferred one after it is shown
        (``Panel.deferred``): the panel's section alone, computed for the user. Opened
        as a page of its own (a bookmark, a link typed in), it is the 工作台."""
        from django.template.response import TemplateResponse

        from orgwork.dashboard import get, one_drawing
        from orgwork.routers import reading_from_replica

        panel = get(slug)
        if panel is None:
            raise Http404
        if not panel.visible_to(request.user):
            raise PermissionDenied
        if request.headers.get("HX-Request") != "true":
            return HttpResponseRedirect(reverse("admin:index"))
        with reading_from_replica(), one_drawing():
            data = panel.compute(request.user)
            return TemplateResponse(request, "admin/orgwork/dashboard_panel.html",
                                    {"panel": panel, "data": data}).render()

    def panel_export_view(self, request: HttpRequest, slug: str) -> HttpResponse:
        """A panel's table: built by the worker (a panel may count a province); the page
        goes to the user's export files at once. Only the dashboard's button asks for it
        (POST): a link followed by a crawler or a prefetch would file an export, an audit
        row and a message each time. A second click while the file is being built names it."""
        from django.utils import timezone

        from orgwork.dashboard import get
        from orgwork.exports.models import ExportKind
        from orgwork.exports.views import queued

        if request.method != "POST":
            # An old bookmark or a link typed in: back to the panels, told where the button is.
            messages.info(request, "统计表在工作台相应面板上点击「导出」生成，生成后在「我的导出文件」中下载。")
            return HttpResponseRedirect(reverse("admin:index"))
        panel = get(slug)
        if panel is None:
            raise Http404
        if not panel.visible_to(request.user):
            raise PermissionDenied
        return queued(request, kind=ExportKind.DASHBOARD, title=f"统计「{panel.title}」", params={"slug": slug},
                      once=True, fresh_after=timezone.now())
