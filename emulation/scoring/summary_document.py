"""The scoring summary as a document a chair signs (Nghị định 30/2020, Phụ lục I): the
issuing body and the motto each with its rule, the number line, place and date, the
table, then "Nơi nhận" and the signer with title and name. One rendering
(`render.render_summary_pdf`) for the stand-alone file (`scoring_sheet`, the summary's
download) and the dossier's appendix, which hands in its own letterhead
(`SummaryLetterhead`) and gets the same pages."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from cluster_portal.number_style import format_points
from emulation.conference.models import Conference
from emulation.reports.legal import issuing_symbol
from emulation.reports.letterhead import cluster_issuer, number_line, place_date
from emulation.reports.letterhead import signer_lines as signer_lines
from emulation.reports.selectors import signature_for

from .selectors import ScoringYear

PROVISIONAL = "KẾT QUẢ TẠM TÍNH — chưa họp bình xét"
RECIPIENTS = [
    "- Liên minh HTX Việt Nam;",
    "- Liên minh HTX các tỉnh trong Cụm;",
    "- Lưu: Cụm trưởng.",
]


@dataclass
class SummaryLetterhead:
    issuer: list[str]
    number_line: str
    place_date: str
    signer_lines: list[str]  # "TM. CỤM THI ĐUA", "CỤM TRƯỞNG", "CHỦ TỊCH …", bold
    signer_name: str
    recipients: list[str] = field(default_factory=lambda: list(RECIPIENTS))
    banner: str = ""  # on top: provisional results, or the dossier's draft note
    # In the dossier, the appendix of the minutes: "Phụ lục kèm theo Biên bản số …".
    appendix_of: str = ""


def summary_symbol(data: ScoringYear) -> str:
    """The cluster-year's one issuing-body symbol (one query)."""
    return f"BTH-{issuing_symbol(data.cluster, data.year)}"


def summary_lead_note(data: ScoringYear) -> str:
    """The line above the table: the agreement, the maximum, and whether the meeting
    settled the results."""
    agreement = data.agreement
    if agreement is None:
        return ""
    signed = f" ký ngày {agreement.signed_on:%d/%m/%Y}" if agreement.signed_on else ""
    meeting = (
        f" Kết quả thống nhất tại cuộc họp bình xét ngày {agreement.meeting_date:%d/%m/%Y}."
        if agreement.meeting_date
        else " Kết quả tạm tính: chưa họp bình xét."
    )
    return (
        f"Theo giao ước thi đua năm {data.year}{signed}; tổng điểm tối đa "
        f"{format_points(agreement.total_points)} điểm (chưa kể điểm thưởng); điểm trừ ghi "
        f"số âm.{meeting}"
    )


def summary_date(data: ScoringYear, conference: Conference | None) -> datetime.date:
    """The meeting's date, else the conference's, else today (a draft is dated today)."""
    agreement = data.agreement
    if agreement is not None and agreement.meeting_date:
        return agreement.meeting_date
    return conference.date if conference is not None else timezone.localdate()


def summary_letterhead(data: ScoringYear) -> SummaryLetterhead:
    """The stand-alone summary's letterhead, as the dossier dates, places and signs its
    copy: the head alliance's province, the meeting's date, its chair by the annual
    report's rule (`signature_for`). Two queries."""
    conference = (
        Conference.objects.filter(cluster=data.cluster, year=data.year)
        .select_related("host")
        .prefetch_related("attendees")
        .order_by()
        .first()
    )
    head = data.term.head if data.term else None
    signature = signature_for(
        report_settings=None, conference=conference, head=head, cluster=data.cluster
    )
    place = head.name if head is not None else (conference.host.name if conference else "")
    return SummaryLetterhead(
        issuer=cluster_issuer(data.cluster),
        number_line=number_line(summary_symbol(data)),
        place_date=place_date(place, summary_date(data, conference)),
        signer_lines=signer_lines(head),
        signer_name=signature.signer_name,
        banner="" if data.locked else PROVISIONAL,
    )
