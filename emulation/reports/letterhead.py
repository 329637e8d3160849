"""The parts of a cluster's NĐ 30 letterhead that every signed document shares (the annual
report, the scoring summary, the dossier's documents): the issuing body, the motto, the
number line with its blank for the clerk, the cluster's symbol, the place and date."""

import datetime

from cluster_portal.templatetags.vn_format import nd30_date
from provinces.organisation.models import Cluster, Province

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
    """The cluster's default issuing-body symbol: tay-bac -> "CTĐ-TB" (the chair may set
    another for a year: `ReportSettings.symbol`, read through `issuing_symbol`)."""
    parts = cluster.slug.split("-")
    return "CTĐ-" + "".join(p.upper() if p.isdigit() else p[:1].upper() for p in parts)


def signer_lines(
    head: Province | None,
    *,
    role: str = "CỤM TRƯỞNG",
    title: str = "",
    on_behalf: str = "CỤM THI ĐUA",
) -> list[str]:
    """The signer block's capacity lines, written one way in every document the cluster
    signs (report, submission letter, minutes, summary, agreement): on behalf of whom
    ("TM. CỤM THI ĐUA"), the role, then the signer's title in the head alliance ("CHỦ
    TỊCH LIÊN MINH HỢP TÁC XÃ TỈNH PHÚ THỌ"). Capitals, as NĐ 30/2020 writes them."""
    lines = [f"TM. {on_behalf.upper()}"] if on_behalf else []
    if role:
        lines.append(role.upper())
    if head is not None:
        lines.append(f"{(title or 'Chủ tịch').upper()} {head.legal_name.upper()}")
    return lines


def member_signer_lines(member: Province, *, title: str = "Chủ tịch") -> list[str]:
    """A member's block, as in the agreement every member signs: "TM. LIÊN MINH HỢP TÁC XÃ TỈNH
    SƠN LA / CHỦ TỊCH" (the same helper, on behalf of the member)."""
    return signer_lines(None, on_behalf=member.legal_name, role=title)


def cluster_issuer(cluster: Cluster) -> list[str]:
    return [VCA, cluster.name.upper()]
