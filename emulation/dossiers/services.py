"""Writes on achievement reports: save (optimistic locking), submit, return. Access is
the views' decision (`cluster_portal.access`); these enforce the report's own rules (and
four eyes on a return) and refuse with a `DossierError` whose message is shown as is."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cluster_portal import access
from cluster_portal.locking import (
    StaleRecordError,
    claimed_save,
    version_claim,
    version_follow,
    version_lock,
)
from emulation.dossiers.models import AchievementReport, DossierSettings, ReportStatus
from emulation.dossiers.selectors import dossier_for, nominee_context
from emulation.nominations.models import Nomination

from .letter import date_refusal
from .report_fields import FIELDS, report_gaps

# Every field a report form of some kind shows (report_fields.FIELDS), in form order.
TEXT_FIELDS = tuple(dict.fromkeys(name for kind in FIELDS.values() for name in kind))


class DossierError(Exception):
    """A step refused for a reason the user can act on; the message is Vietnamese."""


class StaleReportError(DossierError, StaleRecordError):
    """Someone else saved the report after the editor opened it (or no version was sent)."""


def _save(report: AchievementReport, *, by, reason: str) -> AchievementReport:
    try:
        report.full_clean()
    except ValidationError as exc:
        raise DossierError(" ".join(exc.messages)) from None
    report._history_user = by
    report._change_reason = reason
    if report.pk is None:  # two people writing the nominee's first report at once
        claimed_save(report, stale=StaleReportError)
    else:
        report.save()
    return report


def _locked(report: AchievementReport, seen_version: int | None) -> AchievementReport:
    """A life-cycle step's report: locked, at the version the page showed, moved on."""
    return version_lock(report, seen_version=seen_version, stale=StaleReportError)


@transaction.atomic
def achievement_report_save(
    *,
    nomination: Nomination,
    by,
    seen_version: int | None,
    submit: bool = False,
    full_name: str | None = None,
    **texts,
) -> AchievementReport:
    """Create the nominee's report or update the one the editor opened at `seen_version`.
    A report saved by someone else in the meantime, or already submitted, is refused and
    the caller keeps what was typed. With `submit` the report is submitted in the same save
    (one version step; a report that cannot be submitted yet is not saved either).
    `full_name`: a cooperative nominee's full legal name, written to its directory entry."""
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    report = AchievementReport(nomination=nomination)
    # Found by its nomination: the page shows version 0 while there is no report yet.
    key = {"nomination": nomination}
    current = version_claim(report, seen_version=seen_version, key=key, stale=StaleReportError)
    if current is not None:
        if not current.is_editable:
            raise DossierError(
                gettext("Báo cáo đã nộp, không thể sửa. Cụm trưởng có thể trả lại để sửa.")
            )
        current.version, report = report.version, current
    for name, value in texts.items():
        setattr(report, name, value.strip() if isinstance(value, str) else value)
    report.nomination = nomination
    if full_name is not None and nomination.nominee_cooperative_id:
        _cooperative_full_name(nomination.nominee_cooperative, full_name, by=by)
    if submit:
        return _save(_submitted(report, by=by), by=by, reason="Lưu và nộp báo cáo")
    return _save(report, by=by, reason="Tạo mới" if report.version == 1 else "Cập nhật")


def _cooperative_full_name(cooperative, full_name: str, *, by) -> None:
    cooperative.full_name = full_name
    try:
        cooperative.full_clean()
    except ValidationError as exc:
        raise DossierError(" ".join(exc.messages)) from None
    cooperative.version += 1
    cooperative._history_user = by
    cooperative.save()


def _submitted(report: AchievementReport, *, by) -> AchievementReport:
    """The report marked submitted, refused while a field its form requires is empty
    (report_fields.REQUIRED: particulars, texts, figures, both signers' names)."""
    empty = report_gaps(report, report.nomination)
    if empty:
        raise DossierError(
            gettext("Chưa thể nộp, còn thiếu: %(missing)s.") % {"missing": ", ".join(empty)}
        )
    report.status = ReportStatus.SUBMITTED
    report.status_reason = ""
    report.submitted_by, report.submitted_at = by, timezone.now()
    return report


@transaction.atomic
def achievement_report_submit(
    *, report: AchievementReport, by, seen_version: int | None
) -> AchievementReport:
    record, report = report, _locked(report, seen_version)
    if not report.is_editable:
        raise DossierError(gettext("Báo cáo đã được nộp."))
    return version_follow(record, _save(_submitted(report, by=by), by=by, reason="Nộp báo cáo"))


@transaction.atomic
def achievement_report_return(
    *, report: AchievementReport, by, reason: str, seen_version: int | None
) -> AchievementReport:
    record, report = report, _locked(report, seen_version)
    # Four eyes, inside the transaction: not the nominee's own province's staff.
    refusal = access.own_unit_refusal(by, nominee_context(report.nomination_id), "report")
    if refusal:
        raise DossierError(refusal)
    if not report.is_submitted:
        raise DossierError(gettext("Chỉ trả lại được báo cáo đã nộp."))
    reason = (reason or "").strip()
    if not reason:
        raise DossierError(gettext("Cần ghi lý do trả lại để tỉnh biết phải sửa gì."))
    report.status, report.status_reason = ReportStatus.DRAFT, reason
    return version_follow(record, _save(report, by=by, reason="Trả lại: " + reason))


@transaction.atomic
def dossier_settings_save(
    *, dossier_settings: DossierSettings, by, seen_version: int | None
) -> DossierSettings:
    """Save the chair's settings of the dossier (the one versioned save: a save made by
    someone else in between is refused, `StaleRecordError`), refusing a submission letter
    dated before a document it encloses (`ValidationError` on `document_date`)."""
    key = {"cluster_id": dossier_settings.cluster_id, "year": dossier_settings.year}
    version_claim(dossier_settings, seen_version=seen_version, key=key)
    dossier_settings.updated_by = by
    dossier_settings.full_clean()
    dossier = dossier_for(dossier_settings.cluster, dossier_settings.year)
    refusal = date_refusal(dossier, dossier_settings.document_date)
    if refusal:
        raise ValidationError({"document_date": refusal})
    dossier_settings._history_user = by
    claimed_save(dossier_settings)
    return dossier_settings
