"""The scoring pages of a cluster-year: the overview with the ranking and the chair's
result steps, and the summary downloads. A member's sheet is in `sheet_views.py`, the
criteria setup in `setup_views.py`. Access is decided in `cluster_portal.access`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import conditional_page, require_POST, require_safe

from cluster_portal import access
from cluster_portal.collector import collector_paused
from cluster_portal.documents import Document, document_response
from cluster_portal.locking import posted_version
from emulation.nominations.models import AwardQuota, AwardType
from provinces.calendar.selectors import deadlines_for
from provinces.organisation.lookups import check_cluster_year
from provinces.organisation.models import Cluster, Province
from provinces.organisation.selectors import province_for_code

from .chart import groups_chart
from .forms import PlainInput, ProposeFromRankingForm, ReasonForm
from .meeting import scoring_meeting_record
from .meeting_form import MeetingForm
from .render import XLSX, render_summary_pdf, render_summary_xlsx
from .selectors import ScoringYear, scoring_year
from .services import ScoringError, ranking_propose, scoring_reopen
from .sheet_context import sheet_context, summary_sheet_context
from .sheet_rows import meeting_inputs, member_rows, ranking_rows, unranked_rows
from .sources import scoring_sources

YEARS = range(1990, 2101)


def scoring_year_for(
    request, cluster: str, year: int, *, evidence_for: Province | None = None
) -> ScoringYear:
    """The cluster-year; 404 unless the user is in the cluster that year (or an admin)."""
    if year not in YEARS:
        raise Http404
    data = scoring_year(get_object_or_404(Cluster, slug=cluster), year, evidence_for=evidence_for)
    check_cluster_year(request, data.member_ids, year)
    return data


def member_for(request, cluster: str, year: int, code: str) -> tuple[ScoringYear, Province]:
    """A member's sheet context; 404 for a code that is no member that year, and for a
    sheet the user may not read."""
    if year not in YEARS or len(code) != 2 or not code.isdigit():
        raise Http404
    province = province_for_code(code, year)
    if province is None:
        raise Http404
    data = scoring_year_for(request, cluster, year, evidence_for=province)
    if province.pk not in data.member_ids:
        raise Http404
    if not access.can_view_score_sheet(request.user, sheet_context(data, province)):
        raise Http404
    return data, province


def overview_url(data: ScoringYear) -> str:
    return reverse("scoring:overview", args=[data.cluster.slug, data.year])


def _render_overview(request, data: ScoringYear, *, forms=None, status: int = 200):
    user = request.user
    summary = access.can_view_scoring_summary(user, summary_sheet_context(data))
    rows = []
    for column in data.columns:
        ctx = sheet_context(data, column.province)
        readable = access.can_view_score_sheet(user, ctx)
        rows.append(
            {
                "column": column,
                "readable": readable,
                "own": access.can_edit_score_sheet(user, ctx) or (readable and not summary),
            }
        )
    forms = forms or {}
    agreement = data.agreement
    can_meet = (
        agreement is not None
        and agreement.is_signed
        and not agreement.locked
        and access.can_record_scoring_meeting(user, data.term)
    )
    if can_meet and "meeting" not in forms:
        forms["meeting"] = MeetingForm(members=data.members)
    if data.locked and access.can_reopen_scoring(user) and "reopen" not in forms:
        forms["reopen"] = ReasonForm()
    quotas = []
    if data.locked and access.can_record_scoring_meeting(user, data.term):
        award_types = list(AwardType.objects.order_by("order", "name"))
        by_type = {
            q.award_type_id: q.quota
            for q in AwardQuota.objects.filter(cluster=data.cluster, year=data.year)
        }
        forms.setdefault(
            "propose", ProposeFromRankingForm(award_types=award_types, ranking=data.ranking)
        )
        quotas = [(t, by_type.get(t.pk)) for t in award_types]
    context = {
        "data": data,
        "rows": rows,
        "member_rows": member_rows(rows, data, summary=summary),
        "ranking_rows": ranking_rows(data) if summary and data.agreement and data.lines else "",
        "unranked_rows": unranked_rows(data) if summary and data.agreement and data.lines else "",
        "summary": summary,
        "chart": groups_chart(data) if summary and data.lines else "",
        "can_set_up": access.can_set_up_scoring(user, data.term),
        "is_chair": access.is_chair(user, data.term),
        "forms": forms,
        # The meeting form has a vote input per member: each written by PlainInput, the
        # loop in Python (sheet_rows.meeting_inputs).
        "meeting": meeting_inputs(data, [PlainInput(b) for b in forms["meeting"]])
        if "meeting" in forms
        else {},
        "quotas": quotas,
        "deadlines": deadlines_for(data.cluster, data.year),
    }
    return render(request, "scoring/overview.html", context, status=status)


@login_required
@require_safe
# Python's cyclic collector paused, as during an import: the page's scoring year (every
# member's totals, thousands of values) lives until the page is written, and the
# collector walked it again and again (a tenth of the 34 × 80 page).
@collector_paused()
def overview(request, cluster: str, year: int):
    return _render_overview(request, scoring_year_for(request, cluster, year))


@login_required
@require_POST
def meeting(request, cluster: str, year: int):
    data = scoring_year_for(request, cluster, year)
    if not access.can_record_scoring_meeting(request.user, data.term):
        raise PermissionDenied
    form = MeetingForm(request.POST, members=data.members)
    if form.is_valid():
        try:
            scoring_meeting_record(
                data=data,
                meeting_date=form.cleaned_data["meeting_date"],
                present=form.cleaned_data["present"],
                votes=form.votes(),
                notes=form.cleaned_data["notes"],
                **form.ballot(),
                by=request.user,
                seen_version=posted_version(request),
                sheet_versions={
                    c.province.pk: posted_version(request, f"sheet-{c.province.pk}")
                    for c in data.columns
                },
            )
        except ScoringError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, gettext("Đã ghi kết quả cuộc họp bình xét; điểm đã được khóa.")
            )
            return redirect(overview_url(data))
    return _render_overview(request, data, forms={"meeting": form}, status=400)


@login_required
@require_POST
def reopen(request, cluster: str, year: int):
    data = scoring_year_for(request, cluster, year)
    if not access.can_reopen_scoring(request.user):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    if form.is_valid() and data.agreement is not None:
        try:
            scoring_reopen(
                agreement=data.agreement,
                reason=form.cleaned_data["reason"],
                by=request.user,
                seen_version=posted_version(request),
            )
        except ScoringError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("Đã mở lại kết quả chấm điểm."))
            return redirect(overview_url(data))
    return _render_overview(request, data, forms={"reopen": form}, status=400)


@login_required
@require_POST
def propose(request, cluster: str, year: int):
    data = scoring_year_for(request, cluster, year)
    if not access.can_record_scoring_meeting(request.user, data.term):
        raise PermissionDenied
    award_types = list(AwardType.objects.order_by("order", "name"))
    form = ProposeFromRankingForm(request.POST, award_types=award_types, ranking=data.ranking)
    if form.is_valid():
        award = next(t for t in award_types if t.pk == form.cleaned_data["award_type"])
        chosen = set(form.cleaned_data["provinces"])
        provinces = [m for m in data.members if m.pk in chosen]
        try:
            created = ranking_propose(
                data=data,
                award_type=award,
                provinces=provinces,
                by=request.user,
                seen_version=posted_version(request),
            )
        except ScoringError as exc:
            form.add_error(None, str(exc))
        else:
            names = ", ".join(n.nominee_name for n in created)
            messages.success(
                request,
                gettext("Đã đề nghị %(name)s: %(names)s.") % {"name": award.name, "names": names},
            )
            return redirect(reverse("nominations:list", args=[data.cluster.slug, data.year]))
    return _render_overview(request, data, forms={"propose": form}, status=400)


def _download(request, cluster: str, year: int) -> ScoringYear:
    data = scoring_year_for(request, cluster, year)
    if data.agreement is None or not data.lines:
        raise Http404
    if not access.can_view_scoring_summary(request.user, summary_sheet_context(data)):
        raise PermissionDenied
    return data


@login_required
@require_safe
@conditional_page
def summary_pdf(request, cluster: str, year: int):
    return _summary_file(request, cluster, year, "pdf", render_summary_pdf)


@login_required
@require_safe
@conditional_page
def summary_xlsx(request, cluster: str, year: int):
    return _summary_file(request, cluster, year, "xlsx", render_summary_xlsx)


def _summary_file(request, cluster: str, year: int, extension: str, make):
    """The summary through the document cache (cluster_portal.documents): the selector,
    the access check and the render run only when the cache does not hold it for this
    kind of reader and this state of the data."""

    def checked_and_made() -> Document:
        data = _download(request, cluster, year)
        return Document(
            f"cham-diem-{data.cluster.slug}-{data.year}.{extension}",
            "application/pdf" if extension == "pdf" else XLSX,
            make(data),
        )

    return document_response(
        request,
        name=f"scoring-summary.{extension}",
        parts=(cluster, year),
        sources=lambda: scoring_sources(cluster, year),
        make=checked_and_made,
    )
