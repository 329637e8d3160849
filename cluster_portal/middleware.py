import time

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
