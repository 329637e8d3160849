"""Award nominations of a cluster-year: the writes that move a nomination along
(proposed → endorsed → submitted → granted / not granted). The reads (the vote rule, the
quota count, the page's list) are in `selectors.py`.

Access is decided by the views through `cluster_portal.access`; these functions enforce
the domain rules (membership, duplicates, the vote threshold, the quota, the order of the
steps) and refuse with a `NominationError` whose message is shown to the user as is.
"""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from cluster_portal import access
from cluster_portal.locking import StaleRecordError, locked_at_version
from emulation.awards.models import AwardRecord
from emulation.nominations.models import (
    AwardQuota,
    AwardType,
    Nomination,
    NominationStatus,
)
from emulation.nominees import services as nominees
from provinces.disbursements.models import BorrowerKind
from provinces.disbursements.services import borrower_find_or_create
from provinces.organisation.dates import fmt_date
from provinces.organisation.models import Cluster, ClusterMembership, Province

from . import rules
from .selectors import COUNTED_AGAINST_QUOTA

# What the steps change (re-read under the row lock by `_lock`).
_MUTABLE_FIELDS = ["status", "votes_for", "votes_present", "voting_method", "ballots_issued"]
_MUTABLE_FIELDS += ["ballots_returned", "ballots_valid", "rank_reason", "decision_number"]
_MUTABLE_FIELDS += ["decision_date", "not_granted_reason"]


class NominationError(Exception):
    """A step refused for a reason the user can act on; the message is Vietnamese."""


class NominationConflictError(NominationError):
    """The same nominee proposed by another request at the same moment (the API: 409)."""


class StaleNominationError(NominationError, StaleRecordError):
    """Someone else moved the nomination on after the page was opened (or no version)."""


# Helpers ---------------------------------------------------------------------------------


def _lock(nomination: Nomination, seen_version: int | None) -> None:
    """Re-read what the steps change, under a row lock, so two clicks cannot both move
    the same nomination, and refuse a step taken on a stale page or without the version
    the page showed (optimistic locking, cluster_portal.locking): nothing the other person
    recorded is overwritten. The version moves on when the step is saved (`_save`)."""
    current = locked_at_version(nomination, seen_version=seen_version, stale=StaleNominationError)
    for name in [*_MUTABLE_FIELDS, "version"]:
        setattr(nomination, name, getattr(current, name))


def _require_status(nomination: Nomination, expected: str, action: str) -> None:
    if nomination.status != expected:
        raise NominationError(
            gettext(
                "Không thể %(action)s: đề nghị đang ở trạng thái “%(value)s”, chỉ %(action)s được "
                "khi ở trạng thái “%(label)s”."
            )
            % {
                "action": gettext(action),
                "value": nomination.get_status_display(),
                "label": NominationStatus(expected).label,
            }
        )


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def _save(nomination: Nomination, *, by) -> Nomination:
    try:
        nomination.full_clean()
    except ValidationError as exc:
        raise NominationError(_messages(exc)) from None
    nomination._history_user = by
    nomination.version = nomination.version + 1 if nomination.pk else 1
    nomination.save()
    return nomination


# How each kind of nominee a province records is found again or recorded.
_FIND_OR_CREATE = {
    "other_unit": nominees.other_unit_find_or_create,
    "person": nominees.person_find_or_create,
    "household": nominees.household_find_or_create,
}


def _set_nominee(nomination: Nomination, *, province, by, cooperative, **particulars):
    """A cooperative, other unit, person or household of `province`: found, or added to
    its records. `particulars`: other_unit=, person=, household= (one of them given)."""
    try:
        if cooperative is not None:
            name, kind = cooperative
            if kind not in BorrowerKind.values:
                raise NominationError(gettext("Loại hình phải là HTX hoặc THT."))
            nomination.nominee_cooperative, _ = borrower_find_or_create(
                province=province, name=name, kind=kind, by=by
            )
        else:
            kind, data = next((k, v) for k, v in particulars.items() if v)
            unit = _FIND_OR_CREATE[kind](province=province, by=by, **data)
            setattr(nomination, f"nominee_{kind}", unit)
    except ValidationError as exc:
        raise NominationError(_messages(exc)) from None


