"""Award dossier pages: a nominee's achievement report (its province writes and submits
it; the chair may return it), the list of reports of a cluster-year, and the chair's
dossier page with its download. Rules live in `services.py`, reads in `selectors.py`,
access in `cluster_portal.access`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import conditional_page, require_POST, require_safe

from cluster_portal import access
from cluster_portal.documents import Document, document_response
from provinces.organisation.lookups import cluster_year_for
from provinces.organisation.models import Cluster

from .achievement import achievement_report
from .content import MOTTO
from .documents import dossier_documents
from .forms import AchievementReportForm, ReturnForm
from .render import DossierIncompleteError, document_blocks, dossier_zip, zip_name
from .report_fields import report_gaps
from .selectors import NomineeContext, dossier_for, nominee_context
from .services import (
    TEXT_FIELDS,
    DossierError,
    StaleReportError,
    achievement_report_return,
    achievement_report_save,
)
from .sources import dossier_sources

ZIP = "application/zip"


# Access ----------------------------------------------------------------------------------


def _nominee_for(request, pk: int) -> NomineeContext:
    """404 unless the user may read this nominee's report."""
    ctx = nominee_context(pk)
    if not access.can_view_achievement_report(request.user, ctx):
        raise Http404
    return ctx


def _dossier_cluster_for(request, cluster: str, year: int) -> Cluster:
    """404 unless the user is in the cluster that year; 403 unless chair or admin."""
    cluster_obj, _members, term = cluster_year_for(request, cluster, year)
    if not access.can_build_dossier(request.user, term):
        raise PermissionDenied
    return cluster_obj


def _dossier_for(request, cluster: str, year: int):
    return dossier_for(_dossier_cluster_for(request, cluster, year), year)


# Achievement reports ---------------------------------------------------------------------


def _preview(ctx: NomineeContext):
    """The report as it will appear in the dossier, built by the dossier's own code."""
    dossier = dossier_for(ctx.nomination.cluster, ctx.year)
    nominee = next((n for n in dossier.nominees if n.nomination.pk == ctx.nomination.pk), None)
    if nominee is None:
        return None
    document = achievement_report(dossier, nominee)
    return {"doc": document, "motto": MOTTO, "blocks": document_blocks(document)}


def _render_report(request, ctx: NomineeContext, form, *, status: int = 200):
    user = request.user
    report = ctx.report
    history = list(report.history.select_related("history_user")[:8]) if report else []
    return render(
        request,
        "dossiers/report_form.html",
        {
            "ctx": ctx,
            "nomination": ctx.nomination,
            "report": report,
            "form": form,
            "can_edit": access.can_edit_achievement_report(user, ctx),
            "can_return": access.can_return_achievement_report(user, ctx),
            "can_build": access.can_build_dossier(user, ctx.term),
            "return_form": ReturnForm(),
            "history": history,
            "gaps": report_gaps(report, ctx.nomination),
            "preview": _preview(ctx),
        },
        status=status,
    )


def _report_form(ctx: NomineeContext, data=None) -> AchievementReportForm:
    """The form of the nominee's kind; a cooperative's asks for its full legal name."""
    nomination = ctx.nomination
    return AchievementReportForm(
        data,
        instance=ctx.report,
        kind=nomination.nominee_kind,
        cooperative=nomination.nominee_cooperative if nomination.nominee_cooperative_id else None,
    )


