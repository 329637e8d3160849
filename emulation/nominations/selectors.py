"""Reads of award nominations: the vote rule of a cluster-year, what uses up a quota, the
unit a nominee belongs to (after a merger), and the page's list of a cluster-year. The
writes that move a nomination along are in `services.py`."""

from dataclasses import dataclass, field

from cluster_portal.number_style import two_digits
from emulation.nominations import rules
from emulation.nominations.models import (
    COLLECTIVE_KINDS,
    NOMINEE_RELATED,
    AwardQuota,
    AwardType,
    Nomination,
    NominationStatus,
    VoteRule,
)
from provinces.organisation.models import Cluster, Province
from provinces.organisation.selectors import counts_as

# What uses up a quota: a nominee the conference endorsed stays counted on its way to the
# VCA and after it is granted; one the VCA turned down frees the place again.
COUNTED_AGAINST_QUOTA = (
    NominationStatus.ENDORSED,
    NominationStatus.SUBMITTED,
    NominationStatus.GRANTED,
)


# Rules -----------------------------------------------------------------------------------


@dataclass
class VoteRules:
    """The cluster-year's rules as a page or a document reads them: the stored row (or the
    defaults) and the number of members the quorum and the threshold count on."""

    rule: VoteRule
    members: int

    @property
    def threshold_text(self) -> str:
        return rules.threshold_text(self.rule)

    @property
    def quorum(self) -> int:
        return rules.quorum_needed(self.rule, self.members)

    def base(self, present: int) -> int:
        """What the threshold's percent is of: all members, or those present."""
        return rules.threshold_base(self.rule, self.members, present)

    def passes(self, nomination: Nomination) -> bool | None:
        """None while no vote is recorded."""
        if not nomination.votes_present:
            return None
        return rules.vote_passes(
            self.rule, self.members, nomination.votes_for or 0, nomination.votes_present
        )


def vote_rules_for(*, cluster_id: int, year: int) -> VoteRules:
    return VoteRules(
        rule=rules.rule_for(cluster_id=cluster_id, year=year),
        members=rules.member_count(cluster_id=cluster_id, year=year),
    )


# The unit a nominee belongs to -----------------------------------------------------------


def nominee_unit(nomination: Nomination) -> Province | None:
    """The member a nominee belongs to in the nomination's year, which writes its
    achievement report and owns the to-do: the alliance itself, or the unit the province
    of the cooperative's directory entry counts as (`counts_as`: a cooperative recorded
    under Yên Bái counts for the merged Lào Cai from 2025). Reads the province's
    successor: select_related `nominee_cooperative__province__successor` for many."""
    province = nomination.nominee_province
    return None if province is None else counts_as(province, nomination.year)


# The page's read -------------------------------------------------------------------------


@dataclass
class AwardGroup:
    award_type: AwardType
    quota: int | None = None
    nominations: list[Nomination] = field(default_factory=list)

    @property
    def counted(self) -> int:
        """Nominees using up the quota: endorsed, submitted or granted."""
        return sum(1 for n in self.nominations if n.status in COUNTED_AGAINST_QUOTA)

    @property
    def is_full(self) -> bool:
        return self.quota is not None and self.counted >= self.quota


@dataclass
class NominationsYear:
    cluster: Cluster
    year: int
    rules: VoteRules
    groups: list[AwardGroup]

    @property
    def total(self) -> int:
        return sum(len(group.nominations) for group in self.groups)


def nominations_for(cluster: Cluster, year: int) -> NominationsYear:
    """Every award type (in its order) with the cluster-year's nominations and quota.
    Six queries whatever the number of nominations, types and provinces."""
    groups = {t.pk: AwardGroup(award_type=t) for t in AwardType.objects.order_by("order", "name")}
    for quota in AwardQuota.objects.filter(cluster=cluster, year=year):
        if quota.award_type_id in groups:
            groups[quota.award_type_id].quota = quota.quota
    nominations = (
        Nomination.objects.filter(cluster=cluster, year=year)
        .select_related("award_type", *NOMINEE_RELATED, "proposed_by")
        .order_by("award_type__order", "pk")
    )
    for nomination in nominations:
        nomination.cluster = cluster
        groups[nomination.award_type_id].nominations.append(nomination)
    return NominationsYear(
        cluster=cluster,
        year=year,
        rules=vote_rules_for(cluster_id=cluster.pk, year=year),
        groups=list(groups.values()),
    )


def nominations_by_award(cluster: Cluster, year: int) -> list[tuple[AwardType, list]]:
    """The cluster-year's nominations by award type, the types in their order (as
    `nominations_for` lists them), only the types nominated for: the annual report's
    section, without the quotas and the vote rule. One query."""
    nominations = (
        Nomination.objects.filter(cluster=cluster, year=year)
        .select_related("award_type", *NOMINEE_RELATED)
        .order_by("award_type__order", "award_type__name", "award_type_id", "pk")
    )
    groups: dict[int, tuple[AwardType, list]] = {}
    for nomination in nominations:
        nomination.cluster = cluster
        groups.setdefault(nomination.award_type_id, (nomination.award_type, []))[1].append(
            nomination
        )
    return list(groups.values())


def counted_kinds(kinds: list[str]) -> str:
    """ "03 tập thể, 01 cá nhân, 01 hộ gia đình": nominees counted by kind (alliances,
    cooperatives and other units are collectives), as the minutes, the letter, the decision
    and the news post write it."""
    parts = [
        (sum(kind in COLLECTIVE_KINDS for kind in kinds), "tập thể"),
        (kinds.count("person"), "cá nhân"),
        (kinds.count("household"), "hộ gia đình"),
    ]
    return ", ".join(f"{two_digits(count)} {label}" for count, label in parts if count)


def legal_name_of(nomination: Nomination) -> str:
    """The nominee's full name every document prints, never an abbreviation: the alliance's,
    the cooperative's and the other unit's full legal names, the person's full name, "Hộ gia
    đình ông …" ('' for a cooperative whose full name is not written yet: the dossier asks
    for it)."""
    name = {
        "alliance": "legal_name",
        "cooperative": "legal_name",
        "other_unit": "legal_name",
        "person": "full_name",
        "household": "display_name",
    }.get(nomination.nominee_kind)
    return getattr(nomination.nominee, name) if name else ""


def nominations_changed_since(cluster: Cluster, year: int, since) -> set[int]:
    """The ids of the cluster-year's nominations written or deleted since `since` (their
    history): what a copy kept in step may have to drop. One query."""
    history = Nomination.history.filter(cluster=cluster, year=year, history_date__gte=since)
    return set(history.values_list("id", flat=True))
