"""The portal's authentication backend: Django's `ModelBackend` (passwords, `is_active`,
permissions, all inherited) with the signed-in user read by one precompiled statement.

Every signed-in request loads its user (`AuthenticationMiddleware` → `get_user`); the
ORM's `get(pk=…)` spent about a millisecond compiling its query, 40 % of a cached
document download (bench/bench_pdf_cache.py), to run a primary-key lookup that costs a
few microseconds. The statement reads every concrete column, as the ORM's `get` does: a
column left out would be loaded by a query of its own on the first page that shows it
(a name, the last login), and the row is one row of a dozen short columns either way.
The values pass through the database's and the fields' converters, as the ORM's do
(SQLite gives dates as text and booleans as 0/1), so the user is the ORM's user. The same
statement reads the province id of the user's staff profile (a LEFT JOIN on its unique
`user` column), which `cluster_portal.profiles.home_province_id` then needs no query for.

Sessions made before this backend existed name `ModelBackend`; the session store reads
them as naming this one (`cluster_portal.sessions`), so nobody is signed out by it.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router

PATH = "cluster_portal.auth.PortalBackend"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

_statements: dict[str, tuple] = {}


def _statement(alias: str) -> tuple:
    """The lookup's SQL on `alias`, the model's field names in its column order, each
    column's converters, and the primary key's range on that database; built once per
    process and database."""
    statement = _statements.get(alias)
    if statement is None:
        model = get_user_model()
        meta = model._meta
        connection = connections[alias]
        quote = connection.ops.quote_name
        fields = list(meta.concrete_fields)
        columns = []
        for field in fields:
            col = field.get_col(meta.db_table)
            converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            columns.append((col, converters))
        # The staff profile's province id with it (`profiles.home_province_id`: which
        # reader the user is, asked by every cached document download and page).
        relation = model.staff_profile.related
        profile = relation.related_model._meta
        table = quote(meta.db_table)
        columns_sql = ", ".join(f"{table}.{quote(field.column)}" for field in fields)
        sql = (
            f"SELECT {columns_sql}, p.{quote(profile.get_field('province').column)}"  # noqa: S608
            f" FROM {table} LEFT JOIN {quote(profile.db_table)} p"
            f" ON p.{quote(relation.field.column)} = {table}.{quote(meta.pk.column)}"
            f" WHERE {table}.{quote(meta.pk.column)} = %(pk)s"  # named: no regex on SQLite
        )
        try:
            pk_range = connection.ops.integer_field_range(meta.pk.get_internal_type())
        except KeyError:  # not an integer key
            pk_range = (None, None)
        statement = (sql, [field.attname for field in fields], columns, pk_range)
        _statements[alias] = statement
    return statement


def load_user(user_id):
    """The user of primary key `user_id` (as `_get_user_session_key` gives it), all its
    columns, or None: what `UserModel._default_manager.get(pk=user_id)` returns."""
    model = get_user_model()
    alias = router.db_for_read(model)
    sql, names, columns, (low, high) = _statement(alias)
    connection = connections[alias]
    value = model._meta.pk.get_db_prep_value(user_id, connection)
    if isinstance(value, int) and not (
        (low is None or value >= low) and (high is None or value <= high)
    ):
        return None  # the ORM finds nothing for a key outside the column's range
    with connection.cursor() as cursor:
        cursor.execute(sql, {"pk": value})
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for raw, (col, converters) in zip(row[:-1], columns, strict=True):
        for converter in converters:
            raw = converter(raw, col, connection)
        values.append(raw)
    user = model.from_db(alias, names, values)
    user._profile_province_id = row[-1]  # None: no staff profile
    return user


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
