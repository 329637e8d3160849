"""The data-exchange API, version 1 (django-ninja): /api/v1/, its OpenAPI schema at
/api/v1/openapi.json, interactive docs at /api/v1/docs.

Every endpoint needs `Authorization: Bearer <token>`; the token acts as its user, so the
pages' access rules (cluster_portal.access) decide everything; requests are limited per
token (security.TokenRateThrottle).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.renderers import JSONRenderer

from . import disbursements, figures, nominations, organisation, scores
from .docs import VendoredSwagger
from .security import TokenAuth, TokenRateThrottle


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Vietnamese stays readable


api = NinjaAPI(
    title="Cổng thông tin Cụm thi đua — API",
    version="1",
    description=(
        "Số liệu năm, sổ giải ngân và tổ chức cụm theo thời gian, theo đúng quyền của "
        "người dùng sở hữu mã truy cập (Authorization: Bearer <mã>)."
    ),
    urls_namespace="api-v1",
    renderer=Renderer(),
    auth=TokenAuth(),
    throttle=TokenRateThrottle(),
    docs=VendoredSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    response = api.create_response(
        request,
        {
            "detail": "Thiếu mã truy cập, hoặc mã không đúng, đã hết hạn hay đã bị thu hồi "
            "(gửi tiêu đề Authorization: Bearer <mã>)."
        },
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(
        request,
        {"detail": "Không tìm thấy, hoặc bạn không có quyền xem."},
        status=404,
    )


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(
        request,
        # The reason a refusal names (four eyes: access.own_unit_refusal), if any.
        {
            "detail": str(exc)
            or "Bạn xem được nhưng không có quyền làm việc này (ở trạng thái hiện tại)."
        },
        status=403,
    )


api.add_router("", organisation.router)
api.add_router("", figures.router)
api.add_router("", disbursements.router)
api.add_router("", scores.router)
api.add_router("", nominations.router)
