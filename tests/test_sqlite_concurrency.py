"""The embedded SQLite database (the demo's) takes writers at once: the web server's
threads and the import worker. Each transaction takes the write lock as it begins and
waits for it, so none fails with "database is locked" (orgwork.settings)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

WRITERS = """
import os, threading, time
import django
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE probe (n integer)")
errors = []

def write():
    try:
        for _ in range(40):
            with transaction.atomic():  # read, then write: the pattern of every service
                with connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM probe")
                    cursor.fetchone()
                    time.sleep(0.002)
                    cursor.execute("INSERT INTO probe VALUES (1)")
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()

threads = [threading.Thread(target=write) for _ in range(6)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM probe")
    print(cursor.fetchone()[0], len(errors), errors[:1])
"""


def test_six_threads_writing_to_the_embedded_database_at_once_all_succeed(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DATABASE_REPLICA_URL")}
    env.update(ORGWORK_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="orgwork.settings")
    run = subprocess.run([sys.executable, "-c", WRITERS], cwd=settings.BASE_DIR, env=env, text=True,
                         capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[:2] == ["240", "0"], run.stdout
    assert (tmp_path / "orgwork.sqlite3").exists()
