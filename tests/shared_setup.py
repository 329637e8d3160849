"""The test database migrated once per test run and copied by every xdist worker.

Migrating the 70-odd migrations costs each test process several seconds of CPU, and so
does building the demo snapshot (tests/demo_data.py). Under xdist the first worker to
need a database migrates its own as usual and leaves a template beside the run's other
files: a copy of its SQLite database (the backup API), or on PostgreSQL a database made
`CREATE DATABASE … TEMPLATE` from its own. Every other worker creates its test database
from that template instead of migrating (a SQLite page copy, or PostgreSQL's file copy),
then goes on exactly as Django's `create_test_db` does. The snapshots are shared the same
way (`Snapshot.build` in tests/demo_data.py): the first worker to need one builds it and
writes it beside the template; the others read it. A single process (`-p no:xdist`,
`-n 0`) does as before: nothing to share.

The controller (the pytest process that starts the workers) makes the folder, gives it to
the workers and, at the end of the run, removes it and drops the PostgreSQL template.
"""

import fcntl
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

KEY = "portal_shared_setup"
STASH = pytest.StashKey[str]()
MARK = "template.json"


class Shared:
    """The run's shared folder, as this process knows it (None: nothing is shared)."""

    folder: Path | None = None


@contextmanager
def locked(name: str, folder: Path | None = None):
    """One process at a time in what follows, across the run's workers."""
    with open((folder or Shared.folder) / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def new_folder() -> str:
    return tempfile.mkdtemp(prefix="portal-tests-")


def _from_template(creation, info: dict):
    """`create_test_db` with the migration replaced by a copy of the template."""

    def create_test_db(verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        connection = creation.connection
        name = creation._get_test_db_name()
        if connection.vendor == "postgresql":
            test = connection.settings_dict["TEST"]
            before = test.get("TEMPLATE")
            test["TEMPLATE"] = info["template"]
            try:
                creation._create_test_db(verbosity, autoclobber, keepdb)
            finally:
                test["TEMPLATE"] = before
        else:
            creation._create_test_db(verbosity, autoclobber, keepdb)
        connection.close()
        settings.DATABASES[connection.alias]["NAME"] = name
        connection.settings_dict["NAME"] = name
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            template = sqlite3.connect(info["template"])
            try:
                template.backup(connection.connection)
            finally:
                template.close()
        if serialize:
            connection._test_serialized_contents = creation.serialize_db_to_string()
        return name

    return create_test_db


def _leave_template() -> dict:
    """Copy this worker's freshly migrated database where the others find it."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "sqlite":
        path = Shared.folder / "template.sqlite3"
        target = sqlite3.connect(path)
        try:
            connection.ensure_connection()
            connection.connection.backup(target)
        finally:
            target.close()
        return {"vendor": "sqlite", "template": str(path)}
    name = connection.settings_dict["NAME"]
    template = f"{name}_template"
    quote = connection.ops.quote_name
    connection.close()  # PostgreSQL copies only a database nobody is connected to
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(template)}")
        cursor.execute(f"CREATE DATABASE {quote(template)} TEMPLATE {quote(name)}")
    return {"vendor": "postgresql", "template": template}


def setup_databases(setup, **kwargs):
    """Django's `setup_databases(**kwargs)`, migrating only in the run's first worker."""
    aliases = set(kwargs.get("aliases") or [DEFAULT_DB_ALIAS])
    vendor = connections[DEFAULT_DB_ALIAS].vendor
    if (
        Shared.folder is None
        or kwargs.get("keepdb")
        or aliases != {DEFAULT_DB_ALIAS}
        or vendor not in ("sqlite", "postgresql")
    ):
        return setup(**kwargs)
    with locked("setup"):
        mark = Shared.folder / MARK
        if not mark.exists():
            config = setup(**kwargs)
            mark.write_text(json.dumps(_leave_template()))
            return config
        creation = connections[DEFAULT_DB_ALIAS].creation
        creation.create_test_db = _from_template(creation, json.loads(mark.read_text()))
        try:
            return setup(**kwargs)
        finally:
            del creation.create_test_db


ROOT = Path(__file__).resolve().parent.parent


def migrated_sqlite(target: Path, folder: Path) -> Path:
    """Write at `target` a SQLite database as `manage.py migrate` leaves it (for the tests
    that run the portal in subprocesses: backup/restore, gunicorn).

    Under xdist on SQLite that is the run's template (`migrate`, as Django's test runner
    calls it, copied before any test ran): nothing more to migrate. Otherwise the migration
    runs once per `folder`, in a subprocess as an administrator runs it (the development
    settings, VAR_DIR in the folder). Every caller gets its own copy through SQLite's
    backup API. The folder is the run's shared one under xdist (one migration for all
    workers) or the process's own (`tmp_path_factory`)."""
    made = folder / "migrated" / "portal.sqlite3"
    mark = folder / MARK
    if mark.exists() and json.loads(mark.read_text())["vendor"] == "sqlite":
        made = Path(json.loads(mark.read_text())["template"])
    with locked("migrated", folder):
        if not made.exists():
            unset = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "BACKUP_DIR"}
            env = {k: v for k, v in os.environ.items() if k not in unset}
            staging = folder / "migrating"  # renamed once migrated: no half-made copy
            shutil.rmtree(staging, ignore_errors=True)
            env.update(DEBUG="1", VAR_DIR=str(staging))
            result = subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert result.returncode == 0, result.stdout + result.stderr
            staging.rename(made.parent)
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(made) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    source.close()
    copy.close()
    return target


def clean_up(folder: str) -> None:
    """At the end of the run (controller): drop the PostgreSQL template, remove the folder."""
    mark = Path(folder) / MARK
    if mark.exists():
        info = json.loads(mark.read_text())
        if info["vendor"] == "postgresql":
            connection = connections[DEFAULT_DB_ALIAS]
            with connection._nodb_cursor() as cursor:
                cursor.execute(
                    f"DROP DATABASE IF EXISTS {connection.ops.quote_name(info['template'])}"
                )
    shutil.rmtree(folder, ignore_errors=True)
