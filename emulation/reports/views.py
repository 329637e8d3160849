from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import conditional_page, require_safe

from cluster_portal import access
from cluster_portal.documents import Document, document_response
from cluster_portal.locking import form_saved
from emulation.reports.render import (
    render_report_html,
    render_report_pdf,
    render_report_xlsx,
)
from emulation.reports.selectors import ClusterReport, cluster_report, report_filename
from provinces.organisation.lookups import cached_cluster_year_page, cluster_year_for

from .drafts import difficulties_draft, directions_draft
from .forms import ReportSettingsForm
from .models import ReportSettings
from .selectors import signature_for
from .services import report_settings_save
from .sources import report_sources

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _report_for(request, cluster: str, year: int) -> ClusterReport:
    """404 unless the user is in the cluster that year."""
    cluster_obj, members, _ = cluster_year_for(request, cluster, year)
    return cluster_report(cluster=cluster_obj, year=year, members=members)


def _check_preview(request, cluster: str, year: int) -> None:
    """The working preview: 404 outside the cluster-year, 403 unless the user is the chair
    of the year or an admin; asked on every request, before any cache is read."""
    _, _, term = cluster_year_for(request, cluster, year)
    if not access.can_preview_report(request.user, term):
        raise PermissionDenied


def _page(request, cluster: str, year: int, *, preview: bool):
    """The report page (with its ranking and the chair's buttons): its body cached by what
    it is made of, the access check on every request (provinces/organisation/lookups.py
    `cached_cluster_year_page`). The report is the same for every reader; the body is kept
    per reader class all the same (the buttons differ), and the working preview under a
    name of its own. The page follows the reader's language; the report inside it stays
    Vietnamese (render_report_html)."""
    page = cached_cluster_year_page(
        request,
        cluster,
        year,
        name="report-preview-page" if preview else "report-page",
        sources=lambda: report_sources(cluster, year),
        body=lambda cluster_obj, members: _report_body(
            request, cluster_obj, year, members, preview=preview
        ),
    )
    context = {"cluster": page["cluster"], "year": year, "body": page["body"]}
    context["preview"] = preview
    return render(request, "reports/report_page.html", context)


@login_required
def report_page(request, cluster: str, year: int):
    return _page(request, cluster, year, preview=False)


@login_required
def report_preview(request, cluster: str, year: int):
    """The working preview of the chair of the year and admins: submitted records counted."""
    _check_preview(request, cluster, year)
    return _page(request, cluster, year, preview=True)


def _report_body(request, cluster_obj, year: int, members, *, preview: bool = False) -> str:
    """The report page's body (its `content` block), as the reader's class sees it."""
    report = cluster_report(cluster=cluster_obj, year=year, members=members, preview=preview)
    return render_report_html(
        report,
        document=False,
        request=request,
        extra={
            "can_preview": access.can_preview_report(request.user, report.term),
            "can_edit_settings": access.can_edit_report_settings(request.user, report.term),
        },
    )


def _download(request, cluster: str, year: int, *, extension: str, make, preview: bool = False):
    """A report file through the document cache (cluster_portal.documents): made, after
    the access check (404 outside the cluster; the working preview: 403 unless the user
    may open it, checked on every request), only when the cache does not hold it for this
    kind of reader and this state of the data. The preview is kept under a name of its own."""
    if preview:
        _check_preview(request, cluster, year)

    def checked_and_made() -> Document:
        cluster_obj, members, term = cluster_year_for(request, cluster, year)
        if preview and not access.can_preview_report(request.user, term):
            raise PermissionDenied
        report = cluster_report(cluster=cluster_obj, year=year, members=members, preview=preview)
        return Document(
            report_filename(cluster_obj.slug, year, extension, preview=preview),
            CONTENT_TYPES[extension],
            make(report),
        )

    return document_response(
        request,
        name=f"report-preview.{extension}" if preview else f"report.{extension}",
        parts=(cluster, year),
        sources=lambda: report_sources(cluster, year),
        make=checked_and_made,
    )


@login_required
@require_safe
@conditional_page
def report_pdf(request, cluster: str, year: int):
    return _download(request, cluster, year, extension="pdf", make=render_report_pdf)


@login_required
@require_safe
@conditional_page
def report_xlsx(request, cluster: str, year: int):
    return _download(request, cluster, year, extension="xlsx", make=render_report_xlsx)


@login_required
@require_safe
@conditional_page
def report_preview_pdf(request, cluster: str, year: int):
    return _download(request, cluster, year, extension="pdf", make=render_report_pdf, preview=True)


@login_required
@require_safe
@conditional_page
def report_preview_xlsx(request, cluster: str, year: int):
    return _download(
        request, cluster, year, extension="xlsx", make=render_report_xlsx, preview=True
    )


@login_required
def report_settings_edit(request, cluster: str, year: int):
    """The chair sets the document's number, date, place, signer and recipients, and
    writes its two sections of difficulties and directions (empty: the data's drafts,
    shown in the fields)."""
    report = _report_for(request, cluster, year)
    if not access.can_edit_report_settings(request.user, report.term):
        raise PermissionDenied
    instance = report.signature.settings or ReportSettings(cluster=report.cluster, year=year)
    defaults = signature_for(
        report_settings=None,
        conference=report.conference,
        head=report.term.head if report.term else None,
        cluster=report.cluster,
    )
    form = ReportSettingsForm(
        request.POST or None,
        instance=instance,
        defaults={
            "place": defaults.place,
            "signer_title": defaults.signer_title,
            "signer_name": defaults.signer_name,
            "recipients": "\n".join(defaults.recipients),
            "difficulties": "\n".join(difficulties_draft(report)),
            "directions": "\n".join(directions_draft(report)),
        },
    )
    status = form_saved(request, form, partial(report_settings_save, report_settings=form.instance))
    if status is None:
        messages.success(request, _("Đã lưu thiết lập văn bản báo cáo."))
        return redirect("reports:page", report.cluster.slug, year)
    return render(
        request,
        "reports/report_settings.html",
        {"report": report, "form": form, "defaults": defaults},
        status=status,
    )
