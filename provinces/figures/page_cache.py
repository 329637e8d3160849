"""The year page's table (/clusters/<slug>/<year>/figures/), kept in the default cache
under the stamp of what it is made of (cluster_portal/documents.py's `data_stamp`), the
reader's class and the language: a repeat view is the access check, the stamp and one
cache read, not the figures, the disbursements, the deadlines and the rendering.

What is kept is the rendered body of the page (the `content` block): it reads the
cluster-year's records and, of the reader, only what `access.reader_class` decides (the
chair's badge, the reader's own row, which records open and which are withheld, import
and export). Everything personal (the navigation with the user's name, the messages, the
CSRF token of the language form) is rendered per request around it, and the access check
of the cluster-year (`cluster_year_for`) runs on every request, before the stamp.

`year_page_sources`: every record the body reads, as history querysets filtered to the
cluster-year from the URL's slug and year alone (its statement is compiled once per
process): `sources.cluster_year_sources`'s records (the organisation,
the figures of this year and the last, the disbursements of the year; the year page is
below the reports, so they are written here again), the cluster's deadlines of the year
(the "late" badge), and the admin's log of the users (the submitters' names: only the
admin edits a name, and users keep no history)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import QuerySet

from cluster_portal.documents import admin_log, document_key, history_of
from provinces.calendar.models import Deadlines

from .sources import cluster_year_sources, the_cluster

TIMEOUT = 24 * 60 * 60  # a stale stamp is never asked again: let it go within a day


def year_page_sources(slug: str, year: int) -> list[QuerySet]:
    """What the year page's body reads of cluster `slug` in `year` (the module's doc)."""
    return [
        *cluster_year_sources(slug, year),
        history_of(Deadlines, cluster__in=the_cluster(slug), year=year),
        admin_log(get_user_model()),
    ]


def page_key(request, *, name: str, parts: tuple, sources: Callable) -> str:
    """The key of page part `name` (`parts`: which one) made of `sources()`: the
    document cache's stamp of it, undated."""
    key = document_key(request, name=name, parts=parts, sources=sources, dated=False)
    return "page:" + key


def cached_part(request, *, name: str, parts: tuple, sources: Callable, make: Callable) -> str:
    """The part `name` from the default cache, or `make()` kept there. The key is taken
    before `make` reads anything: a write committing in between only files a fresh part
    under a stale key, which nobody asks for again."""
    key = page_key(request, name=name, parts=parts, sources=sources)
    part = cache.get(key)
    if part is None:
        part = make()
        cache.set(key, part, TIMEOUT)
    return part
