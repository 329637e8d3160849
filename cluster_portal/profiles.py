"""The signed-in user's staff profile, read on every signed-in request
(cluster_portal/access.py's `home_province` and `reader_class`) by statements compiled once
per process: the ORM's compiling costs about 20 times running them."""

from django.contrib.auth import get_user_model
from django.db import connection

_UNREAD = object()


def profile_ids(user) -> tuple[int | None, bool]:
    """The province id of the user's staff profile (`home_province`'s, without the
    province) and whether the profile is the national alliance's: a statement of the
    user's own relation (`staff_profile`, declared by provinces.organisation), without the
    ORM's compiling, which costs 20 times the query. (None, False): no profile."""
    if not user.is_authenticated or not user.is_active:
        return None, False
    kept = getattr(user, "_profile_ids", _UNREAD)
    if kept is not _UNREAD:  # read with the user (cluster_portal/auth.py, `load_user`)
        return kept
    relation = get_user_model().staff_profile.related
    profile = relation.related_model._meta
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {quote(profile.get_field('province').column)},"  # noqa: S608
        f" {quote(profile.get_field('national').column)} FROM {quote(profile.db_table)}"
        f" WHERE {quote(relation.field.column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk])
        row = cursor.fetchone()
    user._profile_ids = (row[0], bool(row[1])) if row else (None, False)
    return user._profile_ids


def home_province_id(user) -> int | None:
    """The province id of the user's staff profile (`profile_ids`)."""
    return profile_ids(user)[0]


_ANY_USER = -7919  # the id the statement is compiled with, replaced by the user's
_profile_reads: dict[str, tuple] = {}


def profile_of(user_id: int):
    """The user's staff profile with its province and the province's two successors, one
    query through the user's own relation (`staff_profile`, declared by
    provinces.organisation: no import of an app), the profile's table alone (the user is
    loaded already). The ORM's compiling cost 20 times the query on every signed-in page
    (the year page's hit spent a third of its time there): the statement and the
    instance builders are made once per process and database, the rows go through the
    fields' converters and Django's own populators, as `QuerySet.first()` would."""
    from django.db.models.query import get_related_populators

    alias = connection.alias
    prepared = _profile_reads.get(alias)
    if prepared is None:
        relation = get_user_model()._meta.get_field("staff_profile")
        queryset = (
            relation.related_model._default_manager.select_related("province__successor__successor")
            .filter(**{relation.field.name: _ANY_USER})
            .order_by()[:1]
        )
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        prepared = _profile_reads[alias] = (
            sql,
            list(params),
            list(params).index(_ANY_USER),
            klass_info["model"],
            [column[0].target.attname for column in select[fields[0] : fields[-1] + 1]],
            slice(fields[0], fields[-1] + 1),
            compiler.get_converters([column for column, _, _ in select]),
            get_related_populators(klass_info, select, alias),
        )
    sql, params, position, model, names, own, converters, populators = prepared
    params = params.copy()
    params[position] = user_id
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    row = list(row)
    for index, (functions, expression) in converters.items():
        for function in functions:
            row[index] = function(row[index], expression, connection)
    profile = model.from_db(alias, names, row[own])
    for populator in populators:
        populator.populate(row, profile)
    return profile
