"""Injected faults on PostgreSQL: the database connection killed in the middle of a commit,
a worker killed mid-job, the same file imported by two people at once. Each ends with
the whole import or none of it, a clear status on the job, and a re-run that works.

To hit the commit in its middle every time, the tests hold a row lock (through a
connection of their own) on one unit that the sheet's second chunk updates: the worker
writes the first 5,000 rows, reports them, and waits on that row until the fault is
injected.
"""

from __future__ import annotations

import datetime
import subprocess
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from orgwork.audit.models import AuditAction, AuditLog, AuditSource
from orgwork.imports import services
from orgwork.imports.engine import CHUNK_SIZE
from orgwork.imports.models import ImportJob, JobStatus
from orgwork.imports.tasks import commit_job
from orgwork.units.models import Unit, UnitLevel, UnitType
from orgwork.common.contract import SystemActor
from orgwork.units.services import unit_save

from .conftest import HEAD as CADRE_HEAD
from .conftest import grant, person
from .sheets import workbook_bytes

HEAD = ["单位代码", "单位名称", "上级单位代码", "单位类型", "行政层级"]
PREFIX = "62010291"
ROWS = CHUNK_SIZE + 200
LOCKED_AT = CHUNK_SIZE + 100  # in the second chunk


def wait_for(check: Callable[[], Any], what: str, seconds: float = 90) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = check()
        if answer:
            return answer
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def sheet(count: int = ROWS) -> bytes:
    lines = [",".join(HEAD)] + [f"{PREFIX}{i:04d},新街道{i},620102,乡镇,乡级" for i in range(count)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def existing_unit(tree: dict[str, Unit], index: int = LOCKED_AT) -> Unit:
    """A unit already registered exactly as the sheet has it (未变 on import)."""
    return unit_save(unit=Unit(code=f"{PREFIX}{index:04d}", name=f"新街道{index}", parent=tree["county_a"],
                               unit_type=UnitType.TOWNSHIP, level=UnitLevel.TOWNSHIP), actor=SystemActor("fixture"))


def imported_units() -> int:
    return Unit.objects.filter(code__startswith=PREFIX).count()


def created_entries() -> int:
    """Audit entries of units created by an import."""
    return AuditLog.objects.filter(action=AuditAction.CREATE, source=AuditSource.IMPORT, content_type__model="unit",
                                   object_repr__contains="·新街道").count()


def job(pk: int) -> ImportJob:
    return ImportJob.objects.get(pk=pk)


@pytest.fixture
def other_session() -> Iterator[psycopg.Connection[Any]]:
    """A database session of the test's own, beside Django's: it holds locks and kills backends."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    session = psycopg.connect(**params)
    yield session
    session.close()


def hold_row(session: psycopg.Connection[Any], code: str) -> None:
    session.execute("SELECT 1 FROM units_unit WHERE code = %s FOR UPDATE", [code])


def worker_backend(session: psycopg.Connection[Any], job_id: int) -> int | None:
    """The database session of the worker running the job: the holder of the job's lock."""
    row = session.execute(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s"
        " AND objsubid = 2 AND granted"
        # Another test process holds the same keys in its own test database.
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        services.job_lock_key(job_id)).fetchone()
    return row[0] if row else None


def waiting_on_a_lock(session: psycopg.Connection[Any], pid: int) -> bool:
    row = session.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    return bool(row and row[0] == "Lock")


def stuck_in_the_middle(session: psycopg.Connection[Any], job_id: int) -> int:
    """Wait until the commit has checked its first chunks (and written them: the held
    row is in a later one) and waits on the held row."""
    wait_for(lambda: job(job_id).status == JobStatus.IMPORTING and job(job_id).processed > 0,
             "the first chunks to be checked")
    pid = wait_for(lambda: worker_backend(session, job_id), "the worker's lock")
    wait_for(lambda: waiting_on_a_lock(session, pid), "the commit to wait on the held row")
    return pid


@contextmanager
def commit_stuck_in_the_middle(session: psycopg.Connection[Any], locked: Unit, first: ImportJob,
                               user: Any) -> Iterator[int]:
    """``first`` confirmed while ``session`` holds ``locked``'s row: inside, the commit has
    written its first chunks and waits on that row (its worker's backend pid is given);
    the row is let go on leaving."""
    with session.transaction():
        hold_row(session, locked.code)
        services.job_confirm(job=first, user=user)
        yield stuck_in_the_middle(session, first.pk)


def validated(user: Any, content: bytes) -> ImportJob:
    uploaded = services.job_create(user=user, resource="units", uploaded=SimpleUploadedFile("单位.csv", content))
    wait_for(lambda: job(uploaded.pk).status == JobStatus.AWAITING, "validation")
    return job(uploaded.pk)


def rerun_imports_everything_once(user: Any) -> None:
    """The same file uploaded again after the failure: every row, once."""
    again = services.job_confirm(job=validated(user, sheet()), user=user)
    wait_for(lambda: job(again.pk).status in (JobStatus.DONE, JobStatus.FAILED), "the re-run")
    done = job(again.pk)
    assert done.status == JobStatus.DONE, done.message
    assert (done.new_count, done.unchanged_count) == (ROWS - 1, 1)
    assert imported_units() == ROWS and created_entries() == ROWS - 1


# --- with real workers ---------------------------------------------------------------

@pytest.fixture
def user(county_a_clerk: Any) -> Any:
    return grant(county_a_clerk, "units.import_unit")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_mid_commit_writes_nothing_and_the_job_says_so(
        start_worker: Any, tree: dict[str, Unit], user: Any, other_session: Any) -> None:
    locked = existing_unit(tree)
    worker = start_worker()
    first = validated(user, sheet())
    with commit_stuck_in_the_middle(other_session, locked, first, user) as pid:
        other_session.execute("SELECT pg_terminate_backend(%s)", [pid])
    wait_for(lambda: job(first.pk).status != JobStatus.IMPORTING, "the job to end")
    failed = job(first.pk)
    assert failed.status == JobStatus.FAILED
    assert failed.message == services.CONNECTION_LOST
    assert "未作任何修改" in failed.message and not failed.file
    assert imported_units() == 1 and created_entries() == 0  # the first 5,000 rows are gone with the transaction
    assert worker.poll() is None  # the worker lives on and takes the next job
    rerun_imports_everything_once(user)


@pytest.fixture
def slow_deadlock_check() -> Iterator[None]:
    """The database looks for a deadlock after a waiter has waited 5 s, not 1 s: sessions
    opened from now on (the worker's) keep waiting long enough for the test to close a
    cycle with them, so that theirs is the wait that finds it."""
    name = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER DATABASE "{name}" SET deadlock_timeout = \'5s\'')
    yield
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER DATABASE "{name}" RESET deadlock_timeout')


