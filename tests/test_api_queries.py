"""Every endpoint runs a fixed number of SQL queries whatever the number of provinces
(a synthetic cluster of 5 and of 40 members, each with figures and disbursements)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from emulation.api.security import TokenRateThrottle
from provinces.models import Cluster, ClusterMembership
from tests.api_support import API, bearer, token_for
from tests.factories import GOOD_VALUES
from tests.test_cluster_year import build_cluster

pytestmark = pytest.mark.django_db

# endpoint -> queries with a member's staff token (the token and its user are one query);
# the rate limit counts outside the database (emulation.api.security.count_request).
READS = {
    "/provinces?year=2024": 3,  # token, units, their predecessors
    "/clusters?year=2024": 4,  # token, staff profile, memberships, terms
    "/clusters/{slug}/2024": 4,  # token, profile, the cluster with its members, term
    "/clusters/{slug}/2024/figures": 5,  # ... the records of the year and the year before
    "/clusters/{slug}/2024/figures.csv": 10,  # the export's own lookups + the read rule
    "/clusters/{slug}/2024/report": 14,  # the report selector (figures, disbursements, conference,
    # the document settings, the nominations, the legal basis, the calendar's deadline…)
    "/figures/2024/{code}": 7,  # token, profile, unit, membership, members, term, record
    "/loans/2024/{code}": 10,  # ... merged units, totals (2), the disbursements (no figures)
}


@pytest.fixture(autouse=True)
def one_rate_window(monkeypatch):
    """The rate limit's clock held in one window: the first request of a window also
    forgets the windows before it (one DELETE more), so a minute that ended between the
    warm request and the counted one made the count 91 against 90."""
    monkeypatch.setattr(TokenRateThrottle, "timer", lambda self: 1_000_000 * 60.0)


def setup_cluster(make_staff, size: int):
    cluster = build_cluster(size)
    member = (
        ClusterMembership.objects.filter(cluster=cluster).select_related("province").last()
    ).province
    token = token_for(make_staff(member.name, 2024))
    return cluster, member, token


def count(client, token, path: str) -> int:
    client.get(API + path, headers=bearer(token))  # warm: last_used is written once a minute
    with CaptureQueriesContext(connection) as queries:
        response = client.get(API + path, headers=bearer(token))
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.parametrize("path", list(READS))
def test_reads_run_a_fixed_number_of_queries(client, make_staff, path):
    counts = []
    for size in (5, 40):
        cluster, member, token = setup_cluster(make_staff, size)
        counts.append(count(client, token, path.format(slug=cluster.slug, code=member.code)))
        Cluster.objects.filter(pk=cluster.pk).update(slug=f"done-{size}")
    assert counts == [READS[path], READS[path]], counts


def test_a_write_runs_a_fixed_number_of_queries(client, make_staff):
    counts = []
    for size in (5, 40):
        cluster, member, token = setup_cluster(make_staff, size)
        member_record = member.figures.get(year=2024)
        member.figures.filter(year=2024).update(status="draft")
        body = {"version": member_record.version, "values": {**GOOD_VALUES, "tht_new": 101}}
        url = f"{API}/figures/2024/{member.code}?dry_run=true"
        kwargs = {
            "data": json.dumps(body, default=str),
            "content_type": "application/json",
            "headers": bearer(token),
        }
        client.put(url, **kwargs)
        with CaptureQueriesContext(connection) as queries:
            assert client.put(url, **kwargs).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
