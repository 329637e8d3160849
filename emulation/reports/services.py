"""Writes of the report's signed-document settings (what they print: `selectors.py`)."""

from django.db import transaction

from cluster_portal.locking import claimed_save, version_claim

from .models import ReportSettings


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
