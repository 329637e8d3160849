from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from cluster_portal import access
from emulation.reports.render import (
    render_report_html,
    render_report_pdf,
    render_report_xlsx,
)
from emulation.reports.selectors import ClusterReport, cluster_report
from provinces.organisation.lookups import cluster_year_for

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
        extra={"can_download": _can_download(request.user, report)},
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
