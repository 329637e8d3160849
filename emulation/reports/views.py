from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import conditional_page, require_safe

from cluster_portal import access
from cluster_portal.documents import Document, document_response
from cluster_portal.locking import StaleRecordError
from emulation.reports.render import (
    render_report_html,
    render_report_pdf,
    render_report_xlsx,
)
from emulation.reports.selectors import ClusterReport, all_figures_approved, cluster_report
from provinces.organisation.lookups import cached_cluster_year_page, cluster_year_for

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
    return cluster_report(cluster=cluster_obj, year=year, user=request.user, members=members)


def _can_download(user, report: ClusterReport) -> bool:
    return access.can_download_report(user, report.term, all_approved=not report.is_draft)


@login_required
def report_page(request, cluster: str, year: int):
    """The report page (with its ranking and the chair's buttons): its body cached by what
    it is made of, the access check on every request (provinces/organisation/lookups.py
    `cached_cluster_year_page`). In Vietnamese, the report's language, the page around it
    too."""
    with translation.override("vi"):
        page = cached_cluster_year_page(
            request,
            cluster,
            year,
            name="report-page",
            sources=lambda: report_sources(cluster, year),
            body=lambda cluster_obj, members: _report_body(request, cluster_obj, year, members),
        )
        context = {"cluster": page["cluster"], "year": year, "body": page["body"]}
        return render(request, "reports/report_page.html", context)


def _report_body(request, cluster_obj, year: int, members) -> str:
    """The report page's body (its `content` block), as the reader's class sees it."""
    report = cluster_report(cluster=cluster_obj, year=year, user=request.user, members=members)
    return render_report_html(
        report,
        document=False,
        request=request,
        extra={
            "can_download": _can_download(request.user, report),
            "can_edit_settings": access.can_edit_report_settings(request.user, report.term),
        },
    )


def _download(request, cluster: str, year: int, *, extension: str, make):
    """A report file through the document cache (cluster_portal.documents): made, after
    the access check (404 outside the cluster, 403 until the user may download), only
    when the cache does not hold it for this kind of reader and this state of the data."""

    def checked_and_made() -> Document:
        cluster_obj, members, term = cluster_year_for(request, cluster, year)
        all_approved = all_figures_approved(members, year)
        if not access.can_download_report(request.user, term, all_approved=all_approved):
            raise PermissionDenied
        report = cluster_report(cluster=cluster_obj, year=year, user=request.user)
        return Document(
            f"bao-cao-{cluster_obj.slug}-{year}.{extension}", CONTENT_TYPES[extension], make(report)
        )

    return document_response(
        request,
        name=f"report.{extension}",
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
def report_settings_edit(request, cluster: str, year: int):
    """The chair sets the document's number, date, place, signer and recipients."""
    report = _report_for(request, cluster, year)
    if not access.can_edit_report_settings(request.user, report.term):
        raise PermissionDenied
    instance = report.signature.settings or ReportSettings(cluster=report.cluster, year=year)
    defaults = signature_for(
        report_settings=None,
        conference=report.conference,
        head=report.term.head if report.term else None,
    )
    form = ReportSettingsForm(
        request.POST or None,
        instance=instance,
        defaults={
            "place": defaults.place,
            "signer_title": defaults.signer_title,
            "signer_name": defaults.signer_name,
            "recipients": "\n".join(defaults.recipients),
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                report_settings_save(
                    report_settings=form.instance,
                    by=request.user,
                    seen_version=form.cleaned_data["seen_version"],
                )
            except StaleRecordError as exc:
                form.add_error(None, str(exc))
                status = 409
            except ValidationError as exc:
                form.add_error(None, exc)
                status = 400
            else:
                messages.success(request, _("Đã lưu thiết lập văn bản báo cáo."))
                return redirect("reports:page", report.cluster.slug, year)
        else:
            status = 400
    return render(
        request,
        "reports/report_settings.html",
        {"report": report, "form": form, "defaults": defaults},
        status=status,
    )
