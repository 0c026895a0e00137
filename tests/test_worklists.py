"""The audit-list and dashboard framework, driven by a list and a panel over units."""

from __future__ import annotations

import io
from collections.abc import Iterator
from urllib.parse import quote
from typing import Any

import django_filters
import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from orgwork import dashboard
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.units.models import Unit, UnitLevel
from orgwork.units.scope import scope_queryset
from orgwork.worklists import registry
from orgwork.worklists.models import SavedList
from orgwork.worklists.views import export_filename


class UnitFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(label="行政层级", choices=UnitLevel.choices)

    class Meta:
        model = Unit
        fields = ["level"]


@pytest.fixture
def unit_list() -> Iterator[registry.WorkList]:
    worklist = registry.WorkList(
        slug="test_units", title="单位名单", section="测试", permission="units.view_unit",
        queryset=lambda user: scope_queryset(Unit.objects.order_by("path"), user),
        filterset_class=UnitFilter,
        columns=(registry.Column("单位名称", "name"), registry.Column("代码", "code", sensitive=True),
                 registry.Column("层级", "get_level_display")),
        unmask_permission="units.change_unit",
    )
    registry.register(worklist)
    yield worklist
    registry._LISTS.pop(worklist.slug)


@pytest.fixture
def unit_panel() -> Iterator[dashboard.Panel]:
    def compute(user: Any) -> dashboard.PanelData:
        rows = scope_queryset(Unit.objects.all(), user).values("level").annotate(n=Count("id")).order_by("level")
        url = reverse("admin:worklist", args=["test_units"])
        return dashboard.PanelData(labels=[r["level"] for r in rows],
                                   series=[dashboard.Series("单位数", [r["n"] for r in rows],
                                                            [f"{url}?level={r['level']}" for r in rows])])

    panel = dashboard.register(dashboard.Panel(slug="test_units", title="单位层级", permission="units.view_unit", compute=compute))
    yield panel
    dashboard._PANELS.pop(panel.slug)


def codes_in(response: Any) -> list[str]:
    return [row["cells"][0] for row in response.context["table"]]


def test_a_list_shows_only_rows_in_the_viewers_scope(unit_list: Any, county_a_clerk: Any, client_for: Any) -> None:
    response = client_for(county_a_clerk).get(reverse("admin:worklist", args=["test_units"]))
    assert response.status_code == 200
    assert codes_in(response) == ["城关区", "城关镇"]
    assert response.context["count"] == 2


def test_a_list_filters_through_its_filterset(unit_list: Any, province_officer: Any, client_for: Any) -> None:
    response = client_for(province_officer).get(reverse("admin:worklist", args=["test_units"]), {"level": "city"})
    assert codes_in(response) == ["兰州市", "天水市"]


def test_sensitive_columns_are_masked_without_the_permission(unit_list: Any, county_a_clerk: Any, client_for: Any) -> None:
    response = client_for(county_a_clerk).get(reverse("admin:worklist", args=["test_units"]))
    assert response.context["table"][0]["cells"][1] == "******"


def test_a_list_needs_its_permission(unit_list: Any, personas: dict[str, Any], client_for: Any) -> None:
    assert client_for(personas["audit_admin"]).get(reverse("admin:worklist", args=["test_units"])).status_code == 403
    assert client_for(personas["non_staff"]).get(reverse("admin:worklist", args=["test_units"])).status_code == 302