def deadlock_the_commit(session: psycopg.Connection[Any], locked: Unit, first: ImportJob, user: Any) -> None:
    """The commit of ``first`` waits on a row ``session`` holds, which then waits on the
    commit's own lock: PostgreSQL ends the commit (40P01). Returns with the row let go and
    the commit rolled back."""
    with commit_stuck_in_the_middle(session, locked, first, user):
        session.execute("SET LOCAL deadlock_timeout = '60s'")  # the worker's wait finds the cycle first
        unit_key = zlib.crc32(Unit._meta.label_lower.encode()) & 0x7FFFFFFF
        session.execute("SELECT pg_advisory_xact_lock(%s, %s)", [services.COMMIT_LOCK, unit_key])


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_commit_the_database_ends_in_a_deadlock_runs_again_by_itself_and_writes_every_row_once(
        slow_deadlock_check: None, start_worker: Any, tree: dict[str, Unit], user: Any, other_session: Any) -> None:
    """The rolled-back commit has written nothing, so the worker runs it again once the
    other work is done; meanwhile the job's page says so."""
    locked = existing_unit(tree)
    worker = start_worker()
    first = validated(user, sheet())
    deadlock_the_commit(other_session, locked, first, user)
    wait_for(lambda: job(first.pk).message == services.RETRYING.format(step="导入", retry=1),
             "the job to say it tries again")
    wait_for(lambda: job(first.pk).status != JobStatus.IMPORTING, "the second attempt")
    done = job(first.pk)
    assert done.status == JobStatus.DONE, done.message
    assert (done.new_count, done.unchanged_count) == (ROWS - 1, 1)
    assert imported_units() == ROWS and created_entries() == ROWS - 1
    assert worker.poll() is None


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_commit_ended_in_a_deadlock_at_every_attempt_writes_nothing_and_the_job_says_to_import_again(
        slow_deadlock_check: None, start_worker: Any, tree: dict[str, Unit], user: Any, other_session: Any) -> None:
    """After the last attempt the job is 失败 with words that say why and that the same
    file may be imported again — not a 系统错误 to report."""
    locked = existing_unit(tree)
    worker = start_worker()
    first = validated(user, sheet())
    for attempt in range(1, services.CONFLICT_ATTEMPTS):
        deadlock_the_commit(other_session, locked, first, user)
        # The worker pauses before it runs the commit again: time to hold the row anew.
        wait_for(lambda: job(first.pk).message == services.RETRYING.format(step="导入", retry=attempt),
                 f"the job to say it tries again ({attempt})")
        assert job(first.pk).status == JobStatus.IMPORTING and imported_units() == 1
    deadlock_the_commit(other_session, locked, first, user)
    wait_for(lambda: job(first.pk).status != JobStatus.IMPORTING, "the job to end")
    failed = job(first.pk)
    assert failed.status == JobStatus.FAILED
    assert failed.message == services.CONFLICT
    assert "自动重试 2 次后仍未完成，全部未导入（数据未作任何修改）" in failed.message and "系统错误" not in failed.message
    assert imported_units() == 1 and created_entries() == 0
    assert worker.poll() is None
    rerun_imports_everything_once(user)


