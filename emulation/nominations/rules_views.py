"""The nomination rules of a cluster-year: the chair's page (edited with its version and
history; the rules themselves are applied by `rules.py`)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cluster_portal.access_awards import can_edit_vote_rules
from cluster_portal.locking import SeenVersionModelForm, form_saved
from cluster_portal.numbers import vn_formfield
from provinces.organisation.lookups import cluster_year_for

from .models import VoteRule
from .rules import member_count, rule_for
from .rules_services import vote_rule_save


class VoteRuleForm(SeenVersionModelForm):
    class Meta:
        model = VoteRule
        fields = list(VoteRule.SETTINGS)
        formfield_callback = vn_formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.instance.pk:
            self.initial["seen_version"] = 0


@login_required
def vote_rules_edit(request, cluster: str, year: int):
    cluster_obj, members, term = cluster_year_for(request, cluster, year)
    if not can_edit_vote_rules(request.user, term):
        raise PermissionDenied
    rule = rule_for(cluster_id=cluster_obj.pk, year=year)
    rule.cluster = cluster_obj
    form = VoteRuleForm(request.POST or None, instance=rule)
    status = form_saved(request, form, partial(vote_rule_save, rule=form.instance))
    if status is None:
        messages.success(request, _("Đã lưu quy định bình xét, biểu quyết."))
        return redirect("nominations:list", cluster_obj.slug, year)
    history = list(rule.history.select_related("history_user")[:20]) if rule.pk else []
    return render(
        request,
        "nominations/vote_rules.html",
        {
            "cluster": cluster_obj,
            "year": year,
            "form": form,
            "rule": rule,
            "members": member_count(cluster_id=cluster_obj.pk, year=year),
            "history": history,
        },
        status=status,
    )
