"""What the OpenAPI document adds to django-ninja's: short operation ids (the function's
name), English tags with their Vietnamese description, a `servers` entry, and the error
contract (problems.py) on every operation — each error status an operation can answer,
as `application/problem+json` — so that a generated client knows every answer."""

from ninja import NinjaAPI

from .problems import CONTENT_TYPE, STATUSES, FieldProblem, Problem

TAGS = [
    {"name": "Organisation", "description": "Tổ chức theo thời gian: tỉnh, cụm, báo cáo"},
    {"name": "Figures", "description": "Số liệu năm"},
    {"name": "Loans", "description": "Sổ giải ngân"},
    {"name": "Scores", "description": "Chấm điểm, xếp hạng"},
    {"name": "Nominations", "description": "Đề nghị khen thưởng"},
    {"name": "Reviews", "description": "Thẩm định hồ sơ khen thưởng của các Cụm"},
    {"name": "Decisions", "description": "Quyết định khen thưởng của Liên minh HTX Việt Nam"},
    {"name": "Account", "description": "Mã truy cập đang dùng: người dùng, vai trò, phạm vi"},
]

# The errors every operation may answer, and those of the writes.
READ_ERRORS = (401, 403, 404, 422, 429, 500, 503)
WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 422, 429, 500, 503)

_RETRY_AFTER = {"Retry-After": {"description": "số giây cần chờ", "schema": {"type": "integer"}}}
_HEADERS = {
    401: {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}},
    429: _RETRY_AFTER,
    503: _RETRY_AFTER,
}


def problem_responses(statuses) -> dict:
    """The shared responses of the error contract, by status."""
    responses = {}
    for status in statuses:
        response = {
            "description": str(STATUSES.get(status, ("", status))[1]),
            "content": {CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        if status in _HEADERS:
            response["headers"] = _HEADERS[status]
        responses[status] = response
    return responses


def _component(model) -> dict:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)
    return schema


class PortalApi(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """`figures_submit`, not `emulation_api_figures_figures_submit_api`."""
        return operation.view_func.__name__.removesuffix("_api")

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = _component(Problem)
        components["FieldProblem"] = _component(FieldProblem)
        schema["servers"] = [
            {"url": "/", "description": "máy chủ của cổng (đường dẫn bắt đầu bằng /api/v1)"}
        ]
        schema["tags"] = TAGS
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                errors = set(READ_ERRORS if method == "get" else WRITE_ERRORS)
                responses = operation.setdefault("responses", {})
                # An error status an operation declares itself (412, …) is documented too,
                # as a problem like every other: whatever body ninja wrote for it.
                for status in [s for s in responses if str(s).isdigit() and int(s) >= 400]:
                    errors.add(int(status))
                    del responses[status]
                responses.update(problem_responses(sorted(errors)))
        return schema
