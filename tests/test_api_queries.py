"""Every endpoint runs a fixed number of SQL queries whatever the number of provinces
(a synthetic cluster of 5 and of 40 members, each with figures and disbursements)."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from emulation.api.security import TokenRateThrottle
from emulation.models import AwardRecord
from provinces.disbursements.services import borrower_find_or_create
from provinces.models import Cluster, ClusterMembership, Disbursement
from tests.api_support import API, bearer, token_for
from tests.factories import GOOD_VALUES
from tests.test_cluster_year import build_cluster

pytestmark = pytest.mark.django_db

SINCE = "updated_since=2020-01-01T00:00:00Z"
# endpoint -> queries with a member's staff token (the token and its user are one query);
# the rate limit counts outside the database (emulation.api.security.count_request).
READS = {
    "/provinces?year=2024": 4,  # token, the count, units, their predecessors
    f"/provinces?year=2024&{SINCE}": 5,  # ... the units changed or deleted since (history)
    "/clusters?year=2024": 4,  # token, staff profile, memberships, terms
    f"/clusters?year=2024&{SINCE}": 5,  # ... the clusters changed since (one union)
    "/clusters/{slug}/2024": 4,  # token, profile, the cluster with its members, term
    "/clusters/{slug}/2024/figures": 5,  # ... the records of the year and the year before
    "/clusters/{slug}/2024/figures.csv": 10,  # the export's own lookups + the read rule
    "/clusters/{slug}/2024/report": 14,  # the report selector (figures, disbursements, conference,
    # the document settings, the nominations, the legal basis, the calendar's deadline…)
    "/figures/2024/{code}": 7,  # token, profile, unit, membership, members, term, record
    "/loans/2024/{code}": 11,  # ... merged units, totals (2), the count, the disbursements
    f"/loans/2024/{{code}}?{SINCE}&limit=2": 13,  # ... the merged units and ids deleted since
    f"/loans?year=2024&code={{code}}&{SINCE}&limit=2": 11,  # the same list, by query
    f"/clusters/{{slug}}/2024/figures?{SINCE}&limit=2": 6,  # ... the members changed since
    "/clusters/{slug}/2024/scores?limit=2": 7,  # ... the agreement (none here)
    f"/clusters/{{slug}}/2024/scores?{SINCE}&status=unscored": 8,  # ... what changed
    "/clusters/{slug}/2024/nominations?limit=2": 9,  # ... types, quotas, rows, rules
    f"/clusters/{{slug}}/2024/nominations?{SINCE}&status=proposed": 10,  # ... the history
    "/awards/2024/{code}?limit=2": 7,  # ... the register's rows (one query)
    f"/awards/2024/{{code}}?{SINCE}": 8,  # ... the rows written or deleted since
}


@pytest.fixture(autouse=True)
def one_rate_window(monkeypatch):
    """The rate limit's clock held in one window: the first request of a window also
    forgets the windows before it (one DELETE more), so a minute that ended between the
    warm request and the counted one made the count 91 against 90."""
    monkeypatch.setattr(TokenRateThrottle, "timer", lambda self: 1_000_000 * 60.0)


def setup_cluster(make_staff, size: int):
    """The cluster of `size` members; its last member has `size` loans and `size` rows
    in its award register (the lists' pages read a fixed number of queries)."""
    cluster = build_cluster(size)
    member = (
        ClusterMembership.objects.filter(cluster=cluster).select_related("province").last()
    ).province
    borrower, _ = borrower_find_or_create(province=member, name="HTX Bình Minh", kind="HTX")
    Disbursement.objects.bulk_create(
        Disbursement(
            province=member,
            fund="htx_dev",
            date=datetime.date(2024, 3, 1 + i % 28),
            borrower=borrower,
            amount=Decimal(10 + i),
        )
        for i in range(size)
    )
    AwardRecord.objects.bulk_create(
        AwardRecord(
            alliance=member,
            year=2023,
            award="Bằng khen",
            decision_number=f"{i}/QĐ",
            decision_date=datetime.date(2024, 1, 5),
            issuer="UBND tỉnh",
        )
        for i in range(size)
    )
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
