"""Writes on one member's score sheet: self-scoring with evidence, submitting,
cross-checking, the member's answer and the chair's settlement.

Every write names the sheet version the editor loaded; a sheet saved by someone else in
the meantime is refused (optimistic locking) and the caller keeps what was typed. Every
score change is kept in the history with who and why.
"""

from decimal import Decimal
from pathlib import PurePath

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cluster_portal import access
from cluster_portal.locking import locked_at_version, stale_none
from cluster_portal.number_style import format_exact
from provinces.organisation.models import Province

from .models import (
    EVIDENCE_EXTENSIONS,
    EVIDENCE_MAX_BYTES,
    CriterionKind,
    EvidenceFile,
    Response,
    Score,
    ScoreSheet,
    ScoringAgreement,
    SheetStatus,
)
from .rules import points_problem
from .selectors import ScoringYear
from .services import ScoringError, StaleSheetError, _clean_save
from .sheet_context import sheet_context

# (criterion id) -> (points or None, text)
Entries = dict[int, tuple[Decimal | None, str]]


def _sheet_for_write(data: ScoringYear, province: Province, *, by, seen_version: int | None):
    """The member's sheet locked for update (created on the first save, the page then
    showing version 0), its version checked (cluster_portal.locking: a missing version is
    stale); `_bump` moves it on when saved. The agreement is read again under its row
    lock: a scoring meeting recorded since the page was loaded has locked the scores."""
    agreement = data.agreement
    if agreement is not None:
        agreement = ScoringAgreement.objects.select_for_update().filter(pk=agreement.pk).first()
    if agreement is None or not agreement.is_signed:
        raise ScoringError(gettext("Giao ước thi đua chưa ký: chưa chấm điểm được."))
    if agreement.locked:
        raise ScoringError(gettext("Kết quả chấm điểm đã khóa sau cuộc họp bình xét."))
    sheet = (
        ScoreSheet.objects.select_for_update()
        .filter(agreement=agreement, province=province)
        .first()
    )
    if sheet is None:
        if seen_version is None:
            raise StaleSheetError(stale_none(), current_version=None)
        if seen_version != 0:
            raise StaleSheetError(
                gettext("Bảng chấm điểm đã bị xóa sau khi bạn mở trang."), current_version=None
            )
        return _clean_save(ScoreSheet(agreement=agreement, province=province), by=by)
    return locked_at_version(sheet, seen_version=seen_version, stale=StaleSheetError)


def _refuse_own_unit(data: ScoringYear, province: Province, by, action: str) -> None:
    """Four eyes on every path, in the write's transaction: nobody cross-checks or settles
    their own unit's sheet (`access.own_unit_refusal`)."""
    reason = access.own_unit_refusal(by, sheet_context(data, province), action)
    if reason:
        raise ScoringError(reason)


def _bump(sheet: ScoreSheet, *, by, reason: str) -> ScoreSheet:
    sheet.version += 1
    return _clean_save(sheet, by=by, reason=reason)


def _scores(sheet: ScoreSheet) -> dict[int, Score]:
    return {s.criterion_id: s for s in Score.objects.select_for_update().filter(sheet=sheet)}


def _leaves(data: ScoringYear) -> dict[int, object]:
    return {c.pk: c for c in data.leaves}


def _check_points(criterion, points: Decimal) -> None:
    problem = points_problem(points, criterion.max_points)
    if problem:
        raise ScoringError(
            gettext("Tiêu chí %(number)s: %(problem)s")
            % {"number": criterion.number, "problem": problem}
        )


@transaction.atomic
def sheet_self_save(
    *,
    data: ScoringYear,
    province: Province,
    entries: Entries,
    seen_version: int | None,
    by,
    submit: bool = False,
) -> ScoreSheet:
    """The member's own scores with their justification. For a computed criterion a
    score is an override of the computed one and needs a reason; blank keeps the
    computed score. With `submit` the sheet is submitted in the same save (one version
    step; a refused submit saves nothing)."""
    sheet = _sheet_for_write(data, province, by=by, seen_version=seen_version)
    if sheet.is_submitted:
        raise ScoringError(gettext("Bảng đã nộp: không sửa điểm tự chấm được nữa."))
    _self_scores(sheet, data, entries, by=by)
    if submit:
        _mark_submitted(sheet, data, by=by)
        return _bump(sheet, by=by, reason="Lưu điểm tự chấm và nộp bảng")
    return _bump(sheet, by=by, reason="Lưu điểm tự chấm")


