from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from cluster_portal import access
from cluster_portal.offline import offline_page
from provinces.calendar.selectors import deadlines_for
from provinces.disbursements.selectors import disbursement_totals
from provinces.figures.aggregation import percent_change
from provinces.figures.forms import ActionForm, FiguresForm, ReasonForm, SubmitForm
from provinces.figures.lookups import get_figures_for_user
from provinces.figures.models import YearlyFigures
from provinces.figures.rules import figures_warnings
from provinces.figures.selectors import cluster_figures_year, figures_returned, previous_year
from provinces.figures.services import (
    FiguresError,
    StaleFiguresError,
    figures_approve,
    figures_reopen,
    figures_return,
    figures_save,
    figures_submit,
)
from provinces.figures.sources import year_page_sources
from provinces.figures.spec import BY_CODE, CODES, by_section
from provinces.figures.timeliness import submitted_late
from provinces.organisation.lookups import cached_cluster_year_page
from provinces.organisation.selectors import ProvinceYear, term_for


def _display_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "hệ thống"


@login_required
def figures_detail(request, year: int, code: str):
    py = get_figures_for_user(request, year, code)
    user = request.user
    previous = previous_year(py.province, year, user=user)
    figures = py.figures
    sections = []
    for _, title, indicators in by_section():
        rows = []
        for indicator in indicators:
            value = getattr(figures, indicator.code) if figures else None
            before = previous.values.get(indicator.code) if previous.values else None
            change = percent_change(value, before)
            rows.append(
                {"indicator": indicator, "value": value, "before": before, "change": change}
            )
        sections.append((title, rows))
    warnings = (
        figures_warnings(figures.values(), previous.values if not previous.merged else None)
        if figures
        else []
    )
    history = []
    if figures and access.can_see_figures_history(user, py):
        records = list(figures.history.select_related("history_user").order_by("-history_id"))
        for index, record in enumerate(records):
            older = records[index + 1] if index + 1 < len(records) else None
            changes = record.diff_against(older, included_fields=CODES).changes if older else []
            history.append(
                {
                    "record": record,
                    "who": _display_name(record.history_user),
                    "changes": [(BY_CODE[c.field].shown_label, c.old, c.new) for c in changes],
                }
            )
    disbursements = disbursement_totals(provinces=[py.province], year=year)
    deadlines = deadlines_for(py.cluster, year) if py.cluster else None
    context = {
        "py": py,
        "deadlines": deadlines,
        "is_late": submitted_late(figures, deadlines),
        "disbursements_all": disbursements.all_funds[py.province.pk],
        "disbursements_htx_dev": disbursements.htx_dev[py.province.pk],
        "can_view_disbursements": access.can_view_disbursements(user, py),
        "figures": figures,
        "sections": sections,
        "previous": previous,
        "warnings": warnings,
        "history": history,
        "can_edit": access.can_edit_figures(user, py),
        "can_submit": access.can_submit_figures(user, py),
        "can_decide": access.can_decide_figures(user, py),
        "can_reopen": access.can_reopen_figures(user, py),
        "can_see_history": access.can_see_figures_history(user, py),
        # The vice-head deciding on the chair's unit's record: not "the chair decides".
        "four_eyes_stand_in": not access.reads_every_state(user, py.term),
        "four_eyes": (
            access.own_unit_refusal(user, py, "approve")
            if figures and figures.is_submitted and access.reads_every_state(user, py.term)
            else None
        ),
        "submit_form": SubmitForm(
            initial={"explanation": figures.warnings_explanation if figures else ""}
        ),
        "reason_form": ReasonForm(),
    }
    return render(request, "figures/figures_detail.html", context)


@login_required
@offline_page
def figures_edit(request, year: int, code: str):
    py = get_figures_for_user(request, year, code, allowed=access.can_edit_figures)
    figures = py.figures or YearlyFigures(province=py.province, year=year)
    form = FiguresForm(request.POST or None, instance=figures)
    status = 200
    seen = form.cleaned_data["seen_version"] if form.is_bound and form.is_valid() else None
    if request.method == "POST" and form.is_valid():
        try:
            saved = figures_save(
                figures=form.instance,
                by=request.user,
                seen_version=seen if figures.pk else None,
            )
        except StaleFiguresError as exc:
            form.add_error(None, str(exc))
            status = 409
        except FiguresError as exc:
            form.add_error(None, str(exc))
            status = 409
        else:
            if figures.pk and saved.version == seen:
                messages.info(request, gettext("Không có thay đổi nào để lưu."))
            else:
                messages.success(
                    request,
                    gettext("Đã lưu số liệu. Kiểm tra lại rồi bấm “Nộp số liệu” khi hoàn tất."),
                )
            return redirect(form.instance)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "figures/figures_edit.html",
        {"py": py, "form": form, "figures": figures, "returned": figures_returned(figures)},
        status=status,
    )


