"""The portal's URL patterns resolved once per path and process.

Django tries the patterns in order on every request and builds the list of those it
tried: a cached report download (`/reports/…/pdf/`, the 35th pattern, after eight
includes) spent 0.1 ms there, a sixth of its cost beside /healthz/ (bench/bench_pdf_cache.py).
A path always resolves to the same view with the same arguments (the converters are pure
functions of the text; no pattern depends on the language or the request), so the match
of a path that resolved is kept; one that did not is resolved again each time (no path
is kept for a 404, so a scanner's paths cost nothing here).

`KeptResolver` is `path("", include(patterns))` with that memory: the root resolver builds
each request's `ResolverMatch` afresh from the kept one (its own lists and dicts), as it
does from any include's.
"""

from __future__ import annotations

from django.urls import URLResolver
from django.urls.resolvers import RoutePattern

KEPT_PATHS = 4096


class KeptResolver(URLResolver):
    def __init__(self, patterns: list):
        super().__init__(RoutePattern(""), patterns)
        self._kept: dict[str, object] = {}

    def resolve(self, path):
        path = str(path)
        match = self._kept.get(path)
        if match is None:
            match = super().resolve(path)  # Resolver404 for no match: never kept
            if len(self._kept) >= KEPT_PATHS:
                self._kept.clear()
            self._kept[path] = match
        return match
