"""A cluster-year's stored scores and targets as the scoring pages read them: plain
tuples of plain values (no model instance), each stored number converted once per
distinct value. The services write through the models themselves."""

from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections

from .models import Response

POINTS_FIELDS = (
    "pk",
    "sheet_id",
    "criterion_id",
    "self_points",
    "cluster_points",
    "response",
    "settled_points",
    "final_points",
)
TEXT_FIELDS = ("justification", "cluster_reason", "response_comment", "settle_note")
RESPONSE_LABELS = dict(Response.choices)


class ScorePoints(NamedTuple):
    """Another member's stored score as the pages read it: the points and the answer, plain
    values (no text, no model instance). The services write through `Score` itself."""

    pk: int
    sheet_id: int
    criterion_id: int
    self_points: Decimal | None
    cluster_points: Decimal | None
    response: str
    settled_points: Decimal | None
    final_points: Decimal | None


class ScoreValues(NamedTuple):
    """A score of the sheet shown (`scoring_year`'s `evidence_for`): the points and the
    texts written beside them."""

    pk: int
    sheet_id: int
    criterion_id: int
    self_points: Decimal | None
    cluster_points: Decimal | None
    response: str
    settled_points: Decimal | None
    final_points: Decimal | None
    justification: str
    cluster_reason: str
    response_comment: str
    settle_note: str

    def get_response_display(self) -> str:
        return RESPONSE_LABELS.get(self.response, self.response)


def plain_rows(queryset, fields: tuple[str, ...], make=None) -> list:
    """`queryset.values_list(*fields)` as tuples (or `make(row)` for each, e.g. a named
    tuple's `_make`), each column converted by Django's own converters once per distinct
    stored value rather than once per row: a cluster-year's thousands of points hold a
    handful of values (0, 0.5, 1…), and SQLite's decimal converter is the cost of reading
    them. One query, the same values (a column's stored values are of one kind, numbers or
    texts: equal ones convert alike)."""
    compiler = queryset.values_list(*fields).query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return []
    converters = compiler.get_converters([col for col, _, _ in compiler.select])
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if converters and rows:
        columns = list(zip(*rows, strict=True))
        for index, (functions, expression) in converters.items():
            converted = {}
            for raw in set(columns[index]):
                value = raw
                for function in functions:
                    value = function(value, expression, connection)
                converted[raw] = value
            columns[index] = map(converted.__getitem__, columns[index])
        rows = zip(*columns, strict=True)
    return list(map(make, rows) if make else rows)
