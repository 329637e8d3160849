"""A member's score sheet: self vs cluster side by side, and every step on it (self-score
with evidence, submit, cross-check, answer, settle). Evidence files are streamed only to
those who may read the sheet; to anyone else the URL does not exist (404)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from cluster_portal import access
from cluster_portal.collector import collector_paused
from cluster_portal.locking import posted_version
from cluster_portal.numbers import parse_id
from cluster_portal.offline import offline_page

from .forms import EvidenceForm, PlainInput, SheetForm
from .models import EvidenceFile, Response
from .selectors import ScoringYear, sheet_history
from .services import ScoringError
from .sheet_context import sheet_context
from .sheet_rows import SheetRows, history_rows
from .sheets import (
    evidence_add,
    evidence_delete,
    sheet_answer,
    sheet_cross_check,
    sheet_self_save,
    sheet_settle,
)
from .views import member_for


def sheet_url(data: ScoringYear, province) -> str:
    return reverse("scoring:sheet", args=[data.cluster.slug, data.year, province.code])


def _initial(data: ScoringYear, column) -> dict:
    initial = {"version": column.sheet.version if column.sheet else 0}
    for cell in column.cells.values():
        pk, score = cell.criterion.pk, cell.score
        if score is None:
            continue
        initial.update(
            {
                f"self-{pk}": score.self_points,
                f"just-{pk}": score.justification,
                f"cross-{pk}": score.cluster_points,
                f"reason-{pk}": score.cluster_reason,
                f"answer-{pk}": score.response,
                f"comment-{pk}": score.response_comment,
                f"settle-{pk}": score.settled_points,
                f"note-{pk}": score.settle_note,
            }
        )
    return {k: _points_text(v) if isinstance(v, Decimal) else v for k, v in initial.items()}


def _points_text(value: Decimal) -> str:
    """25.0 → "25", 27.5 → "27,5": as a person types it."""
    return f"{value.normalize():f}".replace(".", ",")


def _rights(user, data: ScoringYear, province) -> dict:
    ctx = sheet_context(data, province)
    return {
        "edit": access.can_edit_score_sheet(user, ctx),
        "cross": access.can_cross_check_score_sheet(user, ctx),
        "answer": access.can_answer_score_sheet(user, ctx),
        "settle": access.can_settle_score_sheet(user, ctx),
        "summary": access.can_view_scoring_summary(user, ctx),
    }


def _four_eyes(user, data: ScoringYear, province, column) -> str | None:
    """To a judge of the year on their own unit's submitted sheet: who judges it instead."""
    submitted = column.sheet is not None and column.sheet.is_submitted and not data.locked
    if not (submitted and access.reads_every_score(user, data.term)):
        return None
    return access.own_unit_refusal(user, sheet_context(data, province), "cross")


def _render(request, data, province, *, form=None, evidence_form=None, status=200):
    column = data.column(province.pk)
    rights = _rights(request.user, data, province)
    leaves = data.leaves
    form = form or SheetForm(initial=_initial(data, column), leaves=leaves)
    evidence_rows = []
    for line in data.lines:
        c = line.criterion
        score = None if c.is_group else column.cells[c.pk].score
        items = data.evidence.get(score.pk) if score is not None else None
        if items:
            evidence_rows.append((c, items))
    rows = SheetRows(
        data=data,
        province=province,
        column=column,
        rights=rights,
        form=form,
        evidence=data.evidence,
    )
    if evidence_form is None and rights["edit"]:
        evidence_form = EvidenceForm(
            leaves=leaves, initial={"version": column.sheet.version if column.sheet else 0}
        )
    context = {
        "data": data,
        "province": province,
        "column": column,
        "rows": rows.html(),
        "evidence_rows": evidence_rows,
        "form": form,
        "evidence_form": evidence_form,
        "evidence_criterion": PlainInput(evidence_form["criterion"]) if evidence_form else "",
        "rights": rights,
        "any_write": any(rights[k] for k in ("edit", "cross", "answer", "settle")),
        "four_eyes": _four_eyes(request.user, data, province, column),
    }
    context["history"] = history = sheet_history(column.sheet)
    context["history_rows"] = history_rows(history)
    return render(request, "scoring/sheet.html", context, status=status)


