from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from cluster_portal import access
from cluster_portal.locking import StaleRecordError
from provinces.organisation.lookups import cluster_year_for
from provinces.organisation.selectors import term_for

from .forms import AttendeeFormSet, ConferenceForm, RecommendationFormSet
from .models import Conference
from .services import conference_save


@login_required
def conference(request, cluster: str, year: int):
    cluster_obj, members, term = cluster_year_for(request, cluster, year)
    record = (
        Conference.objects.filter(cluster=cluster_obj, year=year)
        .select_related("host")
        .prefetch_related("attendees", "recommendations")
        .first()
    )
    next_term = term_for(cluster_obj, year + 1)
    return render(
        request,
        "conference/conference.html",
        {
            "cluster": cluster_obj,
            "year": year,
            "conference": record,
            "term": term,
            "next_term": next_term,
            "can_edit": access.can_edit_conference(request.user, term),
        },
    )


@login_required
def conference_edit(request, cluster: str, year: int):
    cluster_obj, members, term = cluster_year_for(request, cluster, year)
    if not access.can_edit_conference(request.user, term):
        raise PermissionDenied
    record = Conference.objects.filter(cluster=cluster_obj, year=year).first() or Conference(
        cluster=cluster_obj, year=year
    )
    data = request.POST or None
    form = ConferenceForm(data, instance=record, members=members)
    attendees = AttendeeFormSet(data, instance=record, prefix="attendees")
    recommendations = RecommendationFormSet(data, instance=record, prefix="recommendations")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and attendees.is_valid() and recommendations.is_valid():
            try:
                conference_save(
                    conference=form.instance,
                    attendees=attendees,
                    recommendations=recommendations,
                    by=request.user,
                    seen_version=form.cleaned_data["seen_version"],
                )
            except StaleRecordError as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                messages.success(request, gettext("Đã lưu biên bản hội nghị."))
                return redirect("conference:detail", cluster_obj.slug, year)
    return render(
        request,
        "conference/conference_edit.html",
        {
            "cluster": cluster_obj,
            "year": year,
            "form": form,
            "attendees": attendees,
            "recommendations": recommendations,
        },
        status=status,
    )
