"""A control character anywhere in a URL's path (NUL, line breaks, DEL, the C1 controls) is
answered 404 before any URL pattern, view or query sees it
(cluster_portal.hardening.ControlCharacterPathMiddleware): on PostgreSQL a NUL that
reached a query was a 500 on seven API endpoints. Walked on every API operation with a
path parameter, in each parameter, and on pages whose parts are free text; run on SQLite
and, in the PostgreSQL pass, on PostgreSQL."""

import re

import pytest
from django.urls import reverse

from tests.api_support import API, bearer, token_for
from tests.factories import make_disbursement, make_figures

pytestmark = pytest.mark.django_db

# As sent on the wire (percent-encoded): NUL, SOH, LF, US, DEL, NEL (C1, as UTF-8).
CONTROLS = ["%00", "%01", "%0A", "%1F", "%7F", "%C2%85"]
VALID = {"slug": "tay-bac", "year": "2024", "code": "14", "pk": "1"}
PARAMETER = re.compile(r"\{(\w+)\}")


def api_operations(client) -> list[tuple[str, str]]:
    """(method, path template) of every operation with a path parameter, from the schema
    itself: an endpoint added later is walked too."""
    schema = client.get(f"{API}/openapi.json").json()
    return [
        (method, path)
        for path, methods in schema["paths"].items()
        for method in methods
        if PARAMETER.search(path)
    ]


def with_control(path: str, name: str, control: str, where: str) -> str:
    def value(match):
        valid = VALID[match.group(1)]
        if match.group(1) != name:
            return valid
        return {"after": valid + control, "before": control + valid, "alone": control}[where]

    return PARAMETER.sub(value, path)


@pytest.mark.parametrize("control", CONTROLS)
def test_every_api_path_parameter_with_a_control_character_is_not_found(
    client, admin_user, control
):
    make_figures("14", 2024)
    headers = bearer(token_for(admin_user))
    operations = api_operations(client)
    assert len(operations) >= 11  # figures (7), loans, clusters (3), scores, report
    answers = {}
    for method, path in operations:
        for name in PARAMETER.findall(path):
            for where in ("after", "before", "alone"):
                url = with_control(path, name, control, where)
                send = getattr(client, method)
                kwargs = {"headers": headers}
                if method != "get":
                    kwargs.update(data="{}", content_type="application/json")
                answers[(method, url)] = send(url, **kwargs).status_code
    assert {key: status for key, status in answers.items() if status != 404} == {}


def test_the_same_paths_without_the_control_character_are_found(client, admin_user, monkeypatch):
    """The walk above reaches the views: each operation's valid path answers."""
    make_figures("14", 2024)
    loan = make_disbursement("14", "2024-06-05", "120")  # GET /loans/{pk}
    monkeypatch.setitem(VALID, "pk", str(loan.pk))
    headers = bearer(token_for(admin_user))
    for method, path in api_operations(client):
        if method == "get":
            url = with_control(path, "none", "", "after")
            assert client.get(url, headers=headers).status_code == 200, url


PAGES = [
    "/figures/2024/14{c}/",
    "/figures/2024{c}/14/",
    "/clusters/tay-bac{c}/2024/figures/",
    "/clusters/tay-bac/2024/figures/export.csv{c}",
    "/clusters/tay-bac/2024/figures/export.{c}",
    "/account/email/confirm/abc{c}/",
    "/accounts/reset/MQ{c}/set-password/",
    "/admin/provinces/province/1{c}/change/",
    "/admin/auth/user/{c}/change/",
    "/api/tokens/1{c}/revoke/",
    "/{c}",
    "/static/css/site{c}.css",
]


@pytest.mark.parametrize("control", CONTROLS)
@pytest.mark.parametrize("persona", ["anonymous", "admin"])
def test_pages_with_a_control_character_in_the_path_are_not_found(
    client, admin_user, persona, control
):
    if persona == "admin":
        client.force_login(admin_user)
    answers = {}
    for page in PAGES:
        url = page.format(c=control)
        answers[("get", url)] = client.get(url).status_code
        answers[("post", url)] = client.post(url, {"x": "1"}).status_code
    assert {key: status for key, status in answers.items() if status != 404} == {}


def test_a_404_for_a_control_character_is_the_sites_404(client):
    """Not a redirect first (CommonMiddleware would add the slash to a path that matched
    with it), and nothing after it: the same answer as any path that matches nothing."""
    response = client.get("/figures/2024/14%00")
    assert response.status_code == 404
    assert client.get(reverse("figures:detail", args=[2024, "14"])).status_code == 302  # login


@pytest.mark.parametrize("control", ["\x00", "\x01", "\x1b", "\x7f"])
def test_api_text_with_a_control_character_is_refused_with_422(client, admin_user, control):
    """Past the path: a query's province code, a return's reason, a submission's
    explanation. On PostgreSQL a NUL there was a 500 (/provinces?code=%00, a reason);
    the pages' forms refuse it too (Django's CharField). Line breaks and tabs stay."""
    from urllib.parse import quote

    from provinces.models import FiguresStatus

    make_figures("14", 2024, status=FiguresStatus.SUBMITTED)
    headers = bearer(token_for(admin_user))
    query = client.get(f"{API}/provinces?code={quote('1' + control)}", headers=headers)
    assert query.status_code == 422
    assert query.json()["errors"][0]["detail"].startswith("Chuỗi có ký tự điều khiển")
    for action, field in (("return", "reason"), ("submit", "explanation")):
        body = {"version": 1, field: f"Sai số{control} liệu"}
        response = client.post(
            f"{API}/figures/2024/14/{action}",
            body,
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 422, (action, response.content[:200])
        assert response.json()["errors"][0]["field"] == field
    body = {"version": 1, "reason": "Sai số liệu:\n\tdòng 2"}
    returned = client.post(
        f"{API}/figures/2024/14/return", body, content_type="application/json", headers=headers
    )
    assert returned.status_code == 200, returned.content[:300]
