"""The writes on what the nomination rules read: a cluster-year's rules (the rules
page's save) and the ranks the scoring meeting agreed."""

from django.db import transaction

from cluster_portal.locking import claimed_save, version_claim
from emulation.nominations.models import MeetingRank, VoteRule


@transaction.atomic
def vote_rule_save(*, rule: VoteRule, by, seen_version: int | None) -> VoteRule:
    """Save a cluster-year's nomination rules through the one versioned save
    (cluster_portal.locking): refused as stale when someone saved them in between, or
    created them meanwhile (`seen_version` 0: the page showed the defaults)."""
    version_claim(
        rule, seen_version=seen_version, key={"cluster_id": rule.cluster_id, "year": rule.year}
    )
    rule.full_clean()
    rule._history_user = by
    claimed_save(rule)
    return rule


def meeting_ranks_record(*, cluster_id: int, year: int, ranks: dict[int, int]) -> None:
    """The ranks (by province id) the scoring meeting agreed, which the rules read
    (`rules.rank_reason_refusal`). Called by the scoring meeting inside its transaction."""
    MeetingRank.objects.filter(cluster_id=cluster_id, year=year).delete()
    MeetingRank.objects.bulk_create(
        MeetingRank(cluster_id=cluster_id, year=year, province_id=pid, rank=rank)
        for pid, rank in ranks.items()
    )


def meeting_ranks_clear(*, cluster_id: int, year: int) -> None:
    """The scoring result was reopened: no rank stands until the meeting is recorded again."""
    MeetingRank.objects.filter(cluster_id=cluster_id, year=year).delete()
