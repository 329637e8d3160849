"""Writes on achievement reports: save (optimistic locking), submit, return. Access is
the views' decision (`cluster_portal.access`); these enforce the report's own rules and
refuse with a `DossierError` whose message is shown as is."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from emulation.dossiers.models import AchievementReport, ReportStatus
from emulation.nominations.models import Nomination

TEXT_FIELDS = (
    "summary",
    "achievements",
    "measures",
    "awards_received",
    "signer_name",
    "signer_title",
)


class DossierError(Exception):
    """A step refused for a reason the user can act on; the message is Vietnamese."""


class StaleReportError(DossierError):
    """Someone else saved the report after the editor opened it."""


def _save(report: AchievementReport, *, by, reason: str) -> AchievementReport:
    try:
        report.full_clean()
    except ValidationError as exc:
        raise DossierError(" ".join(exc.messages)) from None
    report._history_user = by
    report._change_reason = reason
    report.save()
    return report


def _locked(report: AchievementReport) -> AchievementReport:
    return AchievementReport.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def achievement_report_save(
    *, nomination: Nomination, by, seen_version: int | None, **texts: str
) -> AchievementReport:
    """Create the nominee's report or update the one the editor opened at `seen_version`.
    A report saved by someone else in the meantime, or already submitted, is refused and
    the caller keeps what was typed."""
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    current = AchievementReport.objects.select_for_update().filter(nomination=nomination).first()
    if current is None:
        report = AchievementReport(nomination=nomination, version=1)
    else:
        if current.version != seen_version:
            last = current.history.select_related("history_user").first()
            who = last.history_user.get_username() if last and last.history_user else "người khác"
            when = timezone.localtime(current.updated_at).strftime("%H:%M %d/%m/%Y")
            raise StaleReportError(
                f"Báo cáo đã được {who} lưu lúc {when}, sau khi bạn mở biểu mẫu. Nội dung bạn "
                "vừa nhập vẫn còn dưới đây: hãy đối chiếu với bản mới nhất rồi lưu lại."
            )
        if not current.is_editable:
            raise DossierError("Báo cáo đã nộp, không thể sửa. Cụm trưởng có thể trả lại để sửa.")
        report = current
        report.version += 1
    for name, value in texts.items():
        setattr(report, name, (value or "").strip())
    report.nomination = nomination
    return _save(report, by=by, reason="Tạo mới" if report.version == 1 else "Cập nhật")


@transaction.atomic
def achievement_report_submit(*, report: AchievementReport, by) -> AchievementReport:
    report = _locked(report)
    if not report.is_editable:
        raise DossierError("Báo cáo đã được nộp.")
    empty = [
        AchievementReport._meta.get_field(name).verbose_name
        for name in ("achievements", "measures", "signer_title")
        if not getattr(report, name).strip()
    ]
    if empty:
        raise DossierError("Chưa thể nộp, còn thiếu: " + ", ".join(empty) + ".")
    report.status = ReportStatus.SUBMITTED
    report.status_reason = ""
    report.submitted_by, report.submitted_at = by, timezone.now()
    report.version += 1
    return _save(report, by=by, reason="Nộp báo cáo")


@transaction.atomic
def achievement_report_return(*, report: AchievementReport, by, reason: str) -> AchievementReport:
    report = _locked(report)
    if not report.is_submitted:
        raise DossierError("Chỉ trả lại được báo cáo đã nộp.")
    reason = (reason or "").strip()
    if not reason:
        raise DossierError("Cần ghi lý do trả lại để tỉnh biết phải sửa gì.")
    report.status, report.status_reason = ReportStatus.DRAFT, reason
    report.version += 1
    return _save(report, by=by, reason="Trả lại: " + reason)
