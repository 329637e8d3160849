"""How the API writes what it found. Finding a province-year's figures or register and
deciding whether the user may have it is the pages' own helper, one floor below
(`provinces.figures.lookups.get_figures_for_user`,
`provinces.disbursements.lookups.get_disbursements_for_user`)."""

from decimal import Decimal


def ref(province) -> dict:
    return {"code": province.code, "name": province.name, "slug": province.slug}


def cluster_ref(cluster) -> dict:
    return {"slug": cluster.slug, "name": cluster.name}


def money(value) -> Decimal | None:
    """Million VND with the two decimals the records keep (sums and weighted averages
    come back from the database or `combine` with any number)."""
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def fund_totals(totals) -> dict:
    return {"count": totals.count, "amount": money(totals.amount)}


def totals_out(totals: dict | None) -> dict | None:
    """Figures by indicator code as the API writes them: counts as integers, money and
    weighted averages with two decimals (`money`)."""
    if totals is None:
        return None
    return {code: money(v) if isinstance(v, Decimal) else v for code, v in totals.items()}
