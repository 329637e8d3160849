"""The demo data built once per test process and copied into each test that needs it.

`seed_demo` costs about 5 s of CPU; a test that ran it paid that each time. A `Snapshot`
runs its seed once inside a savepoint on the clean test database (migrated, reference data
loaded), records the rows the seed added or changed, table by table, as the database
returned them, and rolls back. `restore()` writes those rows again with a few multi-row
INSERTs inside the caller's transaction (a few dozen ms), so the test's own rollback
removes them; in a transactional test they stay until the flush that ends it.

The seed runs with the primary keys it creates moved up to `OFFSET` and beyond, so rows a
test made before asking for the demo never collide with the demo's. `restore()` checks
that the rows the demo rests on (the reference data: provinces, clusters, award types…)
are still the ones it was built on; when they are not (after a flush the reference data
is loaded again under new keys), it runs the seed itself: slower, never wrong.

Under xdist a snapshot is built once per test run: the first worker to need it builds it
and writes it to the run's shared folder (tests/shared_setup.py); the others read it, as
their databases are copies of the same migrated template.
"""

import datetime
import io
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import IntegrityError, connection, models, transaction
from django.test import override_settings

from provinces.organisation.models import ClusterTerm
from tests.shared_setup import Shared, locked

# Every demo user gets this password, as with `make run`; hashed by the tests' fast hasher.
PASSWORD = "demo"
TEST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
OFFSET = 1_000_000


@dataclass
class Table:
    name: str
    model: type[models.Model]
    columns: list[str]
    replaced: list = field(default_factory=list)  # keys of rows the seed changed or deleted
    rows: list[tuple] = field(default_factory=list)  # rows the seed added or changed


@cache
def _tables() -> dict[str, type[models.Model]]:
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            tables.setdefault(model._meta.db_table, model)
    return dict(sorted(tables.items()))


def _select(table: str, model, where: str = "", params=()) -> tuple[list[str], dict]:
    pk = model._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quote(table)} {where}", params)
        columns = [column[0] for column in cursor.description]
        index = columns.index(pk)
        rows = (tuple(_plain(value) for value in row) for row in cursor.fetchall())
        return columns, {row[index]: row for row in rows}


def _plain(value):
    """A value as it can be written back and kept in a file (bytea comes as memoryview; a
    time of day as SQLite's driver reads it, which it does not take back: its text)."""
    if isinstance(value, datetime.time) and connection.vendor == "sqlite":
        return value.isoformat()
    return bytes(value) if isinstance(value, memoryview) else value


def _capture() -> dict[str, tuple[list[str], dict]]:
    return {table: _select(table, model) for table, model in _tables().items()}


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _max_params() -> int:
    return min(connection.features.max_query_params or 10_000, 10_000)


def _move_keys_up(offset: int) -> None:
    """Let the next row of every table with an automatic key get a key past `offset`."""
    auto = [
        (table, model._meta.pk.column)
        for table, model in _tables().items()
        if isinstance(model._meta.pk, models.AutoField | models.BigAutoField)
    ]
    with connection.cursor() as cursor:
        for table, column in auto:
            if connection.vendor == "sqlite":
                # Rolled back with the savepoint, as sqlite_sequence is an ordinary table.
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) "
                    f"SELECT %s, MAX(COALESCE(MAX({connection.ops.quote_name(column)}), 0), %s) "
                    f"FROM {connection.ops.quote_name(table)}",
                    [table, offset],
                )
            elif connection.vendor == "postgresql":
                # Not transactional: the keys stay up, which nothing minds.
                cursor.execute(
                    "SELECT setval(seq::regclass, GREATEST(%s, "
                    "COALESCE(pg_sequence_last_value(seq::regclass), 0))) "
                    "FROM pg_get_serial_sequence(%s, %s) AS seq WHERE seq IS NOT NULL",
                    [offset, table, column],
                )


@cache
def _reference_the_demo_adds_to() -> set[str]:
    """Tables the clean database holds reference rows in and the demo adds rows to (the
    illustrative cluster of emulation/demo_cluster.py: its provinces, members and terms), with their
    history; elsewhere new rows in a table that had rows mean the database was not clean."""
    tables = set()
    for name in ("Province", "Cluster", "ClusterMembership", "ClusterTerm"):
        model = apps.get_model("provinces", name)
        tables.add(model._meta.db_table)
        if hasattr(model, "history"):
            tables.add(model.history.model._meta.db_table)
    return tables


class DemoMismatch(Exception):
    """The database no longer holds the rows the snapshot was built on."""


