"""The criteria setup of a cluster-year (chair and admins): start from last year's
agreement or from an empty one, edit criteria and targets, import a file, sign."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from cluster_portal import access
from cluster_portal.locking import posted_version
from cluster_portal.numbers import parse_id
from provinces.spreadsheets.reading import FileProblem, read_rows

from .criteria_io import MAX_ROWS, parse_criteria_rows
from .forms import CriterionForm, ImportForm, NewAgreementForm, SignForm, TargetsForm
from .models import Criterion, CriterionKind
from .selectors import ScoringYear
from .services import (
    ScoringError,
    agreement_copy_last_year,
    agreement_create,
    agreement_sign,
    criteria_replace,
    criterion_delete,
    criterion_save,
    targets_set,
)
from .views import scoring_year_for


def setup_url(data: ScoringYear) -> str:
    return reverse("scoring:setup", args=[data.cluster.slug, data.year])


def _seen(request) -> int | None:
    """The agreement version the page was loaded at (optimistic locking)."""
    return posted_version(request)


def _criterion(data: ScoringYear, raw) -> Criterion | None:
    pk = parse_id(raw)
    return next((c for c in data.criteria if c.pk == pk), None)


def _forms(data: ScoringYear, editing: Criterion | None, given: dict) -> dict:
    forms = {}
    groups = [c for c in data.criteria if c.kind == CriterionKind.GROUP]
    if data.agreement is None:
        forms["new"] = given.get("new") or NewAgreementForm()
    elif not data.agreement.is_signed:
        instance = editing or Criterion(agreement=data.agreement)
        forms["criterion"] = given.get("criterion") or CriterionForm(
            instance=instance, groups=groups
        )
        forms["targets"] = given.get("targets") or TargetsForm(
            criteria=[c for c in data.leaves if c.kind == CriterionKind.TARGET],
            members=data.members,
            targets=data.targets,
        )
        forms["sign"] = given.get("sign") or SignForm()
    if data.agreement is None or not data.agreement.is_signed:
        forms["import"] = given.get("import") or ImportForm()
    return forms


def _render(request, data, *, editing=None, given=None, status=200, import_errors=()):
    target_rows = []
    forms = _forms(data, editing, given or {})
    if "targets" in forms:
        form = forms["targets"]
        target_rows = [
            {
                "criterion": c,
                "fields": [form[f"t-{c.pk}-{m.pk}"] for m in data.members],
            }
            for c in data.leaves
            if c.kind == CriterionKind.TARGET
        ]
    context = {
        "data": data,
        "forms": forms,
        "editing": editing,
        "target_rows": target_rows,
        "import_errors": import_errors,
        "problems": data.problems if data.agreement else [],
        "target_view": [
            (c, [data.targets.get((c.pk, m.pk)) for m in data.members])
            for c in data.leaves
            if c.kind == CriterionKind.TARGET
        ],
    }
    return render(request, "scoring/setup.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def setup(request, cluster: str, year: int):
    data = scoring_year_for(request, cluster, year)
    if not access.can_set_up_scoring(request.user, data.term):
        raise PermissionDenied
    if request.method != "POST":
        editing = _criterion(data, request.GET.get("edit"))
        return _render(request, data, editing=editing)
    action = request.POST.get("action", "")
    handlers = {
        "new": _new,
        "copy": _copy,
        "criterion": _save_criterion,
        "delete": _delete,
        "targets": _targets,
        "import": _import,
        "sign": _sign,
    }
    if action not in handlers:
        raise Http404
    try:
        return handlers[action](request, data)
    except ScoringError as exc:
        messages.error(request, str(exc))
        return redirect(setup_url(data))


def _new(request, data):
    form = NewAgreementForm(request.POST)
    if not form.is_valid():
        return _render(request, data, given={"new": form}, status=400)
    agreement_create(
        cluster=data.cluster,
        year=data.year,
        by=request.user,
        total_points=form.cleaned_data["total_points"],
    )
    messages.success(request, gettext("Đã tạo bảng chấm điểm năm %(year)s.") % {"year": data.year})
    return redirect(setup_url(data))


def _copy(request, data):
    agreement = agreement_copy_last_year(
        cluster=data.cluster, year=data.year, members=data.members, by=request.user
    )
    messages.success(
        request,
        gettext("Đã sao chép bảng tiêu chí và chỉ tiêu sang năm %(year)s: hãy rà soát.")
        % {"year": agreement.year},
    )
    return redirect(setup_url(data))


def _save_criterion(request, data):
    editing = _criterion(data, request.POST.get("criterion"))
    if data.agreement is None:
        raise ScoringError(gettext("Chưa có bảng chấm điểm."))
    groups = [c for c in data.criteria if c.kind == CriterionKind.GROUP]
    instance = editing or Criterion(agreement=data.agreement)
    form = CriterionForm(request.POST, instance=instance, groups=groups)
    if not form.is_valid():
        return _render(request, data, editing=editing, given={"criterion": form}, status=400)
    try:
        criterion_save(criterion=form.instance, by=request.user, seen_version=_seen(request))
    except ScoringError as exc:
        form.add_error(None, str(exc))
        return _render(request, data, editing=editing, given={"criterion": form}, status=409)
    messages.success(
        request, gettext("Đã lưu tiêu chí %(number)s.") % {"number": form.instance.number}
    )
    return redirect(setup_url(data))


def _delete(request, data):
    criterion = _criterion(data, request.POST.get("criterion"))
    if criterion is None:
        raise Http404
    criterion_delete(criterion=criterion, by=request.user, seen_version=_seen(request))
    messages.success(
        request,
        gettext("Đã xóa tiêu chí %(number)s (và các tiêu chí con).") % {"number": criterion.number},
    )
    return redirect(setup_url(data))


def _targets(request, data):
    form = TargetsForm(
        request.POST,
        criteria=[c for c in data.leaves if c.kind == CriterionKind.TARGET],
        members=data.members,
        targets=data.targets,
    )
    if not form.is_valid() or data.agreement is None:
        return _render(request, data, given={"targets": form}, status=400)
    try:
        changed = targets_set(
            agreement=data.agreement,
            values=form.values(),
            by=request.user,
            seen_version=_seen(request),
        )
    except ScoringError as exc:
        form.add_error(None, str(exc))
        return _render(request, data, given={"targets": form}, status=409)
    messages.success(
        request, gettext("Đã lưu chỉ tiêu giao (%(changed)s thay đổi).") % {"changed": changed}
    )
    return redirect(setup_url(data))


def _import(request, data):
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, data, given={"import": form}, status=400)
    upload = form.cleaned_data["file"]
    try:
        rows = read_rows(data=upload.read(), filename=upload.name, max_rows=MAX_ROWS)
    except FileProblem as exc:
        form.add_error("file", str(exc))
        return _render(request, data, given={"import": form}, status=400)
    parsed = parse_criteria_rows(rows)
    if parsed.errors:
        return _render(
            request, data, given={"import": form}, status=400, import_errors=parsed.errors
        )
    agreement = data.agreement or agreement_create(
        cluster=data.cluster, year=data.year, by=request.user
    )
    count = criteria_replace(
        agreement=agreement,
        parsed=parsed,
        members=data.members,
        by=request.user,
        seen_version=_seen(request) if data.agreement else agreement.version,
    )
    messages.success(
        request,
        gettext("Đã nhập %(count)s tiêu chí từ tệp %(name)s.")
        % {"count": count, "name": upload.name},
    )
    return redirect(setup_url(data))


def _sign(request, data):
    form = SignForm(request.POST)
    if not form.is_valid() or data.agreement is None:
        return _render(request, data, given={"sign": form}, status=400)
    agreement_sign(
        agreement=data.agreement,
        data=data,
        signed_on=form.cleaned_data["signed_on"],
        by=request.user,
        seen_version=_seen(request),
    )
    messages.success(
        request, gettext("Đã ghi nhận giao ước thi đua đã ký; bảng tiêu chí được khóa.")
    )
    return redirect(reverse("scoring:overview", args=[data.cluster.slug, data.year]))
