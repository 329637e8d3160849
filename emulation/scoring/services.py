"""Writes of emulation scoring: each a keyword-only function in a transaction that
refuses with a `ScoringError` (Vietnamese message shown as is). Access is the views'
decision (`cluster_portal.access`); these enforce the domain rules and the states."""

import contextlib
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cluster_portal.locking import (
    StaleRecordError,
    claimed_save,
    locked_at_version,
    version_follow,
    version_lock,
)
from emulation.nominations.models import AwardQuota, AwardType, Nomination, NominationStatus
from emulation.nominations.rules_services import meeting_ranks_clear
from emulation.nominations.services import (
    NominationError,
    nomination_propose,
    nomination_vote_record,
)
from provinces.organisation.dates import fmt_date
from provinces.organisation.models import Cluster, Province
from provinces.organisation.selectors import counts_as

from .criteria_io import CriteriaParse
from .models import (
    AgreementStatus,
    Criterion,
    CriterionKind,
    ScoringAgreement,
    Target,
)
from .rules import score_out_of
from .selectors import ScoringYear


class ScoringError(Exception):
    """A step refused for a reason the user can act on; the message is Vietnamese."""


class StaleSheetError(ScoringError, StaleRecordError):
    """Someone saved the sheet after the editor loaded it."""


def _clean_save(obj, *, by, reason: str = "", create: type[StaleRecordError] | None = None):
    """Check and save `obj`. `create`: a record found by what it is about, which another
    request may create at the same moment (cluster_portal.locking.claimed_save)."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ScoringError(" ".join(exc.messages)) from None
    obj._history_user = by
    if reason:
        obj._change_reason = reason
    if create is not None:
        claimed_save(obj, stale=create)
    else:
        obj.save()
    return obj


# The agreement ---------------------------------------------------------------------------


class StaleAgreementError(ScoringError, StaleRecordError):
    """Someone changed the criteria or targets after the editor loaded the page."""


def _edit_agreement(
    agreement: ScoringAgreement, *, seen_version: int | None, by, reason: str, save: bool = True
) -> ScoringAgreement:
    """Lock the agreement for an edit of its criteria or targets: refused when someone
    else changed it since the editor loaded it (`seen_version`, required: the commands and
    the demo pass the version they read), or once signed. The version moves on with every
    edit."""
    current = locked_at_version(agreement, seen_version=seen_version, stale=StaleAgreementError)
    _require_draft(current)
    if save:
        current.version += 1
        _clean_save(current, by=by, reason=reason)
        agreement.version = current.version
    return current


def _require_draft(agreement: ScoringAgreement) -> None:
    if agreement.is_signed:
        raise ScoringError(
            gettext(
                "Giao ước thi đua năm %(year)s đã ký ngày %(value)s: không sửa được bảng tiêu chí "
                "và chỉ tiêu."
            )
            % {"year": agreement.year, "value": fmt_date(agreement.signed_on)}
        )


@transaction.atomic
def agreement_create(
    *, cluster: Cluster, year: int, by, total_points: Decimal = Decimal(100)
) -> ScoringAgreement:
    """A new draft agreement; two people creating the same one at once: the second is
    refused as a stale save (StaleAgreementError), never a database error."""
    if ScoringAgreement.objects.filter(cluster=cluster, year=year).exists():
        raise ScoringError(
            gettext("%(name)s đã có giao ước thi đua năm %(year)s.")
            % {"name": cluster.name, "year": year}
        )
    agreement = ScoringAgreement(cluster=cluster, year=year, total_points=total_points)
    return _clean_save(agreement, by=by, create=StaleAgreementError)


@transaction.atomic
def agreement_copy_last_year(
    *, cluster: Cluster, year: int, members: list[Province], by
) -> ScoringAgreement:
    """A new draft agreement with the criteria, bands and targets of the latest earlier
    agreement of the cluster; a target carries over to the unit a member became."""
    source = (
        ScoringAgreement.objects.filter(cluster=cluster, year__lt=year).order_by("-year").first()
    )
    if source is None:
        raise ScoringError(
            gettext("%(name)s chưa có giao ước của năm nào trước năm %(year)s.")
            % {"name": cluster.name, "year": year}
        )
    agreement = agreement_create(
        cluster=cluster, year=year, by=by, total_points=source.total_points
    )
    member_ids = {m.pk for m in members}
    new_ids: dict[int, Criterion] = {}
    for old in source.criteria.order_by("order", "pk"):
        new_ids[old.pk] = _clean_save(
            Criterion(
                agreement=agreement,
                parent=new_ids.get(old.parent_id),
                number=old.number,
                title=old.title,
                kind=old.kind,
                max_points=old.max_points,
                indicator=old.indicator,
                denominator=old.denominator,
                bands=old.bands,
                order=old.order,
            ),
            by=by,
        )
    for target in Target.objects.filter(criterion__agreement=source).select_related(
        "province__successor__successor"
    ):
        unit = counts_as(target.province, year)
        if unit.pk in member_ids and target.criterion_id in new_ids:
            Target.objects.get_or_create(
                criterion=new_ids[target.criterion_id],
                province=unit,
                defaults={"value": target.value},
            )
    return agreement


@transaction.atomic
def criterion_save(*, criterion: Criterion, by, seen_version: int | None) -> Criterion:
    _edit_agreement(
        criterion.agreement, seen_version=seen_version, by=by, reason=f"Tiêu chí {criterion.number}"
    )
    parent = criterion.parent
    if parent is not None:
        if parent.agreement_id != criterion.agreement_id:
            raise ScoringError(gettext("Nhóm cấp trên phải thuộc cùng giao ước."))
        if parent.kind != CriterionKind.GROUP:
            raise ScoringError(
                gettext("%(number)s không phải là nhóm tiêu chí.") % {"number": parent.number}
            )
        if criterion.pk and parent.pk == criterion.pk:
            raise ScoringError(gettext("Một tiêu chí không thể thuộc chính nó."))
    if criterion.max_points is not None and criterion.max_points * 2 % 1:
        raise ScoringError(gettext("Điểm tối đa phải theo bước 0,5."))
    if not criterion.order:
        last = criterion.agreement.criteria.order_by("-order").first()
        criterion.order = (last.order if last else 0) + 10
    return _clean_save(criterion, by=by)


@transaction.atomic
def criterion_delete(*, criterion: Criterion, by, seen_version: int | None) -> None:
    _edit_agreement(
        criterion.agreement,
        seen_version=seen_version,
        by=by,
        reason=f"Xóa tiêu chí {criterion.number}",
    )
    criterion._history_user = by
    criterion.delete()


@transaction.atomic
def targets_set(
    *,
    agreement: ScoringAgreement,
    values: dict[tuple[int, int], Decimal | None],
    by,
    seen_version: int | None,
) -> int:
    """Set or clear (None) the target of each (criterion id, province id)."""
    _edit_agreement(agreement, seen_version=seen_version, by=by, reason="Chỉ tiêu giao")
    existing = {
        (t.criterion_id, t.province_id): t
        for t in Target.objects.filter(criterion__agreement=agreement)
    }
    changed = 0
    for key, value in values.items():
        target = existing.get(key)
        if value is None:
            if target is not None:
                target._history_user = by
                target.delete()
                changed += 1
        elif target is None or target.value != value:
            target = target or Target(criterion_id=key[0], province_id=key[1])
            target.value = value
            _clean_save(target, by=by)
            changed += 1
    return changed


@transaction.atomic
def criteria_replace(
    *,
    agreement: ScoringAgreement,
    parsed: CriteriaParse,
    members: list[Province],
    by,
    seen_version: int | None,
) -> int:
    """The import: replace the draft agreement's criteria and targets by the file's, all
    or nothing. Target columns name member province codes of that year."""
    _edit_agreement(agreement, seen_version=seen_version, by=by, reason="Nhập bảng tiêu chí")
    if parsed.errors:
        raise ScoringError(gettext("Tệp có lỗi: không nhập dòng nào."))
    if not parsed.specs:
        raise ScoringError(gettext("Tệp không có tiêu chí nào: bảng tiêu chí giữ nguyên."))
    by_code = {m.code: m for m in members}
    unknown = [code for code in parsed.target_codes if code not in by_code]
    if unknown:
        raise ScoringError(
            gettext(
                "Cột chỉ tiêu của tỉnh %(value)s: không phải thành viên của cụm năm %(year)s (các "
                "mã: %(value2)s)."
            )
            % {
                "value": ", ".join(unknown),
                "year": agreement.year,
                "value2": ", ".join(sorted(by_code)),
            }
        )
    agreement.criteria.all().delete()
    saved: dict[int, Criterion] = {}
    for position, spec in enumerate(parsed.specs, start=1):
        with _in_row(spec.row):
            _replace_row(agreement, spec, position, saved, by_code, by=by)
    return len(saved)


@contextlib.contextmanager
def _in_row(row: int):
    """A refusal of the save names the file's row (the whole import is rolled back)."""
    try:
        yield
    except ScoringError as exc:
        raise ScoringError(
            gettext("Tệp có lỗi ở dòng %(row)s: %(exc)s Không nhập dòng nào.")
            % {"row": row, "exc": exc}
        ) from None