@login_required
@offline_page  # kept by the service worker for offline reload, for this user only
@require_http_methods(["GET", "HEAD", "POST"])
# Python's cyclic collector paused, as during an import: the page's scoring year (every
# member's totals, thousands of values) lives until the page is written, and the
# collector walked it again and again (a tenth of the 34 × 80 page).
@collector_paused()
def sheet(request, cluster: str, year: int, code: str):
    data, province = member_for(request, cluster, year, code)
    if request.method != "POST":
        return _render(request, data, province)
    action = request.POST.get("action", "")
    if action in ("upload", "delete-evidence"):
        return _evidence_post(request, data, province, action)
    rights = _rights(request.user, data, province)
    needed = {
        "self": "edit",
        "submit": "edit",
        "cross": "cross",
        "answer": "answer",
        "settle": "settle",
    }
    if action not in needed:
        raise Http404
    if not rights[needed[action]]:
        reason = None
        if action in ("cross", "settle"):  # four eyes: the refusal names its reason
            reason = access.own_unit_refusal(request.user, sheet_context(data, province), action)
        raise PermissionDenied(reason or "")
    form = SheetForm(request.POST, leaves=data.leaves)
    if not form.is_valid():
        return _render(request, data, province, form=form, status=400)
    column = data.column(province.pk)
    version = form.cleaned_data["version"]
    user = request.user
    try:
        if action in ("self", "submit"):
            # Saving and submitting is one versioned save: a refused submit saves nothing.
            sheet_self_save(
                data=data,
                province=province,
                entries=form.entries("self", "just"),
                seen_version=version,
                by=user,
                submit=action == "submit",
            )
            done = gettext("Đã lưu điểm tự chấm.")
            if action == "submit":
                done = gettext("Đã nộp bảng tự chấm cho Cụm trưởng.")
        elif action == "cross":
            sheet_cross_check(
                data=data,
                province=province,
                entries=form.entries("cross", "reason"),
                seen_version=version,
                by=user,
            )
            done = gettext("Đã lưu điểm Cụm chấm chéo.")
        elif action == "answer":
            differing = {pk for pk, cell in column.cells.items() if cell.differs}
            answers = {
                pk: (form.cleaned_data[f"answer-{pk}"], form.cleaned_data[f"comment-{pk}"])
                for pk in differing
                if form.cleaned_data[f"answer-{pk}"] in (Response.AGREE, Response.CONTEST)
            }
            sheet_answer(
                data=data, province=province, answers=answers, seen_version=version, by=user
            )
            done = gettext("Đã gửi ý kiến về điểm Cụm chấm.")
        else:
            open_ = {pk for pk, cell in column.cells.items() if cell.differs or cell.contested}
            sheet_settle(
                data=data,
                province=province,
                entries=form.entries("settle", "note", only=open_),
                seen_version=version,
                by=user,
            )
            done = gettext("Đã ghi kết luận của Cụm trưởng.")
    except ScoringError as exc:
        form.add_error(None, str(exc))
        return _render(request, data, province, form=form, status=409)
    messages.success(request, done)
    return redirect(sheet_url(data, province))


def _evidence_post(request, data: ScoringYear, province, action: str):
    ctx = sheet_context(data, province)
    if not access.can_change_evidence_file(request.user, ctx):
        raise PermissionDenied
    if action == "delete-evidence":
        item = _evidence_item(data, province, request.POST.get("evidence", ""))
        version = posted_version(request)
        try:
            evidence_delete(data=data, item=item, seen_version=version, by=request.user)
        except ScoringError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                gettext("Đã xóa minh chứng %(original_name)s.")
                % {"original_name": item.original_name},
            )
        return redirect(sheet_url(data, province))
    form = EvidenceForm(request.POST, request.FILES, leaves=data.leaves)
    if form.is_valid():
        try:
            item = evidence_add(
                data=data,
                province=province,
                criterion_id=form.cleaned_data["criterion"],
                upload=form.cleaned_data["file"],
                seen_version=form.cleaned_data["version"],
                by=request.user,
            )
        except ScoringError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(
                request,
                gettext("Đã thêm minh chứng %(original_name)s.")
                % {"original_name": item.original_name},
            )
            return redirect(sheet_url(data, province))
    return _render(request, data, province, evidence_form=form, status=400)


def _evidence_item(data: ScoringYear, province, pk) -> EvidenceFile:
    pk = parse_id(pk)
    if pk is None:
        raise Http404
    item = (
        EvidenceFile.objects.filter(
            pk=pk, score__sheet__agreement=data.agreement, score__sheet__province=province
        )
        .select_related("score__sheet")
        .first()
    )
    if item is None:
        raise Http404
    item.score.sheet.province = province
    return item


@login_required
@require_safe
def evidence(request, cluster: str, year: int, code: str, pk: int):
    """Stream an evidence file to a reader of its sheet (member_for is 404 otherwise)."""
    data, province = member_for(request, cluster, year, code)
    if not access.can_view_evidence_file(request.user, sheet_context(data, province)):
        raise Http404
    item = _evidence_item(data, province, pk)
    try:
        handle = item.file.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=item.original_name, content_type=item.content_type
    )
