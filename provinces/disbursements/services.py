"""The fund-disbursement register: its writes. The yearly totals are read in `selectors.py`."""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cluster_portal.locking import locked_at_version, version_claim
from provinces.disbursements.models import Cooperative, Disbursement
from provinces.organisation.models import Province


def borrower_find_or_create(
    *, province: Province, name: str, kind: str, by=None
) -> tuple[Cooperative, bool]:
    """The directory entry of that name (case, accents and spacing aside) in the
    province's directory or its predecessors', or a new one. Two requests adding the same
    name at the same moment (two uploads, two edits) both find none: the second insert
    meets the one-name-per-province constraint and takes the entry the first one made
    (no database error; the caller's transaction stays usable)."""
    found = _directory_entry(province, name)
    if found is not None:
        return found, False
    cooperative = Cooperative(province=province, name=name, kind=kind)
    try:
        cooperative.full_clean()
    except ValidationError:
        found = _directory_entry(province, name)  # added since the look-up above
        if found is None:
            raise
        return found, False
    cooperative._history_user = by
    try:
        with transaction.atomic():
            cooperative.save()
    except IntegrityError:
        found = _directory_entry(province, name)
        if found is None:
            raise
        return found, False
    return cooperative, True


def _directory_entry(province: Province, name: str) -> Cooperative | None:
    candidates = Cooperative.objects.matching(name).filter(
        province__in=[province, *province.predecessors.all()]
    )
    found = sorted(candidates, key=lambda c: c.province_id != province.pk)
    return found[0] if found else None


@transaction.atomic
def disbursement_save(
    *, disbursement: Disbursement, by, seen_version: int | None = None
) -> Disbursement:
    """Save one disbursement. An existing disbursement is saved only if it still is at
    `seen_version` (optimistic locking: `StaleRecordError` otherwise)."""
    version_claim(disbursement, seen_version=seen_version)
    disbursement.full_clean()
    disbursement._history_user = by
    disbursement.save()
    return disbursement


@dataclass
class DisbursementRecorded:
    disbursement: Disbursement
    borrower_created: bool = False
    repeated: bool = False  # the same create form was submitted before: nothing new saved


def disbursement_record(
    *,
    disbursement: Disbursement,
    borrower_name: str,
    borrower_kind: str,
    by,
    seen_version: int | None = None,
    form_key: uuid.UUID | None = None,
) -> DisbursementRecorded:
    """One "add disbursement" or "edit disbursement" action, all or nothing: the borrower is found
    in (or added to) the directory and the disbursement saved in one transaction, so a disbursement
    refused (an invalid date, a stale edit) leaves no new borrower behind. A create repeated with
    the same `form_key` (double submission) returns the disbursement the first one made."""
    if disbursement.pk is None and form_key is not None:
        earlier = Disbursement.objects.filter(form_key=form_key).first()
        if earlier is not None:
            return DisbursementRecorded(earlier, repeated=True)
        disbursement.form_key = form_key
    try:
        with transaction.atomic():
            borrower, created = borrower_find_or_create(
                province=disbursement.province, name=borrower_name, kind=borrower_kind, by=by
            )
            disbursement.borrower = borrower
            disbursement_save(disbursement=disbursement, by=by, seen_version=seen_version)
    except IntegrityError:
        # Two submissions of one form at the same moment: the other one made the disbursement.
        earlier = form_key and Disbursement.objects.filter(form_key=form_key).first()
        if not earlier:
            raise
        return DisbursementRecorded(earlier, repeated=True)
    return DisbursementRecorded(disbursement, borrower_created=created)


@transaction.atomic
def disbursement_delete(*, disbursement: Disbursement, by, seen_version: int | None) -> None:
    """Delete the disbursement the user saw at `seen_version` (`StaleRecordError` otherwise)."""
    current = locked_at_version(disbursement, seen_version=seen_version)
    current._history_user = by
    current.delete()