def _action(
    request,
    year: int,
    code: str,
    *,
    allowed: Callable,
    run: Callable,
    form_class=ActionForm,
    judging: str = "",
):
    """A life-cycle button: the action runs on the version the page showed."""
    py = get_figures_for_user(request, year, code, allowed=allowed, judging=judging)
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(py.figures)
    try:
        run(py.figures, form.cleaned_data)
    except FiguresError as exc:
        messages.error(request, str(exc))
    return redirect(py.figures)


@login_required
@require_POST
def figures_submit_view(request, year: int, code: str):
    def run(figures, data):
        figures_submit(
            figures=figures,
            by=request.user,
            seen_version=data["seen_version"],
            explanation=data["explanation"],
        )
        messages.success(request, gettext("Đã nộp số liệu cho Cụm trưởng."))

    return _action(
        request, year, code, allowed=access.can_submit_figures, run=run, form_class=SubmitForm
    )


@login_required
@require_POST
def figures_return_view(request, year: int, code: str):
    def run(figures, data):
        figures_return(
            figures=figures,
            by=request.user,
            seen_version=data["seen_version"],
            reason=data["reason"],
        )
        messages.success(request, gettext("Đã trả lại số liệu để tỉnh sửa."))

    return _action(
        request,
        year,
        code,
        allowed=access.can_decide_figures,
        run=run,
        form_class=ReasonForm,
        judging="return",
    )


@login_required
@require_POST
def figures_approve_view(request, year: int, code: str):
    def run(figures, data):
        figures_approve(figures=figures, by=request.user, seen_version=data["seen_version"])
        messages.success(request, gettext("Đã duyệt số liệu: bản ghi được khóa."))

    return _action(
        request, year, code, allowed=access.can_decide_figures, run=run, judging="approve"
    )


@login_required
@require_POST
def figures_reopen_view(request, year: int, code: str):
    def run(figures, data):
        figures_reopen(
            figures=figures,
            by=request.user,
            seen_version=data["seen_version"],
            reason=data["reason"],
        )
        messages.success(request, gettext("Đã mở khóa số liệu: tỉnh có thể sửa lại."))

    return _action(
        request,
        year,
        code,
        allowed=access.can_reopen_figures,
        run=run,
        form_class=ReasonForm,
        judging="reopen",
    )


@login_required
def cluster_year(request, cluster: str, year: int):
    """The year page: its body cached by what it is made of, the access check on every
    request (provinces/organisation/lookups.py `cached_cluster_year_page`)."""
    page = cached_cluster_year_page(
        request,
        cluster,
        year,
        name="figures-year",
        sources=lambda: year_page_sources(cluster, year),
        body=lambda cluster_obj, members: _year_body(request, cluster_obj, year, members),
    )
    context = {"cluster": page["cluster"], "year": year, "body": page["body"]}
    return render(request, "figures/cluster_year.html", context)


def _year_body(request, cluster_obj, year: int, members) -> str:
    """The year page's body (its `content` block), as the reader's class sees it."""
    term = term_for(cluster_obj, year)
    user = request.user
    overview = cluster_figures_year(cluster_obj, year, user=user, members=members, term=term)
    unit = access.unit_of(user, year)
    disbursements = disbursement_totals(provinces=overview.members, year=year)
    member_ids = overview.member_ids
    deadlines = deadlines_for(cluster_obj, year)
    for row in overview.rows:
        row.disbursements_all = disbursements.all_funds[row.province.pk]
        row.disbursements_htx_dev = disbursements.htx_dev[row.province.pk]
        row.late = submitted_late(row.progress, deadlines)
        # The "Xem" link only where the record page would open.
        row.can_open = access.can_view_figures(
            user,
            ProvinceYear(
                province=row.province,
                year=year,
                cluster=cluster_obj,
                term=term,
                member_ids=member_ids,
                figures=row.progress,
            ),
        )
    context = {
        "overview": overview,
        "deadlines": deadlines,
        "disbursements": disbursements,
        "is_chair": access.is_chair(user, overview.term),
        "own_unit": unit,
        "can_import": any(
            access.can_import_figures_for(user, row.province, year, overview.term)
            for row in overview.rows
        ),
        "can_export_all": access.can_export_all_figures(user, overview.term),
    }
    return render_to_string("figures/_cluster_year_body.html", context, request=request)


@login_required
def year_redirect(request, year: int):
    """/figures/<year>/: the year page of the user's cluster (an admin's first cluster)."""
    from provinces.organisation.selectors import cluster_years

    for cy in cluster_years(first=year, last=year):
        if access.can_view_cluster_year(request.user, cy.member_ids, year):
            return redirect("figures:cluster-year", cy.cluster.slug, year)
    raise Http404