def test_export_is_escaped_masked_scoped_and_audited(unit_list: Any, county_a_clerk: Any, client_for: Any) -> None:
    Unit.objects.filter(code="620102001").update(name="=HYPERLINK(\"http://x\")")
    response = client_for(county_a_clerk).get(reverse("admin:worklist", args=["test_units"]), {"_export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("单位名称", "代码", "层级")
    assert rows[1][0] == "城关区" and rows[2][0] == "'=HYPERLINK(\"http://x\")"
    assert rows[1][1] == "******" and len(rows) == 3
    entry = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert entry.actor == county_a_clerk and entry.changes["rows"] == 2


def test_a_shared_saved_list_opens_with_the_colleagues_own_scope(
    unit_list: Any, make_staff: Any, tree: dict[str, Unit], county_a_clerk: Any, client_for: Any
) -> None:
    client = client_for(county_a_clerk)
    client.post(reverse("admin:worklist", args=["test_units"]), {"name": "乡镇", "query": "level=township", "shared": "1"})
    saved = SavedList.objects.get(name="乡镇")
    colleague = make_staff("colleague", tree["county_a"], "干部监督")
    response = client_for(colleague).get(reverse("admin:worklist_saved", args=[saved.pk]), follow=True)
    assert codes_in(response) == ["城关镇"]
    outsider = make_staff("outsider", tree["county_b"], "干部监督")
    assert client_for(outsider).get(reverse("admin:worklist_saved", args=[saved.pk])).status_code == 404


def test_a_private_saved_list_is_not_open_to_colleagues(unit_list: Any, make_staff: Any, tree: Any,
                                                         county_a_clerk: Any, client_for: Any) -> None:
    client_for(county_a_clerk).post(reverse("admin:worklist", args=["test_units"]), {"name": "私有", "query": ""})
    saved = SavedList.objects.get(name="私有")
    colleague = make_staff("colleague", tree["county_a"], "干部监督")
    assert client_for(colleague).get(reverse("admin:worklist_saved", args=[saved.pk])).status_code == 404


def test_the_dashboard_draws_each_panel_with_links_to_its_list(unit_panel: Any, unit_list: Any,
                                                                city_officer: Any, client_for: Any) -> None:
    response = client_for(city_officer).get(reverse("admin:index"))
    html = response.content.decode()
    assert "<svg" in html and "单位层级" in html
    assert reverse("admin:worklist", args=["test_units"]) + "?level=county" in html
    (panel, data), = [(p, d) for p, d in response.context["panels"] if p.slug == "test_units"]
    assert dict(zip(data.labels, data.series[0].values)) == {"city": 1, "county": 2, "township": 1}


def test_dashboard_figures_equal_their_lists_counts(unit_panel: Any, unit_list: Any, city_officer: Any, client_for: Any) -> None:
    client = client_for(city_officer)
    data = unit_panel.compute(city_officer)
    for label, value in zip(data.labels, data.series[0].values):
        response = client.get(reverse("admin:worklist", args=["test_units"]), {"level": label})
        assert response.context["count"] == value


def built_file(client: Any, response: Any) -> list[tuple[Any, ...]]:
    """The file a page queued, built here as the worker builds it, then downloaded."""
    from orgwork.exports.models import ExportFile
    from orgwork.exports.services import export_build

    assert response.status_code == 302 and response["Location"] == reverse("admin:exports")
    export = ExportFile.objects.latest("pk")
    assert not export.file  # the page only queued it
    assert export_build(export_id=export.pk) == "ready"
    download = client.get(reverse("admin:export_download", args=[export.pk]))
    return list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))


def test_a_panel_export_is_built_by_the_worker(unit_panel: Any, city_officer: Any, client_for: Any,
                                               settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = client_for(city_officer)
    rows = built_file(client, client.post(reverse("admin:dashboard_export", args=["test_units"])))
    assert rows[0] == ("单位层级", "单位数") and ("county", 2) in rows
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, changes__panel="test_units").exists()


def test_a_large_list_export_is_built_by_the_worker_with_the_owners_scope_and_masking(
        unit_list: Any, county_a_clerk: Any, client_for: Any, settings: Any, tmp_path: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from orgwork.exports import services

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services, "INLINE_LIMIT", 0)  # every file goes to the worker
    client = client_for(county_a_clerk)
    rows = built_file(client, client.get(reverse("admin:worklist", args=["test_units"]),
                                         {"level": "township", "_export": "xlsx"}))
    assert len(rows) == 2 and rows[1][0] == "城关镇" and set(rows[1][1]) == {"*"}  # filtered, masked
    entry = AuditLog.objects.get(action=AuditAction.EXPORT, changes__worklist="test_units")
    assert entry.actor == county_a_clerk and entry.changes["filters"] == {"level": ["township"]}


def test_an_exported_list_is_named_by_its_chinese_title_in_the_header_browsers_read(
        unit_list: Any, county_a_clerk: Any, client_for: Any) -> None:
    response = client_for(county_a_clerk).get(reverse("admin:worklist", args=["test_units"]), {"_export": "xlsx"})
    day = timezone.localdate().strftime("%Y%m%d")
    kind, _, encoded = response["Content-Disposition"].partition("''")
    assert kind.lower() == "attachment; filename*=utf-8" and encoded == quote(f"单位名单-{day}.xlsx")


def test_every_list_exports_under_its_chinese_title() -> None:
    for worklist in registry.all_lists():
        name = export_filename(worklist)
        assert name.startswith(worklist.title.replace(" ", "-")[:4]) and worklist.slug not in name, name
        assert not set('\\/:*?"<>|') & set(name), name
