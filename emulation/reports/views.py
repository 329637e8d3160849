from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cluster_portal import access
from cluster_portal.locking import StaleRecordError
from emulation.reports.render import (
    render_report_html,
    render_report_pdf,
    render_report_xlsx,
)
from emulation.reports.selectors import ClusterReport, cluster_report
from provinces.organisation.lookups import cluster_year_for

from .forms import ReportSettingsForm
from .models import ReportSettings
from .selectors import signature_for
from .services import report_settings_save

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report_for(request, cluster: str, year: int, *, download: bool = False) -> ClusterReport:
    """404 unless the user is in the cluster that year; 403 for a download they may not
    make yet."""
    cluster_obj, _, _ = cluster_year_for(request, cluster, year)
    report = cluster_report(cluster=cluster_obj, year=year, user=request.user)
    if download and not _can_download(request.user, report):
        raise PermissionDenied
    return report


def _can_download(user, report: ClusterReport) -> bool:
    return access.can_download_report(user, report.term, all_approved=not report.is_draft)


def _filename(report: ClusterReport, extension: str) -> str:
    return f"bao-cao-{report.cluster.slug}-{report.year}.{extension}"


@login_required
def report_page(request, cluster: str, year: int):
    report = _report_for(request, cluster, year)
    html = render_report_html(
        report,
        document=False,
        request=request,
        extra={
            "can_download": _can_download(request.user, report),
            "can_edit_settings": access.can_edit_report_settings(request.user, report.term),
        },
    )
    return HttpResponse(html)


@login_required
def report_pdf(request, cluster: str, year: int):
    report = _report_for(request, cluster, year, download=True)
    response = HttpResponse(render_report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "pdf")}"'
    return response


@login_required
def report_xlsx(request, cluster: str, year: int):
    report = _report_for(request, cluster, year, download=True)
    response = HttpResponse(render_report_xlsx(report), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "xlsx")}"'
    return response


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
