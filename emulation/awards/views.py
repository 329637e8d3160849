"""The award-history register of a province: its page (read, add a row, remove one) and
its upload (the pipeline's web flow). Access: `cluster_portal.access_awards`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cluster_portal.access_awards import can_edit_award_register
from cluster_portal.locking import StaleRecordError, posted_version
from provinces.organisation.selectors import ProvinceYear
from provinces.spreadsheets.web import UploadFlow

from .excel import COLUMN_HELP, COLUMN_LABELS, COLUMNS, OPTIONAL_COLUMNS, awards_import
from .forms import AwardRecordForm
from .lookups import get_register_for_user
from .models import AwardRecord
from .selectors import register_of
from .services import AwardRegisterError, award_record_add, award_record_delete


def _register_for(request, year: int, code: str, *, write: bool = False) -> ProvinceYear:
    """404 when the user may not read the province's register; 403 when they may read it
    but not change it (lookups.py, shared with the API)."""
    return get_register_for_user(request, year, code, write=write)


@login_required
def register(request, year: int, code: str):
    py = _register_for(request, year, code, write=request.method == "POST")
    can_edit = can_edit_award_register(request.user, py)
    form = None
    status = 200
    if can_edit:
        form = AwardRecordForm(
            request.POST or None, province=py.province, initial={"year": year - 1}
        )
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                award_record_add(record=form.instance, by=request.user)
            except AwardRegisterError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Đã ghi vào sổ theo dõi khen thưởng."))
                return redirect("awards:register", year, code)
    context = {
        "py": py,
        "year": year,
        "records": register_of(py.province),
        "form": form,
        "can_edit": can_edit,
    }
    return render(request, "awards/register.html", context, status=status)


@login_required
@require_POST
def record_delete(request, year: int, code: str, pk: int):
    py = _register_for(request, year, code, write=True)
    record = get_object_or_404(AwardRecord.objects.of_province(py.province), pk=pk)
    try:
        award_record_delete(record=record, by=request.user, seen_version=posted_version(request))
    except StaleRecordError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã xóa dòng khỏi sổ theo dõi khen thưởng."))
    return redirect("awards:register", year, code)


class AwardUpload(UploadFlow):
    session_key = "award_register_import"
    run = staticmethod(awards_import)

    def __init__(self, request, *, py: ProvinceYear):
        super().__init__(request, scope={"province": py.province.pk, "year": py.year})
        self.py = py

    def options(self) -> dict:
        return {"province": self.py.province}

    def render(self, context: dict, status: int = 200):
        report = context.get("report")
        count = len(report.rows) if report is not None else 0
        context = {
            "py": self.py,
            "columns": [
                {
                    "code": code,
                    "label": _(COLUMN_LABELS[code]),
                    "help": _(COLUMN_HELP[code]),
                    "required": code in COLUMNS,
                }
                for code in (*COLUMNS, *OPTIONAL_COLUMNS)
            ],
            "max_mb": self.max_mb,
            "nothing_saved": _("Không có dòng nào được lưu vào sổ."),
            "rows_template": "awards/_import_rows.html",
            "confirm_label": ngettext(
                "Xác nhận nhập %(count)d khen thưởng", "Xác nhận nhập %(count)d khen thưởng", count
            )
            % {"count": count},
            **context,
        }
        return render(self.request, "awards/import.html", context, status=status)

    def saved(self, report):
        return redirect("awards:register", self.py.year, self.py.province.code)


@login_required
def register_import(request, year: int, code: str):
    py = _register_for(request, year, code, write=True)
    return AwardUpload(request, py=py).handle()