def lock_waiter(session: psycopg.Connection[Any]) -> int | None:
    """Another session of the test database that waits on a lock."""
    session.execute("SELECT pg_stat_clear_snapshot()")  # else the view stays as first read in the transaction
    row = session.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                          " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()").fetchone()
    return row[0] if row else None


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_import_sheet_commit_ended_in_a_deadlock_runs_again_by_itself(
        slow_deadlock_check: None, manage_py: Any, tree: dict[str, Unit], user: Any, other_session: Any,
        tmp_path: Any) -> None:
    """The command's commit has written its first chunk and waits on a row this session
    holds; this session then inserts a code of that chunk and waits on the command:
    PostgreSQL ends the command's commit, which runs again once this session is gone."""
    locked = existing_unit(tree)
    path = tmp_path / "单位.csv"
    path.write_bytes(sheet())
    with other_session.transaction(force_rollback=True):
        hold_row(other_session, locked.code)
        command = manage_py("import_sheet", "units", str(path), "--user", user.username, "--commit",
                            stdout=subprocess.PIPE)
        wait_for(lambda: lock_waiter(other_session) or command.poll() is not None,
                 "the command to wait on the held row")
        assert command.poll() is None, command.communicate()  # it did not end before
        other_session.execute("SET LOCAL deadlock_timeout = '60s'")  # the command's wait finds the cycle first
        other_session.execute(
            "INSERT INTO units_unit (code, name, unit_type, level, path, sort_order, full_name)"
            " VALUES (%s, '占位', 'township', 'township', '~', 0, '占位')", [f"{PREFIX}0000"])
    out, err = command.communicate(timeout=120)
    assert command.returncode == 0, err.decode()
    assert services.RETRYING.format(step="导入", retry=1) in err.decode()
    assert f"新增 {ROWS - 1}，更新 0，未变 1" in out.decode()
    assert imported_units() == ROWS and created_entries() == ROWS - 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_commit_leaves_a_failed_job_not_a_running_one(
        start_worker: Any, tree: dict[str, Unit], user: Any, other_session: Any, client_for: Any) -> None:
    locked = existing_unit(tree)
    worker = start_worker()
    first = validated(user, sheet())
    progress = reverse("admin:imports_importjob_progress", args=[first.pk])
    client = client_for(user)
    with commit_stuck_in_the_middle(other_session, locked, first, user):
        assert client.get(progress).json()["status"] == JobStatus.IMPORTING  # alive: left alone
        worker.kill()  # SIGKILL: no handler runs, no rollback is sent
        worker.wait(timeout=10)
        # The dead worker's session ends (the server checks its client every few seconds,
        # even during a lock wait); from then on anyone looking at the job closes it.
        answer = wait_for(lambda: (a := client.get(progress).json())["status"] == JobStatus.FAILED and a,
                          "the job page to see the worker gone", seconds=60)
    assert answer["running"] is False
    assert answer["message"] == services.ORPHANED[JobStatus.IMPORTING] and "未作任何修改" in answer["message"]
    assert imported_units() == 1 and created_entries() == 0
    # The task queue's record of the step ends too, instead of staying RUNNING for ever.
    step = DBTaskResult.objects.get(task_path=commit_job.module_path, args_kwargs__args=[first.pk])
    assert step.status == TaskResultStatus.FAILED and step.finished_at is not None
    assert step.exception_class_path.endswith("WorkerLost") and str(first.pk) in step.traceback
    assert services.jobs_cleanup() == 0  # already closed
    start_worker()
    rerun_imports_everything_once(user)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_same_file_imported_by_two_people_at_once_is_written_once_and_the_second_is_refused(
        start_worker: Any, tree: dict[str, Unit], user: Any, make_staff: Any, other_session: Any,
        client_for: Any) -> None:
    colleague = grant(make_staff("county_a_colleague", tree["county_a"], "干部监督"), "units.import_unit")
    count = 300
    locked = existing_unit(tree, index=count - 1)
    start_worker()
    start_worker()
    jobs = []
    for person_ in (user, colleague):  # both through the upload page
        client = client_for(person_)
        answer = client.post(reverse("admin:imports_importjob_add"),
                             {"resource": "units", "file": SimpleUploadedFile("单位.csv", sheet(count))})
        assert answer.status_code == 302
        jobs.append((client, ImportJob.objects.filter(uploader=person_).get()))
    for _, uploaded in jobs:
        wait_for(lambda: job(uploaded.pk).status == JobStatus.AWAITING, "validation")
        assert job(uploaded.pk).new_count == count - 1
    with other_session.transaction():
        # Someone else holds one of the rows: both commits start and overlap.
        hold_row(other_session, locked.code)
        for client, uploaded in jobs:
            answer = client.post(reverse("admin:imports_importjob_confirm", args=[uploaded.pk]))
            assert answer.status_code == 302
        for _, uploaded in jobs:
            wait_for(lambda: job(uploaded.pk).status == JobStatus.IMPORTING, "both commits to start")
        pids = {wait_for(lambda: worker_backend(other_session, uploaded.pk), "a worker") for _, uploaded in jobs}
        assert len(pids) == 2  # two workers, one job each
    for _, uploaded in jobs:
        wait_for(lambda: job(uploaded.pk).status in (JobStatus.DONE, JobStatus.FAILED), "both commits to end")
    finished = sorted((job(j.pk) for _, j in jobs), key=lambda j: j.status)
    assert [j.status for j in finished] == [JobStatus.DONE, JobStatus.FAILED], [j.message for j in finished]
    assert (finished[0].new_count, finished[0].unchanged_count) == (count - 1, 1)
    # The second commit finds the rows its validation saw as new written meanwhile: what
    # it would do is no longer what its preview showed, so it refuses and writes nothing.
    assert finished[1].message.startswith("校验后数据已有变化，请重新校验")
    assert imported_units() == count and created_entries() == count - 1
    tasks = DBTaskResult.objects.filter(task_path__endswith="commit_job")
    assert sorted(t.status for t in tasks) == ["SUCCESSFUL", "SUCCESSFUL"], [t.traceback for t in tasks]


