"""Background steps of the export files, run by ``python manage.py db_worker``."""

from __future__ import annotations

from django_tasks import task

from orgwork.common.contract import SystemActor

from . import services


@task()
def build_export(export_id: int) -> str:
    return services.export_build(export_id=export_id)


@task()
def purge_exports() -> int:
    """What ``manage.py purge_exports`` does (daily: deploy/orgwork-purge-exports.timer)."""
    return services.exports_purge(actor=SystemActor("purge_exports"))
