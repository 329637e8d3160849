"""The dossier as signed documents: what the chair's settings (`DossierSettings`) and the
meeting make of the submission letter's and the minutes' number, date, place, addressee,
recipients and signers, and the rule that the letter is not dated before what it encloses
(the minutes of the meeting and each achievement report).

Works on the `Dossier` of `selectors.py` without importing it (the selector calls
`date_refusal` to list a wrong date among what is missing)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext

from emulation.reports.legal import legal_basis_on
from emulation.reports.letterhead import number_line, signer_lines

from .models import DEFAULT_ADDRESSEE

RECIPIENTS = ["Như trên;", "Liên minh HTX các tỉnh trong Cụm;", "Lưu: VT, Cụm trưởng."]
MINUTES_RECIPIENTS = ["Liên minh HTX Việt Nam;", "Các thành viên Cụm;", "Lưu: Cụm trưởng."]


def report_day(dossier, nominee) -> datetime.date:
    """The date an achievement report carries: the day its province submitted it, else
    the day the dossier is dated by its meeting."""
    report = nominee.report
    if report is not None and report.submitted_at:
        return timezone.localdate(report.submitted_at)
    return dossier.document_date


def enclosures(dossier) -> list[tuple[str, datetime.date]]:
    """(what, its date) of every dated document the letter encloses."""
    found = []
    if dossier.meeting_date:
        found.append((gettext("Biên bản họp bình xét"), dossier.meeting_date))
    for nominee in dossier.nominees:
        report = nominee.report
        if report is not None and report.submitted_at:
            found.append(
                (
                    gettext("Báo cáo thành tích của %(name)s") % {"name": nominee.name},
                    report_day(dossier, nominee),
                )
            )
    return found


def latest_enclosure(dossier) -> tuple[str, datetime.date] | None:
    found = enclosures(dossier)
    return max(found, key=lambda item: item[1]) if found else None


def date_refusal(dossier, day: datetime.date | None) -> str:
    """Why the letter may not be dated `day` (empty: it may)."""
    latest = latest_enclosure(dossier)
    if day is None or latest is None or day >= latest[1]:
        return ""
    return gettext(
        "Tờ trình không được ghi ngày trước văn bản kèm theo: %(what)s ngày %(day)s."
    ) % {"what": latest[0], "day": latest[1].strftime("%d/%m/%Y")}


def _lines(text: str) -> list[str]:
    return [line.strip().lstrip("-").strip() for line in text.splitlines() if line.strip()]


@dataclass
class Letter:
    """The signed documents' particulars, each the chair's or its default."""

    symbol: str
    number_line: str  # the submission letter's
    minutes_number_line: str
    minutes_reference: str  # "Biên bản số 03/BB-CTĐ-TB ngày 30/11/2023", for the appendix
    date: datetime.date
    place: str
    addressee: str
    recipients: list[str]
    signer_title: str
    signer_name: str
    signer: list[str]  # the capacity lines of the letter's and the summary's signer
    chair_name: str
    chair_title: str  # the signer's, when the signer chairs
    chair: list[str]
    secretary_name: str
    start: datetime.time | None
    end: datetime.time | None
    legal_basis: list[str]


def letter_for(dossier) -> Letter:
    """One query (the legal basis in force on the letter's date)."""
    chosen = dossier.settings
    symbol = dossier.symbol
    latest = latest_enclosure(dossier)
    day = (chosen and chosen.document_date) or (latest[1] if latest else dossier.document_date)
    title = (chosen and chosen.signer_title) or "Chủ tịch"
    signer_name = (chosen and chosen.signer_name) or dossier.head_signer
    minutes_number = chosen.minutes_number if chosen else None
    minutes_line = number_line(f"BB-{symbol}")
    if minutes_number:
        minutes_line = f"Số: {minutes_number:02d}/BB-{symbol}"
    meeting = f" ngày {dossier.meeting_date:%d/%m/%Y}" if dossier.meeting_date else ""
    minutes_no = f"{minutes_number:02d}" if minutes_number else "…"
    chair_name = (chosen and chosen.chair_name) or signer_name
    # The letter's signer's title, for the chair too when the same person chairs; another
    # chair is named without a title the settings do not hold.
    same = chair_name == signer_name
    return Letter(
        symbol=symbol,
        number_line=(
            f"Số: {chosen.number:02d}/TTr-{symbol}"
            if chosen and chosen.number
            else number_line(f"TTr-{symbol}")
        ),
        minutes_number_line=minutes_line,
        minutes_reference=f"Biên bản số {minutes_no}/BB-{symbol}{meeting}",
        date=day,
        place=(chosen and chosen.place) or dossier.place,
        addressee=(chosen and chosen.addressee) or DEFAULT_ADDRESSEE,
        recipients=_lines(chosen.recipients) if chosen and chosen.recipients else RECIPIENTS,
        signer_title=title,
        signer_name=signer_name,
        signer=signer_lines(dossier.head, title=title),
        chair_name=chair_name,
        chair_title=title if same else "",
        chair=signer_lines(
            dossier.head if same else None, role="CHỦ TRÌ HỘI NGHỊ", on_behalf="", title=title
        ),
        secretary_name=chosen.secretary_name if chosen else "",
        start=chosen.meeting_start if chosen else None,
        end=chosen.meeting_end if chosen else None,
        legal_basis=legal_basis_on(day, cluster=dossier.cluster, year=dossier.year),
    )