def _replace_row(agreement, spec, position: int, saved: dict, by_code: dict, *, by) -> None:
    """One row of the file: its criterion, then its targets."""
    criterion = _clean_save(
        Criterion(
            agreement=agreement,
            parent=saved.get(spec.parent_row),
            number=spec.number,
            title=spec.title,
            kind=spec.kind,
            max_points=spec.max_points,
            indicator=spec.indicator,
            denominator=spec.denominator,
            bands=spec.bands,
            order=position * 10,
        ),
        by=by,
    )
    saved[spec.row] = criterion
    for code, value in spec.targets.items():
        _clean_save(Target(criterion=criterion, province=by_code[code], value=value), by=by)


@transaction.atomic
def agreement_sign(
    *,
    agreement: ScoringAgreement,
    data: ScoringYear,
    signed_on: datetime.date,
    by,
    seen_version: int | None,
) -> ScoringAgreement:
    """Mark the agreement signed: from then the criteria and targets do not change."""
    record = agreement
    agreement = _edit_agreement(agreement, seen_version=seen_version, by=by, reason="", save=False)
    problems = data.problems
    if problems:
        raise ScoringError(
            gettext("Chưa thể ký giao ước: %(problems)s") % {"problems": " ".join(problems)}
        )
    if signed_on > timezone.localdate():
        raise ScoringError(gettext("Ngày ký %(value)s chưa đến.") % {"value": fmt_date(signed_on)})
    agreement.status = AgreementStatus.SIGNED
    agreement.signed_on = signed_on
    agreement.version += 1
    return version_follow(record, _clean_save(agreement, by=by, reason="Ký giao ước"))


