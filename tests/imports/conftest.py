from __future__ import annotations

import datetime
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.db import connection

from orgwork.accounts.models import User
from orgwork.imports.engine import ImportResult, run_import
from orgwork.imports.reader import open_sheet
from tests.samples.names import numbered

from .resources import CadreSheet
from .sheets import id_for

HEAD = ["姓名", "性别", "出生年月", "身份证号", "入党时间", "单位", "现任职务"]


def person(i: int, **changes: Any) -> list[Any]:
    born = datetime.date(1970 + i % 30, i % 12 + 1, 1)
    values = {"姓名": numbered("张", i), "性别": "男", "出生年月": f"{born:%Y.%m}", "身份证号": id_for(born, i),
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


@pytest.fixture
def manage_py(media: Path) -> Callable[..., subprocess.Popen[bytes]]:
    """Start ``manage.py <args>`` as its own process on the test database (needs a
    transactional test)."""
    if connection.vendor != "postgresql":
        pytest.fail("the worker tests need PostgreSQL (bin/test starts it)")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(media), "ORGWORK_HTTPS": "0"}

    def start(*args: str, stdout: Any = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "manage.py", *args], cwd=django_settings.BASE_DIR, env=env,
                                stdout=stdout, stderr=subprocess.PIPE)

    return start


@pytest.fixture
def start_worker(manage_py: Callable[..., subprocess.Popen[bytes]]) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Start real ``manage.py db_worker`` processes on the test database (needs a
    transactional test); they are stopped at teardown. Other packages may import it:
    ``from tests.imports.conftest import manage_py, media, start_worker``."""
    workers: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        process = manage_py("db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload")
        workers.append(process)
        return process

    yield start
    for process in workers:
        process.terminate()
    for process in workers:
        try:
            process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
