"""The nomination rules, one home for each (../shared/scoring.md, "What the law and practice
fix"). Forms, services (nominations, the scoring meeting, the proposal from the ranking),
the pages and the API all ask these functions; each refusal is a Vietnamese sentence the
user can act on.

- One achievement, one award (Law 2022: "không khen thưởng nhiều lần, nhiều hình thức cho
  một thành tích"): a nominee is proposed once a year, whatever the award or the cluster,
  and not at all for a year whose achievement the award register already shows rewarded.
- A vote: a quorum, no more present than member units (one vote each), the voting method
  of the cluster-year with, for a secret ballot, ballots issued ≥ returned ≥ valid, and a
  threshold counted on the base and with the comparison the cluster-year sets.
- The "suy tôn" ballots of the scoring meeting add up to no more than those cast.
- A nominee ranked below members not proposed needs a written reason.

The settings are `VoteRule` rows per cluster-year (defaults from practice: see there).

The rules that read other records (one achievement one award, the rank's reason) read
them themselves for one nominee, or take them preloaded for many (`year_awards`,
`rule_inputs`: a fixed number of queries for a whole dossier, as the review reads it);
the same function decides either way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext, gettext_noop

from cluster_portal.number_style import format_percent
from emulation.nominations.models import (
    Comparison,
    Nomination,
    ThresholdBase,
    VoteRule,
    VotingMethod,
)
from provinces.organisation.models import ClusterMembership, Province

from .rule_inputs import (
    MeetingRanks,
    YearAwards,
    proposed_alliances,
    ranks_of,
    year_nominations,
    year_records,
)

LAW_ONE_AWARD = gettext_noop(
    "một thành tích chỉ đề nghị một hình thức khen thưởng (Luật Thi đua, khen thưởng năm "
    "2022: không khen thưởng nhiều lần, nhiều hình thức cho một thành tích)"
)


def rule_for(*, cluster_id: int, year: int) -> VoteRule:
    """The cluster-year's rules, or the defaults (an unsaved row) when none is stored."""
    rule = VoteRule.objects.filter(cluster_id=cluster_id, year=year).first()
    return rule or VoteRule(cluster_id=cluster_id, year=year, version=0)


def member_count(*, cluster_id: int, year: int) -> int:
    return ClusterMembership.objects.in_year(year).filter(cluster_id=cluster_id).count()


# The vote ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ballot:
    """How a vote was taken: the method, the members present and, for a secret ballot,
    the ballots issued, returned and valid."""

    method: str
    present: int | None
    issued: int | None = None
    returned: int | None = None
    valid: int | None = None

    @property
    def is_secret(self) -> bool:
        return self.method == VotingMethod.SECRET

    @property
    def cast(self) -> int | None:
        """The votes that count: the valid ballots of a secret vote, else those present."""
        return self.valid if self.is_secret else self.present


def quorum_needed(rule: VoteRule, members: int) -> int:
    return math.ceil(members * rule.quorum_percent / 100)


