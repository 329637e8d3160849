"""Writes of the review: the chair sends the cluster's dossier (again after a return), a
reviewer takes it under review, returns it with a reason or accepts it. Each step is one
transaction through the one versioned save (cluster_portal.locking: the row locked, the
version the page showed compared, history with who and why) and tells the people
concerned (notices.py). Access is the views' decision (cluster_portal.access_review);
these enforce the steps' own rules and refuse with a `ReviewError` whose message is
shown as is; a refused step saves nothing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cluster_portal.locking import (
    StaleRecordError,
    claimed_save,
    version_claim,
    version_follow,
    version_lock,
)
from emulation.dossiers.selectors import dossier_for
from emulation.nominations.models import Nomination, NominationStatus
from emulation.nominations.services import NominationError, nomination_submit
from provinces.organisation.models import Cluster

from .models import DossierReview, ReviewState
from .notices import review_notify
from .selectors import review_checks


class ReviewError(Exception):
    """A step refused for a reason the user can act on (Vietnamese)."""


class ReviewStateError(ReviewError):
    """A step the review's current state does not allow (the API answers 409)."""


class StaleReviewError(ReviewError, StaleRecordError):
    """Someone else moved the review on after the page was opened (or no version)."""


def _listed(intro: str, items: list[str]) -> str:
    return intro + " " + " ".join(f"– {item}" for item in items)


def _save(review: DossierReview, *, by, reason: str, channel: str = "") -> DossierReview:
    """`channel` names the way the step came in when it is not the page (the API's
    token): "API: <token name> — Gửi hồ sơ" in the history."""
    try:
        review.full_clean()
    except ValidationError as exc:
        raise ReviewError(" ".join(exc.messages)) from None
    review._history_user = by
    review._change_reason = (f"{channel} — {reason}" if channel else reason)[:100]
    if review.pk is None:  # two chairs sending the first time at once
        claimed_save(review, stale=StaleReviewError)
    else:
        review.save()
    review_notify(review, actor=by)
    return review


@transaction.atomic
def dossier_send(
    *,
    cluster: Cluster,
    year: int,
    by,
    note: str = "",
    seen_version: int | None,
    channel: str = "",
) -> DossierReview:
    """Send the cluster-year's dossier to the alliance: only a complete dossier, first
    time or after a return (then with a note of what was changed). The endorsed nominees
    go to the alliance with it (submitted)."""
    note = (note or "").strip()
    review = DossierReview(cluster=cluster, year=year)
    key = {"cluster": cluster, "year": year}
    current = version_claim(review, seen_version=seen_version, key=key, stale=StaleReviewError)
    if current is not None:
        if current.state != ReviewState.RETURNED:
            raise ReviewStateError(
                gettext("Hồ sơ đang ở trạng thái “%(state)s”: chỉ gửi lại khi bị trả lại.")
                % {"state": current.get_state_display()}
            )
        if not note:
            raise ReviewError(gettext("Gửi lại hồ sơ bị trả lại: ghi rõ đã bổ sung, sửa những gì."))
        current.version, review = review.version, current
        review.rounds += 1
    dossier = dossier_for(cluster, year)
    if not dossier.is_complete:
        raise ReviewError(
            _listed(
                gettext("Hồ sơ chưa đủ, chưa thể gửi. Còn thiếu:"),
                [m.text for m in dossier.missing],
            )
        )
    for nominee in dossier.nominees:
        nomination = nominee.nomination
        if nomination.status == NominationStatus.ENDORSED:
            try:
                nomination_submit(nomination=nomination, by=by, seen_version=nomination.version)
            except NominationError as exc:
                raise ReviewError(str(exc)) from None
    review.state, review.note, review.reason = ReviewState.SENT, note, ""
    review.sent_by, review.sent_at = by, timezone.now()
    review.reviewer, review.reviewed_at = None, None
    reason = "Gửi hồ sơ" if review.rounds == 1 else f"Gửi lại lần {review.rounds}: {note}"
    return _save(review, by=by, reason=reason, channel=channel)


def _locked(review: DossierReview, seen_version: int | None, *, by) -> DossierReview:
    """The review at the version the page showed, locked, moved on; four eyes: whoever
    sent the dossier (an admin can both send and review) does not review it."""
    review = version_lock(review, seen_version=seen_version, stale=StaleReviewError)
    if by is not None and review.sent_by_id == by.pk:
        raise ReviewError(gettext("Người gửi hồ sơ không tự thẩm định hồ sơ đó."))
    return review


@transaction.atomic
def review_take(
    *, review: DossierReview, by, seen_version: int | None, channel: str = ""
) -> DossierReview:
    """A reviewer takes a sent dossier under review."""
    record, review = review, _locked(review, seen_version, by=by)
    if review.state != ReviewState.SENT:
        raise ReviewStateError(gettext("Chỉ nhận thẩm định hồ sơ vừa gửi."))
    review.state, review.reviewer = ReviewState.UNDER_REVIEW, by
    return version_follow(record, _save(review, by=by, reason="Nhận thẩm định", channel=channel))


@transaction.atomic
def review_return(
    *, review: DossierReview, by, reason: str, seen_version: int | None, channel: str = ""
) -> DossierReview:
    """Back to the cluster with the reason; the chair fixes the dossier and sends again."""
    record, review = review, _locked(review, seen_version, by=by)
    if not review.is_open:
        raise ReviewStateError(gettext("Chỉ trả lại được hồ sơ đang chờ hoặc đang thẩm định."))
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(gettext("Cần ghi lý do trả lại để Cụm biết phải bổ sung, sửa gì."))
    review.state, review.reason = ReviewState.RETURNED, reason
    review.reviewer, review.reviewed_at = by, timezone.now()
    return version_follow(
        record, _save(review, by=by, reason="Trả lại: " + reason, channel=channel)
    )


@transaction.atomic
def review_accept(
    *, review: DossierReview, by, seen_version: int | None, channel: str = ""
) -> DossierReview:
    """Accepted only under review, and only when every nominee meets the rules of its award
    and nothing is missing (read again inside the transaction)."""
    record, review = review, _locked(review, seen_version, by=by)
    if review.state != ReviewState.UNDER_REVIEW:
        raise ReviewStateError(gettext("Chỉ chấp thuận được hồ sơ đang thẩm định."))
    dossier = dossier_for(review.cluster, review.year)
    problems = review_checks(dossier).problems
    if problems:
        raise ReviewError(_listed(gettext("Chưa thể chấp thuận, hồ sơ chưa đạt:"), problems))
    waiting = [n.nominee_name for n in _not_sent(review)]
    if waiting:
        raise ReviewError(
            _listed(gettext("Chưa thể chấp thuận: các đề nghị sau chưa được gửi:"), waiting)
        )
    review.state, review.reviewer, review.reviewed_at = ReviewState.ACCEPTED, by, timezone.now()
    return version_follow(record, _save(review, by=by, reason="Chấp thuận", channel=channel))


def _not_sent(review: DossierReview):
    """Nominees endorsed after the dossier was sent: they go with the next sending."""
    return Nomination.objects.filter(
        cluster_id=review.cluster_id, year=review.year, status=NominationStatus.ENDORSED
    ).select_related("nominee_alliance", "nominee_cooperative__province")
