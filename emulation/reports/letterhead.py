"""The parts of a cluster's NĐ 30 letterhead that every signed document shares (the annual
report, the scoring summary, the dossier's documents): the issuing body, the motto, the
number line with its blank for the clerk, the cluster's symbol, the place and date."""

import datetime

from cluster_portal.templatetags.vn_format import nd30_date
from provinces.organisation.models import Cluster

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
VCA = "LIÊN MINH HTX VIỆT NAM"
# The number is left blank for the clerk who registers the outgoing document.
NUMBER_BLANK = "\u00a0" * 6


def place_date(place: str, day: datetime.date) -> str:
    return (
        f"{place}, {nd30_date(day)}" if place else nd30_date(day)[:1].upper() + nd30_date(day)[1:]
    )


def number_line(symbol: str) -> str:
    return f"Số: {NUMBER_BLANK}/{symbol}"


def cluster_symbol(cluster: Cluster) -> str:
    """The cluster's part of a document symbol: tay-bac -> "CTĐTB"."""
    parts = cluster.slug.split("-")
    return "CTĐ" + "".join(p.upper() if p.isdigit() else p[:1].upper() for p in parts)


def cluster_issuer(cluster: Cluster) -> list[str]:
    return [VCA, cluster.name.upper()]
