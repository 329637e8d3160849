"""Writes of the award-history register: a row added on the page, a row removed (with the
version the page showed). The import adds rows through the upload pipeline (excel.py)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cluster_portal.locking import StaleRecordError, locked_at_version

from .models import AwardRecord


class AwardRegisterError(Exception):
    """A row refused, with a Vietnamese message for the person who typed it."""


@transaction.atomic
def award_record_add(*, record: AwardRecord, by) -> AwardRecord:
    try:
        record.full_clean()
    except ValidationError as exc:
        raise AwardRegisterError(" ".join(exc.messages)) from None
    record.version = 1
    record._history_user = by
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise AwardRegisterError(
            _("Quyết định này vừa được ghi vào sổ của đơn vị cho năm này.")
        ) from None
    return record


@transaction.atomic
def award_record_delete(*, record: AwardRecord, by, seen_version: int | None) -> None:
    """Remove a row typed in error; its history stays."""
    current = locked_at_version(record, seen_version=seen_version, stale=StaleRecordError)
    current._history_user = by
    current.delete()
