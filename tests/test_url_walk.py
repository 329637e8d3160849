"""Every URL of the project, with malformed and extreme values in each of its parts, as
each persona, by GET and by POST: never a server error.

The patterns come from the resolver itself (recursively), so a URL added later is walked
too. Each argument in turn takes the values below while the others keep a valid value
(the demo data: Tây Bắc 2024, Sơn La, a disbursement, a nomination, in the admin an object of the
model at hand), so that the bad part is the one tested, past the checks of the parts
before it.

The walk is parametrised over what differs: the persona (whose access decides how far a
request gets) and the area of the site (so that the parts run side by side on the test
workers). A path that no pattern matches never reaches a view: that answer is the same
for every persona, so those paths are walked once, in their own test.

In the admin, a persona that is not an admin meets the admin site's permission gate
(`AdminSite.admin_view`) before the view reads any part of the URL: every URL that resolves
to the same view gets the gate's answer, a redirect to the admin's login. So only the admin
walks the admin's URL space with every bad value; for the other personas each pattern is
sampled (its valid URL and each of its parts with one bad value), each sample must get the
gate's answer, and every other URL of the walk must resolve to a view whose samples did. A
view that answers otherwise (the admin's login page, for one) is walked with every value,
as before.

The admin itself walks each object page (`<object_id>/change/`, `delete/`, `history/`…)
with every bad id where the code that reads the id differs: the first page of each kind
of view, key field and model admin code (`get_object`, the views, the permission checks:
`object_id_handling`); a page whose id the same code answers gets the samples above.
"""

import re
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from django.apps import apps
from django.contrib import admin as django_admin
from django.contrib.auth import get_user_model
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.http import urlsafe_base64_encode

from emulation.models import Nomination
from provinces.models import Disbursement, YearlyFigures
from tests.demo_data import DEMO

# A persona's download renders its PDF once per test process (tests/pdf_memo.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdf_memo")]

BAD_VALUES = ["0", "1", "10000", "9" * 20, "-1", "abc", "Sơn-La-ờ"]
PERSONAS = {
    "anonymous": None,
    "other_province": "dienbien",
    "own_province": "sonla",
    "chair_of_the_year": "laocai",  # head of Tây Bắc in 2024
    "admin": "admin",
    "national": "vca",  # Liên minh HTX Việt Nam: every cluster's approved records
}
# The site by area; the last two take whatever the others do not (a new URL lands there).
AREAS = ["admin/emulation", "admin/provinces", "admin", "clusters", "api", "pages"]
GROUP = re.compile(r"\(\?P<(?P<name>\w+)>")
ROUTE_PART = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _regex_to_template(regex: str) -> str:
    """'^(?P<app_label>auth|provinces)/$' -> '<app_label>/'."""
    out, index = [], 0
    while (match := GROUP.search(regex, index)) is not None:
        out.append(regex[index : match.start()])
        depth, position = 1, match.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(regex[position], 0)
            position += 1
        out.append(f"<{match['name']}>")
        index = position
    out.append(regex[index:])
    text = "".join(out)
    return text.removeprefix("^").removesuffix("$").removesuffix(r"\Z").replace("\\", "")


def _template(pattern) -> str:
    text = str(pattern.pattern)
    if hasattr(pattern.pattern, "_regex") and not hasattr(pattern.pattern, "_route"):
        return _regex_to_template(text)
    return ROUTE_PART.sub(lambda m: f"<{m['name']}>", text)


