"""Reads of the alliance's decisions: the nominations a decision may grant (accepted by
the review, not yet decided), the decisions of a year, and the public list of the awards
decided (nothing else: no nomination still under way, no portal data)."""

from django.db.models import Exists, OuterRef

from emulation.nominations.models import NOMINEE_RELATED, AwardType, Nomination, NominationStatus
from emulation.nominations.selectors import legal_name_of
from emulation.review.models import DossierReview, ReviewState

from .models import AwardDecision, DecisionAwardee

NOMINEE_JOINS = ("cluster", "award_type", *NOMINEE_RELATED)


def decidable(*, year: int, award_type: AwardType | None = None):
    """Nominations of `year` sent to the alliance whose cluster's dossier it accepted, and
    which no decision grants yet."""
    accepted = DossierReview.objects.filter(
        cluster_id=OuterRef("cluster_id"), year=OuterRef("year"), state=ReviewState.ACCEPTED
    )
    decided = DecisionAwardee.objects.filter(nomination_id=OuterRef("pk"))
    rows = Nomination.objects.filter(year=year, status=NominationStatus.SUBMITTED)
    if award_type is not None:
        rows = rows.filter(award_type=award_type)
    return (
        rows.filter(Exists(accepted))
        .exclude(Exists(decided))
        .select_related(*NOMINEE_JOINS)
        .order_by("award_type__order", "cluster__name", "pk")
    )


def decisions_of_year(year: int) -> list[AwardDecision]:
    return list(
        AwardDecision.objects.filter(year=year)
        .select_related("award_type")
        .prefetch_related(*("awardees__nomination__" + join for join in NOMINEE_JOINS))
        .order_by("award_type__order", "date", "pk")
    )


def decision_awardees(decision: AwardDecision) -> list[Nomination]:
    rows = DecisionAwardee.objects.filter(decision=decision).select_related(
        *("nomination__" + join for join in NOMINEE_JOINS)
    )
    return [row.nomination for row in rows.order_by("order", "pk")]


def public_awards(year: int) -> list[DecisionAwardee]:
    """The awards the alliance decided for `year`, each with its decision: granted
    nominations named in a recorded decision, and nothing else. One query."""
    rows = list(
        DecisionAwardee.objects.filter(
            decision__year=year, nomination__status=NominationStatus.GRANTED
        )
        .select_related(
            "decision__award_type", *("nomination__" + join for join in NOMINEE_RELATED)
        )
        .order_by("decision__award_type__order", "decision__date", "decision_id", "order", "pk")
    )
    for row in rows:  # the full name, as the decision prints it
        row.nomination.legal_name = legal_name_of(row.nomination) or row.nomination.nominee_name
    return rows


def public_years() -> list[int]:
    return sorted(
        set(AwardDecision.objects.values_list("year", flat=True).distinct().order_by()),
        reverse=True,
    )