# Services --------------------------------------------------------------------------------


@transaction.atomic
def nomination_propose(
    *,
    cluster: Cluster,
    year: int,
    award_type: AwardType,
    by,
    alliance: Province | None = None,
    cooperative_name: str | None = None,
    cooperative_kind: str = BorrowerKind.HTX,
    cooperative_province: Province | None = None,
    person: dict | None = None,
    household: dict | None = None,
    other_unit: dict | None = None,
    achievements: str = "",
    rank_reason: str = "",
    form_key: uuid.UUID | None = None,
) -> Nomination:
    """Propose one nominee: a member alliance, a cooperative looked up by name (case,
    accents and spacing aside) in a member province's directory and added to it if new,
    or an individual (`person`: emulation.nominees.services.PERSON_FIELDS) or a household
    (`household`: HOUSEHOLD_FIELDS) or another unit (`other_unit`: OTHER_UNIT_FIELDS), found
    again or recorded with their particulars.

    The province of a cooperative, person or household is `cooperative_province` when
    given (admins and the chair name it), otherwise the unit the proposer acts for that
    year. Whether `by` may propose
    for that province is the view's decision (`access.can_propose_nomination`).

    A proposal repeated with the same `form_key` (the form submitted twice) returns the
    nomination the first one made, marked `repeated`.
    """
    if form_key is not None:
        earlier = Nomination.objects.filter(form_key=form_key).first()
        if earlier is not None:
            earlier.repeated = True
            return earlier
    cooperative_name = " ".join((cooperative_name or "").split())
    chosen = [alliance is not None, *map(bool, (cooperative_name, other_unit, person, household))]
    if sum(chosen) > 1:
        raise NominationError(
            gettext(
                "Chọn đúng một đối tượng: Liên minh HTX tỉnh, một HTX/THT, một đơn vị khác, một "
                "cá nhân hoặc một hộ gia đình, không chọn nhiều đối tượng."
            )
        )
    if not any(chosen):
        raise NominationError(
            gettext(
                "Chưa chọn đối tượng đề nghị: chọn Liên minh HTX tỉnh, nhập tên HTX/THT, hoặc "
                "ghi đơn vị khác, cá nhân, hộ gia đình."
            )
        )
    member_ids = set(
        ClusterMembership.objects.in_year(year)
        .filter(cluster=cluster)
        .values_list("province_id", flat=True)
    )
    nomination = Nomination(
        cluster=cluster,
        year=year,
        award_type=award_type,
        achievements=achievements.strip(),
        rank_reason=(rank_reason or "").strip(),
        proposed_by=by if getattr(by, "is_authenticated", False) else None,
        form_key=form_key,
    )
    if alliance is not None:
        if alliance.pk not in member_ids:
            raise NominationError(
                gettext(
                    "%(alliance_name)s không phải thành viên của %(name)s năm %(year)s, nên không "
                    "thể được cụm đề nghị khen thưởng."
                )
                % {"alliance_name": alliance.alliance_name, "name": cluster.name, "year": year}
            )
        nomination.nominee_alliance = alliance
        nominee = alliance.alliance_name
    else:
        province = cooperative_province or access.unit_of(by, year)
        if province is None:
            raise NominationError(gettext("Chọn tỉnh có HTX/THT được đề nghị."))
        if province.pk not in member_ids:
            raise NominationError(
                gettext(
                    "%(name)s không phải thành viên của %(name2)s năm %(year)s: chỉ đề nghị "
                    "HTX/THT, đơn vị khác, cá nhân, hộ gia đình của các tỉnh thành viên."
                )
                % {"name": province.name, "name2": cluster.name, "year": year}
            )
        _set_nominee(
            nomination,
            province=province,
            by=by,
            cooperative=(cooperative_name, cooperative_kind) if cooperative_name else None,
            other_unit=other_unit,
            person=person,
            household=household,
        )
        unit = nomination.nominee  # named without its province, as typed
        nominee = unit.name if nomination.nominee_cooperative_id else str(unit)
    refusal = rules.one_award_refusal(year=year, name=nominee, **nomination.nominee_unit_key)
    if refusal:
        raise NominationError(refusal)
    try:
        with transaction.atomic():
            return _save(nomination, by=by)
    except IntegrityError:
        # The same form, or the same nominee, saved by another request at this moment.
        earlier = form_key and Nomination.objects.filter(form_key=form_key).first()
        if not earlier:
            raise NominationConflictError(
                gettext("%(nominee)s vừa được đề nghị %(name)s của %(name2)s năm %(year)s.")
                % {"nominee": nominee, "name": award_type.name, "name2": cluster.name, "year": year}
            ) from None
        earlier.repeated = True
        return earlier