def every_pattern(resolver=None, prefix: str = ""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from every_pattern(pattern, prefix + _template(pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + _template(pattern)


def valid_values() -> dict[str, str]:
    admin = get_user_model().objects.get(username="admin")
    return {
        "year": "2024",
        "code": "14",
        "cluster": "tay-bac",
        "fmt": "xlsx",
        "pk": str(Disbursement.objects.filter(date__year=2024, province__code="14").first().pk),
        "object_id": "1",
        "app_label": "provinces",
        "uidb64": urlsafe_base64_encode(str(admin.pk).encode()),
        "token": "set-password",
        "url": "provinces/",
        "content_type_id": "1",
        "version_id": "1",
    }


def urls_to_try(template: str, valid: dict[str, str]) -> list[str]:
    names = re.findall(r"<(\w+)>", template)

    def build(values: dict[str, str]) -> str:
        path = template
        for name in names:
            path = path.replace(f"<{name}>", quote(values[name], safe=""), 1)
        return "/" + path

    defaults = {name: valid.get(name, "1") for name in names}
    urls = [build(defaults)]
    for name in names:
        urls += [build({**defaults, name: value}) for value in BAD_VALUES]
    return urls


def area_of(template: str) -> str:
    first, _, rest = template.partition("/")
    if first == "admin":
        app = rest.partition("/")[0]
        return f"admin/{app}" if f"admin/{app}" in AREAS else "admin"
    return first if first in AREAS else "pages"


def admin_object(template: str, valid: dict[str, str]) -> dict[str, str]:
    """In `admin/<app>/<model>/<object_id>/…`, a valid object_id is a row of that model."""
    parts = template.split("/")
    if parts[0] == "admin" and len(parts) > 3 and parts[3] == "<object_id>":
        try:
            model = apps.get_model(parts[1], parts[2])
        except LookupError:
            return valid
        pk = model._base_manager.order_by("pk").values_list("pk", flat=True).first()
        if pk is not None:
            return {**valid, "object_id": str(pk)}
    return valid


def resolves(url: str) -> bool:
    try:
        resolve(unquote(url))
    except Resolver404:
        return False
    return True


def _seed() -> None:
    """The demo data in this test's database (prefer the `demo_data` fixture)."""
    DEMO.restore()


def _walk(client, persona: str, urls) -> tuple[list[str], int]:
    username = PERSONAS[persona]
    user = get_user_model().objects.get(username=username) if username else None
    client.raise_request_exception = False
    failures, tried = [], 0
    for url in urls:
        for method in ("get", "post"):
            if user is not None and "_auth_user_id" not in client.session:
                client.force_login(user)  # again after a logout URL
            response = getattr(client, method)(url)
            tried += 1
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {url} -> {response.status_code}")
    return failures, tried


def every_url(area: str | None = None) -> list[str]:
    valid = valid_values()
    nomination_pk = str(Nomination.objects.values_list("pk", flat=True).first())
    urls = []
    for template in every_pattern():
        if area is not None and area_of(template) != area:
            continue
        for url in urls_to_try(template, admin_object(template, valid)):
            if url.startswith("/nominations/") and f"/{valid['pk']}/" in url:
                url = url.replace(f"/{valid['pk']}/", f"/{nomination_pk}/", 1)
            urls.append(url)
    return urls


ADMIN_AREAS = [area for area in AREAS if area.startswith("admin")]
# Whose requests pass the admin's gate (access.can_use_admin) and reach its views.
ADMIN_PERSONAS = ["admin"]
WALKS = [
    (persona, area)
    for persona in PERSONAS
    for area in AREAS
    if area not in ADMIN_AREAS or persona in ADMIN_PERSONAS
]
GATED = [
    (persona, area) for persona in PERSONAS if persona not in ADMIN_PERSONAS for area in ADMIN_AREAS
]


# What decides the answer to an admin URL's object id: the model's key field and the admin's
# own code that reads the id or judges the object found (or None).
OBJECT_ID_CODE = (
    "get_object",
    "get_queryset",
    "change_view",
    "changeform_view",
    "_changeform_view",
    "delete_view",
    "history_view",
    "history_form_view",
    "has_view_permission",
    "has_change_permission",
    "has_delete_permission",
)


def object_id_handling(template: str):
    """For `admin/<app>/<model>/<object_id>/<view>`: the view's kind, the model's key field
    class and the admin's functions that handle the id; None for any other URL."""
    parts = template.split("/")
    if parts[0] != "admin" or len(parts) < 4 or parts[3] != "<object_id>":
        return None
    try:
        model_admin = django_admin.site._registry[apps.get_model(parts[1], parts[2])]
    except (LookupError, KeyError):
        return None
    code = tuple(getattr(type(model_admin), name, None) for name in OBJECT_ID_CODE)
    return ("/".join(parts[4:]), type(model_admin.model._meta.pk), code)


def walked_urls(area: str) -> list[str]:
    """The area's URLs for the walk, once each. An admin object page whose id is handled
    by the same code as one walked before (the same view of a model with the same key
    field and the same admin functions: OrganisationAccess, CheckedHistoryAdmin…) gets
    its valid URL and each part with one bad value (gate_samples); the first of each kind,
    and every page with code of its own, gets every bad value."""
    valid = valid_values()
    nomination_pk = str(Nomination.objects.values_list("pk", flat=True).first())
    seen, urls = set(), []
    for template in every_pattern():
        if area_of(template) != area:
            continue
        handling = object_id_handling(template)
        values = admin_object(template, valid)
        if handling is not None and handling in seen:
            urls += gate_samples(template, values)
            continue
        seen.add(handling)
        urls += urls_to_try(template, values)
    urls = [
        url.replace(f"/{valid['pk']}/", f"/{nomination_pk}/", 1)
        if url.startswith("/nominations/") and f"/{valid['pk']}/" in url
        else url
        for url in urls
    ]
    return [url for url in dict.fromkeys(urls) if resolves(url)]


@pytest.mark.parametrize(("persona", "area"), WALKS)
def test_no_url_part_and_no_persona_gets_a_server_error(client, demo_data, persona, area):
    urls = walked_urls(area)
    failures, tried = _walk(client, persona, urls)
    assert tried >= 20  # every area has patterns, each tried with good and bad parts
    assert not failures, f"{len(failures)} server errors as {persona} in {area}:\n" + "\n".join(
        failures
    )


def gate_samples(template: str, valid: dict[str, str]) -> list[str]:
    """A pattern's valid URL, then each of its parts with one bad value (the bad values
    taken in turn from pattern to pattern, so that each of them is sampled)."""
    urls = urls_to_try(template, valid)
    parts = (len(urls) - 1) // len(BAD_VALUES)
    turn = sum(map(ord, template)) % len(BAD_VALUES)
    return [urls[0]] + [urls[1 + part * len(BAD_VALUES) + turn] for part in range(parts)]


def _view(url: str):
    return resolve(unquote(url)).func


def is_the_gate(response, url: str) -> bool:
    """The admin site's answer to a request without its permission: to the admin's login,
    coming back to the URL asked for."""
    location = urlsplit(response.headers.get("Location", ""))
    back = parse_qs(location.query).get("next", [""])[0]
    return (
        response.status_code == 302
        and location.path == reverse("admin:login")
        and unquote(back) == unquote(url)
    )


@pytest.mark.parametrize(("persona", "area"), GATED)
def test_the_admin_gate_answers_other_personas_before_any_url_part_is_read(
    client, demo_data, persona, area
):
    valid = valid_values()
    samples, urls = [], []
    for template in every_pattern():
        if area_of(template) == area:
            object_valid = admin_object(template, valid)
            samples += [url for url in gate_samples(template, object_valid) if resolves(url)]
            urls += [url for url in urls_to_try(template, object_valid) if resolves(url)]
    username = PERSONAS[persona]
    user = get_user_model().objects.get(username=username) if username else None
    client.raise_request_exception = False
    gated, answered, failures = set(), set(), []
    for url in samples:
        for method in ("get", "post"):
            if user is not None and "_auth_user_id" not in client.session:
                client.force_login(user)  # again after a logout URL
            response = getattr(client, method)(url)
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {url} -> {response.status_code}")
            (gated if is_the_gate(response, url) else answered).add(_view(url))
    # A view that answered a sample itself (not the gate) is walked with every value.
    gated -= answered
    rest = [url for url in dict.fromkeys(urls) if url not in samples and _view(url) not in gated]
    walk_failures, _ = _walk(client, persona, rest)
    failures += walk_failures
    assert not failures, f"{len(failures)} server errors as {persona} in {area}:\n" + "\n".join(
        failures
    )
    # Most of the admin is behind the gate, and each pattern's samples were answered.
    assert len(gated) >= 10 and len(gated) > 2 * len(answered), (len(gated), answered)
    assert len(samples) >= len({_view(url) for url in urls})


@pytest.mark.parametrize("persona", ["anonymous", "own_province"])
def test_a_path_no_pattern_matches_is_not_found(client, demo_data, persona):
    urls = [url for url in every_url() if not resolves(url)]
    failures, tried = _walk(client, persona, urls)
    assert tried > 500
    assert not failures, "\n".join(failures)
    assert client.get(urls[0]).status_code == 404


def test_the_walk_covers_every_pattern_and_part(demo_data):
    templates = list(every_pattern())
    assert len(templates) > 250
    assert {area_of(template) for template in templates} == set(AREAS)
    urls = every_url()
    assert len(urls) > 1500 and sum(map(resolves, urls)) > 1000
    # The admin's change pages open a real object of each model, the demo's included.
    figures = YearlyFigures.objects.order_by("pk").first()
    assert f"/admin/provinces/yearlyfigures/{figures.pk}/change/" in urls


@pytest.mark.parametrize(
    "url",
    [
        "/figures/0/14/",
        "/figures/10000/14/",
        "/figures/99999999999999999999/14/",
        "/figures/10000/",
        "/disbursements/10000/14/",
        "/reports/tay-bac/0/pdf/",
        "/disbursements/loan/99999999999999999999/edit/",
        "/nominations/99999999999999999999/vote/",
    ],
)
def test_the_urls_that_were_server_errors_are_not_found(client, make_staff, url):
    client.force_login(make_staff("Sơn La", 2024))
    assert client.get(url).status_code == 404
