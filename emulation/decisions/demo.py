"""The demo's review and decisions (invented, as the rest of the demo's 2023 year): Tây
Bắc's chair (Phú Thọ, `phutho`) sends the 2023 dossier, the alliance's reviewer (`vca`)
takes it, returns it once with a reason, the chair sends it again, the reviewer accepts it
and records one decision per award, so the public page (/public/awards/2023/) and the
award-history register show decided awards. Every step goes through the pages' services
(the same rules, history and notices); run again, it takes only the steps still to take
and records nothing twice."""

import datetime

from django.contrib.auth import get_user_model

from emulation.nominations.models import AwardType
from emulation.review.models import ReviewState
from emulation.review.selectors import review_of
from emulation.review.services import dossier_send, review_accept, review_return, review_take
from provinces.organisation.models import Cluster

from .selectors import decidable
from .services import decision_record

YEAR = 2023
RETURN_REASON = (
    "Tờ trình chưa nêu rõ số thành viên dự hội nghị bình xét; đề nghị Cụm ghi bổ sung trong "
    "ghi chú gửi kèm."
)
RESEND_NOTE = "Hội nghị bình xét có đủ 7/7 thành viên dự, đã ghi trong biên bản gửi kèm."
# Invented numbers and signer; dated after the dossier (January 2024).
DECISIONS = {
    "emulation-flag": ("125/QĐ-LMHTXVN", datetime.date(2024, 3, 15)),
    "certificate-of-merit": ("126/QĐ-LMHTXVN", datetime.date(2024, 3, 15)),
}
SIGNER = ("Nguyễn Văn An", "Chủ tịch")


def review_decisions_demo_seed() -> int:
    """The steps still to take for Tây Bắc's 2023 dossier; returns the number of decisions
    recorded (0 when the demo has them already)."""
    users = get_user_model().objects
    chair, reviewer = users.get(username="phutho"), users.get(username="vca")
    cluster = Cluster.objects.get(slug="tay-bac")
    review = review_of(cluster, YEAR)
    if review is None:
        review = dossier_send(cluster=cluster, year=YEAR, by=chair, seen_version=0)
        review = review_take(review=review, by=reviewer, seen_version=review.version)
        review = review_return(
            review=review, by=reviewer, reason=RETURN_REASON, seen_version=review.version
        )
    if review.state == ReviewState.RETURNED:
        review = dossier_send(
            cluster=cluster, year=YEAR, by=chair, note=RESEND_NOTE, seen_version=review.version
        )
    if review.state == ReviewState.SENT:
        review = review_take(review=review, by=reviewer, seen_version=review.version)
    if review.state == ReviewState.UNDER_REVIEW:
        review = review_accept(review=review, by=reviewer, seen_version=review.version)
    recorded = 0
    for award in AwardType.objects.filter(code__in=DECISIONS).order_by("order"):
        ids = list(
            decidable(year=YEAR, award_type=award)
            .filter(cluster=cluster)
            .values_list("pk", flat=True)
        )
        if not ids:
            continue
        number, date = DECISIONS[award.code]
        decision_record(
            award_type=award,
            year=YEAR,
            number=number,
            date=date,
            signer_name=SIGNER[0],
            signer_title=SIGNER[1],
            nomination_ids=ids,
            by=reviewer,
        )
        recorded += 1
    return recorded
