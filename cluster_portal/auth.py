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
statement reads the province id and the national flag of the user's staff profile (a LEFT
JOIN on its unique `user` column), which `cluster_portal.profiles.profile_ids` then needs
no query for.

A signed-in request reads the user with its session, in the session's statement
(`read_with`, `offer`; cluster_portal/sessions.py): one round trip to the database instead
of two. Nothing of the user is kept between requests: the row is read afresh each time,
so a deactivation, a new password or a moved profile counts from the next request.

Sessions made before this backend existed name `ModelBackend`; the session store reads
them as naming this one (`cluster_portal.sessions`), so nobody is signed out by it.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router

PATH = "cluster_portal.auth.PortalBackend"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

_statements: dict[str, tuple] = {}


def model_columns(connection, model) -> tuple[list, list[tuple]]:
    """The model's concrete fields in column order, and each column with the converters
    the ORM runs on its value from `connection` (the database's, then the field's): what
    a precompiled statement's row needs to become the ORM's instance (`from_row`)."""
    meta = model._meta
    fields = list(meta.concrete_fields)
    columns = []
    for field in fields:
        col = field.get_col(meta.db_table)
        converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        columns.append((col, converters))
    return fields, columns


def converted(connection, raw_values, columns) -> list:
    """A precompiled statement's values through their columns' converters (`model_columns`)."""
    values = []
    for raw, (col, converters) in zip(raw_values, columns, strict=True):
        for converter in converters:
            raw = converter(raw, col, connection)
        values.append(raw)
    return values


def _statement(alias: str) -> tuple:
    """The lookup's SQL on `alias`, the same read as a join for another statement (`read_with`),
    the model's field names in its column order, each column's converters, and the primary
    key's range on that database; built once per process and database."""
    statement = _statements.get(alias)
    if statement is None:
        model = get_user_model()
        meta = model._meta
        connection = connections[alias]
        quote = connection.ops.quote_name
        fields, columns = model_columns(connection, model)
        # The staff profile's province id and national flag with it (`profiles.profile_ids`: which
        # reader the user is, asked by every cached document download and page).
        relation = model.staff_profile.related
        profile = relation.related_model._meta
        pk = quote(meta.pk.column)
        selected = ", ".join(f"u.{quote(field.column)}" for field in fields)
        selected += f", p.{quote(profile.get_field('province').column)}"
        selected += f", p.{quote(profile.get_field('national').column)}"
        profile_join = (
            f" LEFT JOIN {quote(profile.db_table)} p ON p.{quote(relation.field.column)} = u.{pk}"
        )
        # Named placeholders: no regular expression over the statement on SQLite.
        table = quote(meta.db_table)
        sql = f"SELECT {selected} FROM {table} u{profile_join} WHERE u.{pk} = %(pk)s"  # noqa: S608
        joined = (f" LEFT JOIN {table} u ON u.{pk} = %(user)s{profile_join}", selected)
        try:
            pk_range = (meta.pk, *connection.ops.integer_field_range(meta.pk.get_internal_type()))
        except KeyError:  # not an integer key
            pk_range = (meta.pk, None, None)
        names = [field.attname for field in fields]
        statement = (sql, names, columns, pk_range, joined, names.index(meta.pk.attname))
        _statements[alias] = statement
    return statement


def _db_value(user_id, connection, pk_range):
    """`user_id` as the primary key's column holds it, or None for a key the ORM would
    find nothing for (outside the column's range)."""
    pk, low, high = pk_range
    value = pk.get_db_prep_value(user_id, connection)
    if isinstance(value, int) and not (
        (low is None or value >= low) and (high is None or value <= high)
    ):
        return None
    return value


def read_with(connection, user_id) -> tuple[str, str, dict] | None:
    """To read the user of primary key `user_id` (with the profile's province) in another
    statement, the session's (cluster_portal/sessions.py: a signed-in request then costs
    one round trip to the database instead of two): the join, the columns to add to the
    statement's, and its parameter; None when no such key can exist. The row's columns
    then go to `offer`."""
    try:
        _, _, _, pk_range, (join, columns), _ = _statement(connection.alias)
        value = _db_value(user_id, connection, pk_range)
    except (TypeError, ValueError):  # not a key of this column
        return None
    return None if value is None else (join, columns, {"user": value})


def offer(connection, user_id, row) -> None:
    """The user's columns as a `read_with` statement read them just now on `connection`
    (None: none were read), for the `load_user` of the same request to take instead of a
    query while the connection has written nothing since (`write_generation.written`)."""
    connection.portal_user = (
        None if row is None else (getattr(connection, "portal_writes", 0), user_id, tuple(row))
    )


def load_user(user_id):
    """The user of primary key `user_id` (as `_get_user_session_key` gives it), all its
    columns, or None: what `UserModel._default_manager.get(pk=user_id)` returns. Read with
    the request's session when it offered the row (`offer`), else by its own statement."""
    alias = router.db_for_read(get_user_model())
    sql, _, _, pk_range, _, pk_index = _statement(alias)
    connection = connections[alias]
    value = _db_value(user_id, connection, pk_range)
    if value is None:
        return None  # the ORM finds nothing for a key outside the column's range
    offered = getattr(connection, "portal_user", None)
    connection.portal_user = None  # taken once
    if (
        offered is not None
        and offered[1] == value
        and offered[0] == getattr(connection, "portal_writes", 0)
    ):
        row = offered[2]
        if row[pk_index] is None:
            return None  # the session's statement found no such user
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, {"pk": value})
            row = cursor.fetchone()
        if row is None:
            return None
    return user_from_row(alias, row)


def user_from_row(alias: str, row):
    """The user (with its staff profile's ids, `profiles.profile_ids`) from the columns a
    `read_with` or `joined_on` statement read on `alias`, in their order."""
    model = get_user_model()
    _, names, columns, _, _, _ = _statement(alias)
    connection = connections[alias]
    user = model.from_db(alias, names, converted(connection, row[:-2], columns))
    # (None, False): no staff profile; SQLite gives the flag as 0/1
    user._profile_ids = (row[-2], bool(row[-1]))
    return user


def joined_on(alias: str, user_column: str) -> tuple[str, str]:
    """To read the user whose key is in `user_column` of another statement's table (the
    API token's `user_id`: emulation/api/tokens.py), with the profile's ids: the join and
    the columns to add, which `user_from_row` then takes."""
    _, _, _, _, (join, columns), _ = _statement(alias)
    return join.replace("%(user)s", user_column, 1), columns


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
