from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext

from cluster_portal import access
from cluster_portal.converters import FIRST_YEAR
from cluster_portal.locking import StaleRecordError, posted_version
from cluster_portal.numbers import parse_id
from provinces.disbursements.forms import DisbursementForm
from provinces.disbursements.lookups import (
    get_disbursement_for_user,
    get_disbursements_for_user,
)
from provinces.disbursements.models import Disbursement, Fund
from provinces.disbursements.selectors import (
    disbursement_totals,
    province_disbursements,
)
from provinces.disbursements.services import disbursement_delete, disbursement_record
from provinces.organisation.selectors import ProvinceYear

PAGE_SIZE = 50


def _disbursement_list_url(year: int, code: str) -> str:
    return reverse("disbursements:list", args=[year, code])


@login_required
def disbursement_list(request, year: int, code: str):
    py = get_disbursements_for_user(request, year, code)
    fund = request.GET.get("fund", "")
    disbursements = province_disbursements(py, fund=fund)
    page = Paginator(disbursements, PAGE_SIZE).get_page(parse_id(request.GET.get("page")) or 1)
    totals = disbursement_totals(provinces=[py.province], year=year)
    # "← previous year" only when that register opens for this user: a year the portal
    # holds, the same unit then, and the user's own (or an admin); no query.
    before = ProvinceYear(province=py.province, year=year - 1)
    previous_url = (
        _disbursement_list_url(year - 1, code)
        if year - 1 >= FIRST_YEAR
        and py.province.is_valid_in(year - 1)
        and access.can_view_disbursements(request.user, before)
        else None
    )
    return render(
        request,
        "disbursements/disbursement_list.html",
        {
            "py": py,
            "page": page,
            "fund": fund,
            "funds": Fund.choices,
            "all_funds": totals.all_funds[py.province.pk],
            "htx_dev": totals.htx_dev[py.province.pk],
            "can_edit": access.can_edit_disbursements(request.user, py),
            "previous_url": previous_url,
        },
    )


def _save_form(request, py: ProvinceYear, form: DisbursementForm) -> Disbursement | None:
    """Validate and save the disbursement through the service (one transaction); the saved
    disbursement, or None with the errors on the form and everything typed kept."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    disbursement = form.instance
    disbursement.province = py.province
    try:
        recorded = disbursement_record(
            disbursement=disbursement,
            borrower_name=data["borrower_name"],
            borrower_kind=data["borrower_kind"],
            by=request.user,
            seen_version=data.get("seen_version"),
            form_key=data.get("form_key"),
        )
    except StaleRecordError as exc:
        form.add_error(None, str(exc))
        form.stale = True
        return None
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            target = "borrower_name" if field in {"borrower", "name"} else field
            for error in errors:
                form.add_error(target if target in form.fields else None, error)
        return None
    if recorded.repeated:
        messages.info(request, gettext("Biểu mẫu này đã được gửi trước đó: khoản giải ngân đã có."))
    elif recorded.borrower_created:
        messages.info(
            request,
            gettext("Đã thêm “%(name)s” vào danh bạ HTX, THT.")
            % {"name": recorded.disbursement.borrower.name},
        )
    return recorded.disbursement


@login_required
def disbursement_add(request, year: int, code: str):
    py = get_disbursements_for_user(request, year, code, write=True)
    form = DisbursementForm(request.POST or None)
    if request.method == "POST" and (disbursement := _save_form(request, py, form)):
        messages.success(request, gettext("Đã thêm khoản giải ngân."))
        return redirect(_disbursement_list_url(disbursement.date.year, code))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "disbursements/disbursement_form.html", {"py": py, "form": form}, status=status
    )


def _disbursement_for(request, pk: int) -> tuple[Disbursement, ProvinceYear]:
    return get_disbursement_for_user(request, pk, write=True)


@login_required
def disbursement_edit(request, pk: int):
    disbursement, py = _disbursement_for(request, pk)
    form = DisbursementForm(request.POST or None, instance=disbursement)
    if request.method == "POST" and (saved := _save_form(request, py, form)):
        messages.success(request, gettext("Đã lưu khoản giải ngân."))
        return redirect(_disbursement_list_url(saved.date.year, py.province.code))
    status = 200
    if request.method == "POST":
        status = 409 if getattr(form, "stale", False) else 400
    return render(
        request,
        "disbursements/disbursement_form.html",
        {"py": py, "form": form, "disbursement": disbursement},
        status=status,
    )


@login_required
def disbursement_delete_view(request, pk: int):
    disbursement, py = _disbursement_for(request, pk)
    status = 200
    if request.method == "POST":
        try:
            disbursement_delete(
                disbursement=disbursement,
                by=request.user,
                seen_version=posted_version(request, "seen_version"),
            )
        except StaleRecordError as exc:
            messages.error(request, str(exc))
            if exc.current_version is None:  # someone else deleted it
                return redirect(_disbursement_list_url(disbursement.date.year, py.province.code))
            disbursement.refresh_from_db()  # the page shows what is stored now, with its version
            status = 409
        else:
            messages.success(request, gettext("Đã xóa khoản giải ngân."))
            return redirect(_disbursement_list_url(disbursement.date.year, py.province.code))
    context = {"py": py, "disbursement": disbursement}
    return render(request, "disbursements/disbursement_confirm_delete.html", context, status=status)
