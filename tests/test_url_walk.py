"""Every URL of the project, with malformed and extreme values in each of its parts, as
each persona, by GET and by POST: never a server error.

The patterns come from the resolver itself (recursively), so a URL added later is walked
too. Each argument in turn takes the values below while the others keep a valid value
(the demo data: Tây Bắc 2024, Sơn La, a loan, a nomination), so that the bad part is the
one tested, past the checks of the parts before it.
"""

import re
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from emulation.models import Nomination
from provinces.models import Disbursement

pytestmark = pytest.mark.django_db

BAD_VALUES = ["0", "1", "10000", "9" * 20, "-1", "abc", "Sơn-La-ờ"]
PERSONAS = {
    "anonymous": None,
    "other_province": "dienbien",
    "own_province": "sonla",
    "chair_of_the_year": "laocai",  # head of Tây Bắc in 2024
    "admin": "admin",
}
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
    return {
        "year": "2024",
        "code": "14",
        "cluster": "tay-bac",
        "fmt": "xlsx",
        "pk": str(Disbursement.objects.filter(date__year=2024, province__code="14").first().pk),
        "object_id": "1",
        "app_label": "provinces",
        "uidb64": "MQ",
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


@override_settings(DEBUG=True)
def _seed() -> None:
    call_command("seed_demo", password="pw-for-tests")


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_no_url_part_and_no_persona_gets_a_server_error(client, persona):
    _seed()
    username = PERSONAS[persona]
    user = get_user_model().objects.get(username=username) if username else None
    valid = valid_values()
    nomination_pk = str(Nomination.objects.values_list("pk", flat=True).first())
    client.raise_request_exception = False
    failures, tried = [], 0
    for template in every_pattern():
        for url in urls_to_try(template, valid):
            if url.startswith("/nominations/") and f"/{valid['pk']}/" in url:
                url = url.replace(f"/{valid['pk']}/", f"/{nomination_pk}/", 1)
            for method in ("get", "post"):
                if user is not None and "_auth_user_id" not in client.session:
                    client.force_login(user)  # again after a logout URL
                response = getattr(client, method)(url)
                tried += 1
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {url} -> {response.status_code}")
    assert tried > 2000  # every pattern, every part, both methods
    assert not failures, f"{len(failures)} server errors as {persona}:\n" + "\n".join(failures)


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
