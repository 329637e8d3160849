"""The API's one error contract: every error of /api/ is an RFC 9457 problem
(`application/problem+json`) with a stable machine-readable `type` (a URN) and `code`, a
Vietnamese `detail`, and, for a refused request, one entry per field in `errors`.

Raise `ApiProblem(status, detail, code=...)` (a ninja `HttpError`) from any operation; a
plain `HttpError`, `Http404`, `PermissionDenied`, ninja's validation, authentication and
throttling errors are turned into the same shape by the handlers `install` registers, and
what Django answers outside the operations under /api/ (an unknown URL, a method the path
does not take, a body too large, a server error) by `middleware.ApiProblemMiddleware`.
"""

import json
import math

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.utils.translation import gettext, gettext_lazy
from ninja import Field, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as RequestValidationError

from cluster_portal.hardening import (
    DATABASE_UNAVAILABLE,
    RETRY_AFTER_SECONDS,
    database_unavailable_message,
    log_database_unavailable,
)

from .validation import field_problems

CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:cluster-portal:problem:"

# Each status's default code and title; an operation may name a finer code (CODES).
STATUSES = {
    400: ("bad_request", gettext_lazy("Yêu cầu không đọc được")),
    401: ("unauthenticated", gettext_lazy("Chưa xác thực")),
    403: ("forbidden", gettext_lazy("Không có quyền")),
    404: ("not_found", gettext_lazy("Không tìm thấy")),
    405: ("method_not_allowed", gettext_lazy("Phương thức không được hỗ trợ")),
    406: ("not_acceptable", gettext_lazy("Không có dạng trả lời được yêu cầu")),
    409: ("conflict", gettext_lazy("Xung đột với trạng thái hiện tại")),
    412: ("precondition_failed", gettext_lazy("Điều kiện của yêu cầu không còn đúng")),
    413: ("payload_too_large", gettext_lazy("Dữ liệu gửi lên quá lớn")),
    415: ("unsupported_media_type", gettext_lazy("Kiểu dữ liệu không được hỗ trợ")),
    422: ("validation_failed", gettext_lazy("Dữ liệu không hợp lệ")),
    429: ("too_many_requests", gettext_lazy("Quá nhiều yêu cầu")),
    500: ("server_error", gettext_lazy("Lỗi máy chủ")),
    503: ("database_unavailable", gettext_lazy("Tạm thời không phục vụ được")),
}

# The finer codes the API answers, documented in the schema (Problem.code).
CODES = {
    "unreadable_body": 400,
    "stale_version": 409,
    "state_conflict": 409,
    "already_exists": 409,
    "rule_violation": 422,
}


class FieldProblem(Schema):
    location: str = Field(..., description="body | path | query | header", examples=["body"])
    field: str = Field(..., description="tên trường, theo dấu chấm", examples=["values.tht_new"])
    code: str = Field(..., examples=["number"])
    detail: str = Field(..., examples=["“1.000”: số tiền có tối đa 2 chữ số thập phân."])


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str = Field(..., examples=[f"{TYPE_PREFIX}stale_version"])
    title: str
    status: int = Field(..., ge=400, le=599, examples=[409])
    detail: str = Field(..., description="lời giải thích, bằng tiếng Việt")
    code: str = Field(
        ...,
        pattern="^[a-z_]+$",
        description="mã ổn định cho máy đọc: "
        + ", ".join(sorted({code for code, _ in STATUSES.values()} | set(CODES))),
        examples=["stale_version"],
    )
    instance: str | None = Field(None, description="đường dẫn của yêu cầu")
    errors: list[FieldProblem] = Field(default_factory=list, description="lỗi theo trường")
    warnings: list[str] = Field(default_factory=list, description="cảnh báo cần giải trình")


