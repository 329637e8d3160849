"""Adding up yearly figures by the aggregation rules of design.md.

Counts are summed; averages are weighted, never the plain mean of averages:
`tht_avg_*` by `tht_total`, `htx_avg_revenue`/`htx_avg_profit` by `htx_total`,
`htx_avg_income` by `htx_workers`.
"""

from collections.abc import Iterable
from decimal import Decimal

from provinces.figures.spec import COUNT_CODES

AVERAGE_WEIGHTS = {
    "tht_avg_revenue": "tht_total",
    "tht_avg_profit": "tht_total",
    "htx_avg_revenue": "htx_total",
    "htx_avg_profit": "htx_total",
    "htx_avg_income": "htx_workers",
}


def combine(rows: Iterable[dict]) -> dict:
    """One set of figures standing for several units (a cluster, or a merged province's
    predecessors). An average whose weights add up to zero is None."""
    rows = list(rows)
    combined: dict = {code: sum(row[code] for row in rows) for code in COUNT_CODES}
    for code, weight in AVERAGE_WEIGHTS.items():
        total_weight = combined[weight]
        if total_weight:
            weighted = sum(Decimal(row[code]) * row[weight] for row in rows)
            combined[code] = weighted / total_weight
        else:
            combined[code] = None
    return combined