# The result (the scoring meeting is in meeting.py) ----------------------------------------


@transaction.atomic
def scoring_reopen(
    *, agreement: ScoringAgreement, reason: str, by, seen_version: int | None
) -> ScoringAgreement:
    """An admin unlocks the scores of a cluster-year, with the reason."""
    record = agreement
    agreement = version_lock(record, seen_version=seen_version, stale=StaleAgreementError)
    if not agreement.locked:
        raise ScoringError(gettext("Kết quả chấm điểm chưa khóa."))
    reason = (reason or "").strip()
    if not reason:
        raise ScoringError(gettext("Ghi lý do mở lại kết quả chấm điểm."))
    agreement.locked = False
    agreement.reopen_reason = reason
    meeting_ranks_clear(cluster_id=agreement.cluster_id, year=agreement.year)
    return version_follow(record, _clean_save(agreement, by=by, reason=f"Mở lại: {reason}"))


@transaction.atomic
def ranking_propose(
    *,
    data: ScoringYear,
    award_type: AwardType,
    provinces: list[Province],
    by,
    seen_version: int | None,
) -> list[Nomination]:
    """Propose members from the recorded ranking for an award, within its quota, each
    nomination carrying its score and rank (and the meeting's vote when recorded). The
    agreement must still be at `seen_version` (the page's ranking), locked meanwhile: a
    result reopened or recorded again since is refused. The agreement itself does not
    change, so its version does not move."""
    if data.agreement is None:
        raise ScoringError(
            gettext("Chỉ đề nghị khen thưởng từ kết quả đã ghi tại cuộc họp bình xét.")
        )
    stored = locked_at_version(data.agreement, seen_version=seen_version, stale=StaleAgreementError)
    if not stored.locked:
        raise ScoringError(
            gettext("Chỉ đề nghị khen thưởng từ kết quả đã ghi tại cuộc họp bình xét.")
        )
    if not provinces:
        raise ScoringError(gettext("Chọn ít nhất một tỉnh để đề nghị."))
    columns = {c.province.pk: c for c in data.columns}
    quota = (
        AwardQuota.objects.select_for_update()
        .filter(cluster=data.cluster, year=data.year, award_type=award_type)
        .first()
    )
    if quota is not None:
        used = (
            Nomination.objects.filter(cluster=data.cluster, year=data.year, award_type=award_type)
            .exclude(status=NominationStatus.NOT_GRANTED)
            .count()
        )
        if used + len(provinces) > quota.quota:
            raise ScoringError(
                gettext(
                    "Vượt chỉ tiêu %(name)s: tối đa %(quota)s, đã có %(used)s đề nghị, không thể "
                    "đề nghị thêm %(value)s."
                )
                % {
                    "name": award_type.name,
                    "quota": quota.quota,
                    "used": used,
                    "value": len(provinces),
                }
            )
    agreement, count = data.agreement, len(data.columns)
    created = []
    for province in provinces:
        column = columns.get(province.pk)
        if column is None:
            raise ScoringError(
                gettext("%(name)s không có trong bảng xếp hạng năm %(year)s.")
                % {"name": province.name, "year": data.year}
            )
        standing = column.standing
        text = (
            f"Xếp thứ {standing.rank}/{count} trong bảng chấm điểm thi đua năm {data.year} của "
            f"Cụm, đạt {score_out_of(standing.total, agreement.total_points)}."
        )
        try:
            nomination = nomination_propose(
                cluster=data.cluster,
                year=data.year,
                award_type=award_type,
                by=by,
                alliance=province,
                achievements=text,
            )
            votes = column.sheet.meeting_votes if column.sheet else None
            if votes is not None and agreement.meeting_present:
                nomination = nomination_vote_record(
                    nomination=nomination,
                    votes_for=votes,
                    votes_present=agreement.meeting_present,
                    voting_method=agreement.meeting_voting_method or None,
                    ballots_issued=agreement.meeting_ballots_issued,
                    ballots_returned=agreement.meeting_ballots_returned,
                    ballots_valid=agreement.meeting_ballots_valid,
                    by=by,
                    seen_version=nomination.version,  # the one just proposed
                )
        except NominationError as exc:
            raise ScoringError(str(exc)) from None
        created.append(nomination)
    return created