# --- without workers: how a gone worker is recognised ---------------------------------

def cadre_job(user: Any, **fields: Any) -> ImportJob:
    job_ = services.job_create(user=user, resource="test_cadres", uploaded=SimpleUploadedFile(
        "干部.xlsx", workbook_bytes([CADRE_HEAD, person(1)])))
    ImportJob.objects.filter(pk=job_.pk).update(**fields)
    return job(job_.pk)


@pytest.mark.django_db
def test_a_running_job_without_its_worker_is_closed_and_one_with_it_is_left(
        media: Any, test_resource: Any, county_a_clerk: Any, other_session: Any) -> None:
    orphan = cadre_job(county_a_clerk, status=JobStatus.VALIDATING)
    alive = cadre_job(county_a_clerk, status=JobStatus.IMPORTING)
    other_session.execute("SELECT pg_advisory_lock(%s, %s)", services.job_lock_key(alive.pk))  # its worker
    assert services.jobs_cleanup() == 1
    assert job(orphan.pk).status == JobStatus.FAILED
    assert job(orphan.pk).message == services.ORPHANED[JobStatus.VALIDATING] and not job(orphan.pk).file
    assert job(alive.pk).status == JobStatus.IMPORTING and job(alive.pk).file
    other_session.close()  # the worker's session ends
    wait_for(lambda: services.job_close_if_orphaned(job_id=alive.pk), "the lock to go with the session", 10)
    assert job(alive.pk).message == services.ORPHANED[JobStatus.IMPORTING]


