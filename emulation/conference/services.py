"""Writes of the conference record: the record, its attendees and its recommendations in
one transaction, with optimistic locking (a second, stale save is refused)."""

from django.db import IntegrityError, transaction
from django.forms import BaseInlineFormSet
from django.utils.translation import gettext

from cluster_portal.locking import STALE_HINT, StaleRecordError, version_claim

from .models import Conference


@transaction.atomic
def conference_save(
    *,
    conference: Conference,
    attendees: BaseInlineFormSet,
    recommendations: BaseInlineFormSet,
    by,
    seen_version: int | None,
) -> Conference:
    """Save the record loaded at `seen_version` (0: a new record) with its attendee and
    recommendation rows (validated inline formsets: Django's own way of saving rows that
    are added, changed and deleted). All or nothing; `StaleRecordError` when someone saved
    in between, or when a "new" record already exists (a double-submitted create)."""
    if conference.pk is None or not seen_version:
        existing = Conference.objects.filter(
            cluster_id=conference.cluster_id, year=conference.year
        ).exists()
        if existing:
            message = gettext(
                "Biên bản hội nghị năm %(year)s vừa được lưu (có thể do biểu mẫu "
                "được gửi hai lần, hoặc người khác vừa tạo)."
            )
            raise StaleRecordError(f"{message % {'year': conference.year}} {STALE_HINT}")
    version_claim(conference, seen_version=seen_version)
    conference.full_clean()
    conference._history_user = by
    try:
        with transaction.atomic():
            conference.save()
    except IntegrityError:
        message = gettext("Biên bản hội nghị năm %(year)s vừa được người khác tạo.")
        raise StaleRecordError(f"{message % {'year': conference.year}} {STALE_HINT}") from None
    attendees.instance = recommendations.instance = conference
    for rows in (attendees, recommendations):
        rows.save()
        _number_rows(rows)
    return conference


def _number_rows(rows: BaseInlineFormSet) -> None:
    """Each kept row's order is its position on the page (the page hides the field): a
    row added at the end comes last, a deleted row leaves no gap."""
    deleted = {id(form) for form in rows.deleted_forms}
    kept = [f for f in rows.forms if id(f) not in deleted and f.instance.pk is not None]
    for position, form in enumerate(kept, start=1):
        if form.instance.order != position:
            form.instance.order = position
            form.instance.save(update_fields=["order"])
