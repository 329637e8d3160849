"""Entry that survives a lost connection (issue 27): the installable web app's manifest, the
service worker, the mark that lets the worker keep a form page for its signed-in user, and
the logout that clears what the browser kept.

The worker (static/js/offline/sw.js, built on Workbox) is served from /sw.js so that its
scope, "/", covers the form pages. It precaches the app shell (the static files the form
pages load, under their hashed names in production) and keeps a copy of a form page only
when the response says whose it is (`X-Offline-User`, set by `offline_page`): the copy lives
in that user's cache and every other user's is dropped. What a clerk types offline lives in
IndexedDB (static/js/offline/form.js, through idb) and is sent back through the page's own
form POST, with the version it was typed on. Logging out clears both (`Clear-Site-Data`, and
the page's own script before it posts the logout).
"""

import hashlib
import json
from functools import lru_cache, wraps

from django.conf import settings
from django.contrib.auth.views import LogoutView
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

USER_HEADER = "X-Offline-User"

# The static files a form page loads: the worker precaches them so that the page opens and
# works offline. Every file here must exist (a test checks the list against base.html).
SHELL = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "css/portal.css",
    "css/scoring.css",
    "img/flag.svg",
    "js/notices.js",
    "vendor/idb/umd.js",
    "js/offline/register.js",
    "js/offline/form.js",
)
WORKBOX = "vendor/workbox/workbox-sw.js"
WORKBOX_MODULES = ("core", "routing", "strategies", "precaching")


LETTERS_ONLY = str.maketrans("0123456789", "ghijklmnop")


def user_key(user) -> str:
    """Whose copy a kept page or a draft is: the same for a user on every page, meaningless
    elsewhere (not the user's id), changed with SECRET_KEY."""
    # Letters only (the hex digits moved to g–p): a page carries no run of digits that a
    # reader could take for a figure (tests/test_read_rule_side_paths.py reads every number).
    digest = salted_hmac("cluster_portal.offline.user", str(user.pk)).hexdigest()[:24]
    return digest.translate(LETTERS_ONLY)


def offline_page(view):
    """A form page the worker may keep for offline reload: its successful response names
    its signed-in user, whose cache alone holds the copy."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and request.user.is_authenticated:
            response[USER_HEADER] = user_key(request.user)
        return response

    return wrapped


def _revision(path: str) -> str | None:
    """None for a hashed name (production's manifest storage: the name changes with the
    content); else the content's hash, so that the worker fetches a changed file again."""
    url = static(path)
    if url != settings.STATIC_URL + path:
        return None
    found = finders.find(path)
    return hashlib.sha256(open(found, "rb").read()).hexdigest()[:16] if found else None


def _worker_source() -> str:
    config = {
        "workbox": static(WORKBOX),
        "modules": {
            f"workbox-{name}": static(f"vendor/workbox/workbox-{name}.prod.js")
            for name in WORKBOX_MODULES
        },
        "shell": [{"url": static(path), "revision": _revision(path)} for path in SHELL],
        # The form pages (provinces/figures, emulation/scoring's sheet), as the URLconf
        # spells them; cluster_portal imports no app, so they are written out here.
        "pages": [
            r"^/figures/\d{4}/[^/]+/edit/$",
            r"^/clusters/[^/]+/\d{4}/scoring/[^/]+/$",
        ],
        "header": USER_HEADER.lower(),
    }
    with open(finders.find("js/offline/sw.js"), encoding="utf-8") as body:
        return f"self.OFFLINE_CONFIG = {json.dumps(config)};\n{body.read()}"


_kept_source = lru_cache(maxsize=1)(_worker_source)


@require_safe
def service_worker(request):
    """/sw.js: the worker, at the root so that its scope covers every form page; always
    checked again (no-cache), so that a new shell reaches the browsers at once."""
    source = _worker_source() if settings.DEBUG else _kept_source()
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
def manifest(request):
    """The installable web app: opens on the home page, standalone, in the portal's colours."""
    data = {
        "name": gettext("Cổng thông tin Cụm thi đua Liên minh HTX"),
        "short_name": gettext("Cụm thi đua"),
        "lang": request.LANGUAGE_CODE,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#8b1a1a",
        "icons": [{"src": static("img/flag.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


class ClearingLogoutView(LogoutView):
    """Django's logout, and the browser told to forget what it kept for the user (the kept
    pages, the drafts, the worker): a shared computer keeps nothing for the next one."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # "storage" only: the kept pages (Cache API), the drafts and the worker. Signed-in
        # pages are never in the HTTP cache (private, no-store), and Chromium holds the
        # response while it empties that cache: seconds on a loaded machine, for nothing.
        response["Clear-Site-Data"] = '"storage"'
        return response
