"""Excel and CSV pages of a cluster-year: the template, the exports and the import (the
upload pipeline's web flow, provinces.spreadsheets.web)."""

import io
from typing import NamedTuple

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cluster_portal import access
from provinces.organisation.lookups import cluster_year_for
from provinces.organisation.models import Cluster, Province
from provinces.spreadsheets.web import UploadFlow
from provinces.spreadsheets.writing import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE

from .excel import figures_import
from .excel_export import figures_csv, figures_workbook

PENDING_SESSION_KEY = "figures_import_pending"


class ClusterYear(NamedTuple):
    cluster: Cluster
    year: int
    members: list[Province]
    term: object


def _cluster_year_for(request, slug: str, year: int) -> ClusterYear:
    """404 unless the user is an admin or staff of a member of that cluster-year."""
    cluster, members, term = cluster_year_for(request, slug, year)
    return ClusterYear(cluster, year, members, term)


def _download(data: bytes, filename: str, content_type: str) -> FileResponse:
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=filename, content_type=content_type
    )


@login_required
def figures_template(request, cluster: str, year: int):
    cy = _cluster_year_for(request, cluster, year)
    data = figures_workbook(year=year, cluster=cy.cluster, template=True, user=request.user)
    return _download(data, f"mau-so-lieu-{cluster}-{year}.xlsx", XLSX_CONTENT_TYPE)


@login_required
def figures_export_view(request, cluster: str, year: int, fmt: str):
    """The rows the user may view: everything for the chair and admins; for staff their
    own province and the approved figures of the other members."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    cy = _cluster_year_for(request, cluster, year)
    if fmt == "xlsx":
        data = figures_workbook(year=year, cluster=cy.cluster, user=request.user)
        return _download(data, f"so-lieu-{cluster}-{year}.xlsx", XLSX_CONTENT_TYPE)
    data = figures_csv(year=year, cluster=cy.cluster, user=request.user)
    return _download(data, f"so-lieu-{cluster}-{year}.csv", CSV_CONTENT_TYPE)


class FiguresUpload(UploadFlow):
    """Rows of this cluster-year only; the confirmation refuses records changed since the
    preview (their versions are held with the file)."""

    session_key = PENDING_SESSION_KEY
    run = staticmethod(figures_import)

    def __init__(self, request, cy: ClusterYear):
        super().__init__(request, scope={"cluster": cy.cluster.slug, "year": cy.year})
        self.cy = cy

    def options(self) -> dict:
        return {"cluster": self.cy.cluster, "year": self.cy.year}

    def facts(self, report) -> dict:
        return {"versions": report.seen_versions()}

    def confirm_options(self, held: dict) -> dict:
        return {"expected_versions": held.get("versions") or {}}

    def worth_confirming(self, report) -> bool:
        return report.changes_anything

    def render(self, context: dict, status: int = 200):
        context = {
            "cy": self.cy,
            "max_mb": self.max_mb,
            "rows_template": "figures/_import_rows.html",
            "confirm_label": _("Xác nhận nhập số liệu"),
            "nothing_saved": _("Không có số liệu nào được lưu."),
            **context,
        }
        return render(self.request, "figures/import.html", context, status=status)

    def saved(self, report):
        return redirect("figures:cluster-year", self.cy.cluster.slug, self.cy.year)


@login_required
def figures_import_view(request, cluster: str, year: int):
    cy = _cluster_year_for(request, cluster, year)
    if not any(access.can_import_figures_for(request.user, p, year, cy.term) for p in cy.members):
        raise PermissionDenied
    return FiguresUpload(request, cy).handle()
