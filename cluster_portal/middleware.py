import time

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose another language with the switch.

    The browser's Accept-Language is ignored on purpose: staff on English-language
    computers should still see the Vietnamese portal first.
    """

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()


class SessionRefreshMiddleware:
    """Keep an active user's session alive without writing it on every page view.

    Django writes a session when it changes (or on every request with
    SESSION_SAVE_EVERY_REQUEST, which made every page view a database write). Here a
    session in use is marked changed once SESSION_REFRESH_INTERVAL seconds have passed
    since it was last written, so SessionMiddleware saves it and renews the cookie: a
    session still ends SESSION_COOKIE_AGE seconds after the last activity, give or take
    the interval. A visitor without a session gets none."""

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or not session.session_key:
            return response
        now = int(time.time())
        if session.modified or now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_INTERVAL:
            session[self.KEY] = now
        return response


class PrivatePagesMiddleware:
    """A page that read the session (who is signed in, their messages) is kept by no cache
    (`Cache-Control: private, no-store`): it shows what that user may read (figures before
    approval, scores, names), and a shared computer's browser cache or a proxy must not
    keep it; Django marks the same responses `Vary: Cookie`. A response that says how it
    may be cached keeps its own header (the documents' `private, no-cache` with their
    ETag); a request that never read the session was answered for anybody. Reads no table
    (the database may be the reason the response is an error)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


class PolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the policy built once per process: django-csp builds
    both headers from the settings on every response (0.2-0.4 ms, a sixth of a cached
    download). A response or request that changes the policy (a view's `csp_update`,
    `csp_replace` or `csp_exempt`, a nonce) takes django-csp's own way."""

    OVERRIDES = tuple(
        f"_csp_{name}{suffix}" for name in ("config", "update", "replace") for suffix in ("", "_ro")
    )
    HEADERS = (
        (False, HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt"),
        (True, HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro"),
    )
    _built: dict[bool, str] = {}

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in self.OVERRIDES
        ):
            return super().process_response(request, response)
        if response.status_code in (404, 500) and settings.DEBUG:
            return response
        for report_only, header, setting, exempt in self.HEADERS:
            policy = self._built.get(report_only)
            if policy is None:
                policy = self._built[report_only] = build_policy(report_only=report_only)
            if policy and getattr(response, exempt, False) is False and header not in response:
                prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES")
                if not request.path_info.startswith(tuple(prefixes or ())):
                    response[header] = policy
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


def _policy_changed(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        PolicyMiddleware._built.clear()


setting_changed.connect(_policy_changed)