def ballot_problems(
    rule: VoteRule,
    members: int,
    ballot: Ballot,
    *,
    vote_taken: bool = True,
    units_vote: bool = False,
) -> list[str]:
    """What is wrong with how a vote was taken, read against the cluster-year's rules.
    A meeting that took no vote (`vote_taken` False: a scoring meeting where nobody was
    "suy tôn") is held to its quorum only, with no method or ballots. `units_vote`: the
    voters are the member units themselves (the scoring meeting), so no more can be
    present than there are members, whatever `one_vote_per_member` says."""
    present = ballot.present
    if present is None or present <= 0:
        return [gettext("Số thành viên có mặt phải lớn hơn 0.")]
    problems = []
    if (rule.one_vote_per_member or units_vote) and present > members:
        problems.append(
            gettext(
                "Số thành viên có mặt (%(present)s) không được vượt quá số thành viên của Cụm "
                "năm %(year)s (%(members)s): mỗi thành viên một phiếu."
            )
            % {"present": present, "year": rule.year, "members": members}
        )
    need = quorum_needed(rule, members)
    if present < need:
        problems.append(
            gettext(
                "Chưa đủ số thành viên có mặt để biểu quyết: có mặt %(present)s/%(members)s, "
                "cần ít nhất %(need)s (%(percent)s %% tổng số thành viên)."
            )
            % {
                "present": present,
                "members": members,
                "need": need,
                "percent": rule.quorum_percent,
            }
        )
    if not vote_taken:
        return problems
    if ballot.method != rule.voting_method:
        problems.append(
            gettext("Quy định của Cụm năm %(year)s: %(method)s; ghi kết quả theo hình thức này.")
            % {"year": rule.year, "method": str(VotingMethod(rule.voting_method).label).lower()}
        )
        return problems
    counts = (ballot.issued, ballot.returned, ballot.valid)
    if not ballot.is_secret:
        if any(n is not None for n in counts):
            problems.append(gettext("Biểu quyết giơ tay không có phiếu: để trống số phiếu."))
        return problems
    if any(n is None or n < 0 for n in counts):
        problems.append(
            gettext("Bỏ phiếu kín: ghi số phiếu phát ra, số phiếu thu về và số phiếu hợp lệ.")
        )
        return problems
    issued, returned, valid = counts
    if issued > present:
        problems.append(
            gettext(
                "Số phiếu phát ra (%(issued)s) không được lớn hơn số thành viên có mặt "
                "(%(present)s)."
            )
            % {"issued": issued, "present": present}
        )
    if returned > issued:
        problems.append(
            gettext(
                "Số phiếu thu về (%(returned)s) không được lớn hơn số phiếu phát ra (%(issued)s)."
            )
            % {"returned": returned, "issued": issued}
        )
    if valid > returned:
        problems.append(
            gettext(
                "Số phiếu hợp lệ (%(valid)s) không được lớn hơn số phiếu thu về (%(returned)s)."
            )
            % {"valid": valid, "returned": returned}
        )
    return problems


def votes_for_problems(ballot: Ballot, votes_for: int | None) -> list[str]:
    if votes_for is None or votes_for < 0:
        return [gettext("Số phiếu tán thành không được âm.")]
    if ballot.present and votes_for > ballot.present:
        return [
            gettext(
                "Số phiếu tán thành (%(votes)s) không được lớn hơn số đại biểu có mặt "
                "(%(present)s)."
            )
            % {"votes": votes_for, "present": ballot.present}
        ]
    if ballot.is_secret and ballot.valid is not None and votes_for > ballot.valid:
        return [
            gettext(
                "Số phiếu tán thành (%(votes)s) không được lớn hơn số phiếu hợp lệ (%(valid)s)."
            )
            % {"votes": votes_for, "valid": ballot.valid}
        ]
    return []


def meeting_votes_problems(ballot: Ballot, votes: list[int]) -> list[str]:
    """The scoring meeting's "suy tôn": each ballot names at most one member, so the votes
    of all members add up to no more than the ballots cast."""
    total = sum(votes)
    cast = ballot.cast
    if cast is None or total <= cast:
        return []
    if ballot.is_secret:
        text = gettext(
            "Tổng số phiếu suy tôn (%(total)s) không được lớn hơn số phiếu hợp lệ (%(cast)s)."
        )
    else:
        text = gettext(
            "Tổng số phiếu suy tôn (%(total)s) không được lớn hơn số thành viên có mặt (%(cast)s)."
        )
    return [text % {"total": total, "cast": cast}]


THRESHOLD_TEXT = {  # (comparison, base): "trên 50 % tổng số thành viên của Cụm"
    (Comparison.MORE, ThresholdBase.MEMBERS): gettext_noop(
        "trên %(percent)s %% tổng số thành viên của Cụm"
    ),
    (Comparison.MORE, ThresholdBase.PRESENT): gettext_noop(
        "trên %(percent)s %% số thành viên có mặt"
    ),
    (Comparison.AT_LEAST, ThresholdBase.MEMBERS): gettext_noop(
        "từ %(percent)s %% tổng số thành viên của Cụm"
    ),
    (Comparison.AT_LEAST, ThresholdBase.PRESENT): gettext_noop(
        "từ %(percent)s %% số thành viên có mặt"
    ),
}


def threshold_base(rule: VoteRule, members: int, present: int) -> int:
    return members if rule.threshold_base == ThresholdBase.MEMBERS else present


def vote_passes(rule: VoteRule, members: int, votes_for: int, present: int) -> bool:
    """Integer arithmetic, so no rounding at the edge: with "more than 50 % of the
    members" 4 of 7 passes and, of 8, 4 does not."""
    base = threshold_base(rule, members, present)
    if base <= 0:
        return False
    if rule.threshold_comparison == Comparison.AT_LEAST:
        return votes_for * 100 >= rule.threshold_percent * base
    return votes_for * 100 > rule.threshold_percent * base


