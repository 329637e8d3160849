"""Django's own answers under /api/ in the API's error contract (problems.py): an unknown
URL (404), a method the path does not take (405, with `Allow`), a body over the portal's
limit (413, hardening.RequestBodyLimitMiddleware), a database out of reach (503) and a
server error (500) come back as `application/problem+json`, never as an HTML or a text
page. HEAD is answered as GET without the body, OPTIONS with the methods of the path
(`Allow`). The token page (/api/tokens/) is a page for people and keeps its HTML."""

import json

from django.http import HttpResponse

from .problems import CONTENT_TYPE, generic_detail, problem_response

PREFIX = "/api/"
PAGES = ("/api/tokens/",)
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Cache-Control", "Vary")


def is_api_path(path: str) -> bool:
    return path.startswith(PREFIX) and not path.startswith(PAGES)


class ApiProblemMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api_path(request.path_info):
            return self.get_response(request)
        method = request.method
        if method == "HEAD":
            request.method = "GET"
        response = self.get_response(request)
        request.method = method
        if response.status_code == 405 and response.has_header("Allow"):
            allowed = [m.strip() for m in response["Allow"].split(",") if m.strip()]
            if "GET" in allowed:
                allowed.append("HEAD")
            response["Allow"] = ", ".join(sorted({*allowed, "OPTIONS"}))
            if method == "OPTIONS":
                return _options(response["Allow"])
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            CONTENT_TYPE
        ):
            response = _as_problem(request, response, method)
        if method == "HEAD" and not response.streaming:
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response


def _options(allow: str):
    response = HttpResponse(status=204)
    response["Allow"] = allow
    response["Cache-Control"] = "no-store"
    return response


def _as_problem(request, response, method: str):
    status = response.status_code
    detail = _own_detail(response)
    if detail is None:
        detail = generic_detail(status)
        if status == 405:
            detail = detail % {"method": method}
    problem = problem_response(request, status, detail)
    for name in KEPT_HEADERS:
        if response.has_header(name):
            problem[name] = response[name]
    if not problem.has_header("Cache-Control"):
        problem["Cache-Control"] = "no-store"
    if status == 401 and not problem.has_header("WWW-Authenticate"):
        problem["WWW-Authenticate"] = "Bearer"
    return problem


def _own_detail(response) -> str | None:
    """The message an answer already gave in the portal's words: a short text (the body
    limit's 413, the database's 503) or a JSON `detail`; None for an HTML page."""
    if response.streaming:
        return None
    content_type = response.get("Content-Type", "")
    try:
        text = response.content.decode(response.charset or "utf-8")
    except UnicodeDecodeError:
        return None
    if (
        content_type.startswith("text/plain")
        and 0 < len(text) < 1000
        and response.status_code
        in (
            413,
            503,
        )
    ):
        return text
    if content_type.startswith("application/json"):
        try:
            detail = json.loads(text).get("detail")
        except (ValueError, AttributeError):
            return None
        return detail if isinstance(detail, str) and detail else None
    return None
