"""Excel and CSV pages of a cluster-year: the template, the exports and the import.

The import is two steps. The upload runs a dry run and shows a preview (or the errors);
nothing is saved. The uploaded bytes wait in a file under VAR_DIR/uploads named by a
random token kept in the session, and "Xác nhận" imports them for real, re-checking
everything and refusing records changed since the preview. The file is deleted then.
"""

import hashlib
import io
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from cluster_portal import access
from emulation.models import ClusterTerm
from emulation.selectors import ClusterYear

from .figures_io import (
    CSV_CONTENT_TYPE,
    FIGURES_UPLOAD_MAX_BYTES,
    XLSX_CONTENT_TYPE,
    figures_csv,
    figures_import,
    figures_workbook,
)
from .models import Cluster
from .selectors import cluster_members
from .uploads import ACCEPTED_EXTENSIONS, FileProblem, check_upload_size

PENDING_SESSION_KEY = "figures_import_pending"
PENDING_MAX_AGE = 24 * 60 * 60  # seconds; older abandoned uploads are removed


def _cluster_year_for(request, slug: str, year: int) -> ClusterYear:
    """404 unless the user is an admin or staff of a member of that cluster-year."""
    cluster = get_object_or_404(Cluster, slug=slug)
    members = cluster_members(cluster, year)
    cy = ClusterYear(cluster=cluster, year=year, members=members)
    if not members or not access.can_view_cluster_year(request.user, cy.member_ids, year):
        raise Http404
    cy.term = ClusterTerm.objects.filter(cluster=cluster, year=year).first()
    return cy


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


def _uploads_dir() -> Path:
    return Path(settings.VAR_DIR) / "uploads"


def _pending_path(token: str) -> Path:
    return _uploads_dir() / f"{token}.upload"


def _pending_save(request, cy: ClusterYear, *, data: bytes, filename: str, report) -> str:
    _pending_discard(request)
    folder = _uploads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - PENDING_MAX_AGE
    for old in folder.glob("*.upload"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)  # the only part of the path: no user input in it
    _pending_path(token).write_bytes(data)
    request.session[PENDING_SESSION_KEY] = {
        "token": token,
        "cluster": cy.cluster.slug,
        "year": cy.year,
        "filename": filename,
        "sha256": hashlib.sha256(data).hexdigest(),
        "versions": report.seen_versions(),
    }
    return token


def _pending_load(request, cy: ClusterYear, token: str) -> tuple[dict, bytes] | None:
    pending = request.session.get(PENDING_SESSION_KEY)
    if (
        not pending
        or not secrets.compare_digest(str(token), pending["token"])
        or pending["cluster"] != cy.cluster.slug
        or pending["year"] != cy.year
    ):
        return None
    try:
        data = _pending_path(pending["token"]).read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != pending["sha256"]:
        return None
    return pending, data


def _pending_discard(request) -> None:
    pending = request.session.pop(PENDING_SESSION_KEY, None)
    if pending:
        _pending_path(pending["token"]).unlink(missing_ok=True)


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
        return render(request, "provinces/figures_import.html", context)
    if not form.is_valid():
        return render(request, "provinces/figures_import.html", context, status=400)
    upload = form.cleaned_data["file"]
    data = upload.read()
    report = figures_import(
        data=data, filename=upload.name, user=user, dry_run=True, cluster=cy.cluster, year=year
    )
    context.update(report=report, filename=upload.name)
    if not report.ok:
        return render(request, "provinces/figures_import.html", context, status=400)
    if report.changes_anything:
        context["token"] = _pending_save(
            request, cy, data=data, filename=upload.name, report=report
        )
    return render(request, "provinces/figures_import.html", context)


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
        return render(request, "provinces/figures_import.html", context, status=409)
    messages.success(request, report.summary())
    return redirect("figures:cluster-year", cy.cluster.slug, cy.year)
