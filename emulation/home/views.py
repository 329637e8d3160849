from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from cluster_portal import access
from cluster_portal.page_cache import cached_part
from provinces.organisation.selectors import cluster_years

from .selectors import overdue_count, reporting_tables, todos_for
from .sources import home_sources
from .todos import snapshot

# Where the greeting's name goes in the cached body: the one personal part of the page. A
# comment, which escaped data never writes (it would be `&lt;!--`).
GREETING_NAME = "<!--greeting-name-->"


@login_required
def home(request):
    """The user's to-dos and cluster, year by year: members, head and vice-head, the user's
    role. The body is the same for every reader of the same class on the same day while
    its sources are the same: it comes from the default cache (cluster_portal/page_cache.py,
    emulation/home/sources.py); the user's name is written in per request."""
    body = cached_part(
        request,
        name="home",
        parts=(),
        sources=home_sources,
        make=lambda: _home_body(request),
        dated=True,
    )
    user = request.user
    name = conditional_escape(user.get_full_name() or user.username)
    body = body.replace(GREETING_NAME, name, 1)
    return render(request, "home/home.html", {"body": mark_safe(body)})  # noqa: S308


def _home_body(request) -> str:
    """The home page's body (its `content` block) as the reader's class sees it today,
    with `GREETING_NAME` for the user's name."""
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
    context = {
        "greeting_name": mark_safe(GREETING_NAME),  # noqa: S308
        "todos": todos,
        "overdue": overdue_count(todos, snap.now),
        "tables": reporting_tables(user, snap),
        "rows": rows,
        "current_year": current_year,
        "home_province": access.home_province(user),
        "is_admin": access.is_admin(user),
        "is_national": access.is_national(user),
        "chair_years": [row["cy"].year for row in rows if row["is_chair"]],
        "admin_clusters": sorted({(r["cy"].cluster.slug, r["cy"].cluster.name) for r in rows})
        if access.is_admin(user)
        else [],
    }
    return render_to_string("home/_home_body.html", context, request=request)
