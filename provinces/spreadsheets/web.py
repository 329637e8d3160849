"""The upload pipeline on a web page: upload -> preview (a dry run, nothing saved) ->
confirm (the real import, everything checked again) or cancel.

Between preview and confirmation the table the preview read is held through Django's
storage API (`held.py`) under a random token kept in the session; a confirmation must
present that token, for the same scope (say, the cluster-year of the page), within a day,
and its rows are checked again against the database as it is then. A page may hold the
rows its preview cleaned with the table (`cleaned`) and confirm from them (`confirm`),
checking again only what can have changed meanwhile (the disbursement register does). Each
import page is an `UploadFlow` subclass naming its importer, template and what it checks
again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cluster_portal.collector import collector_paused

from .held import held_from_bytes, held_upload, hold_upload, release_upload, table_bytes
from .pipeline import UploadReport
from .reading import UPLOAD_MAX_BYTES, FileProblem, check_filename, check_upload_size


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel (.xlsx) hoặc CSV (.csv, UTF-8)"),
        allow_empty_file=True,  # the pipeline names an empty file like every other problem
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={
            "required": gettext_lazy("Chưa chọn tệp. Hãy chọn tệp .xlsx hoặc .csv để tải lên."),
            "invalid": gettext_lazy("Chưa chọn tệp. Hãy chọn tệp .xlsx hoặc .csv để tải lên."),
        },
    )


class UploadFlow:
    """One import page. Subclasses set `session_key` and implement `run`, `render` and
    `saved`; `scope` is held with the file and must match on confirmation."""

    session_key: ClassVar[str]
    max_mb: ClassVar[int] = UPLOAD_MAX_BYTES // (1024 * 1024)

    def __init__(self, request, *, scope: dict | None = None):
        self.request = request
        self.scope = scope or {}

    # What a page says -------------------------------------------------------------------

    run: Callable[..., UploadReport]  # the feature's import service

    def options(self) -> dict:
        """Keyword arguments of `run` for preview and confirmation."""
        return {}

    def facts(self, report: UploadReport) -> dict:
        """What the preview saw that the confirmation must check again (JSON-friendly)."""
        return {}

    def confirm_options(self, held: dict) -> dict:
        return {}

    def cleaned(self, report: UploadReport) -> list | None:
        """The rows the preview checked, as plain JSON values held with the table (None:
        the confirmation checks the table again)."""
        return None

    def confirm(self, *, table, cleaned: list | None, facts: dict, user) -> UploadReport:
        """The real import of what the preview held: the table checked again (`cleaned`,
        when held, is for a page that can confirm from it)."""
        return self.run(
            data=table,
            filename=facts["filename"],
            user=user,
            dry_run=False,
            **self.options(),
            **self.confirm_options(facts),
        )

    def worth_confirming(self, report: UploadReport) -> bool:
        return bool(report.rows)

    def render(self, context: dict, status: int = 200) -> HttpResponse:
        raise NotImplementedError

    def saved(self, report: UploadReport) -> HttpResponse:
        raise NotImplementedError

    # The flow ---------------------------------------------------------------------------

    def handle(self) -> HttpResponse:
        with collector_paused():  # the import, and the page that shows its thousands of rows
            return self._handle()

    def _handle(self) -> HttpResponse:
        request = self.request
        if request.method == "POST" and "confirm" in request.POST:
            return self._confirm()
        if request.method == "POST" and "cancel" in request.POST:
            release_upload(request, key=self.session_key)
            messages.info(request, _("Đã hủy: không nhập gì."))
            return redirect(request.path)
        if request.method != "POST":
            return self.render({"form": UploadForm()})
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render({"form": form}, status=400)
        upload = form.cleaned_data["file"]
        try:
            check_filename(upload.name)
            check_upload_size(upload.size)  # before reading it into memory
        except FileProblem as exc:
            report = UploadReport.refused(filename=upload.name, dry_run=True, message=str(exc))
            return self.render({"form": form, "report": report}, status=400)
        data = upload.read()
        report = self.run(
            data=data, filename=upload.name, user=_person(request), dry_run=True, **self.options()
        )
        if not report.ok:
            return self.render({"form": form, "report": report}, status=400)
        context = {"form": UploadForm(), "report": report}
        if self.worth_confirming(report):
            context["token"] = hold_upload(
                request,
                key=self.session_key,
                data=table_bytes(report.table, self.cleaned(report)),
                filename=upload.name,
                scope=self.scope,
                **self.facts(report),
            )
        return self.render(context)

    def _confirm(self) -> HttpResponse:
        request = self.request
        held = held_upload(request, key=self.session_key, token=request.POST.get("token", ""))
        table, cleaned = held_from_bytes(held[1]) if held is not None else (None, None)
        if table is None or held[0].get("scope") != self.scope:
            messages.error(
                request,
                _(
                    "Không tìm thấy tệp đang chờ xác nhận (đã nhập, đã hủy hoặc đã hết hạn). "
                    "Hãy tải tệp lên lại."
                ),
            )
            return redirect(request.path)
        report = self.confirm(table=table, cleaned=cleaned, facts=held[0], user=_person(request))
        release_upload(request, key=self.session_key)
        if report.saved:
            messages.success(request, report.summary())
            return self.saved(report)
        # Checked again at confirmation: the data changed since the preview.
        context = {"form": UploadForm(), "report": report, "confirm_failed": True}
        return self.render(context, status=409)


def _person(request):
    """The signed-in user itself rather than `request.user`'s lazy wrapper: an import reads
    the user's attributes a few dozen times a row (access checks, the history's author),
    and through the wrapper each read costs a Python call (0.3 s for 10,000 disbursements)."""
    user = request.user
    user.pk  # noqa: B018 (evaluates the wrapper)
    return getattr(user, "_wrapped", user)
