"""Page bodies kept in the default cache under the stamp of what they are made of: the
document cache's stamp (cluster_portal/documents.py's `document_key`: the sources' history
counts, kept per process while the write generation holds, the reader's class, the code
version, the language, and the local day for a page that depends on it), so that a
repeat view is the access check, the generation's row and one cache read, not the reads
and the rendering.

What a page keeps is the part that only its sources and the reader's class decide (the
year page's table, the report, the home page's to-dos): everything personal (the
navigation with the user's name, the messages, the CSRF token, the greeting) is rendered
per request around it, and the page's access check runs on every request, before the
stamp. Users: the year page (provinces/figures/views.py), the report page
(emulation/reports/views.py), the signed-in home page (emulation/home/views.py); their
sources are listed beside them (`*/sources.py`)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache

from cluster_portal.documents import document_key

TIMEOUT = 24 * 60 * 60  # a stale stamp is never asked again: let it go within a day


def page_key(request, *, name: str, parts: tuple, sources: Callable, dated: bool = False) -> str:
    """The key of page part `name` (`parts`: which one) made of `sources()` as the
    document cache stamps it; `dated`: the part changes with the local day."""
    key = document_key(request, name=name, parts=parts, sources=sources, dated=dated)
    return "page:" + key


def cached_part(
    request,
    *,
    name: str,
    parts: tuple,
    sources: Callable,
    make: Callable,
    dated: bool = False,
):
    """The part `name` from the default cache, or `make()` kept there. The key is taken
    before `make` reads anything: a write committing in between only files a fresh part
    under a stale key, which nobody asks for again. `sources()` must depend on `name` and
    `parts` alone (their statement is compiled once per process)."""
    key = page_key(request, name=name, parts=parts, sources=sources, dated=dated)
    part = cache.get(key)
    if part is None:
        part = make()
        cache.set(key, part, TIMEOUT)
    return part
