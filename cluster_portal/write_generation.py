"""The write generation: one row that every committed write moves on, so that a cached
page or document is checked by reading it instead of counting history tables on every
request (cluster_portal/documents.py's `document_key`).

The row (table `portal_write_generation`, made by migration cluster_portal 0001) holds two
random numbers, each replaced by a new one, never counted up, so that no value comes back
after the row was lost or the table emptied:
- `changed`: replaced after every commit that wrote a table other than the few listed in
  `IGNORED` (sessions, the cache, idempotency keys, login attempts, notices, the task queue);
- `unrecorded`: replaced only when the write was not recorded in a table the stamps count,
  that is anything but an INSERT into a history table or the admin's log, a `save()` (not
  raw) of a model with history and the deletion of one through Django's collector (each
  adds its history row), or `recorded()` (a bulk insert that writes the history itself).

The stamp of a document keeps its sources' history counts per process for as long as
`changed` holds (`stamp_memo`), and holds `unrecorded` itself: a recorded write in another
cluster makes each process count again and find the same stamp; an unrecorded one (a raw
`.update()`, `bulk_create`, `loaddata`, a migration, SQL through Django's cursor, a save of
a table without history) gives every document a new stamp.

Every statement Django sends passes through `watch` (installed on each connection when it
opens: `install`), which classifies it after it ran. The row is written after the commit
(before the `on_commit` callbacks), in its own statement: a reader that sees the new
value sees the data with it, and no lock is held inside anyone's transaction (a counter
row written inside the transactions would make two editors of different rows deadlock on
it). Until its commit, a transaction's own writes are visible only on its connection: a
stamp taken there counts the history without the memo (`read`), as in the tests, which
never commit. A write made outside Django (psql) is seen when `MEMO_SECONDS` have passed.

A signed-in request reads the row with its session, in the session's statement
(`read_with`, `early`): a stamp later in the same request takes that value instead of a
query of its own, unless the connection has written since (`written` counts).
"""

from __future__ import annotations

import re
import secrets
import sys
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Model
from django.db.models.deletion import Collector

TABLE = "portal_write_generation"
MEMO_SECONDS = 300
IGNORED = {
    TABLE,
    "django_session",
    "emulation_apitoken",  # last_used, on every API call
    "emulation_idempotentrequest",  # Idempotency-Key claims and stored answers
    "provinces_notice",
    "provinces_noticepreference",
}
IGNORED_PREFIXES = ("axes_", "django_tasks_")
RECORDS = {"django_admin_log"}  # and every history table (`_records`)
# EXECUTE: the portal prepares reads only (cluster_portal/prepared.py).
READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "PRAGMA", "SHOW")
READS += ("PREPARE", "EXECUTE")
LAST_LOGIN = re.compile(r'UPDATE "auth_user" SET "last_login" = %s WHERE "auth_user"\."id" = %s$')
_TARGET = re.compile(
    r'\s*(INSERT|REPLACE|UPDATE|DELETE)\s+(?:OR\s+\w+\s+)?(?:INTO\s+|FROM\s+)?"?([\w.]+)"?', re.I
)
_SAVE_BASE = Model.save_base.__code__
_COLLECTOR_DELETE = Collector.delete.__code__
_local = threading.local()


def _ignored() -> set:
    cache = settings.CACHES["default"]
    if cache["BACKEND"].endswith("DatabaseCache"):
        return IGNORED | {cache["LOCATION"]}
    return IGNORED


def _records() -> tuple[set, dict]:
    """The history tables (and the admin's log), and the models that keep history by table."""
    from simple_history.models import registered_models
    from simple_history.utils import get_history_model_for_model

    history = {get_history_model_for_model(m)._meta.db_table for m in registered_models.values()}
    return RECORDS | history, dict(registered_models)


@contextmanager
def recorded(model):
    """Writes of `model`'s table in this block are recorded: the caller writes a history
    row for each (provinces/spreadsheets/bulk_history.py)."""
    tables = _local.__dict__.setdefault("recorded", [])
    tables.append(model._meta.db_table)
    try:
        yield
    finally:
        tables.pop()


