"""Recording the alliance's decision: in one transaction the decision with its awardees,
each nomination granted (`nomination_decide`, which enters the award in the nominee's
award-history register), and the clusters told. A refused decision saves nothing."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from emulation.nominations.models import AwardType, Nomination
from emulation.nominations.services import NominationError, nomination_decide
from emulation.review.models import DossierReview
from emulation.review.notices import decision_notify
from provinces.organisation.dates import fmt_date

from .models import AwardDecision, DecisionAwardee
from .selectors import decidable


class DecisionError(Exception):
    """A decision refused, with a Vietnamese message for the person who typed it."""


class DecisionConflictError(DecisionError):
    """A decision of that number and date is recorded already (the API answers 409)."""


@transaction.atomic
def decision_record(
    *,
    award_type: AwardType,
    year: int,
    number: str,
    date: datetime.date | None,
    signer_name: str,
    signer_title: str,
    nomination_ids: list[int],
    by,
    channel: str = "",
) -> AwardDecision:
    """`channel`: the way the decision came in when not the page (the API's token), kept
    as the history's reason."""
    number, signer_name = " ".join((number or "").split()), (signer_name or "").strip()
    signer_title = (signer_title or "").strip()
    nomination_ids = list(dict.fromkeys(nomination_ids))
    if not nomination_ids:
        raise DecisionError(gettext("Chọn ít nhất một tập thể, cá nhân được khen."))
    if not (number and signer_name and signer_title):
        raise DecisionError(gettext("Ghi đủ số quyết định, người ký và chức vụ người ký."))
    if date is None:
        raise DecisionError(gettext("Ghi ngày quyết định."))
    if date > timezone.localdate():
        raise DecisionError(
            gettext("Ngày quyết định %(value)s chưa đến.") % {"value": fmt_date(date)}
        )
    if date.year < year:
        raise DecisionError(
            gettext(
                "Quyết định khen thành tích năm %(year)s không thể ban hành trước năm %(year)s."
            )
            % {"year": year}
        )
    if AwardDecision.objects.filter(number=number, date=date).exists():
        raise DecisionConflictError(gettext("Quyết định số này, ngày này đã được ghi."))
    # Locked, so that two decisions cannot grant the same nomination.
    open_ids = set(
        decidable(year=year, award_type=award_type)
        .select_for_update(of=("self",))
        .filter(pk__in=nomination_ids)
        .values_list("pk", flat=True)
    )
    refused = [pk for pk in nomination_ids if pk not in open_ids]
    if refused:
        names = [
            n.nominee_name
            for n in Nomination.objects.filter(pk__in=refused).select_related(
                "nominee_alliance", "nominee_cooperative__province"
            )
        ]
        raise DecisionError(
            gettext(
                "Chỉ khen được đề nghị %(award)s năm %(year)s đã được thẩm định, chấp thuận và "
                "chưa có quyết định: %(names)s."
            )
            % {"award": award_type.name, "year": year, "names": "; ".join(names) or "—"}
        )
    decision = AwardDecision(
        award_type=award_type,
        year=year,
        number=number,
        date=date,
        signer_name=signer_name,
        signer_title=signer_title,
        recorded_by=by,
    )
    try:
        decision.full_clean()
    except ValidationError as exc:
        raise DecisionError(" ".join(exc.messages)) from None
    decision._history_user = by
    if channel:
        decision._change_reason = f"{channel} — Ghi quyết định"
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError:
        raise DecisionConflictError(gettext("Quyết định số này, ngày này vừa được ghi.")) from None
    nominations = list(decidable(year=year, award_type=award_type).filter(pk__in=nomination_ids))
    by_cluster: dict[int, list[str]] = {}
    for order, nomination in enumerate(nominations):
        try:
            nomination_decide(
                nomination=nomination,
                by=by,
                granted=True,
                decision_number=number,
                decision_date=date,
                seen_version=nomination.version,
            )
        except NominationError as exc:
            raise DecisionError(str(exc)) from None
        DecisionAwardee.objects.create(decision=decision, nomination=nomination, order=order)
        by_cluster.setdefault(nomination.cluster_id, []).append(nomination.nominee_name)
    for review in DossierReview.objects.filter(cluster_id__in=by_cluster, year=year).select_related(
        "cluster", "sent_by"
    ):
        decision_notify(review, decision=decision, names=by_cluster[review.cluster_id], actor=by)
    return decision
