"""The database session store, read without the ORM: every signed-in request reads its
session, and compiling the ORM's query costs about twenty times running it (a cached
document download, bench/bench_pdf_cache.py, spent a fifth of its time there). Writes,
expiry and clearing are Django's own (`SESSION_ENGINE` in settings)."""

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseStore):
    def _get_session_from_db(self):
        """Django's read (the unexpired row of this key, or none and the key forgotten),
        as one precompiled statement."""
        model = self.model
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        meta = model._meta
        sql = (
            f"SELECT {quote(meta.get_field('session_data').column)}"  # noqa: S608
            f" FROM {quote(meta.db_table)}"
            f" WHERE {quote(meta.get_field('session_key').column)} = %s"
            f" AND {quote(meta.get_field('expire_date').column)} > %s"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])