def _recorded_here(table: str, verb: str) -> bool:
    """Whether this write of `table` is recorded in its history: sent by `save_base` of an
    instance of that table (not raw, history not skipped), a DELETE by the collector (which
    sends the signals that write the history), or inside `recorded`."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return False
    if table in getattr(_local, "recorded", ()):
        return True
    frame = sys._getframe(2)
    while frame is not None:
        code = frame.f_code
        if code is _SAVE_BASE:
            names = frame.f_locals
            instance = names.get("self")
            return (
                not names.get("raw")
                and type(instance) is _tables[2].get(table)  # not a migration's model
                and not hasattr(instance, "skip_history_when_saving")
            )
        if code is _COLLECTOR_DELETE:
            return verb == "DELETE"
        frame = frame.f_back
    return False


_tables: tuple[set, set, dict] | None = None


def classify(sql) -> str | None:
    """None (a read, or a write nobody's stamp reads), "recorded" or "unrecorded"."""
    global _tables
    if not isinstance(sql, str):
        return "unrecorded"
    head = sql.lstrip()[:9].upper()
    if head.startswith(READS) or head.startswith("SET "):
        return None
    if _tables is None:
        _tables = (_ignored(), *_records())
    ignored, records, with_history = _tables
    target = _TARGET.match(sql)
    if target is None:
        return "unrecorded"  # CREATE, ALTER, DROP, TRUNCATE, …
    verb, table = target.group(1).upper(), target.group(2)
    if table in ignored or table.startswith(IGNORED_PREFIXES) or LAST_LOGIN.match(sql):
        return None
    if table in records:
        return "recorded" if verb in ("INSERT", "DELETE") else "unrecorded"
    if table in with_history and _recorded_here(table, verb):
        return "recorded"
    return "unrecorded"


class _Pending:
    """The writes of a transaction not yet committed, on its connection."""

    def __init__(self):
        self.unrecorded = False
        self.token = secrets.token_hex(8)


def watch(execute, sql, params, many, context):
    """The execute wrapper: runs the statement, then notes a write."""
    result = execute(sql, params, many, context)
    kind = classify(sql)
    if kind is not None:
        written(context["connection"], unrecorded=kind == "unrecorded")
    return result


def written(connection, *, unrecorded: bool) -> None:
    connection.portal_writes = getattr(connection, "portal_writes", 0) + 1  # `read_with`
    if not connection.in_atomic_block:
        connection.portal_pending = None
        bump(connection, unrecorded=unrecorded)  # autocommit: it is committed
        return
    pending = getattr(connection, "portal_pending", None)
    if pending is None:
        pending = connection.portal_pending = _Pending()
    pending.unrecorded |= unrecorded


def _after_commit(connection, run_hooks):
    """The connection's `run_and_clear_commit_hooks`, which Django calls after each commit
    (never after a rollback): the row first, then the `on_commit` callbacks. Not one of
    those callbacks itself, which code and tests count. A write inside a savepoint that
    rolled back still moves the row: a value replaced for nothing costs a recount."""

    def run_and_clear_commit_hooks():
        pending = getattr(connection, "portal_pending", None)
        connection.portal_pending = None
        try:
            if pending is not None:
                bump(connection, unrecorded=pending.unrecorded)
        finally:
            run_hooks()

    return run_and_clear_commit_hooks


def bump(connection, *, unrecorded: bool) -> None:
    """A new `changed` (and `unrecorded`) value, in its own statement after the commit."""
    changed, other = secrets.randbits(62), secrets.randbits(62)
    update = "changed = excluded.changed" + (", unrecorded = excluded.unrecorded" * unrecorded)
    sql = (
        f"INSERT INTO {TABLE} (id, changed, unrecorded) VALUES (1, %s, %s)"  # noqa: S608
        f" ON CONFLICT (id) DO UPDATE SET {update}"
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, [changed, other])
        _existing.add(connection.alias)
    except DatabaseError:
        if _exists(connection):
            raise
        # Before migration cluster_portal 0001 made the table: nothing to move on.


_existing: set[str] = set()


def _exists(connection) -> bool:
    """Whether the table exists (once it does, known for the process)."""
    if connection.alias not in _existing:
        if TABLE not in connection.introspection.table_names():
            return False
        _existing.add(connection.alias)
    return True


def read(connection, early: tuple | None = None) -> tuple | None:
    """(`changed`, `unrecorded`) as committed; None while this connection's transaction
    has writes of its own, or without the table or its row (no write since it was made):
    then the caller counts the history itself, and `pending_token` says whether an
    unrecorded write is among this transaction's. `early`: the row as `read_with` read it
    earlier in the same request (with the session), taken instead of a query while this
    connection has written nothing since."""
    pending = getattr(connection, "portal_pending", None)
    if pending is not None:
        if connection.in_atomic_block:
            return None
        connection.portal_pending = None  # rolled back (a commit runs its hook)
    if early is not None:
        alias, writes, row = early
        if alias == connection.alias and writes == getattr(connection, "portal_writes", 0):
            return row
    if not _exists(connection):
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT changed, unrecorded FROM {TABLE} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return None if row is None else tuple(row)


def read_with(connection) -> tuple[str, str] | None:
    """To read the row with another statement's row (the session's, read first on every
    signed-in request: one statement fewer for each cached page or document): the join
    and the two columns to add to it, or None before the table exists. The values go
    through `early` to `read`."""
    if not _exists(connection):
        return None
    return f" LEFT JOIN {TABLE} g ON g.id = 1", ", g.changed, g.unrecorded"


def early(connection, changed, unrecorded) -> tuple | None:
    """What `read` takes as its `early` for the row read by a `read_with` statement just
    now on `connection` (None: no row yet)."""
    if changed is None:
        return None
    return connection.alias, getattr(connection, "portal_writes", 0), (changed, unrecorded)


def pending_token(connection) -> str | None:
    """A value unique to this connection's open transaction when it wrote unrecorded."""
    pending = getattr(connection, "portal_pending", None)
    if pending is not None and connection.in_atomic_block and pending.unrecorded:
        return pending.token
    return None


def install(sender, connection, **kwargs) -> None:
    """On each new connection (`connection_created`): watch what it writes, and move the
    row after each commit."""
    if watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch)
        connection.run_and_clear_commit_hooks = _after_commit(
            connection, connection.run_and_clear_commit_hooks
        )
