"""Upload a register file, see what it would do, confirm (the upload pipeline's web flow,
provinces.spreadsheets.web)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _

from cluster_portal import access
from provinces.organisation.selectors import counts_as
from provinces.spreadsheets.web import UploadFlow

from .excel import COLUMN_HELP, COLUMN_LABELS, COLUMNS, OPTIONAL_COLUMNS, disbursements_import
from .held_rows import cleaned_rows, confirm_cleaned

SESSION_KEY = "disbursement_import"


class DisbursementUpload(UploadFlow):
    session_key = SESSION_KEY
    run = staticmethod(disbursements_import)

    def cleaned(self, report):
        return cleaned_rows(report)

    def confirm(self, *, table, cleaned, facts, user):
        """From the rows the preview cleaned when it held them and nothing it relied on
        has changed; otherwise the held table checked again row by row."""
        if cleaned is not None:
            report = confirm_cleaned(cleaned=cleaned, filename=facts["filename"], user=user)
            if report is not None:
                return report
        return super().confirm(table=table, cleaned=None, facts=facts, user=user)

    def render(self, context: dict, status: int = 200):
        report = context.get("report")
        count = len(report.rows) if report is not None else 0
        context = {
            "columns": [
                {
                    "code": code,
                    "label": gettext(COLUMN_LABELS[code]),
                    "help": gettext(COLUMN_HELP[code]),
                    "required": code in COLUMNS,
                }
                for code in (*COLUMNS, *OPTIONAL_COLUMNS)
            ],
            "max_mb": self.max_mb,
            "nothing_saved": _("Không có khoản giải ngân nào được lưu."),
            "rows_template": "disbursements/_import_rows.html",
            "confirm_label": ngettext(
                "Xác nhận nhập %(count)d khoản giải ngân",
                "Xác nhận nhập %(count)d khoản giải ngân",
                count,
            )
            % {"count": count},
            **context,
        }
        return render(self.request, "disbursements/import.html", context, status=status)

    def saved(self, report):
        first = report.rows[0]
        # The register of the year lists the disbursements of units merged into it that year.
        unit = counts_as(first.province, first.date.year)
        return redirect("disbursements:list", first.date.year, unit.code)


@login_required
def disbursement_import_view(request):
    if not access.can_open_disbursement_import(request.user):
        raise PermissionDenied
    return DisbursementUpload(request).handle()
