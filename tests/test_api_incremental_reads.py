"""Incremental reads of a cluster-year's figures: filters by state and `updated_since`;
ETag and If-None-Match (304) on them as on every read."""

import datetime

import pytest
from django.utils import timezone

from provinces.models import YearlyFigures
from tests.api_support import API, bearer, token_for
from tests.factories import make_figures

pytestmark = pytest.mark.django_db

URL = f"{API}/clusters/tay-bac/2024/figures"


@pytest.fixture
def chair(make_staff):
    return bearer(token_for(make_staff("Lào Cai", 2024)))


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return [member["province"]["code"] for member in response.json()["members"]]


def test_members_by_state(client, chair):
    make_figures("14", 2024, status="approved")
    make_figures("11", 2024, status="submitted")
    assert codes(client.get(URL, {"status": "approved"}, headers=chair)) == ["14"]
    assert codes(client.get(URL, {"status": "submitted"}, headers=chair)) == ["11"]
    assert client.get(URL, {"status": "lost"}, headers=chair).status_code == 422


def test_only_the_records_written_since(client, chair):
    old = make_figures("14", 2024, status="approved")
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    YearlyFigures.objects.filter(pk=old.pk).update(updated_at=two_days_ago)
    YearlyFigures.history.filter(id=old.pk).update(history_date=two_days_ago)  # written then
    make_figures("11", 2024, status="submitted")
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    response = client.get(URL, {"updated_since": since}, headers=chair)
    assert codes(response) == ["11"]
    assert response.json()["members"][0]["updated_at"] is not None


def test_an_unchanged_list_answers_304(client, chair):
    make_figures("14", 2024, status="approved")
    etag = client.get(URL, headers=chair)["ETag"]
    assert client.get(URL, headers={**chair, "If-None-Match": etag}).status_code == 304
    make_figures("11", 2024)
    assert client.get(URL, headers={**chair, "If-None-Match": etag}).status_code == 200


def test_a_read_is_kept_until_the_write_generation_moves(client, chair, monkeypatch):
    """The reads kept in memory (read_cache.py) are keyed by the write generation: what a
    commit changes is read again. (A test's own writes are never committed, so the
    generation is given here.)"""
    from cluster_portal import write_generation

    generation = ["a"]
    monkeypatch.setattr(
        write_generation, "read", lambda connection, early=None: (generation[0], "u")
    )
    make_figures("14", 2024, status="approved")
    approved = {"status": "approved"}
    assert codes(client.get(URL, approved, headers=chair)) == ["14"]
    make_figures("11", 2024, status="approved")
    assert codes(client.get(URL, approved, headers=chair)) == ["14"]  # kept
    generation[0] = "b"  # a commit replaced it
    assert codes(client.get(URL, approved, headers=chair)) == ["11", "14"]
