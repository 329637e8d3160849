from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from cluster_portal import access
from provinces.organisation.selectors import cluster_years

from .selectors import overdue_count, reporting_tables, todos_for
from .todos import snapshot


@login_required
def home(request):
    """The user's cluster, year by year: members, head and vice-head, and the user's role."""
    user = request.user
    now = timezone.now()
    current_year = timezone.localdate(now).year
    # Every cluster-year to the next one, read once: the page lists those up to this year,
    # the to-dos read the last ten and the next.
    every_year = cluster_years(last=current_year + 1)
    visible = [
        cy
        for cy in every_year
        if cy.year <= current_year and access.can_view_cluster_year(user, cy.member_ids, cy.year)
    ]
    rows = [
        {
            "cy": cy,
            "unit": access.unit_of(user, cy.year),
            "is_chair": access.is_chair(user, cy.term),
        }
        for cy in visible
    ]
    snap = snapshot(now=now, every_year=every_year)
    todos = todos_for(user, snap)
    return render(
        request,
        "home/home.html",
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
            "admin_clusters": sorted({(r["cy"].cluster.slug, r["cy"].cluster.name) for r in rows})
            if access.is_admin(user)
            else [],
        },
    )