def _self_scores(sheet: ScoreSheet, data: ScoringYear, entries: Entries, *, by) -> None:
    leaves, scores = _leaves(data), _scores(sheet)
    for criterion_id, (points, text) in entries.items():
        criterion = leaves.get(criterion_id)
        if criterion is None:
            raise ScoringError(gettext("Tiêu chí không thuộc bảng chấm điểm năm này."))
        text = (text or "").strip()
        if points is not None:
            _check_points(criterion, points)
            if not text and (criterion.is_computed or points > 0):
                computed = criterion.is_computed
                what = (
                    gettext("lý do sửa điểm tính từ số liệu") if computed else gettext("giải trình")
                )
                raise ScoringError(
                    gettext("Tiêu chí %(number)s: ghi %(what)s.")
                    % {"number": criterion.number, "what": what}
                )
        score = scores.get(criterion_id) or Score(sheet=sheet, criterion=criterion)
        if score.pk and score.self_points == points and score.justification == text:
            continue
        score.self_points, score.justification = points, text
        _clean_save(score, by=by, reason="Tự chấm điểm")


@transaction.atomic
def sheet_submit(*, data: ScoringYear, province: Province, seen_version: int | None, by):
    sheet = _sheet_for_write(data, province, by=by, seen_version=seen_version)
    if sheet.is_submitted:
        raise ScoringError(gettext("Bảng chấm điểm đã nộp."))
    _mark_submitted(sheet, data, by=by)
    return _bump(sheet, by=by, reason="Nộp bảng tự chấm")


def _mark_submitted(sheet: ScoreSheet, data: ScoringYear, *, by) -> None:
    """Every judged criterion self-scored, or the submit is refused."""
    scored = {cid for cid, s in _scores(sheet).items() if s.self_points is not None}
    missing = [
        c.number for c in data.leaves if c.kind == CriterionKind.JUDGED and c.pk not in scored
    ]
    if missing:
        raise ScoringError(
            "Chưa tự chấm các tiêu chí: " + ", ".join(missing) + ". Chấm đủ rồi mới nộp."
        )
    sheet.status = SheetStatus.SUBMITTED
    sheet.submitted_by = by if getattr(by, "is_authenticated", False) else None
    sheet.submitted_at = timezone.now()


@transaction.atomic
def sheet_cross_check(
    *, data: ScoringYear, province: Province, entries: Entries, seen_version: int | None, by
) -> ScoreSheet:
    """The cluster's score per criterion; blank means the cluster agrees with the
    self-score. A score that differs needs its reason."""
    sheet = _sheet_for_write(data, province, by=by, seen_version=seen_version)
    _refuse_own_unit(data, province, by, "cross")
    if not sheet.is_submitted:
        raise ScoringError(gettext("Tỉnh chưa nộp bảng tự chấm: chưa chấm chéo được."))
    leaves, scores = _leaves(data), _scores(sheet)
    column = data.column(province.pk)
    for criterion_id, (points, reason) in entries.items():
        criterion = leaves.get(criterion_id)
        if criterion is None:
            raise ScoringError(gettext("Tiêu chí không thuộc bảng chấm điểm năm này."))
        reason = (reason or "").strip()
        own = column.cells[criterion_id].self_points
        if points is not None:
            _check_points(criterion, points)
            if points != own and not reason:
                raise ScoringError(
                    gettext(
                        "Tiêu chí %(number)s: Cụm chấm %(value)s khác điểm tự chấm %(value2)s: "
                        "ghi lý do."
                    )
                    % {
                        "number": criterion.number,
                        "value": format_exact(points),
                        "value2": format_exact(own) if own is not None else gettext("(chưa có)"),
                    }
                )
        score = scores.get(criterion_id) or Score(sheet=sheet, criterion=criterion)
        if score.pk and score.cluster_points == points and score.cluster_reason == reason:
            continue
        if score.self_points is None and points is not None and own is not None:
            # Keep the computed self-score beside the cluster's, so that the difference
            # stays visible if the figures change later.
            score.self_points = own
            score.justification = score.justification or "Tính từ số liệu đã duyệt."
        score.cluster_points, score.cluster_reason = points, reason
        score.response, score.response_comment = Response.NONE, ""
        _clean_save(score, by=by, reason="Cụm chấm chéo")
    sheet.cross_checked_at = timezone.now()
    return _bump(sheet, by=by, reason="Chấm chéo")


@transaction.atomic
def sheet_answer(
    *,
    data: ScoringYear,
    province: Province,
    answers: dict[int, tuple[str, str]],
    seen_version: int | None,
    by,
) -> ScoreSheet:
    """The member agrees with or contests each difference; contesting needs a comment."""
    sheet = _sheet_for_write(data, province, by=by, seen_version=seen_version)
    scores = _scores(sheet)
    for criterion_id, (response, comment) in answers.items():
        score = scores.get(criterion_id)
        if score is None or score.cluster_points is None:
            raise ScoringError(gettext("Chỉ trả lời được tiêu chí Cụm đã chấm khác."))
        comment = (comment or "").strip()
        if response not in Response.values:
            raise ScoringError(gettext("Ý kiến phải là đồng ý hoặc không đồng ý."))
        if response == Response.CONTEST and not comment:
            raise ScoringError(
                gettext("Tiêu chí %(number)s: ghi lý do không đồng ý.")
                % {"number": score.criterion.number}
            )
        if (score.response, score.response_comment) == (response, comment):
            continue
        score.response, score.response_comment = response, comment
        _clean_save(score, by=by, reason="Ý kiến của tỉnh")
    return _bump(sheet, by=by, reason="Ý kiến về điểm chấm chéo")


