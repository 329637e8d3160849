"""The data-exchange API, version 1 (django-ninja): /api/v1/, its OpenAPI schema at
/api/v1/openapi.json, interactive docs at /api/v1/docs.

Every endpoint needs `Authorization: Bearer <token>`; the token acts as its user, so the
pages' access rules (cluster_portal.access) decide everything; requests are limited per
token (security.TokenRateThrottle).
"""

import json
import math
from decimal import Decimal
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, Throttled
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from cluster_portal.hardening import (
    DATABASE_UNAVAILABLE,
    RETRY_AFTER_SECONDS,
    database_unavailable_message,
    log_database_unavailable,
)

from . import disbursements, figures, loans, me, nominations, organisation, scores
from .conditional import etag_reads
from .docs import VendoredSwagger
from .idempotency import HEADER as IDEMPOTENCY_HEADER
from .idempotency import claim_key, store_answer
from .security import TokenAuth, TokenRateThrottle


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Vietnamese stays readable


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number")


class NumbersParser(Parser):
    """JSON bodies with every number that has a fraction or an exponent read as a Decimal
    from its text (236.80 stays 236.80, never the float 236.8000000000000113…); NaN and
    Infinity, which Python's json would take, make the body unreadable (400). The schemas'
    numbers then go through the portal's reader (schemas.Int, schemas.Number)."""

    def parse_body(self, request):
        return json.loads(request.body, parse_float=Decimal, parse_constant=_no_constant)


def no_store(run):
    """Every answer of an operation, refusals included, marked `Cache-Control: no-store`:
    they carry a user's data, and no browser, proxy or client library should keep them."""

    @wraps(run)
    def operation(request, *args, **kwargs):
        response = run(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    return operation


class PortalAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """The schema ninja generates, with the `Idempotency-Key` header (read by a
        decorator on every POST, idempotency.py, not by each operation) documented."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for methods in schema["paths"].values():
            if "post" in methods:
                methods["post"].setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)
        return schema


IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": IDEMPOTENCY_HEADER,
    "required": False,
    "schema": {"type": "string", "pattern": "^[!-~]{1,255}$"},
    "description": (
        "khóa chống gửi lặp (ví dụ một UUID): gửi lại cùng khóa và cùng nội dung thì nhận lại "
        "câu trả lời lần đầu, không ghi gì thêm; cùng khóa, nội dung khác: 409. Giữ 24 giờ."
    ),
}

api = PortalAPI(
    title="Cổng thông tin Cụm thi đua — API",
    version="1",
    description=(
        "Số liệu năm, sổ giải ngân và tổ chức cụm theo thời gian, theo đúng quyền của "
        "người dùng sở hữu mã truy cập (Authorization: Bearer <mã>)."
    ),
    urls_namespace="api-v1",
    renderer=Renderer(),
    parser=NumbersParser(),
    auth=TokenAuth(),
    throttle=TokenRateThrottle(),
    docs=VendoredSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)

api.add_decorator(no_store, mode="view")  # "view": around authentication and throttling too
# Idempotency-Key on every POST (idempotency.py): the answer stored once ninja made it,
# the key claimed (or the answer replayed) once the token is known.
api.add_decorator(store_answer, mode="view")
api.add_decorator(etag_reads, mode="view")  # ETag on reads, 304 for If-None-Match
api.add_decorator(claim_key, mode="operation")


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    response = api.create_response(
        request,
        {
            "detail": _(
                "Thiếu mã truy cập, hoặc mã không đúng, đã hết hạn hay đã bị thu hồi "
                "(gửi tiêu đề Authorization: Bearer <mã>)."
            )
        },
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(
        request,
        {"detail": _("Không tìm thấy, hoặc bạn không có quyền xem.")},
        status=404,
    )


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(
        request,
        # The reason a refusal names (four eyes: access.own_unit_refusal), if any.
        {
            "detail": str(exc)
            or _("Bạn xem được nhưng không có quyền làm việc này (ở trạng thái hiện tại).")
        },
        status=403,
    )


@api.exception_handler(Throttled)
def throttled(request, exc):
    """Too many requests of a token (security.TokenRateThrottle) or too many wrong tokens
    from an address (security.TokenAuth): 429, with the seconds to wait."""
    seconds = math.ceil(exc.wait) if exc.wait is not None else None
    detail = _("Quá nhiều yêu cầu.")
    if seconds is not None:
        detail = _("Quá nhiều yêu cầu: hãy thử lại sau %(seconds)s giây.") % {"seconds": seconds}
    response = api.create_response(request, {"detail": detail}, status=429)
    if seconds is not None:
        response["Retry-After"] = str(seconds)
    return response


def database_unavailable(request, exc):
    """The database lost during the request (a PostgreSQL restart): 503 with Retry-After,
    as the pages answer (cluster_portal.hardening.DatabaseUnavailableMiddleware)."""
    log_database_unavailable(request, exc)
    response = api.create_response(request, {"detail": database_unavailable_message()}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


for error in DATABASE_UNAVAILABLE:
    api.add_exception_handler(error, database_unavailable)


api.add_router("", organisation.router)
api.add_router("", figures.router)
api.add_router("", disbursements.router)
api.add_router("", loans.router)
api.add_router("", scores.router)
api.add_router("", nominations.router)
api.add_router("", me.router)
