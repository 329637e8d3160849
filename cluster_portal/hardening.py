"""Request-level guards: the client's address for the login lockout, the body limit, paths
with control characters, and the answer while the database is out of reach."""

import logging
import re

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str | None:
    """The address django-axes locks out (``AXES_CLIENT_IP_CALLABLE``).

    Behind nginx every request comes from 127.0.0.1, which would lock a username out for
    everyone. The proxy's header (``CLIENT_IP_HEADER``, e.g. ``X-Real-IP``, which nginx
    overwrites) is believed only when the request came from a trusted proxy: anyone
    else could send any address in it and get unlimited attempts.
    """
    peer = request.META.get("REMOTE_ADDR")
    header = settings.CLIENT_IP_HEADER
    if header and peer in settings.TRUSTED_PROXIES:
        forwarded = request.META.get("HTTP_" + header.upper().replace("-", "_"), "").strip()
        if forwarded:
            return forwarded
    return peer


class RequestBodyLimitMiddleware:
    """Refuse a body larger than ``REQUEST_BODY_MAX_SIZE`` with 413, before anything reads it.

    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` leaves out the files of a multipart body, so on its
    own it does not bound an upload; nginx's ``client_max_body_size`` does the same job
    in front of the portal, this holds without it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body at all then
        limit = settings.REQUEST_BODY_MAX_SIZE
        if length > limit:
            logger.warning(
                "request body too large: %s bytes (limit %s) for %s", length, limit, request.path
            )
            message = _("Dữ liệu gửi lên quá lớn: tối đa %(size)s MB mỗi lần gửi.") % {
                "size": limit // (1024 * 1024)
            }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


# C0 controls (NUL among them), DEL and the C1 controls. No URL of the portal has one; a
# path with one would reach a view's query, and PostgreSQL refuses NUL in any string (500).
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")


class ControlCharacterPathMiddleware:
    """A path holding a control character (`/api/v1/figures/2024/1%00`) is not found (404)
    before any URL pattern, view or query sees it, on every database alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if CONTROL_CHARACTERS.search(request.path_info):
            raise Http404("control character in the path")
        return self.get_response(request)


# What a database out of reach raises: the server restarting or gone (OperationalError),
# a connection it closed under the request (InterfaceError), SQLite locked past its wait.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


def database_unavailable_message() -> str:
    return _(
        "Cơ sở dữ liệu tạm thời không truy cập được (đang khởi động lại hoặc quá tải). "
        "Hãy thử lại sau ít giây; những gì chưa được báo lưu là chưa được lưu."
    )


def log_database_unavailable(request: HttpRequest, exc: Exception) -> None:
    logger.error(
        "database unavailable: %s %s answered 503", request.method, request.path, exc_info=exc
    )


class DatabaseUnavailableMiddleware:
    """A view that loses the database answers 503 with Retry-After (a page to try again in
    a moment), not 500: a PostgreSQL restart makes the requests in flight fail, and the
    next ones get a new connection. Errors raised outside views (a session saved after the
    response) are answered the same way by `server_error`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            log_database_unavailable(request, exception)
            return database_unavailable_response()
        return None


def database_unavailable_response() -> HttpResponse:
    """The page itself touches no table: no user, no session, no template of the site."""
    response = HttpResponse(
        database_unavailable_message(), status=503, content_type="text/plain; charset=utf-8"
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
