"""What the nomination rules (`rules.py`) read besides the nomination itself, for one
nominee or many at once: a unit's other nominations of the year and its register entries
(one achievement, one award), the scoring meeting's ranks and the alliances proposed (the
rank's reason). Read for many, each is one query whatever the number of nominees, so a
page that checks a whole dossier (the alliance's review) reads a fixed number; the rules
themselves stay in `rules.py`, which take these preloaded or read them for one."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from emulation.awards.models import AwardRecord
from emulation.nominations.models import MeetingRank, Nomination, NominationStatus

Unit = tuple[str, int]  # a nominee as (kind, id): ("cooperative", 12)


def unit_of(nomination: Nomination) -> Unit | None:
    kind = nomination.nominee_kind
    return (kind, getattr(nomination, f"nominee_{kind}_id")) if kind else None


def _by_kind(units: Iterable[Unit]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for kind, pk in units:
        if pk is not None:
            wanted[kind].add(pk)
    return wanted


def year_nominations(*, year: int, units: Iterable[Unit]) -> dict[Unit, list[Nomination]]:
    """The units' nominations of `year` in every cluster, not turned down, in the model's
    order, by unit. One query whatever the number of units (none for none)."""
    wanted = _by_kind(units)
    found: dict[Unit, list[Nomination]] = defaultdict(list)
    if not wanted:
        return found
    condition = Q(pk__in=[])
    for kind, ids in wanted.items():
        condition |= Q(**{f"nominee_{kind}__in": ids})
    rows = (
        Nomination.objects.filter(condition, year=year)
        .exclude(status=NominationStatus.NOT_GRANTED)
        .select_related("award_type", "cluster")
    )
    for nomination in rows:
        found[unit_of(nomination)].append(nomination)
    return found


def year_records(*, year: int, units: Iterable[Unit]) -> dict[Unit, list[AwardRecord]]:
    """The register's awards for the units' achievement of `year`, by unit. One query."""
    wanted = _by_kind(units)
    found: dict[Unit, list[AwardRecord]] = defaultdict(list)
    if not wanted:
        return found
    condition = Q(pk__in=[])
    for kind, ids in wanted.items():
        condition |= Q(**{f"{kind}__in": ids})
    for record in AwardRecord.objects.filter(condition, year=year):
        kind = record.unit_kind
        found[(kind, getattr(record, f"{kind}_id"))].append(record)
    return found


@dataclass
class YearAwards:
    """What the one-award rule reads for many nominees of one year, read at once."""

    nominations: dict[Unit, list[Nomination]] = field(default_factory=dict)
    records: dict[Unit, list[AwardRecord]] = field(default_factory=dict)


def year_awards(*, year: int, units: Iterable[Unit]) -> YearAwards:
    """Two queries whatever the number of units."""
    units = list(units)
    return YearAwards(
        nominations=year_nominations(year=year, units=units),
        records=year_records(year=year, units=units),
    )


def ranks_of(*, cluster_id: int, year: int) -> list[MeetingRank]:
    return list(
        MeetingRank.objects.filter(cluster_id=cluster_id, year=year)
        .select_related("province")
        .order_by("rank", "province__name")
    )


def proposed_alliances(*, cluster_id: int, year: int) -> set[int]:
    """The alliances with a nomination that year in the cluster."""
    return set(
        Nomination.objects.filter(
            cluster_id=cluster_id, year=year, nominee_alliance__isnull=False
        ).values_list("nominee_alliance_id", flat=True)
    )


@dataclass
class MeetingRanks:
    """The scoring meeting's ranks of a cluster-year and the alliances proposed that year,
    read once for every nominee of the dossier (`meeting_ranks`, two queries)."""

    ranks: list[MeetingRank]
    proposed: set[int]


def meeting_ranks(*, cluster_id: int, year: int) -> MeetingRanks:
    return MeetingRanks(
        ranks=ranks_of(cluster_id=cluster_id, year=year),
        proposed=proposed_alliances(cluster_id=cluster_id, year=year),
    )