class ApiProblem(HttpError):
    """An error answered as a problem: `raise ApiProblem(409, detail, code="stale_version")`.
    `errors`: FieldProblem dicts; `headers`: added to the response (Retry-After, …)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        code: str | None = None,
        errors: list[dict] | None = None,
        warnings: list[str] | None = None,
        headers: dict[str, str] | None = None,
        extensions: dict | None = None,
    ):
        super().__init__(status, detail)
        self.extensions = extensions or {}  # RFC 9457 extension members (a batch's summary)
        self.code = code
        self.errors = errors or []
        self.warnings = warnings or []
        self.headers = headers or {}


def problem_body(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    instance: str | None = None,
    errors: list[dict] | None = None,
    warnings: list[str] | None = None,
    extensions: dict | None = None,
) -> dict:
    default_code, title = STATUSES.get(status) or STATUSES[500 if status >= 500 else 400]
    code = code or default_code
    body = {
        "type": TYPE_PREFIX + code,
        "title": str(title),
        "status": status,
        "detail": str(detail),
        "code": code,
        "instance": instance,
    }
    if errors:
        body["errors"] = errors
    if warnings:
        body["warnings"] = warnings
    for name, value in (extensions or {}).items():
        body.setdefault(name, value)
    return body


def problem_response(
    request, status: int, detail: str, *, headers: dict[str, str] | None = None, **fields
) -> HttpResponse:
    body = problem_body(status, detail, instance=request.path if request else None, **fields)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, cls=DjangoJSONEncoder),
        status=status,
        content_type=CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def generic_detail(status: int) -> str:
    """The detail of an error that names none of its own."""
    details = {
        400: gettext("Yêu cầu không đọc được: hãy kiểm tra đường dẫn, tham số và thân JSON."),
        401: gettext(
            "Thiếu mã truy cập, hoặc mã không đúng, đã hết hạn hay đã bị thu hồi "
            "(gửi tiêu đề Authorization: Bearer <mã>)."
        ),
        403: gettext("Bạn xem được nhưng không có quyền làm việc này (ở trạng thái hiện tại)."),
        404: gettext("Không tìm thấy, hoặc bạn không có quyền xem."),
        405: gettext("Đường dẫn này không nhận phương thức %(method)s."),
        409: gettext("Yêu cầu xung đột với trạng thái hiện tại của bản ghi."),
        413: gettext("Dữ liệu gửi lên quá lớn."),
        429: gettext("Quá nhiều yêu cầu."),
        500: gettext(
            "Máy chủ gặp lỗi khi xử lý yêu cầu; lỗi đã được ghi lại. Hãy thử lại sau, "
            "những gì chưa được báo lưu là chưa được lưu."
        ),
    }
    return details.get(status, details[500] if status >= 500 else details[400])


# ninja's own English messages of its HttpErrors, in the portal's words.
_NINJA_MESSAGES = {"Cannot parse request body": "unreadable_body"}


def _http_error(request, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    detail = str(exc)
    code = getattr(exc, "code", None)
    if detail in _NINJA_MESSAGES:
        code = _NINJA_MESSAGES[detail]
        detail = gettext("Thân yêu cầu không phải JSON đọc được (UTF-8, không NaN/Infinity).")
    return problem_response(
        request,
        status,
        detail or generic_detail(status),
        code=code,
        errors=getattr(exc, "errors", None),
        warnings=getattr(exc, "warnings", None),
        headers=getattr(exc, "headers", None),
        extensions=getattr(exc, "extensions", None),
    )


def _validation(request, exc: RequestValidationError) -> HttpResponse:
    errors = field_problems(exc.errors)
    detail = gettext("Dữ liệu gửi lên không hợp lệ (%(count)s lỗi, xem errors).") % {
        "count": len(errors)
    }
    return problem_response(request, 422, detail, errors=errors)


def _unauthorized(request, exc) -> HttpResponse:
    return problem_response(
        request, 401, generic_detail(401), headers={"WWW-Authenticate": "Bearer"}
    )


def _not_found(request, exc) -> HttpResponse:
    return problem_response(request, 404, generic_detail(404))


def _forbidden(request, exc) -> HttpResponse:
    # The reason a refusal names (four eyes: access.own_unit_refusal), if any.
    detail = str(exc) if isinstance(exc, PermissionDenied) else ""
    return problem_response(request, 403, detail or generic_detail(403))


def _throttled(request, exc: Throttled) -> HttpResponse:
    """Too many requests of a token (security.TokenRateThrottle) or too many wrong tokens
    from an address (security.TokenAuth): 429, with the seconds to wait."""
    seconds = max(1, math.ceil(exc.wait)) if exc.wait is not None else None
    if seconds is None:
        return problem_response(request, 429, generic_detail(429))
    detail = gettext("Quá nhiều yêu cầu: hãy thử lại sau %(seconds)s giây.") % {"seconds": seconds}
    return problem_response(request, 429, detail, headers={"Retry-After": str(seconds)})


def _too_large(request, exc) -> HttpResponse:
    return problem_response(request, 413, generic_detail(413))


def _database_unavailable(request, exc) -> HttpResponse:
    """The database lost during the request (a PostgreSQL restart): 503 with Retry-After,
    as the pages answer (cluster_portal.hardening.DatabaseUnavailableMiddleware)."""
    log_database_unavailable(request, exc)
    return problem_response(
        request,
        503,
        database_unavailable_message(),
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _unexpected(request, exc):
    """Anything else goes on to Django (logged, handler500), whose answer under /api/
    middleware.ApiProblemMiddleware turns into a 500 problem."""
    raise exc


def install(api) -> None:
    handlers = {
        Exception: _unexpected,
        HttpError: _http_error,
        RequestValidationError: _validation,
        AuthenticationError: _unauthorized,
        AuthorizationError: _forbidden,
        Http404: _not_found,
        PermissionDenied: _forbidden,
        Throttled: _throttled,
        RequestDataTooBig: _too_large,
    }
    for error, handler in handlers.items():
        api.add_exception_handler(error, handler)
    for error in DATABASE_UNAVAILABLE:
        api.add_exception_handler(error, _database_unavailable)