@transaction.atomic
def sheet_settle(
    *, data: ScoringYear, province: Province, entries: Entries, seen_version: int | None, by
) -> ScoreSheet:
    """The chair's conclusion on contested scores (the vice-head's on the chair's sheet)."""
    sheet = _sheet_for_write(data, province, by=by, seen_version=seen_version)
    _refuse_own_unit(data, province, by, "settle")
    leaves, scores = _leaves(data), _scores(sheet)
    for criterion_id, (points, note) in entries.items():
        score = scores.get(criterion_id)
        if score is None or criterion_id not in leaves:
            raise ScoringError(gettext("Tiêu chí chưa có điểm để kết luận."))
        note = (note or "").strip()
        if points is not None:
            _check_points(leaves[criterion_id], points)
            if not note:
                raise ScoringError(
                    gettext("Tiêu chí %(number)s: ghi nội dung kết luận.")
                    % {"number": score.criterion.number}
                )
        if (score.settled_points, score.settle_note) == (points, note):
            continue
        score.settled_points, score.settle_note = points, note
        _clean_save(score, by=by, reason="Cụm trưởng kết luận")
    return _bump(sheet, by=by, reason="Kết luận điểm")


# Evidence --------------------------------------------------------------------------------

_SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".ppt": (b"\xd0\xcf\x11\xe0",),
}
_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


def evidence_problem(name: str, size: int, head: bytes) -> str | None:
    suffix = PurePath(name or "").suffix.lower()
    if suffix not in EVIDENCE_EXTENSIONS:
        return (
            f"Tệp “{name}”: chỉ nhận PDF, ảnh (PNG, JPG) và tệp Office "
            "(DOC, DOCX, XLS, XLSX, PPT, PPTX, ODT, ODS)."
        )
    if size > EVIDENCE_MAX_BYTES:
        mb = format_exact(Decimal(EVIDENCE_MAX_BYTES // (1024 * 1024)))
        return f"Tệp “{name}” vượt giới hạn {mb} MB."
    if size == 0:
        return f"Tệp “{name}” rỗng."
    if not head.startswith(_SIGNATURES[suffix]):
        return f"Tệp “{name}” không đúng định dạng {suffix[1:].upper()} (có thể bị đổi đuôi)."
    return None


@transaction.atomic
def evidence_add(
    *, data: ScoringYear, province: Province, criterion_id: int, upload, seen_version, by
) -> EvidenceFile:
    """Attach an uploaded file to the member's score on one criterion, stored through
    Django's storage under a random name."""
    head = upload.read(8)
    upload.seek(0)
    problem = evidence_problem(upload.name, upload.size, head)
    if problem:
        raise ScoringError(problem)
    sheet = _sheet_for_write(data, province, by=by, seen_version=seen_version)
    if sheet.is_submitted:
        raise ScoringError(gettext("Bảng đã nộp: không thêm minh chứng được nữa."))
    criterion = _leaves(data).get(criterion_id)
    if criterion is None:
        raise ScoringError(gettext("Chọn tiêu chí của minh chứng."))
    score, _ = Score.objects.get_or_create(sheet=sheet, criterion=criterion)
    suffix = PurePath(upload.name).suffix.lower()
    item = EvidenceFile(
        score=score,
        original_name=PurePath(upload.name).name[:255],
        size=upload.size,
        content_type=_CONTENT_TYPES.get(suffix, "application/octet-stream"),
        uploaded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    item.file.save(upload.name, upload, save=False)
    item.save()
    _bump(sheet, by=by, reason=f"Thêm minh chứng {item.original_name}")
    return item


@transaction.atomic
def evidence_delete(*, data: ScoringYear, item: EvidenceFile, seen_version, by) -> None:
    sheet = _sheet_for_write(data, item.score.sheet.province, by=by, seen_version=seen_version)
    if sheet.is_submitted:
        raise ScoringError(gettext("Bảng đã nộp: không xóa minh chứng được nữa."))
    name, stored = item.original_name, item.file.name
    storage = item.file.storage
    item.delete()
    transaction.on_commit(lambda: storage.delete(stored))
    _bump(sheet, by=by, reason=f"Xóa minh chứng {name}")
