"""What a cached document download (bench/bench_pdf_cache.py) pays besides /healthz/, cut
without changing an answer: the URL resolved once per path (cluster_portal/url_cache.py),
the reader's province read with the user (cluster_portal/auth.py), the kept entry
checked against the cache's file by its status (cluster_portal/documents.py)."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.urls import Resolver404, get_resolver, resolve, reverse

from cluster_portal import access, url_cache
from cluster_portal.auth import PortalBackend, load_user
from cluster_portal.profiles import home_province_id
from provinces.organisation.models import Province, StaffProfile
from tests import test_report
from tests.test_document_cache import REPORT, Renders, get

known_year, tay_bac = test_report.known_year, test_report.tay_bac


# The URL resolved once per path.


def kept_resolver() -> url_cache.KeptResolver:
    (resolver,) = get_resolver().url_patterns
    assert isinstance(resolver, url_cache.KeptResolver)
    return resolver


def test_a_kept_path_resolves_as_the_patterns_do():
    path = reverse("reports:pdf", args=["tay-bac", 2023])
    first, again = resolve(path), resolve(path)
    assert path.removeprefix("/") in kept_resolver()._kept  # after the root's "^/"
    for match in (first, again):
        assert match.view_name == "reports:pdf" and match.kwargs == {
            "cluster": "tay-bac",
            "year": 2023,
        }
        assert match.route == "reports/<slug:cluster>/<year:year>/pdf/"
    assert again.kwargs is not first.kwargs  # each request its own match
    again.kwargs["year"] = 1999
    assert resolve(path).kwargs["year"] == 2023
    admin = resolve(reverse("admin:auth_user_change", args=[7]))
    assert admin.namespaces == ["admin"] and admin.kwargs == {"object_id": "7"}


def test_a_path_that_matches_nothing_is_not_kept():
    for _ in range(2):
        with pytest.raises(Resolver404):
            resolve("/reports/tay-bac/1999x/pdf/")
    assert "reports/tay-bac/1999x/pdf/" not in kept_resolver()._kept


def test_the_kept_paths_are_bounded(monkeypatch):
    monkeypatch.setattr(url_cache, "KEPT_PATHS", 3)
    resolver = kept_resolver()
    resolver._kept.clear()  # the paths earlier tests of this process resolved
    for pk in range(1, 8):
        resolve(reverse("nominations:vote", args=[pk]))
        assert len(resolver._kept) <= 3


# The reader's province read with the user.

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_the_province_of_the_staff_profile(make_staff, admin_user):
    staff = make_staff("Phú Thọ", 2023)
    user = load_user(staff.pk)
    assert user._profile_ids == (StaffProfile.objects.get(user=staff).province_id, False)
    assert load_user(admin_user.pk)._profile_ids == (None, False)  # no profile


def test_the_reader_class_takes_it_without_a_query(make_staff, django_assert_num_queries):
    staff = make_staff("Phú Thọ", 2023)
    user = PortalBackend().get_user(staff.pk)
    with django_assert_num_queries(0):
        reader = access.reader_class(user)
    orm_user = get_user_model().objects.get(pk=staff.pk)  # without it: the query, same answer
    with django_assert_num_queries(1):
        assert access.reader_class(orm_user) == reader
    assert reader == f"staff:{Province.objects.valid_in(2023).get(name='Phú Thọ').pk}"


def test_a_profile_moved_to_another_province_is_read_on_the_next_request(make_staff):
    staff = make_staff("Phú Thọ", 2023)
    other = Province.objects.valid_in(2023).get(name="Sơn La")
    StaffProfile.objects.filter(user=staff).update(province=other)
    assert home_province_id(load_user(staff.pk)) == other.pk
    StaffProfile.objects.filter(user=staff).delete()
    assert home_province_id(load_user(staff.pk)) is None


def test_an_inactive_user_has_no_province(make_staff):
    staff = make_staff("Phú Thọ", 2023)
    get_user_model().objects.filter(pk=staff.pk).update(is_active=False)
    assert home_province_id(load_user(staff.pk)) is None


# The kept entry checked by the file's status.


@pytest.fixture
def file_cache(settings, tmp_path):
    settings.CACHES = {
        **settings.CACHES,
        "documents": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "documents"),
            "TIMEOUT": 3600,
        },
    }
    yield caches["documents"]


@pytest.fixture
def renders():
    fake = Renders()
    with mock.patch("emulation.reports.views.render_report_pdf", fake.report):
        yield fake


@pytest.fixture
def chair(make_staff):
    return make_staff("Phú Thọ", 2023)


def test_a_kept_entry_is_served_on_the_files_status(client, chair, known_year, renders, file_cache):
    first = get(client, chair, REPORT["pdf"])
    assert first.status_code == 200 and renders.calls == 1
    cache_type = type(file_cache)
    with (
        mock.patch.object(cache_type, "get", side_effect=AssertionError("read")),
        mock.patch.object(cache_type, "has_key", side_effect=AssertionError("opened")),
    ):
        again = get(client, chair, REPORT["pdf"])
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert get(client, chair, REPORT["pdf"], if_none_match=first["ETag"]).status_code == 304
    assert renders.calls == 1


def test_a_file_the_cache_lost_is_made_again(client, chair, known_year, renders, file_cache):
    get(client, chair, REPORT["pdf"])
    file_cache.clear()  # culled or cleared
    assert get(client, chair, REPORT["pdf"]).status_code == 200 and renders.calls == 2
    assert get(client, chair, REPORT["pdf"]).status_code == 200 and renders.calls == 2


def test_an_expired_or_replaced_file_goes_to_the_cache(
    client, chair, known_year, renders, file_cache, monkeypatch
):
    first = get(client, chair, REPORT["pdf"])
    key = first["ETag"].strip('"')
    entry = file_cache.get(key)
    file_cache.set(key, entry, timeout=3600)  # replaced (same key, same document)
    with mock.patch.object(type(file_cache), "has_key", wraps=file_cache.has_key) as has_key:
        assert get(client, chair, REPORT["pdf"]).content == first.content
    assert has_key.call_count == 1 and renders.calls == 1
    real_time = __import__("time").time
    monkeypatch.setattr("time.time", lambda: real_time() + 7200)  # past its expiry
    assert get(client, chair, REPORT["pdf"]).status_code == 200
    assert renders.calls == 2
