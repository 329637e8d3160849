import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_it_was_given():
    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1


def test_the_sqlite_file_runs_in_wal_with_normal_sync_and_a_busy_timeout(tmp_path):
    """Readers never wait for a writer and a commit does not sync the whole file: the
    setting behind the year page's throughput on SQLite (bench/README.md)."""
    import subprocess
    import sys
    from pathlib import Path

    probe = (
        "import django; django.setup(); from django.db import connection as c;"
        "cur = c.cursor();"
        "print([cur.execute(f'PRAGMA {p}').fetchone()[0] for p in"
        " ('journal_mode', 'synchronous', 'busy_timeout')])"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DEBUG="1", VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="cluster_portal.settings")
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "['wal', 1, 20000]"


def test_a_sqlite_connection_outlives_the_request(tmp_path):
    """Each worker thread keeps its SQLite connection between requests (CONN_MAX_AGE), as
    PostgreSQL's: opening one cost more CPU than a cached document download's work."""
    import subprocess
    import sys
    from pathlib import Path

    probe = (
        "import django; django.setup(); from django.db import connection as c;"
        "from django.core.signals import request_finished, request_started;"
        "request_started.send(sender=None); c.ensure_connection(); raw = c.connection;"
        "request_finished.send(sender=None); request_started.send(sender=None);"
        "c.ensure_connection(); print(c.connection is raw)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DEBUG="1", VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="cluster_portal.settings")
    kept = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert kept.returncode == 0, kept.stderr
    assert kept.stdout.strip().splitlines()[-1] == "True"
    closed = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parent.parent,
        env={**env, "DB_CONN_MAX_AGE": "0"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert closed.stdout.strip().splitlines()[-1] == "False"  # the previous behaviour