class Snapshot:
    """What `seed` adds to the clean test database: recorded once, restored at will."""

    def __init__(self, name: str, seed: Callable[[], object], offset: int = OFFSET):
        self.name, self.seed, self.offset = name, seed, offset
        self.tables: list[Table] | None = None
        self.base: dict[str, dict] = {}  # table -> {pk: row} of what was there before

    def seed_now(self) -> None:
        with override_settings(DEBUG=True, PASSWORD_HASHERS=TEST_HASHERS):
            self.seed()

    def build(self) -> None:
        if Shared.folder is None:
            self._build()
            return
        path = Shared.folder / f"{self.name}.pickle"
        with locked(self.name):
            if path.exists():
                self._load(path.read_bytes())
            else:
                self._build()
                path.write_bytes(self._dump())

    def _dump(self) -> bytes:
        tables = [(t.name, t.columns, t.replaced, t.rows) for t in self.tables]
        return pickle.dumps({"tables": tables, "base": self.base})

    def _load(self, data: bytes) -> None:
        kept = pickle.loads(data)
        self.base = kept["base"]
        self.tables = [
            Table(name, _tables()[name], columns, replaced, rows)
            for name, columns, replaced, rows in kept["tables"]
        ]

    def _build(self) -> None:
        with transaction.atomic():
            before = _capture()
            _move_keys_up(self.offset)
            self.seed_now()
            after = _capture()
            transaction.set_rollback(True)
        tables = []
        for name, model in _tables().items():
            columns, old = before[name]
            new = after[name][1]
            grows = name in _reference_the_demo_adds_to()
            if old and not grows and any(pk not in old for pk in new):
                # The seed may have found and kept a row a test made (a user, figures…).
                raise RuntimeError(
                    f"the {self.name} snapshot must be built on the clean test database, "
                    f"before a test creates rows: {name} had {len(old)} rows"
                )
            changed = [row for pk, row in new.items() if old.get(pk) != row]
            replaced = [pk for pk in old if new.get(pk) != old[pk]]
            if changed or replaced:
                tables.append(Table(name, model, columns, replaced, changed))
        self.base = {name: rows for name, (_, rows) in before.items() if rows}
        # A term's trigger checks its head and vice against the members: terms go in last.
        self.tables = sorted(tables, key=lambda table: table.name == ClusterTerm._meta.db_table)

    def _check_base(self) -> None:
        """The rows the demo rests on (the reference data, as migrated) must be there,
        unchanged: after a flush they come back under other keys."""
        quote = connection.ops.quote_name
        for name, rows in self.base.items():
            model = _tables()[name]
            pks = list(rows)
            marks = ", ".join(["%s"] * len(pks))
            where = f"WHERE {quote(model._meta.pk.column)} IN ({marks})"
            if _select(name, model, where, pks)[1] != rows:
                raise DemoMismatch(name)

    def restore(self) -> None:
        if self.tables is None:
            self.build()
        try:
            with transaction.atomic():
                self._check_base()
                self._write()
        except (DemoMismatch, IntegrityError):
            # After a flush, or when a test holds one of the demo's keys: seed for real.
            self.seed_now()

    def restore_base(self) -> None:
        """Put back, under their own keys, the rows the clean database held when the
        snapshot was built (the migrations' reference data, content types, permissions):
        after a transactional test's flush, which reloads them under new keys, so that
        `restore()` goes on copying instead of seeding for real."""
        quote = connection.ops.quote_name
        size = _max_params()
        with transaction.atomic(), connection.cursor() as cursor:
            for name in self.base:
                cursor.execute(f"DELETE FROM {quote(name)}")
            # The schema's triggers check rows against other tables (a term's head must be
            # a member): a table refused now is tried again once the others are in.
            pending = list(self.base.items())
            while pending:
                refused = []
                for name, rows in pending:
                    cursor.execute(f"SELECT * FROM {quote(name)} WHERE 1 = 0")
                    columns = ", ".join(quote(column[0]) for column in cursor.description)
                    width = len(cursor.description)
                    row_marks = "(" + ", ".join(["%s"] * width) + ")"
                    try:
                        with transaction.atomic():
                            for chunk in _chunks(list(rows.values()), max(1, size // width)):
                                cursor.execute(
                                    f"INSERT INTO {quote(name)} ({columns}) VALUES "
                                    + ", ".join([row_marks] * len(chunk)),
                                    [value for row in chunk for value in row],
                                )
                    except IntegrityError:
                        refused.append((name, rows))
                if len(refused) == len(pending):
                    raise DemoMismatch(f"the reference rows of {refused[0][0]} are refused")
                pending = refused

    def _write(self) -> None:
        quote = connection.ops.quote_name
        size = _max_params()
        with connection.cursor() as cursor:
            for table in self.tables:
                pk = quote(table.model._meta.pk.column)
                for chunk in _chunks(table.replaced, size):
                    marks = ", ".join(["%s"] * len(chunk))
                    cursor.execute(
                        f"DELETE FROM {quote(table.name)} WHERE {pk} IN ({marks})", chunk
                    )
                columns = ", ".join(quote(column) for column in table.columns)
                row_marks = "(" + ", ".join(["%s"] * len(table.columns)) + ")"
                for chunk in _chunks(table.rows, max(1, size // len(table.columns))):
                    cursor.execute(
                        f"INSERT INTO {quote(table.name)} ({columns}) VALUES "
                        + ", ".join([row_marks] * len(chunk)),
                        [value for row in chunk for value in row],
                    )
            if connection.vendor == "postgresql":
                for sql in connection.ops.sequence_reset_sql(
                    no_style(), [table.model for table in self.tables]
                ):
                    cursor.execute(sql)


def _seed_demo() -> None:
    call_command("seed_demo", password=PASSWORD, stdout=io.StringIO())


DEMO = Snapshot("demo", _seed_demo)


def _seed_demo_twice() -> None:
    """The demo (restored from its snapshot, built first), then `seed_demo` again as an
    administrator reruns it (default password)."""
    DEMO.restore()
    call_command("seed_demo", stdout=io.StringIO())


# For the tests that a second run changes nothing: one second run per test run, not one
# per test (about 5 s of CPU each).
DEMO_TWICE = Snapshot("demo-twice", _seed_demo_twice)
