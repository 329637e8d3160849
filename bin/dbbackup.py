"""Back up the portal (its database and its stored files) into backups/, and put such a
backup back.

    python bin/dbbackup.py backup [--dir backups]      # make backup
    python bin/dbbackup.py restore FILE [--force]      # make restore FILE=… [FORCE=1]

A backup is one archive, ``portal-YYYYmmdd-HHMMSS.tar.gz``: ``database.sqlite3`` or
``database.pgdump``, and ``files/<storage>/<name>`` for every file of the storages that
hold uploads (cluster_portal.storage_config.STORED_FILES: evidence files, held imports),
read through Django's storage API, so folders under VAR_DIR and an S3-compatible bucket
are copied alike. The database is the one the settings name (DATABASE_URL, else SQLite
under VAR_DIR), so run it with the server's environment. Each engine is copied with its
own tool, which copies everything: rows, history, sessions, lockouts, sequences and the
term trigger.

- SQLite: Python's sqlite3 online backup API, a consistent snapshot taken while the
  server keeps running (a plain file copy could catch a write half done).
- PostgreSQL: ``pg_dump -Fc`` (compressed, restored by ``pg_restore``); the client's
  major version must be at least the server's.

The files are copied after the database: a file uploaded in between is in the archive
without its row (harmless); an evidence file deleted in between is missing beside its
row, and its download answers 404 as for any missing file. No stored file is ever
changed in place.

A restore refuses a database that holds data (user accounts or history records) or a
storage that holds files unless ``--force``: a database that only ``migrate`` filled is
replaced without asking. It puts the database back, then makes each storage hold exactly
the archived files. After restoring it runs ``migrate``, so a backup from an older
release gets today's schema. A bare database copy (how backups were made before they
held files) still restores the database alone.
"""

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster_portal.settings")

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
DATABASE_SUFFIX = {"sqlite": "sqlite3", "postgresql": "pgdump"}
DATABASE_MEMBERS = {f"database.{suffix}": vendor for vendor, suffix in DATABASE_SUFFIX.items()}
FILES = "files"


def format_exact(value: int) -> str:
    """Byte counts in the portal's number style (47.806), as every command prints them."""
    from cluster_portal.number_style import format_exact as portal_style

    return portal_style(value)


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


def stored_storages() -> dict:
    """The storages holding what people upload (cluster_portal.storage_config), by alias."""
    from django.core.files.storage import storages

    from cluster_portal.storage_config import STORED_FILES

    return {alias: storages[alias] for alias in STORED_FILES}


def stored_names(storage, path: str = "") -> list[str]:
    """Every file in a storage (a folder or a bucket's prefix), walked through the
    storage API; a folder that does not exist yet holds nothing."""
    try:
        folders, files = storage.listdir(path)
    except FileNotFoundError:
        return []
    names = [f"{path}{name}" for name in files]
    for folder in folders:
        names += stored_names(storage, f"{path}{folder}/")
    return names


def archive_stored_files(archive: tarfile.TarFile) -> tuple[int, int]:
    """Add every stored file as files/<storage>/<name>; how many, and their bytes."""
    count = size = 0
    for alias, storage in stored_storages().items():
        for name in sorted(stored_names(storage)):
            with storage.open(name, "rb") as handle:
                info = tarfile.TarInfo(f"{FILES}/{alias}/{name}")
                info.size, info.mode, info.mtime = handle.size, 0o600, int(time.time())
                archive.addfile(info, handle)
            count, size = count + 1, size + info.size
    return count, size


def archive_contents(archive: tarfile.TarFile) -> tuple[tarfile.TarInfo, dict]:
    """The database member and {storage: {name: member}}; anything else refuses it."""
    aliases = stored_storages()
    database, files = None, {alias: {} for alias in aliases}
    for member in archive.getmembers():
        parts = member.name.split("/")
        if member.isfile() and member.name in DATABASE_MEMBERS and database is None:
            database = member
        elif (
            member.isfile()
            and len(parts) >= 3
            and parts[0] == FILES
            and parts[1] in aliases
            and all(part not in ("", ".", "..") for part in parts[2:])
        ):
            files[parts[1]]["/".join(parts[2:])] = member
        else:
            fail(f"the archive holds {member.name!r}, which no portal backup holds")
    if database is None:
        fail("the archive holds no database (database.sqlite3 or database.pgdump)")
    return database, files


