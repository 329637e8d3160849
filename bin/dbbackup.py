"""Back up the portal's database into backups/, and put such a backup back.

    python bin/dbbackup.py backup [--dir backups]      # make backup
    python bin/dbbackup.py restore FILE [--force]      # make restore FILE=… [FORCE=1]

The database is the one the settings name (DATABASE_URL, else SQLite under VAR_DIR), so
run it with the server's environment. Each engine is copied with its own tool, which
copies everything: rows, history, sessions, lockouts, sequences and the term trigger.

- SQLite: Python's sqlite3 online backup API, a consistent snapshot taken while the
  server keeps running (a plain file copy could catch a write half done).
- PostgreSQL: ``pg_dump -Fc`` (compressed, restored by ``pg_restore``); the client's
  major version must be at least the server's.

A restore refuses a database that holds data (user accounts or history records) unless
``--force``: a database that only ``migrate`` filled is replaced without asking. After
restoring it runs ``migrate``, so a backup from an older release gets today's schema.
"""

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster_portal.settings")

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


def fail(message: str) -> None:
    sys.exit(f"dbbackup: {message}")


def setup_django():
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        fail(f"cấu hình không hợp lệ (configuration error): {exc}")
    from django.db import connection

    return connection


def pg_environment(db: dict) -> dict[str, str]:
    """libpq's variables for pg_dump/pg_restore: the password stays out of `ps`."""
    env = dict(os.environ)
    for var, key in [
        ("PGDATABASE", "NAME"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
    ]:
        if db.get(key):
            env[var] = str(db[key])
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return env


def pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        fail(f"{name} is missing: apt-get install postgresql-client (the server's major version)")
    return path


def backup(directory: Path) -> Path:
    connection = setup_django()
    from django.utils import timezone

    db = connection.settings_dict
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    suffix = {"sqlite": "sqlite3", "postgresql": "pgdump"}.get(connection.vendor)
    if suffix is None:
        fail(f"no backup method for {connection.vendor}")
    target = directory / f"portal-{stamp}.{suffix}"
    if target.exists():
        fail(f"{target} exists already: wait a second and try again")
    partial = target.with_name(target.name + ".partial")

    if connection.vendor == "sqlite":
        source_path = Path(db["NAME"])
        if not source_path.exists():
            fail(f"no database at {source_path}: nothing to back up")
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
            (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
        finally:
            copy.close()
            source.close()
        if verdict != "ok":
            partial.unlink()
            fail(f"the copy of {source_path} fails its integrity check: {verdict}")
        described = f"SQLite {source_path}"
    else:
        command = [pg_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-f", str(partial)]
        result = subprocess.run(command, env=pg_environment(db), check=False)  # noqa: S603
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            fail("pg_dump failed (its message is above)")
        described = f"PostgreSQL {db['NAME']} on {db.get('HOST') or 'local socket'}"
    partial.rename(target)
    print(f"Đã sao lưu {described} vào {target} ({target.stat().st_size:,} byte).")
    return target


def holdings(connection) -> tuple[int, int]:
    """What the database holds beyond what `migrate` puts there: user accounts, and
    history records (every change made through the portal or the admin leaves one)."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    tables = set(connection.introspection.table_names())
    users = history = 0
    for model in apps.get_models():
        if model._meta.db_table not in tables:
            continue
        if model is get_user_model():
            users = model.objects.count()
        elif model._meta.model_name.startswith("historical"):
            history += model.objects.count()
    return users, history


def restore(file: Path, *, force: bool) -> None:
    if not file.is_file():
        fail(f"{file} is not a file")
    with file.open("rb") as handle:
        head = handle.read(16)
    connection = setup_django()
    from django.core.management import call_command
    from django.db import connections

    db = connection.settings_dict
    kind = (
        "sqlite" if head == SQLITE_MAGIC else "postgresql" if head[:5] == PG_CUSTOM_MAGIC else None
    )
    if kind is None:
        fail(f"{file} is neither an SQLite database nor a pg_dump -Fc archive")
    if kind != connection.vendor:
        fail(f"{file} is a {kind} backup but the configured database is {connection.vendor}")

    target_exists = connection.vendor != "sqlite" or Path(db["NAME"]).exists()
    if target_exists:
        users, history = holdings(connection)
        if (users or history) and not force:
            fail(
                f"the database holds data ({users} user accounts, {history} history "
                "records) that the restore would replace. Back it up first (make backup), "
                "then restore with FORCE=1 (--force)."
            )
    connections.close_all()

    if connection.vendor == "sqlite":
        check = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        try:
            (verdict,) = check.execute("PRAGMA integrity_check").fetchone()
            if verdict != "ok":
                fail(f"{file} fails its integrity check: {verdict}")
            # Copied page by page into the live file under SQLite's own lock, so even a
            # server that is still running sees either the old or the restored database.
            live = sqlite3.connect(db["NAME"])
            try:
                check.backup(live)
            finally:
                live.close()
        finally:
            check.close()
    else:
        if target_exists:
            # Tables from a later release than the backup would clash with its migrations.
            with connection.cursor() as cursor:
                tables = connection.introspection.table_names(cursor)
                if tables:
                    quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
                    cursor.execute(f"DROP TABLE IF EXISTS {quoted} CASCADE")  # noqa: S608
            connections.close_all()
        command = [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "-d",
            db["NAME"],
            str(file),
        ]
        result = subprocess.run(command, env=pg_environment(db), check=False)  # noqa: S603
        if result.returncode != 0:
            fail("pg_restore failed (its message is above)")

    print(f"Đã khôi phục {file}; áp dụng migration nếu bản sao lưu cũ hơn mã nguồn:")
    call_command("migrate", "--noinput", verbosity=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="write a timestamped backup")
    make.add_argument(
        "--dir",
        type=Path,
        default=Path(os.environ.get("BACKUP_DIR") or ROOT / "backups"),
        help="where to write it (BACKUP_DIR, default backups/)",
    )
    put_back = commands.add_parser("restore", help="put a backup back, then migrate")
    put_back.add_argument("file", type=Path)
    put_back.add_argument("--force", action="store_true", help="replace a database that holds data")
    args = parser.parse_args()
    os.umask(0o077)  # backups hold password hashes: readable by their owner only
    if args.command == "backup":
        backup(args.dir)
    else:
        restore(args.file, force=args.force)


if __name__ == "__main__":
    main()