@transaction.atomic
def nomination_vote_record(
    *,
    nomination: Nomination,
    votes_for: int,
    votes_present: int,
    by,
    seen_version: int | None,
    voting_method: str | None = None,
    ballots_issued: int | None = None,
    ballots_returned: int | None = None,
    ballots_valid: int | None = None,
    rank_reason: str | None = None,
) -> Nomination:
    """The conference's vote on a proposed nominee, taken as the cluster-year's rules say
    (`rules`: quorum, one vote per member, the method and its ballots); it can be
    corrected until endorsed. `voting_method` None: the method the rules set. A
    `rank_reason` given replaces the one recorded."""
    _lock(nomination, seen_version)
    _require_status(nomination, NominationStatus.PROPOSED, gettext_noop("ghi kết quả biểu quyết"))
    rule = rules.rule_for(cluster_id=nomination.cluster_id, year=nomination.year)
    ballot = rules.Ballot(
        method=voting_method or rule.voting_method,
        present=votes_present,
        issued=ballots_issued,
        returned=ballots_returned,
        valid=ballots_valid,
    )
    members = rules.member_count(cluster_id=nomination.cluster_id, year=nomination.year)
    problems = rules.ballot_problems(rule, members, ballot) or rules.votes_for_problems(
        ballot, votes_for
    )
    if problems:
        raise NominationError(" ".join(problems))
    nomination.votes_for = votes_for
    nomination.votes_present = votes_present
    nomination.voting_method = ballot.method
    nomination.ballots_issued = ballot.issued
    nomination.ballots_returned = ballot.returned
    nomination.ballots_valid = ballot.valid
    if rank_reason is not None:
        nomination.rank_reason = rank_reason.strip()
    return _save(nomination, by=by)


@transaction.atomic
def nomination_endorse(*, nomination: Nomination, by, seen_version: int | None) -> Nomination:
    """The conference endorses the nominee: the vote, read against the cluster-year's
    rules as they stand now, must pass; the nominee has no other award for the year's
    achievement; a nominee ranked below members not proposed has its reason written; the
    award type's quota must have room."""
    _lock(nomination, seen_version)
    _require_status(nomination, NominationStatus.PROPOSED, gettext_noop("thống nhất đề nghị"))
    if nomination.votes_for is None or not nomination.votes_present:
        raise NominationError(
            gettext(
                "Chưa ghi kết quả biểu quyết của hội nghị: ghi số phiếu tán thành và số đại biểu "
                "có mặt trước khi thống nhất đề nghị."
            )
        )
    rule = rules.rule_for(cluster_id=nomination.cluster_id, year=nomination.year)
    members = rules.member_count(cluster_id=nomination.cluster_id, year=nomination.year)
    ballot = rules.Ballot(
        method=nomination.voting_method or rule.voting_method,
        present=nomination.votes_present,
        issued=nomination.ballots_issued,
        returned=nomination.ballots_returned,
        valid=nomination.ballots_valid,
    )
    refusal = (
        " ".join(rules.ballot_problems(rule, members, ballot))
        or rules.vote_refusal(rule, members, nomination.votes_for, nomination.votes_present)
        or rules.one_award_refusal(
            year=nomination.year,
            name=nomination.nominee_name,
            exclude_pk=nomination.pk,
            **nomination.nominee_unit_key,
        )
        or rules.rank_reason_refusal(nomination)
    )
    if refusal:
        raise NominationError(refusal)
    # Lock the quota row so that two endorsements of the same type cannot both take the
    # last place.
    quota = (
        AwardQuota.objects.select_for_update()
        .filter(
            cluster_id=nomination.cluster_id,
            year=nomination.year,
            award_type_id=nomination.award_type_id,
        )
        .first()
    )
    if quota is not None:
        used = (
            Nomination.objects.filter(
                cluster_id=nomination.cluster_id,
                year=nomination.year,
                award_type_id=nomination.award_type_id,
                status__in=COUNTED_AGAINST_QUOTA,
            )
            .exclude(pk=nomination.pk)
            .count()
        )
        if used >= quota.quota:
            raise NominationError(
                gettext(
                    "Đã đủ chỉ tiêu %(name)s của cụm năm %(year)s: tối đa %(quota)s, đã thống "
                    "nhất đề nghị %(used)s."
                )
                % {
                    "name": nomination.award_type.name,
                    "year": nomination.year,
                    "quota": quota.quota,
                    "used": used,
                }
            )
    nomination.status = NominationStatus.ENDORSED
    return _save(nomination, by=by)


