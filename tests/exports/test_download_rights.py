"""A file built by the worker is kept seven days; a right withdrawn meanwhile is asked
again at each download: the right to export what it holds, and, for a file written with
whole ID numbers, the right to see them. A refusal says why, in Chinese, and is audited
as a refused download. A dashboard export is asked for by its button, not by a link."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orgwork.accounts.models import User
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.exports.models import ExportFile
from orgwork.exports.services import export_build
from orgwork.notifications.models import Notification
from tests.imports.conftest import media  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
EXPORT = "admin:cadres_cadre_export"
UNMASK = "view_unmasked_id_number"


def granted(user: User, app_label: str, codename: str) -> User:
    user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return User.objects.get(pk=user.pk)


def withdrawn(user: User, app_label: str, codename: str) -> User:
    """The right taken from the account, its groups included (a role withdrawn)."""
    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    user.user_permissions.remove(permission)
    for group in user.groups.all():
        group.permissions.remove(permission)
    return User.objects.get(pk=user.pk)


def built_for(owner: User, client_for: Any) -> ExportFile:
    assert client_for(owner).get(reverse(EXPORT)).status_code == 302
    export = ExportFile.objects.latest("pk")
    assert export_build(export_id=export.pk) == "ready"
    export.refresh_from_db()
    return export


def refused_downloads(owner: User) -> list[AuditLog]:
    return list(AuditLog.objects.filter(action=AuditAction.EXPORT, actor=owner, success=False))


def test_a_file_with_whole_id_numbers_is_refused_once_the_right_to_see_them_is_withdrawn(
        small_limit: int, many_cadres: Any, media: Path, county_a_clerk: User, client_for: Any) -> None:
    many_cadres(5)
    owner = granted(county_a_clerk, "cadres", UNMASK)
    export = built_for(owner, client_for)
    assert export.unmasked is True
    owner = withdrawn(owner, "cadres", UNMASK)
    client = client_for(owner)
    before = AuditLog.objects.count()
    response = client.get(reverse("admin:export_download", args=[export.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:exports")
    assert "您已没有查看完整个人信息的权限，不能再下载" in response.content.decode()
    assert not getattr(response, "streaming", False)
    [refusal] = refused_downloads(owner)
    assert refusal.object_id == str(export.pk) and "被拒绝" in refusal.message
    assert not AuditLog.objects.filter(pk__gt=before, success=True, message__startswith="下载导出文件").exists()


def test_a_masked_file_is_still_downloaded_by_an_owner_who_never_had_the_right(
        small_limit: int, many_cadres: Any, media: Path, county_a_clerk: User, client_for: Any) -> None:
    many_cadres(5)
    export = built_for(county_a_clerk, client_for)
    assert export.unmasked is False
    response = client_for(county_a_clerk).get(reverse("admin:export_download", args=[export.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert not refused_downloads(county_a_clerk)


def test_a_file_is_refused_once_the_right_to_export_it_is_withdrawn(
        small_limit: int, many_cadres: Any, media: Path, county_a_clerk: User, client_for: Any) -> None:
    many_cadres(5)
    export = built_for(county_a_clerk, client_for)
    owner = withdrawn(county_a_clerk, "cadres", "export_cadre")
    response = client_for(owner).get(reverse("admin:export_download", args=[export.pk]), follow=True)
    assert "您已没有导出该数据的权限。" in response.content.decode()
    assert len(refused_downloads(owner)) == 1


def test_my_export_files_shows_the_reason_in_place_of_a_link_the_download_would_refuse(
        small_limit: int, many_cadres: Any, media: Path, county_a_clerk: User, client_for: Any) -> None:
    many_cadres(5)
    export = built_for(county_a_clerk, client_for)
    download = reverse("admin:export_download", args=[export.pk])
    assert download in client_for(county_a_clerk).get(reverse("admin:exports")).content.decode()
    owner = withdrawn(county_a_clerk, "cadres", "export_cadre")
    page = client_for(owner).get(reverse("admin:exports")).content.decode()
    assert download not in page and "不能下载：您已没有导出该数据的权限。" in page
    assert not refused_downloads(owner)  # listing is not a download


def test_a_dashboard_export_link_opened_by_get_files_nothing(unit_panel_slug: str, city_officer: User,
                                                             client_for: Any) -> None:
    client = client_for(city_officer)
    before = AuditLog.objects.count()
    response = client.get(reverse("admin:dashboard_export", args=[unit_panel_slug]), follow=True)
    assert response.redirect_chain == [(reverse("admin:index"), 302)]
    assert "统计表在工作台相应面板上点击「导出」生成" in response.content.decode()
    assert not ExportFile.objects.exists() and not Notification.objects.exists()
    assert AuditLog.objects.count() == before


def test_the_dashboard_button_twice_queues_one_file(unit_panel_slug: str, city_officer: User,
                                                    client_for: Any) -> None:
    client = client_for(city_officer)
    url = reverse("admin:dashboard_export", args=[unit_panel_slug])
    assert client.post(url).status_code == 302
    response = client.post(url, follow=True)
    assert "已在后台生成中" in response.content.decode()
    assert ExportFile.objects.count() == 1


def test_the_dashboard_offers_its_export_as_a_form_with_a_csrf_token(unit_panel_slug: str, city_officer: User,
                                                                     client_for: Any) -> None:
    page = client_for(city_officer).get(reverse("admin:index")).content.decode()
    url = reverse("admin:dashboard_export", args=[unit_panel_slug])
    assert f'<form method="post" action="{url}"' in page
    assert f'href="{url}"' not in page


@pytest.fixture
def unit_panel_slug(tree: Any) -> Any:
    """A dashboard panel every business role sees, registered for the test."""
    from orgwork import dashboard
    from orgwork.dashboard import Panel, PanelData, Series

    panel = Panel(slug="test_download_units", title="单位数", permission="units.view_unit",
                  compute=lambda user: PanelData(labels=["单位"], series=[Series("数量", [1])]), order=999)
    dashboard.register(panel)
    yield panel.slug
    dashboard._PANELS.pop(panel.slug, None)


def test_the_files_json_asks_the_owners_rights_once_however_many_files_are_ready(
        small_limit: int, many_cadres: Any, media: Path, county_a_clerk: User, client_for: Any) -> None:
    many_cadres(5)
    built_for(county_a_clerk, client_for)
    client = client_for(county_a_clerk)

    def polled() -> tuple[list[dict[str, Any]], int]:
        with CaptureQueriesContext(connection) as queries:
            rows = client.get(reverse("admin:exports_progress")).json()["files"]
        return rows, len(queries.captured_queries)

    (row,), one_file = polled()
    assert row["download_url"] and one_file > 0
    for _ in range(3):
        built_for(county_a_clerk, client_for)
    rows, four_files = polled()
    assert len(rows) == 4 and all(row["download_url"] and not row["refusal"] for row in rows)
    assert four_files == one_file
