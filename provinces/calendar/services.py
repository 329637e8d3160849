"""Writes on the calendar."""

from django.db import transaction

from cluster_portal.locking import claimed_save, keep_version, same_as_stored, version_claim

from .models import Deadlines


@transaction.atomic
def deadlines_save(*, deadlines: Deadlines, by, seen_version: int) -> Deadlines:
    """Create or update a cluster-year's deadlines, refusing to overwrite a change someone
    made after the editor opened the form (cluster_portal.locking.StaleRecordError;
    `seen_version` 0 = the editor saw none). Unchanged dates are not saved: no history
    entry, the version stays `seen_version`."""
    key = {"cluster_id": deadlines.cluster_id, "year": deadlines.year}
    current = version_claim(deadlines, seen_version=seen_version, key=key)
    deadlines.full_clean()
    if same_as_stored(deadlines, current):
        return keep_version(deadlines, current)
    deadlines._history_user = by
    deadlines._change_reason = "Đặt hạn nộp" if deadlines.version == 1 else "Sửa hạn nộp"
    claimed_save(deadlines)
    return deadlines
