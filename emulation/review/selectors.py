"""Reads of the alliance's review: where a cluster-year's dossier stands, the dossiers of a
year for the reviewers, and each nominee checked against the rules of the award.

The checks are the rules' own functions (`emulation.nominations.rules`: the vote against
the cluster-year's rules, one achievement one award across every cluster and the
award-history register, the written reason of a low rank) and the dossier's own list of
what is missing (`emulation.dossiers.selectors`, the source of its completeness, which
the home page's to-dos also follow): nothing is checked a second way here. What the rules
read besides the nominations (the register, the year's nominations in every cluster, the
meeting's ranks) is read once for the whole dossier (`emulation.nominations.rule_inputs`)
and handed to them, so a review reads a fixed number of queries whatever the number of
nominees."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from emulation.awards.models import AwardRecord
from emulation.dossiers.selectors import Dossier, Missing, Nominee
from emulation.nominations import rule_inputs, rules
from emulation.nominations.models import AwardQuota, Nomination, NominationStatus
from emulation.nominations.selectors import COUNTED_AGAINST_QUOTA
from provinces.organisation.models import Cluster

from .models import DossierReview, ReviewState


def review_of(cluster: Cluster, year: int) -> DossierReview | None:
    return (
        DossierReview.objects.filter(cluster=cluster, year=year)
        .select_related("sent_by", "reviewer")
        .first()
    )


def reviews_of_year(year: int) -> list[DossierReview]:
    """Every cluster's dossier sent for `year`, those waiting first. One query."""
    order = {state: i for i, state in enumerate(ReviewState.values)}
    rows = list(
        DossierReview.objects.filter(year=year).select_related("cluster", "sent_by", "reviewer")
    )
    return sorted(rows, key=lambda r: (order[r.state], r.cluster.name))


def reviews_of(
    year: int,
    *,
    state: str | None = None,
    cluster: str | None = None,
    updated_since: datetime.datetime | None = None,
) -> QuerySet[DossierReview]:
    """The dossiers sent for `year` (the API's list): last changed last, filtered by state,
    cluster (its slug) and the time of their last step. A queryset, paged by the caller."""
    rows = DossierReview.objects.filter(year=year).select_related("cluster", "sent_by", "reviewer")
    if state:
        rows = rows.filter(state=state)
    if cluster:
        rows = rows.filter(cluster__slug=cluster)
    if updated_since is not None:
        if timezone.is_naive(updated_since):  # a time without its offset: the portal's zone
            updated_since = timezone.make_aware(updated_since)
        rows = rows.filter(updated_at__gte=updated_since)
    return rows.order_by("updated_at", "pk")


def review_history(review: DossierReview, limit: int = 20) -> list:
    return list(review.history.select_related("history_user")[:limit])


@dataclass
class NomineeCheck:
    """One nominee read against the rules of its award: what is wrong, what is missing,
    and the awards the register holds for it."""

    nominee: Nominee
    problems: list[str] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    awards: list[AwardRecord] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.missing


@dataclass
class ReviewChecks:
    nominees: list[NomineeCheck]
    general: list[Missing]  # what the dossier misses that is no one nominee's

    @property
    def problems(self) -> list[str]:
        found = [m.text for m in self.general]
        for check in self.nominees:
            found += check.problems + [m.text for m in check.missing]
        return found


def _quota_problems(dossier: Dossier) -> dict[int, str]:
    """Per award type id: the refusal when the cluster-year's endorsed nominees exceed
    its quota."""
    quotas = {
        q.award_type_id: q
        for q in AwardQuota.objects.filter(
            cluster=dossier.cluster, year=dossier.year
        ).select_related("award_type")
    }
    counts = dict(
        Nomination.objects.filter(
            cluster=dossier.cluster, year=dossier.year, status__in=COUNTED_AGAINST_QUOTA
        )
        .values_list("award_type")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {}
    for type_id, quota in quotas.items():
        if counts.get(type_id, 0) > quota.quota:
            found[type_id] = gettext(
                "Vượt chỉ tiêu %(name)s: tối đa %(quota)s, đã đề nghị %(count)s."
            ) % {"name": quota.award_type.name, "quota": quota.quota, "count": counts[type_id]}
    return found


@dataclass
class RuleInputs:
    """What the rules read for every nominee of one dossier, read once (`rule_inputs_for`)."""

    awards: rule_inputs.YearAwards | None = None
    ranks: rule_inputs.MeetingRanks | None = None


def rule_inputs_for(dossier: Dossier) -> RuleInputs:
    """At most four queries, whatever the number of nominees: the register's awards and the
    year's nominations of the nominees not yet granted, and the meeting's ranks when an
    alliance nominee has no written reason."""
    units = [
        rule_inputs.unit_of(n.nomination)
        for n in dossier.nominees
        if n.nomination.status != NominationStatus.GRANTED
    ]
    ranked = any(
        n.nomination.nominee_alliance_id and not (n.nomination.rank_reason or "").strip()
        for n in dossier.nominees
    )
    where = {"cluster_id": dossier.cluster.pk, "year": dossier.year}
    return RuleInputs(
        awards=rule_inputs.year_awards(year=dossier.year, units=units),
        ranks=rule_inputs.meeting_ranks(**where) if ranked else None,
    )


def nominee_problems(
    dossier: Dossier, nominee: Nominee, known: RuleInputs | None = None
) -> list[str]:
    """`known`: the dossier's rule inputs read once (`rule_inputs_for`); without it, the
    rules read this nominee's."""
    known = known or RuleInputs()
    nomination = nominee.nomination
    rule, members = dossier.rules.rule, dossier.rules.members
    problems = []
    if nomination.votes_present:
        ballot = rules.Ballot(
            method=nomination.voting_method or rule.voting_method,
            present=nomination.votes_present,
            issued=nomination.ballots_issued,
            returned=nomination.ballots_returned,
            valid=nomination.ballots_valid,
        )
        problems += rules.ballot_problems(rule, members, ballot)
        refusal = rules.vote_refusal(
            rule, members, nomination.votes_for or 0, nomination.votes_present
        )
        if refusal:
            problems.append(refusal)
    if nomination.status != NominationStatus.GRANTED:
        refusal = rules.one_award_refusal(
            year=nomination.year,
            name=nominee.name,
            exclude_pk=nomination.pk,
            known=known.awards,
            **nomination.nominee_unit_key,
        )
        if refusal:
            problems.append(refusal)
    refusal = rules.rank_reason_refusal(nomination, known.ranks)
    if refusal:
        problems.append(refusal)
    return problems


def review_checks(dossier: Dossier) -> ReviewChecks:
    quota = _quota_problems(dossier)
    known = rule_inputs_for(dossier)
    prefixes = {nominee.nomination.pk: f"{nominee.name}:" for nominee in dossier.nominees}
    checks, claimed = [], set()
    for nominee in dossier.nominees:
        prefix = prefixes[nominee.nomination.pk]
        missing = [m for m in dossier.missing if m.text.startswith(prefix)]
        claimed.update(id(m) for m in missing)
        problems = nominee_problems(dossier, nominee, known)
        if nominee.nomination.award_type_id in quota:
            problems.append(quota[nominee.nomination.award_type_id])
        checks.append(
            NomineeCheck(nominee=nominee, problems=problems, missing=missing, awards=nominee.awards)
        )
    general = [m for m in dossier.missing if id(m) not in claimed]
    return ReviewChecks(nominees=checks, general=general)
