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
a request could change in place) is decoded each time."""

import threading
from collections import OrderedDict

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.db import connections, router
from django.utils import timezone

from cluster_portal import write_generation
from cluster_portal.auth import MODEL_BACKEND, PATH
from cluster_portal.hardening import DATABASE_UNAVAILABLE

DECODED_KEPT = 2048
PLAIN = (str, int, float, bool, type(None))
_decoded: OrderedDict[str, dict] = OrderedDict()
_decoded_lock = threading.Lock()


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
        data = self._session_data_from_db()
        return self.decode(data) if data is not None else {}

    def _get_session_from_db(self):
        data = self._session_data_from_db()
        return None if data is None else self.model(session_key=self.session_key, session_data=data)

    def _session_data_from_db(self):
        """Django's read (the unexpired row of this key, or none and the key forgotten),
        as one precompiled statement (named placeholders: SQLite's backend turns them
        into its own by one `%` formatting, not a regular expression). The write
        generation's row comes with it (`portal_generation`, for the stamps of the cached
        pages and documents: cluster_portal/documents.py)."""
        model = self.model
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        meta = model._meta
        table = quote(meta.db_table)
        join, columns = write_generation.read_with(connection) or ("", "")
        sql = (
            f"SELECT {table}.{quote(meta.get_field('session_data').column)}{columns}"  # noqa: S608
            f" FROM {table}{join}"
            f" WHERE {table}.{quote(meta.get_field('session_key').column)} = %(key)s"
            f" AND {table}.{quote(meta.get_field('expire_date').column)} > %(now)s"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, {"key": self.session_key, "now": now})
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        if join:
            self.portal_generation = write_generation.early(connection, *row[1:])
        return row[0]
