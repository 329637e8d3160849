"""Award nominations of a cluster-year: the list with its propose form, and the chair's
steps (vote, endorse, submit, decide). Rules live in `emulation.nominations.services` and
`selectors`, access in `cluster_portal.access`."""

import uuid
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cluster_portal import access
from cluster_portal.locking import FormKeyField, SeenVersionField
from cluster_portal.numbers import VietnameseNumberField
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
from provinces.organisation.models import Cluster, ClusterTerm, Province

# Forms -----------------------------------------------------------------------------------
#
# Choices come from objects the page has already loaded, so that rendering the form adds
# no query; the cleaned data hold the objects again.


class ProposeForm(forms.Form):
    award_type = forms.TypedChoiceField(label=gettext_lazy("Hình thức khen thưởng"), coerce=int)
    alliance = forms.TypedChoiceField(
        label=gettext_lazy("Liên minh HTX tỉnh được đề nghị"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=gettext_lazy("Để trống nếu đề nghị một HTX/THT."),
    )
    cooperative_name = forms.CharField(
        label=gettext_lazy("hoặc tên HTX/THT được đề nghị"),
        max_length=255,
        required=False,
        help_text=gettext_lazy(
            "Tra trong danh bạ của tỉnh (không phân biệt dấu, hoa thường); chưa có thì thêm mới."
        ),
    )
    cooperative_kind = forms.ChoiceField(
        label=gettext_lazy("Loại hình"), choices=BorrowerKind.choices, initial=BorrowerKind.HTX
    )
    cooperative_province = forms.TypedChoiceField(
        label=gettext_lazy("Tỉnh của HTX/THT"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=gettext_lazy("Để trống: tỉnh của bạn."),
    )
    achievements = forms.CharField(
        label=gettext_lazy("Thành tích"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    rank_reason = forms.CharField(
        label=gettext_lazy("Lý do đề nghị (khi xếp hạng sau thành viên không được đề nghị)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("In trong biên bản hội nghị."),
    )
    form_key = FormKeyField()

    def __init__(self, *args, award_types: list[AwardType], provinces: list[Province], **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["form_key"] = uuid.uuid4()
        self._award_types = {t.pk: t for t in award_types}
        self._provinces = {p.pk: p for p in provinces}
        self.fields["award_type"].choices = [(t.pk, t.name) for t in award_types]
        self.fields["alliance"].choices = [("", gettext("— Không (đề nghị HTX/THT) —"))] + [
            (p.pk, p.alliance_name) for p in provinces
        ]
        own = [(p.pk, p.name) for p in provinces]
        self.fields["cooperative_province"].choices = (
            own if len(own) == 1 else [("", gettext("— Chọn tỉnh —")), *own]
        )

    def clean(self):
        data = super().clean()
        if data.get("award_type") is not None:
            data["award_type"] = self._award_types[data["award_type"]]
        for name in ("alliance", "cooperative_province"):
            if data.get(name) is not None:
                data[name] = self._provinces[data[name]]
        return data


class StepForm(forms.Form):
    """Every step carries the version of the nomination the page showed (optimistic
    locking: a step taken on a stale page is refused)."""

    seen_version = SeenVersionField()


class VoteForm(StepForm):
    # A vote can be corrected until endorsed: the version seen is required here.
    seen_version = SeenVersionField(
        required=True,
        error_messages={
            "required": gettext_lazy("Trang đã cũ: hãy tải lại trang rồi ghi kết quả biểu quyết.")
        },
    )
    votes_for = VietnameseNumberField(
        integer=True, label=gettext_lazy("Số phiếu tán thành"), min_value=0, max_value=9999
    )
    votes_present = VietnameseNumberField(
        integer=True, label=gettext_lazy("Số thành viên có mặt"), min_value=1, max_value=9999
    )
    voting_method = forms.ChoiceField(
        label=gettext_lazy("Hình thức biểu quyết"), choices=VotingMethod.choices, required=False
    )
    ballots_issued = VietnameseNumberField(
        integer=True,
        label=gettext_lazy("Số phiếu phát ra"),
        min_value=0,
        max_value=9999,
        required=False,
    )
    ballots_returned = VietnameseNumberField(
        integer=True,
        label=gettext_lazy("Số phiếu thu về"),
        min_value=0,
        max_value=9999,
        required=False,
    )
    ballots_valid = VietnameseNumberField(
        integer=True,
        label=gettext_lazy("Số phiếu hợp lệ"),
        min_value=0,
        max_value=9999,
        required=False,
    )
    rank_reason = forms.CharField(
        label=gettext_lazy("Lý do đề nghị (khi xếp hạng sau thành viên không được đề nghị)"),
        max_length=2000,
        required=False,
    )


class DecideForm(StepForm):
    OUTCOMES = [
        ("granted", gettext_lazy("Được khen thưởng")),
        ("not_granted", gettext_lazy("Không được khen thưởng")),
    ]

    outcome = forms.ChoiceField(
        label=gettext_lazy("Kết quả"), choices=OUTCOMES, widget=forms.RadioSelect
    )
    decision_number = forms.CharField(
        label=gettext_lazy("Số quyết định"), max_length=100, required=False
    )
    decision_date = forms.DateField(
        label=gettext_lazy("Ngày quyết định"),
        required=False,
        input_formats=["%d/%m/%Y"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={
            "invalid": gettext_lazy("Ngày không hợp lệ: viết theo dạng ngày/tháng/năm.")
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Lý do không được khen"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


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
            form.add_error("cooperative_province", gettext("Chọn tỉnh của HTX/THT được đề nghị."))
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
