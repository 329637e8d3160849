"""Writes that change the yearly figures: each a keyword-only function in a transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cluster_portal import access
from cluster_portal.locking import (
    StaleRecordError,
    claimed_save,
    created_meanwhile,
    keep_version,
    same_as_stored,
    version_claim,
    version_follow,
    version_lock,
)
from provinces.figures.models import FiguresStatus, YearlyFigures
from provinces.figures.rules import figures_warnings
from provinces.figures.selectors import previous_values
from provinces.figures.signals import figures_event_on_commit
from provinces.organisation.selectors import ProvinceYear, term_of_member


class FiguresError(Exception):
    """An action refused for a reason the user can act on; the message is Vietnamese."""


class StaleFiguresError(FiguresError, StaleRecordError):
    """Someone else saved the record after the editor loaded it (or no version was sent)."""


def _locked_current(figures: YearlyFigures, seen_version: int | None) -> YearlyFigures:
    """A life-cycle action's record: locked, at the version the user saw, moved on."""
    rows = YearlyFigures.objects.select_related("province")
    return version_lock(figures, seen_version=seen_version, stale=StaleFiguresError, queryset=rows)


def _refuse_own_unit(figures: YearlyFigures, by, action: str) -> None:
    """Four eyes on every path (pages, API, admin, commands), in the action's transaction:
    nobody returns, approves or reopens their own unit's record (`access.own_unit_refusal`)."""
    if by is None:
        return
    year = figures.year
    py = ProvinceYear(figures.province, year, term=term_of_member(figures.province, year))
    reason = access.own_unit_refusal(by, py, action)
    if reason:
        raise FiguresError(reason)


def _save(figures: YearlyFigures, *, by, reason: str, channel: str = "") -> YearlyFigures:
    """`channel` names the way the change came in when it is not the web page (e.g.
    "API: <token name>"); the history keeps it with the reason."""
    figures._history_user = by
    figures._change_reason = f"{channel} — {reason}" if channel else reason
    if figures.pk is None:  # two people adding the province-year's figures at once
        claimed_save(figures, stale=StaleFiguresError)
    else:
        figures.save()
    return figures


@transaction.atomic
def figures_save(
    *, figures: YearlyFigures, by, seen_version: int | None, channel: str = ""
) -> YearlyFigures:
    """Create a record, or update one the editor loaded at `seen_version`.

    A record changed by someone else in the meantime is refused (optimistic locking), as
    is one that is no longer editable; the caller keeps what the user typed. An update
    that changes nothing is not saved: no history entry, and the version stays the one the
    editor saw (the caller tells "nothing to save" by the version).
    """
    current = version_claim(figures, seen_version=seen_version, stale=StaleFiguresError)
    if current is not None:
        if not current.is_editable:
            raise FiguresError(
                gettext("Số liệu đang ở trạng thái “%(value)s”, không thể sửa.")
                % {"value": current.get_status_display()}
            )
        for field in (
            "status",
            "status_reason",
            "warnings_explanation",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
        ):
            setattr(figures, field, getattr(current, field))
    else:
        figures.status = FiguresStatus.DRAFT
        rows = YearlyFigures.objects.filter(province=figures.province_id, year=figures.year)
        if rows.exists():  # added by someone else since the form was checked
            raise StaleFiguresError(created_meanwhile(), current_version=1)
    figures.full_clean()
    if same_as_stored(figures, current):
        return keep_version(figures, current)
    reason = "Cập nhật số liệu" if figures.version > 1 else "Tạo mới"
    return _save(figures, by=by, reason=reason, channel=channel)


@transaction.atomic
def figures_submit(
    *,
    figures: YearlyFigures,
    by,
    seen_version: int | None,
    explanation: str = "",
    channel: str = "",
) -> YearlyFigures:
    record, figures = figures, _locked_current(figures, seen_version)
    if not figures.is_editable:
        raise FiguresError(
            gettext("Chỉ nộp được số liệu đang là bản nháp hoặc bị trả lại (hiện: %(value)s).")
            % {"value": figures.get_status_display()}
        )
    try:
        figures.full_clean()
    except ValidationError as exc:
        raise FiguresError(
            gettext("Số liệu còn lỗi, hãy sửa trước khi nộp: %(errors)s")
            % {"errors": "; ".join(exc.messages)}
        ) from None
    warnings = figures_warnings(figures.values(), previous_values(figures))
    explanation = explanation.strip()
    if warnings and not explanation:
        raise FiguresError(
            gettext("Số liệu có %(value)s cảnh báo: hãy giải trình ngắn gọn trước khi nộp.")
            % {"value": len(warnings)}
        )
    figures.status = FiguresStatus.SUBMITTED
    figures.warnings_explanation = explanation if warnings else ""
    figures.submitted_by, figures.submitted_at = by, timezone.now()
    figures_event_on_commit(figures=figures, event="submitted", by=by)
    return version_follow(record, _save(figures, by=by, reason="Nộp số liệu", channel=channel))


@transaction.atomic
def figures_return(
    *, figures: YearlyFigures, by, seen_version: int | None, reason: str
) -> YearlyFigures:
    record, figures = figures, _locked_current(figures, seen_version)
    _refuse_own_unit(figures, by, "return")
    if figures.status != FiguresStatus.SUBMITTED:
        raise FiguresError(gettext("Chỉ trả lại được số liệu đã nộp và chưa duyệt."))
    if not reason.strip():
        raise FiguresError(gettext("Cần ghi lý do trả lại để tỉnh biết phải sửa gì."))
    figures.status, figures.status_reason = FiguresStatus.RETURNED, reason.strip()
    figures_event_on_commit(figures=figures, event="returned", by=by)
    return version_follow(record, _save(figures, by=by, reason="Trả lại: " + reason.strip()))


@transaction.atomic
def figures_approve(*, figures: YearlyFigures, by, seen_version: int | None) -> YearlyFigures:
    record, figures = figures, _locked_current(figures, seen_version)
    _refuse_own_unit(figures, by, "approve")
    if figures.status != FiguresStatus.SUBMITTED:
        raise FiguresError(gettext("Chỉ duyệt được số liệu đã nộp."))
    figures.status = FiguresStatus.APPROVED
    figures.approved_by, figures.approved_at = by, timezone.now()
    figures_event_on_commit(figures=figures, event="approved", by=by)
    return version_follow(record, _save(figures, by=by, reason="Duyệt số liệu"))


@transaction.atomic
def figures_reopen(
    *, figures: YearlyFigures, by, seen_version: int | None, reason: str
) -> YearlyFigures:
    record, figures = figures, _locked_current(figures, seen_version)
    _refuse_own_unit(figures, by, "reopen")
    if figures.status != FiguresStatus.APPROVED:
        raise FiguresError(gettext("Chỉ mở khóa được số liệu đã duyệt."))
    if not reason.strip():
        raise FiguresError(gettext("Cần ghi lý do mở khóa số liệu đã duyệt."))
    figures.status, figures.status_reason = FiguresStatus.RETURNED, reason.strip()
    figures.approved_by = figures.approved_at = None
    return version_follow(record, _save(figures, by=by, reason="Mở khóa: " + reason.strip()))
