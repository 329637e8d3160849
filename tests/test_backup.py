"""make backup / make restore (bin/dbbackup.py) on SQLite: the demo survives the round trip.

Each step runs in a subprocess with its own VAR_DIR, as an administrator would run it.
The seeded database and its backup are made once for the module (about 8 s).
"""

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, var_dir: Path, backup_dir: Path | None = None) -> subprocess.CompletedProcess:
    unset = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "BACKUP_DIR"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(DEBUG="1", VAR_DIR=str(var_dir))
    if backup_dir:
        env["BACKUP_DIR"] = str(backup_dir)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def snapshot(database: Path) -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of all its rows, plus the schema's triggers."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        state = {}
        for table in tables:
            rows = connection.execute(f'SELECT * FROM "{table}"').fetchall()  # noqa: S608
            digest = hashlib.sha256("\n".join(sorted(map(repr, rows))).encode()).hexdigest()
            state[table] = (len(rows), digest)
        triggers = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        ).fetchall()
        state["(triggers)"] = (len(triggers), repr(triggers))
        return state
    finally:
        connection.close()


def value(database: Path, sql: str):
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo seeded into a temporary SQLite database, and `make backup`'s copy of it."""
    base = tmp_path_factory.mktemp("backup")
    source = base / "source"
    ok(run("manage.py", "migrate", "--noinput", var_dir=source))
    ok(run("manage.py", "seed_demo", var_dir=source))
    backups = base / "backups"
    result = ok(run("bin/dbbackup.py", "backup", var_dir=source, backup_dir=backups))
    (backup,) = backups.iterdir()
    assert str(backup) in result.stdout
    return source / "portal.sqlite3", backup


def test_the_backup_is_a_timestamped_file_only_its_owner_can_read(demo):
    _, backup = demo
    assert backup.name.startswith("portal-") and backup.suffix == ".sqlite3"
    assert backup.stat().st_mode & 0o077 == 0


def test_a_restore_into_a_new_database_loses_nothing(demo, tmp_path):
    source, backup = demo
    ok(run("bin/dbbackup.py", "restore", str(backup), var_dir=tmp_path))
    restored = tmp_path / "portal.sqlite3"

    before, after = snapshot(source), snapshot(restored)
    assert after == before
    # Every model is in that comparison, the historical ones included, and holds rows.
    tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    assert tables <= set(after)
    historical = {t for t in tables if "_historical" in t}
    assert len(historical) >= 8
    assert after["provinces_historicalyearlyfigures"][0] > 0
    assert after["provinces_historicaldisbursement"][0] > 0
    assert after["auth_user"][0] == 11
    # A few values, as the portal reads them.
    password = "SELECT password FROM auth_user WHERE username = 'phutho'"
    assert value(restored, password) == value(source, password)
    terms = "SELECT year, cluster_id, head_id, vice_id FROM emulation_clusterterm ORDER BY year"
    assert value(restored, terms) == value(source, terms)
    assert after["(triggers)"][0] >= 2  # the term trigger came along


def test_a_restore_into_a_freshly_migrated_database_replaces_the_reference_data(demo, tmp_path):
    source, backup = demo
    ok(run("manage.py", "migrate", "--noinput", var_dir=tmp_path))
    result = ok(run("bin/dbbackup.py", "restore", str(backup), var_dir=tmp_path))
    assert "No migrations to apply" in result.stdout
    assert snapshot(tmp_path / "portal.sqlite3") == snapshot(source)


def test_a_restore_refuses_a_database_that_holds_data_unless_forced(demo, tmp_path):
    source, backup = demo
    ok(run("bin/dbbackup.py", "restore", str(backup), var_dir=tmp_path))
    restored = tmp_path / "portal.sqlite3"
    with sqlite3.connect(restored) as connection:
        connection.execute("UPDATE auth_user SET first_name = 'Đã sửa' WHERE username = 'sonla'")

    refused = run("bin/dbbackup.py", "restore", str(backup), var_dir=tmp_path)
    assert refused.returncode != 0
    assert "11 user accounts" in refused.stderr and "FORCE=1" in refused.stderr
    assert value(restored, "SELECT first_name FROM auth_user WHERE username = 'sonla'") == [
        ("Đã sửa",)
    ]

    ok(run("bin/dbbackup.py", "restore", str(backup), "--force", var_dir=tmp_path))
    assert snapshot(restored) == snapshot(source)


def test_a_restore_needs_a_backup_file(tmp_path):
    missing = run("bin/dbbackup.py", "restore", var_dir=tmp_path)
    assert missing.returncode == 2 and "file" in missing.stderr
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    refused = run("bin/dbbackup.py", "restore", str(not_a_backup), var_dir=tmp_path)
    assert refused.returncode != 0 and "neither an SQLite database" in refused.stderr
    assert not (tmp_path / "portal.sqlite3").exists()


def test_make_restore_without_file_says_what_it_needs():
    # -o: do not reinstall the virtual environment for this.
    result = subprocess.run(
        ["make", "-s", "-o", ".venv/.installed-run", "restore"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert "FILE=" in result.stderr


def test_a_backup_of_no_database_is_refused(tmp_path):
    result = run("bin/dbbackup.py", "backup", var_dir=tmp_path / "empty", backup_dir=tmp_path)
    assert result.returncode != 0 and "nothing to back up" in result.stderr
