"""The data-exchange API, version 1 (django-ninja): /api/v1/, its OpenAPI schema at
/api/v1/openapi.json, interactive docs at /api/v1/docs.

Every endpoint needs `Authorization: Bearer <token>`; the token acts as its user, so the
pages' access rules (cluster_portal.access) decide everything; requests are limited per
token (security.TokenRateThrottle).
"""

import json
import unicodedata
from decimal import Decimal
from functools import wraps

from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from . import (
    awards,
    decisions,
    disbursements,
    figures,
    loans,
    me,
    national,
    nominations,
    organisation,
    reviews,
    scores,
)
from .conditional import etag_reads
from .docs import VendoredSwagger
from .idempotency import IDEMPOTENCY_PARAMETER, claim_key, store_answer
from .openapi import PortalApi
from .problems import install
from .read_cache import keep_answer, serve_kept
from .security import TokenAuth, TokenRateThrottle


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Vietnamese stays readable


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number")


class NumbersParser(Parser):
    """JSON bodies with every number that has a fraction or an exponent read as a Decimal
    from its text (236.80 stays 236.80, never the float 236.8000000000000113…); NaN and
    Infinity, which Python's json would take, make the body unreadable (400). The schemas'
    numbers then go through the portal's reader (schemas.Count, schemas.Money)."""

    def parse_body(self, request):
        body = json.loads(request.body, parse_float=Decimal, parse_constant=_no_constant)
        return _composed(body)


def _composed(value):
    """Every string of a body in Unicode's composed form (NFC): "Sơn La" typed with
    combining marks is stored, compared and searched as the pages store it."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_composed(item) for item in value]
    if isinstance(value, dict):
        return {_composed(key): _composed(item) for key, item in value.items()}
    return value


def no_store(run):
    """Every answer of an operation, refusals included, marked `Cache-Control: no-store`:
    they carry a user's data, and no browser, proxy or client library should keep them."""

    @wraps(run)
    def operation(request, *args, **kwargs):
        response = run(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    return operation


class PortalAPI(PortalApi):
    def get_openapi_schema(self, *args, **kwargs):
        """The contract's schema (openapi.py), with the `Idempotency-Key` header (read by
        a decorator on every POST, idempotency.py, not by each operation) documented."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for methods in schema["paths"].values():
            if "post" in methods:
                methods["post"].setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)
        return schema


api = PortalAPI(
    title="Cổng thông tin Cụm thi đua — API",
    version="1",
    description=(
        "Số liệu năm, sổ giải ngân và tổ chức cụm theo thời gian, theo đúng quyền của "
        "người dùng sở hữu mã truy cập (Authorization: Bearer <mã>).\n\n"
        "Mọi lỗi là một `application/problem+json` (RFC 9457): `type` và `code` ổn định "
        "cho máy đọc, `detail` bằng tiếng Việt, `errors` theo từng trường. Xung đột "
        "(phiên bản cũ, trạng thái không cho phép, bản ghi vừa được tạo): 409. Số tiền là "
        "chuỗi “1637.50” (dấu chấm thập phân, tối đa 2 chữ số sau dấu chấm, không phân "
        "cách hàng nghìn); số đếm là số nguyên JSON; chữ được lưu ở dạng Unicode NFC."
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
api.add_decorator(keep_answer, mode="view")  # reads kept per process (read_cache.py)
api.add_decorator(etag_reads, mode="view")  # ETag on reads, 304 for If-None-Match
api.add_decorator(claim_key, mode="operation")
api.add_decorator(serve_kept, mode="operation")


install(api)  # every error as an RFC 9457 problem (problems.py)

api.add_router("", organisation.router)
api.add_router("", figures.router)
api.add_router("", disbursements.router)
api.add_router("", loans.router)
api.add_router("", scores.router)
api.add_router("", nominations.router)
api.add_router("", national.router)
api.add_router("", awards.router)
api.add_router("", reviews.router)
api.add_router("", decisions.router)
api.add_router("", me.router)
