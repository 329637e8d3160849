"""tests/shared_setup.py: what the run's workers share (the lock, the migrated SQLite copy,
the clean-up at the end)."""

import fcntl
import json
import sqlite3

import pytest
from django.db.migrations.loader import MigrationLoader

from tests import shared_setup


def test_the_lock_holds_off_every_other_holder(tmp_path):
    with (
        shared_setup.locked("setup", tmp_path),
        open(tmp_path / "setup.lock") as other,
        pytest.raises(BlockingIOError),
    ):
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    with open(tmp_path / "setup.lock") as other:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released


def test_the_migrated_copy_holds_every_migration_and_is_the_callers_own(migrated_sqlite, tmp_path):
    first = migrated_sqlite(tmp_path / "a" / "portal.sqlite3")
    second = migrated_sqlite(tmp_path / "b" / "portal.sqlite3")
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)

    def applied(path) -> set[tuple[str, str]]:
        connection = sqlite3.connect(path)
        try:
            return set(connection.execute("SELECT app, name FROM django_migrations"))
        finally:
            connection.close()

    assert applied(first) == on_disk
    connection = sqlite3.connect(first)
    with connection:
        connection.execute("DELETE FROM django_migrations")
    connection.close()
    assert applied(first) == set()
    assert applied(second) == on_disk


def test_the_clean_up_removes_the_folder(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / shared_setup.MARK).write_text(json.dumps({"vendor": "sqlite", "template": "x"}))
    (folder / "demo.pickle").write_bytes(b"")
    shared_setup.clean_up(str(folder))
    assert not folder.exists()
