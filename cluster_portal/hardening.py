"""Request-level guards: the client's address for the login lockout, and the body limit."""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
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
