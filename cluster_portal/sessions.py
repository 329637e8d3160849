"""The database session store, read without the ORM: every signed-in request reads its
session, and compiling the ORM's query costs about twenty times running it (a cached
document download, bench/bench_pdf_cache.py, spent a fifth of its time there). Writes,
expiry and clearing are Django's own (`SESSION_ENGINE` in settings).

A session signed in before the portal's backend (`cluster_portal.auth`) names Django's
`ModelBackend`, which settings no longer list; it is read as naming the portal's, its
subclass that differs only in how fast it reads the user, so it stays signed in.

Each process also keeps the sessions it decoded last, by their stored text: checking the
signature and unpacking the data cost 0.3 ms of every signed-in request, and the same
text always decodes to the same data. A session holding anything but plain values (which
a request could change in place) is decoded each time.

A signed-in request reads the database once: the session's statement brings the write
generation's row and the user (with the staff profile's province) that the session named
when this process last read it (`_signed_in`, whom to read, never what), is prepared on
PostgreSQL (cluster_portal/prepared.py), and stands for Django's health check of a kept
connection (`first_read`). On PostgreSQL a cached download asked 3 round trips (the
check's `SELECT 1`, the session, the user), and the server's planning of the session's
join was most of its share (bench/bench_pdf_cache.py)."""

import threading
from collections import OrderedDict

from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.db import Error, connections, router
from django.utils import timezone

from cluster_portal import auth, prepared, write_generation
from cluster_portal.auth import MODEL_BACKEND, PATH
from cluster_portal.hardening import DATABASE_UNAVAILABLE

DECODED_KEPT = 2048
PLAIN = (str, int, float, bool, type(None))
_decoded: OrderedDict[str, dict] = OrderedDict()
_decoded_lock = threading.Lock()
# Which user each session named when this process last decoded it: its next read brings
# that user's row along (`auth.read_with`). Only a guess of whom to join: the session's
# own data, read by the same statement, still names the user, and the backend takes the
# row only for that very user (`auth.load_user`).
SIGNED_IN_KEPT = 4096
_signed_in: dict[str, str] = {}


class SessionStore(DatabaseStore):
    def decode(self, session_data):
        with _decoded_lock:
            kept = _decoded.get(session_data)
            if kept is not None:
                _decoded.move_to_end(session_data)
        if kept is not None:
            return dict(kept)
        data = super().decode(session_data)
        if data.get(BACKEND_SESSION_KEY) == MODEL_BACKEND:
            data[BACKEND_SESSION_KEY] = PATH
        if data and all(type(value) in PLAIN for value in data.values()):
            with _decoded_lock:
                _decoded[session_data] = dict(data)
                if len(_decoded) > DECODED_KEPT:
                    _decoded.popitem(last=False)
        return data

    def save(self, must_create=False):
        """Django's, except that a database out of reach is said as such: Django reads any
        failed update as a session deleted meanwhile (UpdateError: 400 "session was
        deleted"); a server restarting is a 503 to try again (hardening.server_error)."""
        try:
            super().save(must_create=must_create)
        except UpdateError as exc:
            if isinstance(exc.__context__, DATABASE_UNAVAILABLE):
                raise exc.__context__ from None
            raise

    def load(self):
        """Django's `load` without the `Session` instance it builds only to read its data."""
        text = self._session_data_from_db()
        if text is None:
            return {}
        data = self.decode(text)
        if data.get(BACKEND_SESSION_KEY) == PATH and SESSION_KEY in data:
            if len(_signed_in) >= SIGNED_IN_KEPT:
                _signed_in.clear()
            _signed_in[self.session_key] = data[SESSION_KEY]
        return data

    def _get_session_from_db(self):
        data = self._session_data_from_db()
        return None if data is None else self.model(session_key=self.session_key, session_data=data)

    def _session_data_from_db(self):
        """Django's read (the unexpired row of this key, or none and the key forgotten),
        as one precompiled statement (named placeholders: SQLite's backend turns them
        into its own by one `%` formatting, not a regular expression). The write
        generation's row comes with it (`portal_generation`, for the stamps of the cached
        pages and documents: cluster_portal/documents.py), and the user the session named
        when this process last read it, for the backend (`auth.offer`): a signed-in
        request reads the database once."""
        connection = connections[router.db_for_read(self.model)]
        generation = write_generation.read_with(connection)
        user_id = _signed_in.get(self.session_key)
        user = auth.read_with(connection, user_id) if user_id is not None else None
        params = {"key": self.session_key}
        if user is not None:
            params.update(user[2])
        sql = _statement(self.model, connection, generation, user)
        params["now"] = connection.ops.adapt_datetimefield_value(timezone.now())
        row = first_read(connection, sql, params)
        if row is None:
            self._session_key = None
            auth.offer(connection, None, None)
            return None
        taken = 1
        if generation:
            self.portal_generation = write_generation.early(connection, *row[1:3])
            taken = 3
        if user is None:
            auth.offer(connection, None, None)
        else:
            auth.offer(connection, user[2]["user"], row[taken:])
        return row[0]


_statements: dict[tuple, str] = {}


def _statement(model, connection, generation, user) -> str:
    """The session's read on `connection`, with the generation's join and the user's
    (`read_with` of each, or None), built once per process for each of those shapes."""
    shape = (connection.alias, generation, user and user[:2])
    sql = _statements.get(shape)
    if sql is None:
        quote = connection.ops.quote_name
        meta = model._meta
        table = quote(meta.db_table)
        join, columns = generation or ("", "")
        if user is not None:
            join, columns = join + user[0], f"{columns}, {user[1]}"
        sql = _statements[shape] = (
            f"SELECT {table}.{quote(meta.get_field('session_data').column)}{columns}"  # noqa: S608
            f" FROM {table}{join}"
            f" WHERE {table}.{quote(meta.get_field('session_key').column)} = %(key)s"
            f" AND {table}.{quote(meta.get_field('expire_date').column)} > %(now)s"
        )
    return sql


def first_read(connection, sql: str, params: dict, *, prepare: bool = True):
    """The one row of the read `sql` (prepared on PostgreSQL unless `prepare` is false:
    cluster_portal/prepared.py). When it is the first statement of a request on a
    kept connection that Django would check first (`CONN_HEALTH_CHECKS`: a `SELECT 1` of
    its own, a round trip to PostgreSQL before every request's first query, a third of
    what a cached download asked of it), the statement is the check: a connection that
    fails it is closed and the read runs again on a new one, which is what the check
    would have done. Only a read outside a transaction is repeated so. The API token's
    read is such a first statement too (emulation/api/tokens.py)."""
    run = prepared.execute if prepare else _execute
    check = (
        connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
    )
    if check:
        connection.health_check_done = True
    try:
        with connection.cursor() as cursor:
            run(cursor, sql, params)
            return cursor.fetchone()
    except Error:
        if not check:
            raise
        connection.close()
    with connection.cursor() as cursor:
        run(cursor, sql, params)
        return cursor.fetchone()


def _execute(cursor, sql: str, params: dict) -> None:
    cursor.execute(sql, params)
