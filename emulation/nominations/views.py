"""Award nominations of a cluster-year: the list with its propose form, and the chair's
steps (vote, endorse, submit, decide). Rules live in `emulation.nominations.services` and
`selectors`, access in `cluster_portal.access`."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cluster_portal import access
from emulation.nominations.forms import DecideForm, ProposeForm, StepForm, VoteForm
from emulation.nominations.lookups import get_nomination_for_user
from emulation.nominations.models import AwardType, Nomination, NominationStatus, VotingMethod
from emulation.nominations.selectors import nominations_for, nominee_unit
from emulation.nominations.services import (
    NominationError,
    nomination_decide,
    nomination_endorse,
    nomination_propose,
    nomination_submit,
    nomination_vote_record,
    nomination_withdraw,
)
from provinces.disbursements.models import BorrowerKind
from provinces.organisation.lookups import cluster_year_for
from provinces.organisation.models import Cluster, ClusterTerm

# Access ----------------------------------------------------------------------------------


def _nomination_for(request, pk: int, *, allowed: Callable) -> Nomination:
    return get_nomination_for_user(request, pk, allowed=allowed)


def _manages(user, nomination: Nomination, term: ClusterTerm | None) -> bool:
    return access.can_manage_nominations(user, term)


def _may_withdraw(user, nomination: Nomination, term: ClusterTerm | None) -> bool:
    return access.can_propose_nomination(user, nominee_unit(nomination), nomination.year, term)


def _list_url(nomination: Nomination) -> str:
    url = reverse("nominations:list", args=[nomination.cluster.slug, nomination.year])
    return f"{url}#nomination-{nomination.pk}"


# Pages -----------------------------------------------------------------------------------


def _render_list(
    request, cluster: Cluster, year: int, members, term, *, form=None, status: int = 200
) -> HttpResponse:
    user = request.user
    data = nominations_for(cluster, year)
    proposable = [m for m in members if access.can_propose_nomination(user, m, year, term)]
    if form is None and proposable:
        form = ProposeForm(
            award_types=[g.award_type for g in data.groups],
            provinces=proposable,
            initial={"cooperative_kind": BorrowerKind.HTX},
        )
    can_manage = access.can_manage_nominations(user, term)
    groups = [
        {
            "group": group,
            "rows": [
                {
                    "nomination": n,
                    "passes": data.rules.passes(n),
                    "can_withdraw": n.status == NominationStatus.PROPOSED
                    and _may_withdraw(user, n, term),
                    "ballots": [
                        ("ballots_issued", _("phiếu phát ra"), n.ballots_issued),
                        ("ballots_returned", _("phiếu thu về"), n.ballots_returned),
                        ("ballots_valid", _("phiếu hợp lệ"), n.ballots_valid),
                    ],
                }
                for n in group.nominations
            ],
        }
        for group in data.groups
    ]
    context = {
        "cluster": cluster,
        "year": year,
        "term": term,
        "data": data,
        "groups": groups,
        "form": form,
        "can_manage": can_manage,
        "is_chair": access.is_chair(user, term),
        "vote_form": VoteForm(),
        "decide_form": DecideForm(),
        "statuses": NominationStatus,
        "voting_methods": VotingMethod.choices,
        "own_unit": access.unit_of(user, year),
    }
    return render(request, "nominations/nominations.html", context, status=status)


@login_required
@require_safe
def nomination_list(request, cluster: str, year: int):
    cluster_obj, members, term = cluster_year_for(request, cluster, year)
    return _render_list(request, cluster_obj, year, members, term)


@login_required
@require_POST
def nomination_propose_view(request, cluster: str, year: int):
    cluster_obj, members, term = cluster_year_for(request, cluster, year)
    user = request.user
    proposable = [m for m in members if access.can_propose_nomination(user, m, year, term)]
    if not proposable:
        raise PermissionDenied
    award_types = list(AwardType.objects.order_by("order", "name"))
    form = ProposeForm(request.POST, award_types=award_types, provinces=proposable)
    if form.is_valid():
        data = form.cleaned_data
        province = data["alliance"] or data["cooperative_province"] or access.unit_of(user, year)
        if province is None:
            form.add_error(
                "cooperative_province",
                gettext(
                    "Chọn tỉnh của HTX/THT, đơn vị khác, cá nhân hoặc hộ gia đình được đề nghị."
                ),
            )
        elif not access.can_propose_nomination(user, province, year, term):
            raise PermissionDenied
        else:
            try:
                nomination = nomination_propose(
                    cluster=cluster_obj,
                    year=year,
                    award_type=data["award_type"],
                    by=user,
                    alliance=data["alliance"],
                    cooperative_name=data["cooperative_name"],
                    cooperative_kind=data["cooperative_kind"],
                    cooperative_province=None if data["alliance"] else province,
                    person=form.nominee_particulars("person_"),
                    household=form.nominee_particulars("household_"),
                    other_unit=form.nominee_particulars("other_unit_"),
                    achievements=data["achievements"],
                    rank_reason=data["rank_reason"],
                    form_key=data["form_key"],
                )
            except NominationError as exc:
                form.add_error(None, str(exc))
            else:
                if getattr(nomination, "repeated", False):
                    messages.info(
                        request, gettext("Biểu mẫu này đã được gửi trước đó: đề nghị đã có.")
                    )
                else:
                    messages.success(
                        request,
                        gettext("Đã đề xuất %(nominee)s cho %(award)s.")
                        % {"nominee": nomination.nominee_name, "award": nomination.award_type.name},
                    )
                return redirect(_list_url(nomination))
    return _render_list(request, cluster_obj, year, members, term, form=form, status=400)


def _step(
    request,
    pk: int,
    *,
    run: Callable[[Nomination, dict], str],
    allowed: Callable = _manages,
    form_class: type[forms.Form] | None = None,
):
    """Take one step on a nomination and go back to the list with what happened."""
    nomination = _nomination_for(request, pk, allowed=allowed)
    form = (form_class or StepForm)(request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(_list_url(nomination))
    data = form.cleaned_data
    url = _list_url(nomination)
    try:
        done = run(nomination, data)
    except NominationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(url)


@login_required
@require_POST
def nomination_vote_view(request, pk: int):
    def run(nomination, data):
        nomination_vote_record(
            nomination=nomination,
            votes_for=data["votes_for"],
            votes_present=data["votes_present"],
            voting_method=data["voting_method"] or None,
            ballots_issued=data["ballots_issued"],
            ballots_returned=data["ballots_returned"],
            ballots_valid=data["ballots_valid"],
            # A form without the field keeps the reason recorded.
            rank_reason=data["rank_reason"] if "rank_reason" in request.POST else None,
            by=request.user,
            seen_version=data["seen_version"],
        )
        message = gettext(
            "Đã ghi kết quả biểu quyết cho %(name)s: %(votes)s/%(present)s tán thành."
        )
        return message % {
            "name": nomination.nominee_name,
            "votes": nomination.votes_for,
            "present": nomination.votes_present,
        }

    return _step(request, pk, run=run, form_class=VoteForm)


@login_required
@require_POST
def nomination_endorse_view(request, pk: int):
    def run(nomination, data):
        nomination_endorse(
            nomination=nomination, by=request.user, seen_version=data["seen_version"]
        )
        message = gettext("Hội nghị đã thống nhất đề nghị %(name)s.")
        return message % {"name": nomination.nominee_name}

    return _step(request, pk, run=run)


@login_required
@require_POST
def nomination_submit_view(request, pk: int):
    def run(nomination, data):
        nomination_submit(nomination=nomination, by=request.user, seen_version=data["seen_version"])
        return gettext("Đã trình Liên minh HTX Việt Nam đề nghị khen thưởng %(name)s.") % {
            "name": nomination.nominee_name
        }

    return _step(request, pk, run=run)


@login_required
@require_POST
def nomination_decide_view(request, pk: int):
    def run(nomination, data):
        granted = data["outcome"] == "granted"
        nomination_decide(
            nomination=nomination,
            by=request.user,
            granted=granted,
            decision_number=data["decision_number"],
            decision_date=data["decision_date"],
            reason=data["reason"],
            seen_version=data["seen_version"],
        )
        if granted:
            message = gettext("%(name)s được khen thưởng: đã ghi số và ngày quyết định.")
        else:
            message = gettext("Đã ghi: %(name)s không được khen thưởng.")
        return message % {"name": nomination.nominee_name}

    return _step(request, pk, run=run, form_class=DecideForm)


@login_required
@require_POST
def nomination_withdraw_view(request, pk: int):
    def run(nomination, data):
        name = nomination.nominee_name
        nomination_withdraw(
            nomination=nomination, by=request.user, seen_version=data["seen_version"]
        )
        return gettext("Đã rút đề nghị khen thưởng %(name)s.") % {"name": name}

    return _step(request, pk, run=run, allowed=_may_withdraw)