def threshold_text(rule: VoteRule) -> str:
    """ "trên 50 % tổng số thành viên của Cụm"."""
    text = THRESHOLD_TEXT[(rule.threshold_comparison, rule.threshold_base)]
    return gettext(text) % {"percent": rule.threshold_percent}


def vote_refusal(rule: VoteRule, members: int, votes_for: int, present: int) -> str | None:
    if vote_passes(rule, members, votes_for, present):
        return None
    base = threshold_base(rule, members, present)
    share = f"{votes_for}/{base} ({format_percent(Decimal(votes_for * 100) / base)})"
    return gettext("Chưa đạt tỷ lệ biểu quyết: %(share)s tán thành, cần %(threshold)s.") % {
        "share": share,
        "threshold": threshold_text(rule),
    }


# One achievement, one award ----------------------------------------------------------------


def one_award_refusal(
    *,
    year: int,
    name: str,
    alliance: Province | None = None,
    cooperative=None,
    other_unit=None,
    person=None,
    household=None,
    exclude_pk: int | None = None,
    known: YearAwards | None = None,
) -> str | None:
    """The refusal of a second award for the achievement of `year`: another nomination of
    that year (not turned down), or an award already decided in the register. The nominee
    is one of alliance, cooperative, other_unit, person, household. `known`: the year's
    nominations and register entries read for many nominees at once (`year_awards`);
    without it, this nominee's are read (one or two queries)."""
    given = {"alliance": alliance, "cooperative": cooperative, "other_unit": other_unit}
    given |= {"person": person, "household": household}
    kind, nominee = next((k, v) for k, v in given.items() if v is not None)
    unit = (kind, nominee.pk)
    nominations = known.nominations if known else year_nominations(year=year, units=[unit])
    earlier = next((n for n in nominations.get(unit, ()) if n.pk != exclude_pk), None)
    if earlier is not None:
        return gettext(
            "%(name)s đã được đề nghị %(award)s năm %(year)s (%(cluster)s): %(law)s."
        ) % {
            "name": name,
            "award": earlier.award_type.name,
            "year": year,
            "cluster": earlier.cluster.name,
            "law": gettext(LAW_ONE_AWARD),
        }
    records = known.records if known else year_records(year=year, units=[unit])
    record = next(iter(records.get(unit, ())), None)
    if record is not None:
        return gettext(
            "%(name)s đã được khen %(award)s cho thành tích năm %(year)s (%(decision)s): %(law)s."
        ) % {
            "name": name,
            "award": record.award,
            "year": year,
            "decision": record.decision_text,
            "law": gettext(LAW_ONE_AWARD),
        }
    return None


# The ranking ------------------------------------------------------------------------------


def ranked_above_not_proposed(
    nomination: Nomination, known: MeetingRanks | None = None
) -> tuple[int | None, int, list]:
    """For an alliance nominee: its rank at the scoring meeting, the number ranked, and
    the members ranked above it that have no nomination that year in the cluster. `known`:
    the cluster-year's ranks read once (`meeting_ranks`); without it, read here."""
    if not nomination.nominee_alliance_id:
        return None, 0, []
    where = {"cluster_id": nomination.cluster_id, "year": nomination.year}
    ranks = known.ranks if known else ranks_of(**where)
    mine = next((r.rank for r in ranks if r.province_id == nomination.nominee_alliance_id), None)
    if mine is None:
        return None, len(ranks), []
    proposed = known.proposed if known else proposed_alliances(**where)
    above = [r for r in ranks if r.rank < mine and r.province_id not in proposed]
    return mine, len(ranks), above


def rank_reason_refusal(nomination: Nomination, known: MeetingRanks | None = None) -> str | None:
    if (nomination.rank_reason or "").strip():
        return None
    rank, count, above = ranked_above_not_proposed(nomination, known)
    if not above:
        return None
    names = ", ".join(
        gettext("%(name)s (thứ %(rank)s)") % {"name": r.province.name, "rank": r.rank}
        for r in above
    )
    return gettext(
        "%(nominee)s xếp thứ %(rank)s/%(count)s, sau %(names)s không được đề nghị: ghi lý do "
        "đề nghị (được in trong biên bản hội nghị)."
    ) % {"nominee": nomination.nominee_name, "rank": rank, "count": count, "names": names}
