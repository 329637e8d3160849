"""Upload a register file, see what it would do, confirm.

The preview is a dry run of the same service the command uses; nothing is written until
the person confirms. The uploaded bytes wait for the confirmation in a file under
VAR_DIR/uploads named by a random token kept in the session (a file up to 5 MB does not
belong in the session itself), and the confirmation checks everything again.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cluster_portal import access
from provinces.disbursement_io import (
    COLUMN_HELP,
    COLUMN_LABELS,
    COLUMNS,
    DISBURSEMENTS_UPLOAD_MAX_BYTES,
    OPTIONAL_COLUMNS,
    DisbursementImportReport,
    disbursements_import,
)
from provinces.held_uploads import held_upload, hold_upload, release_upload
from provinces.uploads import FileProblem, check_upload_size

SESSION_KEY = "disbursement_import"


class DisbursementUploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp Excel (.xlsx) hoặc CSV (.csv, UTF-8)",
        allow_empty_file=True,  # the service names an empty file like every other problem
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": "Chưa chọn tệp.", "invalid": "Chưa chọn tệp."},
    )


def _discard_stash(request) -> None:
    release_upload(request, key=SESSION_KEY)


def _stash(request, data: bytes, filename: str) -> str:
    return hold_upload(request, key=SESSION_KEY, data=data, filename=filename)


def _stashed(request) -> tuple[str, bytes] | None:
    """The file name and bytes the preview showed, if the posted token is this session's."""
    held = held_upload(request, key=SESSION_KEY, token=request.POST.get("token", ""))
    return (held[0]["filename"], held[1]) if held else None


def _render(request, context: dict, status: int = 200):
    context = {
        "columns": [
            {
                "code": code,
                "label": COLUMN_LABELS[code],
                "help": COLUMN_HELP[code],
                "required": code in COLUMNS,
            }
            for code in (*COLUMNS, *OPTIONAL_COLUMNS)
        ],
        "max_mb": DISBURSEMENTS_UPLOAD_MAX_BYTES // (1024 * 1024),
        **context,
    }
    return render(request, "register/disbursement_import.html", context, status=status)


def _confirm(request):
    stashed = _stashed(request)
    if stashed is None:
        messages.error(
            request,
            _(
                "Không tìm thấy tệp đang chờ xác nhận (đã nhập, đã hủy hoặc đã hết hạn). "
                "Hãy tải tệp lên lại."
            ),
        )
        return redirect(request.path)
    filename, data = stashed
    report = disbursements_import(data=data, filename=filename, user=request.user, dry_run=False)
    _discard_stash(request)
    if report.saved:
        messages.success(request, report.summary())
        first = report.rows[0]
        # The register of the year lists the loans of units merged into it that year.
        unit = first.province.unit_in(first.date.year) or first.province
        return redirect("disbursements:register", first.date.year, unit.code)
    # Checked again at confirmation: the register or the directory changed since.
    context = {"form": DisbursementUploadForm(), "report": report, "confirm_failed": True}
    return _render(request, context, status=409)


@login_required
def disbursement_import_view(request):
    if not access.can_open_disbursement_import(request.user):
        raise PermissionDenied
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request)
    if request.method == "POST" and "cancel" in request.POST:
        _discard_stash(request)
        messages.info(request, _("Đã hủy: không nhập gì."))
        return redirect(request.path)
    if request.method != "POST":
        return _render(request, {"form": DisbursementUploadForm()})
    form = DisbursementUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, {"form": form}, status=400)
    upload = form.cleaned_data["file"]
    try:
        check_upload_size(upload.size)  # before reading it into memory
    except FileProblem as exc:
        report = DisbursementImportReport.refused(
            filename=upload.name, dry_run=True, message=str(exc)
        )
        return _render(request, {"form": form, "report": report}, status=400)
    data = upload.read()
    report = disbursements_import(data=data, filename=upload.name, user=request.user, dry_run=True)
    if not report.ok:
        return _render(request, {"form": form, "report": report}, status=400)
    token = _stash(request, data, upload.name)
    return _render(request, {"form": DisbursementUploadForm(), "report": report, "token": token})
