"""What the tests of the three cached pages share (test_year_page_cache.py,
test_home_page_cache.py, test_report_page_cache.py): a page as its reader gets it, the same
page built without the cache, the count of body builds, and the two checks each page makes
the same way (a change shows at once and equals the uncached page; the cached page is the
uncached page, byte for byte)."""

import re
from contextlib import contextmanager
from unittest import mock

from django.core.cache import cache

from provinces.models import Cluster, ClusterMembership, ClusterTerm, Province

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return CSRF.sub("csrf", response.text)  # the one part that differs on every request


def uncached(client, user, url: str) -> str:
    cache.clear()
    return page(client, user, url)


@contextmanager
def counting_builds(views, body: str):
    """How many times `views.<body>` built the page's body (a miss)."""
    with mock.patch.object(views, body, wraps=getattr(views, body)) as spy:
        yield spy


def assert_the_change_shows_at_once(client, readers: dict, url: str, change) -> None:
    """`change()` shows on some reader's page at once, and every reader's page after it
    is the page built without the cache."""
    before = {name: page(client, user, url) for name, user in readers.items()}
    change()
    after = {name: page(client, user, url) for name, user in readers.items()}
    assert after != before  # each change shows on somebody's page
    for name, user in readers.items():
        assert after[name] == uncached(client, user, url)


def assert_the_cached_page_is_the_uncached_page(client, settings, user, url: str) -> None:
    missed, hit = page(client, user, url), page(client, user, url)
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    assert missed == hit == page(client, user, url)


# Changes to the organisation that every cached page reads (Tây Bắc, 2024).


def tay_bac():
    return Cluster.objects.get(slug="tay-bac")


def pass_the_flag():  # from Lào Cai (10) to Sơn La (14)
    term = ClusterTerm.objects.get(cluster=tay_bac(), year=2024)
    sonla = Province.objects.valid_in(2024).get(code="14")
    if term.vice_id == sonla.pk:
        term.vice = term.head
    term.head = sonla
    term.save()


def a_new_member():
    joining = Province.objects.valid_in(2024).get(name="Cao Bằng")
    for membership in ClusterMembership.objects.in_year(2024).filter(province=joining):
        membership.to_year = 2023
        membership.save()
    ClusterMembership.objects.create(cluster=tay_bac(), province=joining, from_year=2024)


def rename_a_province():
    province = Province.objects.valid_in(2024).get(code="14")
    province.name += " mới"
    province.save()