@pytest.mark.django_db
def test_the_job_page_closes_a_job_whose_worker_is_gone(media: Any, test_resource: Any, county_a_clerk: Any,
                                                        client_for: Any) -> None:
    orphan = cadre_job(county_a_clerk, status=JobStatus.IMPORTING)
    page = client_for(county_a_clerk).get(reverse("admin:imports_importjob_change", args=[orphan.pk]))
    assert page.status_code == 200 and "全部未导入（数据未作任何修改）" in page.content.decode()
    assert job(orphan.pk).status == JobStatus.FAILED
    closed = AuditLog.objects.filter(content_type__model="importjob", object_id=str(orphan.pk),
                                     changes__status__1=JobStatus.FAILED).get()
    assert (closed.source, closed.actor) == (AuditSource.SYSTEM, None)  # the system's finding, not the viewer's


@pytest.mark.django_db
def test_waiting_jobs_are_closed_after_a_day_counted_from_their_last_step(media: Any, test_resource: Any,
                                                                          county_a_clerk: Any) -> None:
    now = timezone.now()
    day = datetime.timedelta(hours=25)
    never_started = cadre_job(county_a_clerk, created_at=now - day)
    never_confirmed = cadre_job(county_a_clerk, status=JobStatus.AWAITING, created_at=now - 2 * day,
                                validated_at=now - day)
    confirmed_long_ago = cadre_job(county_a_clerk, status=JobStatus.AWAITING, created_at=now - 2 * day,
                                   validated_at=now - 2 * day, confirmed_at=now - day)
    # Uploaded two days ago, confirmed an hour ago, its commit still queued: left alone.
    confirmed_lately = cadre_job(county_a_clerk, status=JobStatus.AWAITING, created_at=now - 2 * day,
                                 validated_at=now - 2 * day, confirmed_at=now - datetime.timedelta(hours=1))
    assert services.jobs_cleanup(now=now) == 3
    for closed in (never_started, never_confirmed, confirmed_long_ago):
        assert job(closed.pk).status == JobStatus.FAILED and job(closed.pk).message == services.STALE
    assert job(confirmed_lately.pk).status == JobStatus.AWAITING and job(confirmed_lately.pk).file