def restore_stored_files(archive: tarfile.TarFile, files: dict) -> int:
    """Make each storage hold exactly the archived files: what is there goes first."""
    from django.core.files import File

    count = 0
    for alias, storage in stored_storages().items():
        for name in stored_names(storage):
            storage.delete(name)
        for name, member in sorted(files[alias].items()):
            saved = storage.save(name, File(archive.extractfile(member), name=name))
            if saved != name:
                fail(f"{alias}: {name} was stored as {saved}")
            count += 1
    return count


def database_copy(connection, partial: Path) -> str:
    """Copy the configured database into `partial`; what was copied, in words."""
    db = connection.settings_dict
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
            fail(f"the copy of {source_path} fails its integrity check: {verdict}")
        return f"SQLite {source_path}"
    command = [pg_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-f", str(partial)]
    result = subprocess.run(command, env=pg_environment(db), check=False)  # noqa: S603
    if result.returncode != 0:
        fail("pg_dump failed (its message is above)")
    return f"PostgreSQL {db['NAME']} on {db.get('HOST') or 'local socket'}"


def backup(directory: Path) -> Path:
    """One archive: the database copy, then every stored file of every storage."""
    connection = setup_django()
    from django.utils import timezone

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    suffix = DATABASE_SUFFIX.get(connection.vendor)
    if suffix is None:
        fail(f"no backup method for {connection.vendor}")
    target = directory / f"portal-{stamp}.tar.gz"
    if target.exists():
        fail(f"{target} exists already: wait a second and try again")
    partial = target.with_name(target.name + ".partial")
    try:
        with tempfile.TemporaryDirectory(dir=directory) as scratch:
            database = Path(scratch) / f"database.{suffix}"
            described = database_copy(connection, database)
            with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
                archive.add(database, arcname=database.name)
                count, size = archive_stored_files(archive)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(target)
    print(
        f"Đã sao lưu {described} và {count} tệp lưu trữ ({format_exact(size)} byte) vào "
        f"{target} ({format_exact(target.stat().st_size)} byte)."
    )
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
    """Put back a backup archive: the database, then the stored files. A bare database
    copy (.sqlite3 or .pgdump, as backups were before they held files) restores the
    database only and leaves the stored files as they are."""
    if not file.is_file():
        fail(f"{file} is not a file")
    with file.open("rb") as handle:
        head = handle.read(16)
    bare = {SQLITE_MAGIC: "sqlite", PG_CUSTOM_MAGIC: "postgresql"}.get(
        head if head == SQLITE_MAGIC else head[:5]
    )
    if bare is None and not tarfile.is_tarfile(file):
        fail(
            f"{file} is neither a portal backup (.tar.gz), an SQLite database nor a "
            "pg_dump -Fc archive"
        )
    connection = setup_django()
    from django.core.management import call_command

    if bare:
        restore_database(connection, file, kind=bare, force=force, files_too=False)
        print("Bản sao lưu chỉ có cơ sở dữ liệu: các tệp lưu trữ giữ nguyên.")
    else:
        with tarfile.open(file, "r:*") as archive, tempfile.TemporaryDirectory() as scratch:
            member, files = archive_contents(archive)
            database = Path(scratch) / member.name
            with archive.extractfile(member) as source, database.open("wb") as copy:
                shutil.copyfileobj(source, copy)
            kind = DATABASE_MEMBERS[member.name]
            restore_database(connection, database, kind=kind, force=force, files_too=True)
            count = restore_stored_files(archive, files)
        print(f"Đã khôi phục {count} tệp lưu trữ.")
    print(f"Đã khôi phục {file}; áp dụng migration nếu bản sao lưu cũ hơn mã nguồn:")
    call_command("migrate", "--noinput", verbosity=1)


def restore_database(connection, file: Path, *, kind: str, force: bool, files_too: bool) -> None:
    """Replace the configured database with the copy in `file`, after the checks: the
    same engine, and nothing to lose (no accounts, history or stored files) or `force`."""
    from django.db import connections

    db = connection.settings_dict
    if kind != connection.vendor:
        fail(f"{file} is a {kind} backup but the configured database is {connection.vendor}")

    target_exists = connection.vendor != "sqlite" or Path(db["NAME"]).exists()
    users, history = holdings(connection) if target_exists else (0, 0)
    stored = sum(len(stored_names(s)) for s in stored_storages().values()) if files_too else 0
    if (users or history or stored) and not force:
        fail(
            f"the portal holds data ({users} user accounts, {history} history records, "
            f"{stored} stored files) that the restore would replace. Back it up first "
            "(make backup), then restore with FORCE=1 (--force)."
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
        return
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
