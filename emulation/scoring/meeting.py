"""The scoring meeting (bình xét): the chair records the meeting and the members' agreed
scores become final and lock. The meeting is made on what the chair's page showed: the
agreement and every member's sheet must still be at the versions the page carried
(cluster_portal.locking), compared under their row locks."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cluster_portal.locking import stale_message, stale_none, version_follow, version_lock
from emulation.nominations import rules
from emulation.nominations.rules_services import meeting_ranks_record
from provinces.organisation.dates import fmt_date

from .models import Score, ScoreSheet, ScoringAgreement
from .selectors import ScoringYear
from .services import ScoringError, StaleAgreementError, StaleSheetError, _clean_save


def shown_sheet_versions(data: ScoringYear) -> dict[int, int]:
    """The sheet versions a page made from `data` carries (by province id): what a caller
    that read `data` itself (a command, the demo) records the meeting on."""
    return {c.province.pk: c.sheet.version for c in data.columns if c.sheet is not None}


def _sheets_as_shown(
    data: ScoringYear, agreement: ScoringAgreement, seen: dict[int, int | None]
) -> dict[int, ScoreSheet]:
    """The members' sheets, locked, each still at the version the page showed (`seen`, by
    province id) and read (`data`): a sheet changed since then, or one whose version was
    not sent, refuses the meeting as stale."""
    stored = {
        s.province_id: s for s in ScoreSheet.objects.select_for_update().filter(agreement=agreement)
    }
    for column in data.columns:
        current = stored.get(column.province.pk)
        if current is None and column.sheet is None:
            continue  # no sheet at all: "not submitted" below
        shown = seen.get(column.province.pk)
        if current is None:
            raise StaleSheetError(
                gettext("Bảng chấm điểm của %(name)s đã bị xóa sau khi bạn mở trang.")
                % {"name": column.province.name},
                current_version=None,
            )
        if shown is None:
            message = stale_none()
        elif shown == current.version and column.sheet and column.sheet.version == shown:
            continue
        else:
            message = stale_message(current)
        raise StaleSheetError(
            gettext("Bảng chấm điểm của %(name)s: %(message)s")
            % {"name": column.province.name, "message": message},
            current_version=current.version,
        )
    return stored


@transaction.atomic
def scoring_meeting_record(
    *,
    data: ScoringYear,
    meeting_date: datetime.date,
    present: int,
    votes: dict[int, int | None],
    notes: str = "",
    by,
    seen_version: int | None,
    sheet_versions: dict[int, int | None],
    voting_method: str | None = None,
    ballots_issued: int | None = None,
    ballots_returned: int | None = None,
    ballots_valid: int | None = None,
) -> ScoringAgreement:
    """Every member's agreed scores become final and lock; the votes (by province id)
    break ties where the cluster's rules say so. The agreement must still be at
    `seen_version` and each member's sheet at its version in `sheet_versions` (by
    province id), as the page showed them. The "suy tôn" vote is taken as the
    cluster-year's nomination rules say (`emulation.nominations.rules`: quorum, one vote
    per member, the method and its ballots, the votes adding up to no more than the
    ballots cast); `voting_method` None: the rules' method."""
    record = data.agreement
    if record is None or not record.is_signed:
        raise ScoringError(gettext("Giao ước thi đua chưa ký."))
    agreement = version_lock(record, seen_version=seen_version, stale=StaleAgreementError)
    if agreement.locked:
        raise ScoringError(gettext("Kết quả đã được ghi và khóa."))
    sheets = _sheets_as_shown(data, agreement, sheet_versions)
    not_submitted = [
        c.province.name for c in data.columns if c.sheet is None or not c.sheet.is_submitted
    ]
    if not_submitted:
        raise ScoringError(
            gettext("Chưa nộp bảng tự chấm: %(names)s.") % {"names": ", ".join(not_submitted)}
        )
    unsettled = [
        f"{c.province.name} ({cell.criterion.number})"
        for c in data.columns
        for cell in c.cells.values()
        if cell.contested and cell.score.settled_points is None
    ]
    if unsettled:
        raise ScoringError(
            gettext("Còn điểm tỉnh không đồng ý mà Cụm trưởng chưa kết luận: %(cells)s.")
            % {"cells": ", ".join(unsettled)}
        )
    if meeting_date > timezone.localdate():
        raise ScoringError(
            gettext("Ngày họp %(value)s chưa đến.") % {"value": fmt_date(meeting_date)}
        )
    if not present or present <= 0:
        raise ScoringError(gettext("Số đại biểu có mặt phải lớn hơn 0."))
    rule = rules.rule_for(cluster_id=data.cluster.pk, year=data.year)
    ballot = rules.Ballot(
        method=voting_method or rule.voting_method,
        present=present,
        issued=ballots_issued,
        returned=ballots_returned,
        valid=ballots_valid,
    )
    cast = [v for v in (votes.get(c.province.pk) for c in data.columns) if v is not None]
    counted = (ballots_issued, ballots_returned, ballots_valid)
    vote_taken = bool(cast) or any(n is not None for n in counted)
    problems = rules.ballot_problems(
        rule, len(data.members), ballot, vote_taken=vote_taken, units_vote=True
    )
    problems += rules.meeting_votes_problems(ballot, cast)
    if problems:
        raise ScoringError(" ".join(problems))
    for column in data.columns:
        vote = votes.get(column.province.pk)
        if vote is not None and not 0 <= vote <= present:
            raise ScoringError(
                gettext(
                    "Số phiếu của %(name)s (%(vote)s) phải từ 0 đến số đại biểu có mặt "
                    "(%(present)s)."
                )
                % {"name": column.province.name, "vote": vote, "present": present}
            )
        sheet = sheets[column.province.pk]
        existing = {s.criterion_id: s for s in sheet.scores.all()}
        for cell in column.cells.values():
            score = existing.get(cell.criterion.pk) or Score(sheet=sheet, criterion=cell.criterion)
            final = cell.agreed if cell.agreed is not None else Decimal(0)
            if score.pk and score.final_points == final:
                continue
            score.final_points = final
            _clean_save(score, by=by, reason="Điểm chính thức tại cuộc họp bình xét")
        sheet.meeting_votes = vote
        sheet.version += 1
        _clean_save(sheet, by=by, reason="Ghi kết quả bình xét")
    agreement.meeting_date = meeting_date
    agreement.meeting_present = present
    agreement.meeting_notes = (notes or "").strip()
    agreement.meeting_voting_method = ballot.method if vote_taken else ""
    agreement.meeting_ballots_issued = ballot.issued
    agreement.meeting_ballots_returned = ballot.returned
    agreement.meeting_ballots_valid = ballot.valid
    meeting_ranks_record(
        cluster_id=data.cluster.pk,
        year=data.year,
        ranks={c.province.pk: c.standing.rank for c in data.columns if c.standing},
    )
    agreement.locked = True
    agreement.reopen_reason = ""
    saved = _clean_save(agreement, by=by, reason="Ghi cuộc họp bình xét, khóa điểm")
    return version_follow(record, saved)
