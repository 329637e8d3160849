from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from cluster_portal import access
from provinces.models import Cluster
from provinces.selectors import cluster_members

from .forms import AttendeeFormSet, ConferenceForm, RecommendationFormSet, RotateForm
from .home.selectors import overdue_count, reporting_tables, todos_for
from .home.todos import snapshot
from .lookups import cluster_year_for
from .models import ClusterTerm, Conference
from .selectors import cluster_years
from .services import RotationError, cluster_head_rotate


@login_required
def home(request):
    """The user's cluster, year by year: members, head and vice-head, and the user's role."""
    user = request.user
    current_year = timezone.localdate().year
    visible = [
        cy
        for cy in cluster_years(last=current_year)
        if access.can_view_cluster_year(user, cy.member_ids, cy.year)
    ]
    rows = [
        {
            "cy": cy,
            "unit": access.unit_of(user, cy.year),
            "is_chair": access.is_chair(user, cy.term),
        }
        for cy in visible
    ]
    snap = snapshot()
    todos = todos_for(user, snap)
    return render(
        request,
        "emulation/home.html",
        {
            "todos": todos,
            "overdue": overdue_count(todos, snap.now),
            "now": snap.now,
            "tables": reporting_tables(user, snap),
            "rows": rows,
            "current_year": current_year,
            "home_province": access.home_province(user),
            "is_admin": access.is_admin(user),
            "chair_years": [row["cy"].year for row in rows if row["is_chair"]],
        },
    )


@login_required
def terms(request, cluster: str):
    """Heads and vice-heads of a cluster year by year, with every change kept."""
    cluster_obj = get_object_or_404(Cluster, slug=cluster)
    term_list = list(
        ClusterTerm.objects.with_alliances().filter(cluster=cluster_obj).order_by("-year")
    )
    changes = (
        ClusterTerm.history.filter(cluster_id=cluster_obj.pk)
        .select_related("head", "vice", "history_user")
        .order_by("-history_date")
    )
    return render(
        request,
        "emulation/terms.html",
        {
            "cluster": cluster_obj,
            "terms": term_list,
            "changes": changes,
            "can_rotate": access.can_rotate_cluster_head(request.user),
        },
    )


@login_required
def rotate(request, cluster: str):
    if not access.can_rotate_cluster_head(request.user):
        raise PermissionDenied
    cluster_obj = get_object_or_404(Cluster, slug=cluster)
    latest = ClusterTerm.objects.filter(cluster=cluster_obj).order_by("-year").first()
    to_year = int(
        request.POST.get("to_year")
        or request.GET.get("to_year")
        or (latest.year + 1 if latest else timezone.localdate().year)
    )
    members = cluster_members(cluster_obj, to_year)
    form = RotateForm(request.POST or None, initial={"to_year": to_year}, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            term = cluster_head_rotate(
                cluster=cluster_obj,
                to_year=data["to_year"],
                head=data["head"],
                vice=data["vice"],
                replace=data["replace"],
                by=request.user,
            )
        except RotationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Đã trao cờ luân lưu năm {term.year}: cụm trưởng {term.head.alliance_name}, "
                f"cụm phó {term.vice.alliance_name}. Quyền cụm trưởng chuyển ngay.",
            )
            return redirect("emulation:terms", cluster_obj.slug)
    return render(
        request,
        "emulation/rotate.html",
        {
            "cluster": cluster_obj,
            "form": form,
            "members": members,
            "to_year": to_year,
            "latest": latest,
        },
    )


@login_required
def conference(request, cluster: str, year: int):
    cluster_obj, members, term = cluster_year_for(request, cluster, year)
    record = (
        Conference.objects.filter(cluster=cluster_obj, year=year)
        .select_related("host")
        .prefetch_related("attendees", "recommendations")
        .first()
    )
    next_term = (
        ClusterTerm.objects.with_alliances().filter(cluster=cluster_obj, year=year + 1).first()
    )
    return render(
        request,
        "emulation/conference.html",
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
    if (
        request.method == "POST"
        and form.is_valid()
        and attendees.is_valid()
        and recommendations.is_valid()
    ):
        with transaction.atomic():
            saved = form.save(commit=False)
            saved._history_user = request.user
            saved.save()
            attendees.instance = recommendations.instance = saved
            attendees.save()
            recommendations.save()
        messages.success(request, "Đã lưu biên bản hội nghị.")
        return redirect("emulation:conference", cluster_obj.slug, year)
    return render(
        request,
        "emulation/conference_edit.html",
        {
            "cluster": cluster_obj,
            "year": year,
            "form": form,
            "attendees": attendees,
            "recommendations": recommendations,
        },
    )
