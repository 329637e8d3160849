"""Statements that every signed-in request sends, prepared once per PostgreSQL connection.

PostgreSQL parses and plans each statement it receives; for the session's read (the
session, the write generation and the user with the staff profile's province, four
tables joined: cluster_portal/sessions.py) planning is most of the work: 280 µs of the
server's CPU per request sent as text, 90 µs as a prepared statement, on the 2 shared
cores where a cached download's whole share of the workers is about 1 ms
(bench/bench_pdf_cache.py gives both). psycopg2 sends text only, so the statement is
prepared with SQL's own `PREPARE` on each connection the first time it is asked there,
then run by `EXECUTE`. A prepared statement lives as long as its connection (a rollback
keeps it), and PostgreSQL plans it again by itself when a table it reads changes; the
names prepared are kept with the driver's connection object, so a new connection starts
with none. Only reads are prepared
(the write generation takes `EXECUTE` for a read). SQLite's driver keeps its compiled
statements already: there the statement runs as it is.
"""

from __future__ import annotations

import hashlib
import re

_NAMED = re.compile(r"%\((\w+)\)s")
_forms: dict[str, tuple[str, str, str]] = {}


def _form(sql: str) -> tuple[str, str, str]:
    """`sql`'s name, its PREPARE (named placeholders numbered) and its EXECUTE."""
    form = _forms.get(sql)
    if form is None:
        if not sql.lstrip().upper().startswith("SELECT"):
            raise ValueError("only reads are prepared")
        names: list[str] = []

        def number(match) -> str:
            if match.group(1) not in names:
                names.append(match.group(1))
            return f"${names.index(match.group(1)) + 1}"

        text = _NAMED.sub(number, sql)
        name = "portal_" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]
        arguments = ", ".join(f"%({key})s" for key in names)
        form = (name, f"PREPARE {name} AS {text}", f"EXECUTE {name}({arguments})")
        if len(_forms) >= 256:  # a few statements in all; bounded all the same
            _forms.clear()
        _forms[sql] = form
    return form


def execute(cursor, sql: str, params: dict) -> None:
    """Run the read `sql` (named placeholders, each given in `params`) on Django's
    `cursor`, as a statement prepared on its connection when that is PostgreSQL."""
    connection = cursor.db
    if connection.vendor != "postgresql" or not params:
        cursor.execute(sql, params)
        return
    name, prepare, run = _form(sql)
    prepared = on(connection)
    if name not in prepared:
        cursor.execute(prepare)
        prepared.add(name)
    cursor.execute(run, params)


def on(connection) -> set[str]:
    """The names prepared on `connection`'s database session: they go with the driver's
    connection object, and a new one (reconnected, after a close) starts with none."""
    raw = connection.connection
    kept = getattr(connection, "portal_prepared", None)
    if kept is None or kept[0] is not raw:
        kept = connection.portal_prepared = (raw, set())
    return kept[1]
