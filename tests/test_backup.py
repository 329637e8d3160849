"""make backup / make restore (bin/dbbackup.py) on SQLite: the demo survives the round trip,
with its stored files: an evidence file of a score sheet and an import held between its
preview and its confirmation.

Each step runs in a subprocess with its own VAR_DIR, as an administrator would run it.
The seeded database and its backup are made once for the module (about 10 s); the
migrated database they start from is made once for the run (migrated_sqlite).
"""

import hashlib
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import NamedTuple

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


# Lạng Sơn's staff attaches an evidence file to its open 2025 sheet and previews a disbursements
# upload (held for the confirmation under a token of its session).
STORE_FILES = """
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from emulation.scoring.sheets import evidence_add
from provinces.spreadsheets.held import hold_upload
from tests.scoring_helpers import data_for, unit
from tests.versions import sheet_version
data = data_for("mien-nui-phia-bac-1", 2025)
item = evidence_add(
    data=data, province=unit("20", 2025), criterion_id=data.leaves[0].pk,
    upload=SimpleUploadedFile("quyet-dinh.pdf", "%PDF-1.4 Quyết định khen thưởng".encode()),
    seen_version=sheet_version(data, unit("20", 2025)),
    by=get_user_model().objects.get(username="langson"),
)
request = RequestFactory().post("/")
request.session = SessionStore()
token = hold_upload(
    request, key="disbursements", data=b'{"rows": []}', filename="so-giai-ngan.xlsx"
)
request.session.save()
print(item.pk, request.session.session_key, token)
"""
# What the restored portal reads back: the evidence file's bytes through its model, the
# held upload through its session and token.
READ_FILES = """
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from emulation.models import EvidenceFile
from provinces.spreadsheets.held import held_upload
pk, session_key, token = {facts!r}
with EvidenceFile.objects.get(pk=pk).file.open("rb") as handle:
    print(handle.read().decode())
request = RequestFactory().post("/")
request.session = SessionStore(session_key)
held = held_upload(request, key="disbursements", token=token)
print(held and (held[0]["filename"], held[1].decode()))
"""
EVIDENCE = "%PDF-1.4 Quyết định khen thưởng"
HELD = str(("so-giai-ngan.xlsx", '{"rows": []}'))


def stored(var_dir: Path) -> list[str]:
    """The files under VAR_DIR, less SQLite's write-ahead log and its index (WAL mode):
    they are the database's, which the backup copies through SQLite's backup API."""
    return sorted(
        str(path.relative_to(var_dir))
        for path in var_dir.rglob("*")
        if path.is_file() and not path.name.endswith(("-wal", "-shm"))
    )


def read_back(var_dir: Path, facts: list[str]) -> list[str]:
    script = READ_FILES.format(facts=facts)
    return ok(run("manage.py", "shell", "-v0", "-c", script, var_dir=var_dir)).stdout.splitlines()


class Demo(NamedTuple):
    database: Path
    backup: Path
    facts: list[str]  # the evidence file's id, the held upload's session key and token


@pytest.fixture(scope="module")
def demo(tmp_path_factory, migrated_sqlite):
    """The demo seeded into a temporary SQLite database with two stored files, and
    `make backup`'s archive of it; the facts to find the files again. The database
    starts as a copy of the run's `manage.py migrate` (migrated_sqlite, tests/conftest.py)."""
    base = tmp_path_factory.mktemp("backup")
    source = base / "source"
    migrated_sqlite(source / "portal.sqlite3")
    ok(run("manage.py", "seed_demo", var_dir=source))
    facts = ok(run("manage.py", "shell", "-v0", "-c", STORE_FILES, var_dir=source)).stdout.split()
    backups = base / "backups"
    result = ok(run("bin/dbbackup.py", "backup", var_dir=source, backup_dir=backups))
    (backup,) = backups.iterdir()
    assert str(backup) in result.stdout and "2 tệp lưu trữ" in result.stdout
    return Demo(source / "portal.sqlite3", backup, facts)


def test_the_backup_is_a_timestamped_file_only_its_owner_can_read(demo):
    _, backup, _ = demo
    assert backup.name.startswith("portal-") and backup.name.endswith(".tar.gz")
    assert backup.stat().st_mode & 0o077 == 0


def test_the_backup_holds_the_database_and_every_stored_file(demo):
    source, backup, _ = demo
    with tarfile.open(backup) as archive:
        names = sorted(archive.getnames())
    var_dir = source.parent
    assert stored(var_dir) == [
        "media/" + names[1].removeprefix("files/default/"),
        "portal.sqlite3",
        "uploads/" + names[2].removeprefix("files/uploads/"),
    ]
    assert names[0] == "database.sqlite3"
    assert names[1].startswith("files/default/scoring/evidence/")
    assert names[2].startswith("files/uploads/held-uploads/")