@transaction.atomic
def nomination_submit(*, nomination: Nomination, by, seen_version: int | None) -> Nomination:
    _lock(nomination, seen_version)
    _require_status(
        nomination, NominationStatus.ENDORSED, gettext_noop("trình Liên minh HTX Việt Nam")
    )
    nomination.status = NominationStatus.SUBMITTED
    return _save(nomination, by=by)


@transaction.atomic
def nomination_decide(
    *,
    nomination: Nomination,
    by,
    granted: bool,
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    reason: str = "",
    seen_version: int | None,
) -> Nomination:
    """Record the VCA's answer: granted with its decision number and date, or not
    granted with the reason."""
    _lock(nomination, seen_version)
    _require_status(nomination, NominationStatus.SUBMITTED, gettext_noop("ghi kết quả khen thưởng"))
    decision_number = (decision_number or "").strip()
    reason = (reason or "").strip()
    if granted:
        if not decision_number or decision_date is None:
            raise NominationError(
                gettext("Được khen thưởng phải có số quyết định và ngày quyết định.")
            )
        if decision_date > timezone.localdate():
            raise NominationError(
                gettext("Ngày quyết định %(value)s chưa đến.") % {"value": fmt_date(decision_date)}
            )
        nomination.status = NominationStatus.GRANTED
        nomination.decision_number = decision_number
        nomination.decision_date = decision_date
        nomination.not_granted_reason = ""
        _register_granted(nomination, by=by)
    else:
        if not reason:
            raise NominationError(gettext("Không được khen thưởng: ghi rõ lý do."))
        nomination.status = NominationStatus.NOT_GRANTED
        nomination.not_granted_reason = reason
        nomination.decision_number = ""
        nomination.decision_date = None
    return _save(nomination, by=by)


def _register_granted(nomination: Nomination, *, by) -> None:
    """A granted nomination goes into the nominee's award-history register (the VCA
    decides its own flag and certificates: scoring.md), unless the province has already
    entered that decision."""
    unit = nomination.nominee_unit_key
    record = AwardRecord(
        **unit,
        year=nomination.year,
        award=nomination.award_type.name,
        decision_number=nomination.decision_number,
        decision_date=nomination.decision_date,
        issuer="Liên minh Hợp tác xã Việt Nam",
    )
    same = {"year": record.year, "decision_number": record.decision_number}
    if AwardRecord.objects.filter(**unit, **same).exists():
        return
    try:
        record.full_clean()
    except ValidationError as exc:
        raise NominationError(_messages(exc)) from None
    record._history_user = by if getattr(by, "is_authenticated", False) else None
    record._change_reason = "Ghi từ kết quả đề nghị khen thưởng"
    record.save()


@transaction.atomic
def nomination_withdraw(*, nomination: Nomination, by, seen_version: int | None) -> None:
    """Take back a nomination the conference has not endorsed; its history stays."""
    _lock(nomination, seen_version)
    _require_status(nomination, NominationStatus.PROPOSED, gettext_noop("rút đề nghị"))
    nomination._history_user = by
    nomination.delete()
