"""Notices of the review (through the portal's notices, provinces/notices): a dossier sent
tells the alliance's reviewers; taken under review, returned, accepted, and an award
decided tell the cluster's chair of the year (and whoever sent it). Recorded inside the
step's transaction (keyed: nobody is told twice), e-mailed after it commits."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from cluster_portal import access, access_review
from provinces.notices.models import Notice, NoticeKind
from provinces.notices.services import NoticeDraft, notice_create
from provinces.organisation.models import StaffProfile
from provinces.organisation.selectors import term_for

from .models import DossierReview, ReviewState


def chairs_of(review: DossierReview) -> list:
    """The active staff who chair the cluster that year (after mergers), and the sender."""
    term = term_for(review.cluster, review.year)
    people = {}
    if term is not None:
        for profile in StaffProfile.objects.select_related(
            "user", "province__successor__successor"
        ).filter(user__is_active=True):
            profile.user._home_province = profile.province
            if access.is_chair(profile.user, term):
                people[profile.user.pk] = profile.user
    if review.sent_by is not None and review.sent_by.is_active:
        people.setdefault(review.sent_by.pk, review.sent_by)
    return list(people.values())


def reviewers() -> list:
    """The alliance's national staff and the admins (access_review.can_review_dossiers),
    in one query."""
    users = get_user_model().objects.filter(is_active=True).select_related("staff_profile")
    found = users.filter(Q(is_superuser=True) | Q(staff_profile__national=True))
    return [user for user in found if access_review.can_review_dossiers(user)]


SUBJECTS = {
    ReviewState.SENT: "Cụm {cluster} đã gửi hồ sơ khen thưởng năm {year}",
    ReviewState.UNDER_REVIEW: "Hồ sơ khen thưởng năm {year} của {cluster} đang được thẩm định",
    ReviewState.RETURNED: "Hồ sơ khen thưởng năm {year} của {cluster} bị trả lại",
    ReviewState.ACCEPTED: "Hồ sơ khen thưởng năm {year} của {cluster} đã được chấp thuận",
}


def _send_after_commit(notice_ids: list[int]) -> None:
    from provinces.notices.tasks import notice_send_task

    def send():
        for notice_id in notice_ids:
            notice_send_task.enqueue(notice_id=notice_id)

    if notice_ids:
        transaction.on_commit(send)


def _tell(people, draft: NoticeDraft, actor) -> list[int]:
    """Record the notices and queue each one with something to send now, by e-mail or on
    Zalo (a Zalo-only recipient, or one without an address, is sent to as well)."""
    recorded = []
    for user in people:
        if actor is not None and user.pk == actor.pk:
            continue  # nobody is told about their own action
        notice = notice_create(recipient=user, draft=draft)
        if notice is not None:
            recorded.append(notice.pk)
    told = list(
        Notice.objects.filter(pk__in=recorded).to_send().order_by("pk").values_list("pk", flat=True)
    )
    _send_after_commit(told)
    return told


def review_notify(review: DossierReview, *, actor) -> list[int]:
    """The notices of the step `review` has just taken; the ids queued for sending."""
    names = {"cluster": review.cluster.name, "year": review.year}
    subject = SUBJECTS[review.state].format(**names)
    body = subject + "."
    if review.state == ReviewState.RETURNED:
        body += f"\nLý do: {review.reason}\nCụm trưởng bổ sung, sửa hồ sơ rồi gửi lại."
    if review.state == ReviewState.SENT and review.note:
        body += f"\nGhi chú của Cụm: {review.note}"
    if review.state == ReviewState.SENT:
        people = reviewers()
        url = reverse("review:review", args=[review.year, review.cluster.slug])
    else:
        people = chairs_of(review)
        url = reverse("review:status", args=[review.cluster.slug, review.year])
    draft = NoticeDraft(
        key=f"dossier-review:{review.pk}:{review.state}:v{review.version}",
        kind=NoticeKind.DOSSIER_REVIEW,
        subject=subject,
        body=body,
        url=url,
    )
    return _tell(people, draft, actor)


def decision_notify(review: DossierReview, *, decision, names: list[str], actor) -> list[int]:
    """An award decided for nominees of the cluster: its chair is told."""
    subject = (
        f"Liên minh HTX Việt Nam đã quyết định khen thưởng ({decision.award_type.name}) "
        f"năm {decision.year} cho {review.cluster.name}"
    )
    body = (
        f"Quyết định số {decision.number} ngày {decision.date:%d/%m/%Y}: " + "; ".join(names) + "."
    )
    draft = NoticeDraft(
        key=f"award-decision:{decision.pk}:cluster:{review.cluster_id}",
        kind=NoticeKind.DOSSIER_REVIEW,
        subject=subject[:255],
        body=body,
        url=reverse("decisions:public", args=[decision.year]),
    )
    return _tell(chairs_of(review), draft, actor)
