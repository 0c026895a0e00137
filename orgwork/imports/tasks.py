"""Background steps of an import job, run by ``python manage.py db_worker``.

Each task only names the job; the job row says what to do and who may do it, and the
service claims it first (see ``services._claim``), so a task that runs twice is harmless.
Before its step each task closes the jobs whose worker has gone (``jobs_close_orphans``):
a worker restarted after a crash tidies up after the one that died.
"""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def validate_job(job_id: int) -> str:
    return str(services.job_validate(job_id=job_id))


@task()
def commit_job(job_id: int) -> str:
    return str(services.job_commit(job_id=job_id))


@task()
def cleanup_jobs() -> int:
    """What ``manage.py cleanup_imports`` does (daily: deploy/orgwork-cleanup-imports.timer)."""
    return services.jobs_cleanup()
