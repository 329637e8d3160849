"""The review's pages: where a cluster-year's dossier stands (the chair sends it from
there), the reviewers' list of a year, and the review of one dossier with each nominee
checked. Access in `cluster_portal.access_review`, rules in `services.py`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_POST

from cluster_portal import access_review
from emulation.dossiers.selectors import dossier_for
from provinces.organisation.lookups import cluster_year_for
from provinces.organisation.selectors import term_for

from .forms import ReturnForm, SendForm, StepForm
from .lookups import cluster_for_reviewer, reviewer_only
from .models import ReviewState
from .selectors import review_checks, review_history, review_of, reviews_of_year
from .services import ReviewError, dossier_send, review_accept, review_return, review_take


@login_required
def status(request, cluster: str, year: int):
    """The cluster's page of its dossier's review: the state, the reason of a return, the
    history, and for the chair the send button."""
    cluster_obj, _members, term = cluster_year_for(request, cluster, year)
    review = review_of(cluster_obj, year)
    can_send = access_review.can_send_dossier(request.user, term)
    dossier = dossier_for(cluster_obj, year) if can_send else None
    sendable = review is None or review.state == ReviewState.RETURNED
    form = SendForm(initial={"seen_version": review.version if review else 0})
    return render(
        request,
        "review/status.html",
        {
            "cluster": cluster_obj,
            "year": year,
            "review": review,
            "history": review_history(review) if review else [],
            "can_send": can_send and sendable,
            "dossier": dossier,
            "form": form,
            "is_reviewer": access_review.can_review_dossiers(request.user),
        },
    )


@login_required
@require_POST
def send(request, cluster: str, year: int):
    cluster_obj, _members, term = cluster_year_for(request, cluster, year)
    if not access_review.can_send_dossier(request.user, term):
        raise PermissionDenied
    form = SendForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
        return redirect("review:status", cluster, year)
    try:
        dossier_send(
            cluster=cluster_obj,
            year=year,
            by=request.user,
            note=form.cleaned_data["note"],
            seen_version=form.cleaned_data["seen_version"],
        )
    except ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("Đã gửi hồ sơ tới Liên minh HTX Việt Nam."))
    return redirect("review:status", cluster, year)


@login_required
def year_list(request, year: int):
    reviewer_only(request)
    return render(
        request, "review/year_list.html", {"year": year, "reviews": reviews_of_year(year)}
    )


@login_required
def review_page(request, cluster: str, year: int):
    cluster_obj = cluster_for_reviewer(request, cluster, year)
    review = review_of(cluster_obj, year)
    if review is None:
        raise Http404
    dossier = dossier_for(cluster_obj, year)
    version = {"seen_version": review.version}
    return render(
        request,
        "review/review.html",
        {
            "cluster": cluster_obj,
            "year": year,
            "review": review,
            "term": term_for(cluster_obj, year),
            "dossier": dossier,
            "checks": review_checks(dossier),
            "history": review_history(review),
            "return_form": ReturnForm(initial=version),
            "step_form": StepForm(initial=version),
        },
    )


STEPS = {"take": review_take, "accept": review_accept, "return": review_return}
DONE = {
    "take": gettext_noop("Đã nhận thẩm định hồ sơ."),
    "accept": gettext_noop("Đã chấp thuận hồ sơ."),
    "return": gettext_noop("Đã trả lại hồ sơ cho Cụm."),
}


@login_required
@require_POST
def review_step(request, cluster: str, year: int, step: str):
    cluster_obj = cluster_for_reviewer(request, cluster, year)
    review = review_of(cluster_obj, year)
    if review is None or step not in STEPS:
        raise Http404
    form = (ReturnForm if step == "return" else StepForm)(request.POST)
    form.is_valid()
    data = form.cleaned_data
    extra = {"reason": data.get("reason", "")} if step == "return" else {}
    try:
        STEPS[step](review=review, by=request.user, seen_version=data.get("seen_version"), **extra)
    except ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext(DONE[step]))
    return redirect("review:review", year, cluster)
