"""Excel and CSV pages of a cluster-year: the template, the exports and the import.

The import is two steps. The upload runs a dry run and shows a preview (or the errors);
nothing is saved. The uploaded bytes wait in a file under VAR_DIR/uploads named by a
random token kept in the session, and "Xác nhận" imports them for real, re-checking
everything and refusing records changed since the preview. The file is deleted then.
"""

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from cluster_portal import access
from provinces.figures_io import (
    CSV_CONTENT_TYPE,
    FIGURES_UPLOAD_MAX_BYTES,
    XLSX_CONTENT_TYPE,
    figures_csv,
    figures_import,
    figures_workbook,
)
from provinces.held_uploads import held_upload, hold_upload, release_upload
from provinces.organisation.lookups import cluster_year_for
from provinces.organisation.selectors import ClusterYear
from provinces.uploads import ACCEPTED_EXTENSIONS, FileProblem, check_upload_size

PENDING_SESSION_KEY = "figures_import_pending"


def _cluster_year_for(request, slug: str, year: int) -> ClusterYear:
    """404 unless the user is an admin or staff of a member of that cluster-year."""
    cluster, members, term = cluster_year_for(request, slug, year)
    return ClusterYear(cluster=cluster, year=year, members=members, term=term)


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


class FiguresUploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp số liệu (.xlsx hoặc .csv)",
        error_messages={
            "required": "Hãy chọn tệp .xlsx hoặc .csv để tải lên.",
            "empty": "Tệp rỗng: không có dòng nào.",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ACCEPTED_EXTENSIONS):
            raise forms.ValidationError("Chỉ nhận tệp Excel .xlsx hoặc tệp .csv.")
        try:
            check_upload_size(upload.size)
        except FileProblem as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


# Uploads waiting for confirmation -------------------------------------------------------


def _pending_save(request, cy: ClusterYear, *, data: bytes, filename: str, report) -> str:
    return hold_upload(
        request,
        key=PENDING_SESSION_KEY,
        data=data,
        filename=filename,
        cluster=cy.cluster.slug,
        year=cy.year,
        versions=report.seen_versions(),
    )


def _pending_load(request, cy: ClusterYear, token: str) -> tuple[dict, bytes] | None:
    held = held_upload(request, key=PENDING_SESSION_KEY, token=token)
    if held is None or held[0]["cluster"] != cy.cluster.slug or held[0]["year"] != cy.year:
        return None
    return held


def _pending_discard(request) -> None:
    release_upload(request, key=PENDING_SESSION_KEY)


# The import page ------------------------------------------------------------------------


@login_required
def figures_import_view(request, cluster: str, year: int):
    cy = _cluster_year_for(request, cluster, year)
    user = request.user
    if not any(access.can_import_figures_for(user, p, year, cy.term) for p in cy.members):
        raise PermissionDenied
    if request.method == "POST" and "confirm" in request.POST:
        return _import_confirm(request, cy)
    if request.method == "POST" and "cancel" in request.POST:
        _pending_discard(request)
        messages.info(request, "Đã hủy: không nhập gì.")
        return redirect("figures:import", cy.cluster.slug, year)
    posted = request.method == "POST"
    form = FiguresUploadForm(request.POST, request.FILES) if posted else FiguresUploadForm()
    context = {"cy": cy, "form": form, "max_mb": FIGURES_UPLOAD_MAX_BYTES // (1024 * 1024)}
    if not posted:
        return render(request, "figures/figures_import.html", context)
    if not form.is_valid():
        return render(request, "figures/figures_import.html", context, status=400)
    upload = form.cleaned_data["file"]
    data = upload.read()
    report = figures_import(
        data=data, filename=upload.name, user=user, dry_run=True, cluster=cy.cluster, year=year
    )
    context.update(report=report, filename=upload.name)
    if not report.ok:
        return render(request, "figures/figures_import.html", context, status=400)
    if report.changes_anything:
        context["token"] = _pending_save(
            request, cy, data=data, filename=upload.name, report=report
        )
    return render(request, "figures/figures_import.html", context)


def _import_confirm(request, cy: ClusterYear):
    loaded = _pending_load(request, cy, request.POST.get("token", ""))
    if loaded is None:
        messages.error(
            request,
            "Không tìm thấy tệp đang chờ xác nhận (đã nhập, đã hủy hoặc đã hết hạn). "
            "Hãy tải tệp lên lại.",
        )
        return redirect("figures:import", cy.cluster.slug, cy.year)
    pending, data = loaded
    report = figures_import(
        data=data,
        filename=pending["filename"],
        user=request.user,
        dry_run=False,
        cluster=cy.cluster,
        year=cy.year,
        expected_versions=pending["versions"],
    )
    _pending_discard(request)
    if not report.ok:
        context = {
            "cy": cy,
            "form": FiguresUploadForm(),
            "report": report,
            "filename": pending["filename"],
            "confirm_failed": True,
            "max_mb": FIGURES_UPLOAD_MAX_BYTES // (1024 * 1024),
        }
        return render(request, "figures/figures_import.html", context, status=409)
    messages.success(request, report.summary())
    return redirect("figures:cluster-year", cy.cluster.slug, cy.year)
