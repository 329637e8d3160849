"""Writes and reads of the report's signed-document settings."""

import datetime
from dataclasses import dataclass

from django.db import transaction

from cluster_portal.locking import claimed_save, version_claim

from .models import DEFAULT_RECIPIENTS, DEFAULT_SYMBOL, ReportSettings


@transaction.atomic
def report_settings_save(
    *, report_settings: ReportSettings, by, seen_version: int | None
) -> ReportSettings:
    """Save the chair's settings, refusing when someone else saved them in between
    (cluster_portal.locking.StaleRecordError)."""
    key = {"cluster_id": report_settings.cluster_id, "year": report_settings.year}
    version_claim(report_settings, seen_version=seen_version, key=key)
    report_settings.updated_by = by
    report_settings.full_clean()
    report_settings._history_user = by
    claimed_save(report_settings)
    return report_settings


@dataclass
class Signature:
    """What the document prints, each item with where it came from."""

    number_line: str
    place: str
    date: datetime.date | None
    signer_title: str
    signer_name: str
    recipients: list[str]
    settings: ReportSettings | None


def _chair_of(conference, head) -> tuple[str, str]:
    """The head alliance's leader as the conference record names them: (title, name).
    "UV BCH Liên minh HTX Việt Nam, Chủ tịch" gives the title "Chủ tịch"."""
    if conference is None or head is None:
        return "", ""
    for attendee in conference.attendees.all():
        if head.name and attendee.organisation.endswith(head.name):
            title = attendee.title.replace("–", ",").split(",")[-1].strip()
            return title, attendee.name
    return "", ""


def signature_for(*, report_settings, conference, head) -> Signature:
    chosen = report_settings or ReportSettings(symbol=DEFAULT_SYMBOL)
    title, name = _chair_of(conference, head)
    place = (
        chosen.place or (conference.host.name if conference else "") or (head.name if head else "")
    )
    recipients = [
        line.strip().lstrip("-").strip()
        for line in (chosen.recipients or DEFAULT_RECIPIENTS).splitlines()
        if line.strip()
    ]
    return Signature(
        number_line=chosen.number_line,
        place=place,
        date=chosen.document_date or (conference.date if conference else None),
        signer_title=chosen.signer_title or title,
        signer_name=chosen.signer_name or name,
        recipients=recipients,
        settings=report_settings,
    )
