"""The alliance's decisions: the reviewers' page of a year (record a decision per award,
download its .docx, .pdf and certificates), and the public list of decided awards, which
needs no login and shows nothing else of the portal. Access in
`cluster_portal.access_review`, rules in `services.py`."""

import io
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from cluster_portal import access_review
from emulation.nominations.models import AwardType

from .documents import (
    certificates_name,
    certificates_pdf,
    decision_docx,
    decision_pdf,
    file_name,
)
from .forms import DecisionForm
from .models import AwardDecision
from .selectors import decidable, decisions_of_year, public_awards, public_years
from .services import DecisionError, decision_record

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _reviewer(request) -> None:
    if not access_review.can_record_decisions(request.user):
        raise PermissionDenied


def _groups(year: int, bound: dict | None = None):
    """One form per award that has nominations waiting for a decision."""
    groups = []
    for award in AwardType.objects.order_by("order", "name"):
        candidates = list(decidable(year=year, award_type=award))
        if not candidates:
            continue
        form = (bound or {}).get(award.code) or DecisionForm(
            candidates=candidates, prefix=award.code
        )
        groups.append({"award": award, "form": form, "candidates": candidates})
    return groups


def _render_year(request, year: int, *, bound=None, status: int = 200):
    return render(
        request,
        "decisions/year.html",
        {"year": year, "groups": _groups(year, bound), "decisions": decisions_of_year(year)},
        status=status,
    )


@login_required
def year_page(request, year: int):
    _reviewer(request)
    return _render_year(request, year)


@login_required
@require_POST
def record(request, year: int, award: str):
    _reviewer(request)
    award_type = get_object_or_404(AwardType, code=award)
    candidates = list(decidable(year=year, award_type=award_type))
    form = DecisionForm(request.POST, candidates=candidates, prefix=award_type.code)
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision_record(
                award_type=award_type,
                year=year,
                number=data["number"],
                date=data["date"],
                signer_name=data["signer_name"],
                signer_title=data["signer_title"],
                nomination_ids=data["nominations"],
                by=request.user,
            )
        except DecisionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("Đã ghi quyết định khen thưởng."))
            return redirect("decisions:year", year)
    return _render_year(request, year, bound={award_type.code: form}, status=400)


def _decision_for(request, pk: int) -> AwardDecision:
    _reviewer(request)
    return get_object_or_404(AwardDecision.objects.select_related("award_type"), pk=pk)


@login_required
@require_safe
def decision_docx_download(request, pk: int):
    decision = _decision_for(request, pk)
    content = decision_docx(decision)
    name = file_name(decision, "docx")
    return FileResponse(io.BytesIO(content), filename=name, content_type=DOCX)


@login_required
@require_safe
def decision_pdf_download(request, pk: int):
    decision = _decision_for(request, pk)
    content = decision_pdf(decision)
    name = file_name(decision, "pdf")
    return FileResponse(io.BytesIO(content), filename=name, content_type="application/pdf")


@login_required
@require_safe
def certificates_download(request, pk: int):
    decision = _decision_for(request, pk)
    content = certificates_pdf(decision)
    name = certificates_name(decision)
    return FileResponse(io.BytesIO(content), filename=name, content_type="application/pdf")


@require_safe
def public(request, year: int):
    """The decided awards of `year`, for anybody: who, which award, the decision's number
    and date. Reads no session (nothing of who is signed in is shown)."""
    rows = public_awards(year)
    groups = [
        (decision, [row.nomination for row in awardees])
        for decision, awardees in groupby(rows, key=lambda row: row.decision)
    ]
    return render(
        request,
        "decisions/public.html",
        {"year": year, "groups": groups, "years": public_years()},
    )