def test_a_restore_brings_back_the_evidence_file_and_the_held_upload(demo, tmp_path):
    source, backup, _ = demo
    assert read_back(source.parent, demo.facts) == [EVIDENCE, HELD]
    ok(run("bin/dbbackup.py", "restore", str(backup), var_dir=tmp_path))
    assert stored(tmp_path) == stored(source.parent)
    assert read_back(tmp_path, demo.facts) == [EVIDENCE, HELD]


def test_a_forced_restore_replaces_the_stored_files(demo, tmp_path):
    _, backup, _ = demo
    ok(run("bin/dbbackup.py", "restore", str(backup), var_dir=tmp_path))
    evidence = next((tmp_path / "media").rglob("*.pdf"))
    evidence.write_bytes(b"%PDF-1.4 changed")
    stray = tmp_path / "media" / "scoring" / "evidence" / "stray.pdf"
    stray.write_bytes(b"%PDF-1.4 not in the backup")

    ok(run("bin/dbbackup.py", "restore", str(backup), "--force", var_dir=tmp_path))
    assert not stray.exists()
    assert read_back(tmp_path, demo.facts) == [EVIDENCE, HELD]


def test_a_restore_refuses_stored_files_unless_forced(demo, tmp_path):
    _, backup, _ = demo
    stray = tmp_path / "uploads" / "held-uploads" / "0000000000-stray.upload"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"{}")
    refused = run("bin/dbbackup.py", "restore", str(backup), var_dir=tmp_path)
    assert refused.returncode != 0
    assert "1 stored files" in refused.stderr and "FORCE=1" in refused.stderr
    assert stray.exists() and not (tmp_path / "portal.sqlite3").exists()


def test_a_bare_database_copy_still_restores_and_leaves_the_files(demo, tmp_path):
    source, _, _ = demo
    bare = tmp_path / "portal-20261127-023000.sqlite3"
    with sqlite3.connect(source) as live, sqlite3.connect(bare) as copy:
        live.backup(copy)
    kept = tmp_path / "var" / "media" / "kept.pdf"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"%PDF-1.4 kept")
    ok(run("bin/dbbackup.py", "restore", str(bare), var_dir=tmp_path / "var"))
    assert snapshot(tmp_path / "var" / "portal.sqlite3") == snapshot(source)
    assert kept.read_bytes() == b"%PDF-1.4 kept"


def test_an_archive_holding_anything_else_is_refused(demo, tmp_path):
    _, backup, _ = demo
    forged = tmp_path / "forged.tar.gz"
    with tarfile.open(backup) as archive, tarfile.open(forged, "w:gz") as out:
        for member in archive.getmembers():
            out.addfile(member, archive.extractfile(member))
        info = tarfile.TarInfo("files/default/../../escaped.txt")
        out.addfile(info)
    refused = run("bin/dbbackup.py", "restore", str(forged), var_dir=tmp_path / "var")
    assert refused.returncode != 0 and "escaped.txt" in refused.stderr
    assert not (tmp_path / "escaped.txt").exists()
    assert not (tmp_path / "var" / "portal.sqlite3").exists()


def test_a_restore_into_a_new_database_loses_nothing(demo, tmp_path):
    source, backup, _ = demo
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
    assert after["auth_user"][0] == 15  # the demo users: admin, 13 staff, vca
    # A few values, as the portal reads them.
    password = "SELECT password FROM auth_user WHERE username = 'phutho'"
    assert value(restored, password) == value(source, password)
    terms = "SELECT year, cluster_id, head_id, vice_id FROM emulation_clusterterm ORDER BY year"
    assert value(restored, terms) == value(source, terms)
    assert after["(triggers)"][0] >= 2  # the term trigger came along


def test_a_restore_into_a_freshly_migrated_database_replaces_the_reference_data(
    demo, tmp_path, migrated_sqlite
):
    source, backup, _ = demo
    migrated_sqlite(tmp_path / "portal.sqlite3")  # what `manage.py migrate` leaves
    result = ok(run("bin/dbbackup.py", "restore", str(backup), var_dir=tmp_path))
    assert "No migrations to apply" in result.stdout
    assert snapshot(tmp_path / "portal.sqlite3") == snapshot(source)


def test_a_restore_refuses_a_database_that_holds_data_unless_forced(demo, tmp_path):
    source, backup, _ = demo
    ok(run("bin/dbbackup.py", "restore", str(backup), var_dir=tmp_path))
    restored = tmp_path / "portal.sqlite3"
    with sqlite3.connect(restored) as connection:
        connection.execute("UPDATE auth_user SET first_name = 'Đã sửa' WHERE username = 'sonla'")

    refused = run("bin/dbbackup.py", "restore", str(backup), var_dir=tmp_path)
    assert refused.returncode != 0
    assert "15 user accounts" in refused.stderr and "FORCE=1" in refused.stderr
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
    assert refused.returncode != 0 and "neither a portal backup" in refused.stderr
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
