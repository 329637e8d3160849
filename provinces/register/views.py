from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cluster_portal import access
from cluster_portal.converters import FIRST_YEAR
from cluster_portal.locking import StaleRecordError, posted_version
from cluster_portal.numbers import parse_id
from provinces.organisation.selectors import ProvinceYear
from provinces.register.forms import DisbursementForm
from provinces.register.lookups import get_register_for_user
from provinces.register.models import Disbursement, Fund
from provinces.register.selectors import disbursement_totals, register_loans, register_units
from provinces.register.services import disbursement_delete, disbursement_record

PAGE_SIZE = 50


def _register_url(year: int, code: str) -> str:
    return reverse("disbursements:register", args=[year, code])


@login_required
def register(request, year: int, code: str):
    py = get_register_for_user(request, year, code)
    fund = request.GET.get("fund", "")
    loans = register_loans(py, fund=fund)
    page = Paginator(loans, PAGE_SIZE).get_page(parse_id(request.GET.get("page")) or 1)
    totals = disbursement_totals(provinces=[py.province], year=year)
    # "← previous year" only when that register opens for this user: a year the portal
    # holds, the same unit then, and the user's own (or an admin); no query.
    before = ProvinceYear(province=py.province, year=year - 1)
    previous_url = (
        _register_url(year - 1, code)
        if year - 1 >= FIRST_YEAR
        and py.province.is_valid_in(year - 1)
        and access.can_view_register(request.user, before)
        else None
    )
    return render(
        request,
        "register/disbursement_register.html",
        {
            "py": py,
            "page": page,
            "fund": fund,
            "funds": Fund.choices,
            "all_funds": totals.all_funds[py.province.pk],
            "htx_dev": totals.htx_dev[py.province.pk],
            "can_edit": access.can_edit_register(request.user, py),
            "previous_url": previous_url,
        },
    )


def _save_form(request, py: ProvinceYear, form: DisbursementForm) -> Disbursement | None:
    """Validate and save the loan through the service (one transaction); the saved loan,
    or None with the errors on the form and everything typed kept."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    loan = form.instance
    loan.province = py.province
    try:
        recorded = disbursement_record(
            disbursement=loan,
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
        messages.info(request, "Biểu mẫu này đã được gửi trước đó: khoản giải ngân đã có.")
    elif recorded.borrower_created:
        messages.info(
            request, f"Đã thêm “{recorded.disbursement.borrower.name}” vào danh bạ HTX, THT."
        )
    return recorded.disbursement


@login_required
def loan_add(request, year: int, code: str):
    py = get_register_for_user(request, year, code, write=True)
    form = DisbursementForm(request.POST or None)
    if request.method == "POST" and (loan := _save_form(request, py, form)):
        messages.success(request, "Đã thêm khoản giải ngân.")
        return redirect(_register_url(loan.date.year, code))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "register/disbursement_form.html", {"py": py, "form": form}, status=status
    )


def _loan_for(request, pk: int) -> tuple[Disbursement, ProvinceYear]:
    loan = get_object_or_404(Disbursement.objects.select_related("province", "borrower"), pk=pk)
    py = get_register_for_user(request, loan.date.year, loan.province.code, write=True)
    if loan.province_id not in {unit.pk for unit in register_units(py)}:
        raise Http404  # the code means an unrelated unit at the end of that year
    return loan, py


@login_required
def loan_edit(request, pk: int):
    loan, py = _loan_for(request, pk)
    form = DisbursementForm(request.POST or None, instance=loan)
    if request.method == "POST" and (saved := _save_form(request, py, form)):
        messages.success(request, "Đã lưu khoản giải ngân.")
        return redirect(_register_url(saved.date.year, py.province.code))
    status = 200
    if request.method == "POST":
        status = 409 if getattr(form, "stale", False) else 400
    return render(
        request,
        "register/disbursement_form.html",
        {"py": py, "form": form, "loan": loan},
        status=status,
    )


@login_required
def loan_delete(request, pk: int):
    loan, py = _loan_for(request, pk)
    status = 200
    if request.method == "POST":
        try:
            disbursement_delete(
                disbursement=loan,
                by=request.user,
                seen_version=posted_version(request, "seen_version"),
            )
        except StaleRecordError as exc:
            messages.error(request, str(exc))
            if exc.current_version is None:  # someone else deleted it
                return redirect(_register_url(loan.date.year, py.province.code))
            loan.refresh_from_db()  # the page shows what is stored now, with its version
            status = 409
        else:
            messages.success(request, "Đã xóa khoản giải ngân.")
            return redirect(_register_url(loan.date.year, py.province.code))
    context = {"py": py, "loan": loan}
    return render(request, "register/disbursement_confirm_delete.html", context, status=status)
