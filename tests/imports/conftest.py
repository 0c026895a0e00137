from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission

from orgwork.accounts.models import User
from orgwork.imports.engine import ImportResult, run_import
from orgwork.imports.reader import open_sheet

from .resources import CadreSheet
from .sheets import id_for

HEAD = ["姓名", "性别", "出生年月", "身份证号", "入党时间", "单位", "现任职务"]


def person(i: int, **changes: Any) -> list[Any]:
    born = datetime.date(1970 + i % 30, i % 12 + 1, 1)
    values = {"姓名": f"张{i}", "性别": "男", "出生年月": f"{born:%Y.%m}", "身份证号": id_for(born, i),
              "入党时间": f"{born.year + 25}.07", "单位": "620102", "现任职务": "科员"}
    values.update(changes)
    return [values[h] for h in HEAD]


def grant(user: User, *codenames: str) -> User:
    for codename in codenames:
        app_label, code = codename.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=code))
    return User.objects.get(pk=user.pk)  # a fresh object: the permission cache is per instance


@pytest.fixture
def run_sheet() -> Callable[..., ImportResult]:
    def run(path: Path, user: User, *, commit: bool = False, resource: Any = CadreSheet) -> ImportResult:
        sheet = open_sheet(str(path), path.name, resource)
        return run_import(resource, user, sheet, commit=commit)

    return run


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def test_resource() -> Any:
    """The test cadre sheet, registered for the admin and job paths, removed afterwards."""
    from orgwork.imports import registry

    registry.register(CadreSheet)
    yield CadreSheet
    registry._RESOURCES.pop(CadreSheet.slug, None)
