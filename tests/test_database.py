import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_it_was_given():
    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1


def probe_sqlite(var_dir: Path, code: str, **environ: str) -> str:
    """Run `code` after `django.setup()` in a fresh process on the SQLite settings (no
    DATABASE_URL, VAR_DIR in `var_dir`); the last line it printed."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DEBUG="1", VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="cluster_portal.settings")
    env.update(environ)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_the_sqlite_file_runs_in_wal_with_normal_sync_and_a_busy_timeout(tmp_path):
    """Readers never wait for a writer and a commit does not sync the whole file: the
    setting behind the year page's throughput on SQLite (bench/README.md)."""
    probe = (
        "from django.db import connection as c; cur = c.cursor();"
        "print([cur.execute(f'PRAGMA {p}').fetchone()[0] for p in"
        " ('journal_mode', 'synchronous', 'busy_timeout')])"
    )
    assert probe_sqlite(tmp_path, probe) == "['wal', 1, 20000]"


KEPT_PROBE = (
    "from django.db import connection as c;"
    "from django.core.signals import request_finished, request_started;"
    "request_started.send(sender=None); c.ensure_connection(); raw = c.connection;"
    "request_finished.send(sender=None); request_started.send(sender=None);"
    "c.ensure_connection(); print(c.connection is raw)"
)


def test_a_sqlite_connection_outlives_the_request(tmp_path):
    """Each worker thread keeps its SQLite connection between requests (CONN_MAX_AGE), as
    PostgreSQL's: opening one cost more CPU than a cached document download's work."""
    assert probe_sqlite(tmp_path, KEPT_PROBE) == "True"
    assert probe_sqlite(tmp_path, KEPT_PROBE, DB_CONN_MAX_AGE="0") == "False"  # as before