@login_required
def report_edit(request, pk: int):
    ctx = _nominee_for(request, pk)
    if request.method != "POST":
        return _render_report(request, ctx, _report_form(ctx))
    if not access.can_edit_achievement_report(request.user, ctx):
        raise PermissionDenied
    form = _report_form(ctx, request.POST)
    if not form.is_valid():
        return _render_report(request, ctx, form, status=400)
    texts = {name: form.cleaned_data[name] for name in TEXT_FIELDS if name in form.cleaned_data}
    if "full_name" in form.cleaned_data:
        texts["full_name"] = form.cleaned_data["full_name"]
    submit = request.POST.get("action") == "submit"
    try:
        # Save and submit is one versioned save: a refused submit saves nothing.
        achievement_report_save(
            nomination=ctx.nomination,
            by=request.user,
            seen_version=form.cleaned_data["seen_version"],
            submit=submit,
            **texts,
        )
    except StaleReportError as exc:
        # Keep what was typed; the page shows the latest saved report beside it, and the
        # next save, made knowingly, is checked against that version.
        ctx = nominee_context(pk)
        data = request.POST.copy()
        data["seen_version"] = ctx.report.version
        form = _report_form(ctx, data)
        form.is_valid()
        form.add_error(None, str(exc))
        return _render_report(request, ctx, form, status=409)
    except DossierError as exc:
        # Nothing saved: the reason is shown next to what was typed, kept in the form.
        form.add_error(None, str(exc))
        return _render_report(request, ctx, form, status=409)
    if submit:
        messages.success(request, gettext("Đã nộp báo cáo thành tích."))
    else:
        messages.success(request, gettext("Đã lưu báo cáo thành tích."))
    return redirect("dossiers:report", pk)


@login_required
@require_POST
def report_return(request, pk: int):
    ctx = _nominee_for(request, pk)
    if not access.can_return_achievement_report(request.user, ctx):
        raise PermissionDenied(access.own_unit_refusal(request.user, ctx, "report") or "")
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [gettext("Cần ghi lý do.")])))
        return redirect("dossiers:report", pk)
    try:
        achievement_report_return(
            report=ctx.report,
            by=request.user,
            reason=form.cleaned_data["reason"],
            seen_version=form.cleaned_data["seen_version"],
        )
        messages.success(request, gettext("Đã trả lại báo cáo để tỉnh sửa."))
    except DossierError as exc:
        messages.error(request, str(exc))
    return redirect("dossiers:report", pk)


@login_required
def report_list(request, cluster: str, year: int):
    """The nominees of a cluster-year whose reports the user may read."""
    cluster_obj, _members, term = cluster_year_for(request, cluster, year)
    dossier = dossier_for(cluster_obj, year)
    rows = []
    for nominee in dossier.nominees:
        ctx = NomineeContext(
            nomination=nominee.nomination,
            year=year,
            term=term,
            province=nominee.province,
            report=nominee.report,
        )
        if access.can_view_achievement_report(request.user, ctx):
            rows.append(
                {
                    "nominee": nominee,
                    "can_edit": access.can_edit_achievement_report(request.user, ctx),
                }
            )
    return render(
        request,
        "dossiers/report_list.html",
        {
            "cluster": cluster_obj,
            "year": year,
            "rows": rows,
            "can_build": access.can_build_dossier(request.user, term),
        },
    )


# The dossier -----------------------------------------------------------------------------


def _render_dossier(request, dossier, *, refused: bool = False, status: int = 200):
    documents = dossier_documents(dossier)
    return render(
        request,
        "dossiers/dossier.html",
        {
            "dossier": dossier,
            "documents": documents,
            "zip_name": zip_name(dossier.cluster, dossier.year),
            "refused": refused,
        },
        status=status,
    )


@login_required
def dossier_page(request, cluster: str, year: int):
    return _render_dossier(request, _dossier_for(request, cluster, year))


@login_required
@require_safe
@conditional_page
def dossier_download(request, cluster: str, year: int):
    """The zip through the document cache (cluster_portal.documents): the access check and
    the build run only when the cache does not hold it for this kind of reader and this
    state of the data; an incomplete dossier is refused with the list of what is missing."""
    refused = []

    def checked_and_made() -> Document:
        cluster_obj = _dossier_cluster_for(request, cluster, year)
        dossier = dossier_for(cluster_obj, year)
        try:
            return Document(zip_name(cluster_obj, year), ZIP, dossier_zip(dossier))
        except DossierIncompleteError:
            refused.append(dossier)
            raise

    try:
        return document_response(
            request,
            name="dossier.zip",
            parts=(cluster, year),
            sources=lambda: dossier_sources(cluster, year),
            make=checked_and_made,
        )
    except DossierIncompleteError:
        return _render_dossier(request, refused[0], refused=True, status=409)
