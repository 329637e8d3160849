"""Adding up yearly figures by the aggregation rules of design.md.

Counts are summed; averages are weighted by the count the data dictionary names
(`Indicator.weighted_by`), never the plain mean of averages.
"""

from collections.abc import Iterable
from decimal import Decimal

from provinces.figures.spec import AVERAGE_WEIGHTS, COUNT_CODES


def percent_change(current, previous) -> Decimal | None:
    """The change from `previous` to `current` in per cent of `previous`; None when there
    is nothing to compare with (no previous value, or zero)."""
    if current is None or not previous:
        return None
    return (Decimal(current) - Decimal(previous)) / abs(Decimal(previous)) * 100


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
