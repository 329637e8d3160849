"""A client generated from the OpenAPI document (openapi-python-client, at test time from
the live schema into tmp_path: about 1 s) drives a provincial system's year (issue 25):
read, dry run, write, re-send, stale write → 409, submit, re-sent submit → 409, loans.
Every answer, errors included, is parsed into the generated models: an undocumented
status or a body outside the schema fails the test (raise_on_unexpected_status)."""

import datetime
import importlib
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from django.test import Client

from provinces.disbursements.models import Disbursement
from provinces.models import FiguresStatus, YearlyFigures
from tests.api_support import token_for, wsgi_app
from tests.factories import GOOD_VALUES

pytestmark = pytest.mark.django_db

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
VALUES = {c: format(v, "f") if isinstance(v, Decimal) else v for c, v in GOOD_VALUES.items()}


def generate_client(schema: dict, where: Path):
    (where / "schema.json").write_text(json.dumps(schema, ensure_ascii=False))
    (where / "config.yml").write_text("post_hooks: []\npackage_name_override: portal_client\n")
    subprocess.run(
        [GENERATOR, "generate", "--path", "schema.json", "--output-path", "portal_client"]
        + ["--meta", "none", "--config", "config.yml"],
        cwd=where,
        check=True,
        capture_output=True,
    )
    sys.path.insert(0, str(where))
    try:
        return importlib.import_module("portal_client")
    finally:
        sys.path.remove(str(where))


@pytest.fixture(scope="module")
def portal(tmp_path_factory, django_db_blocker):
    with django_db_blocker.unblock():  # the document is public: no row is read
        schema = Client().get("/api/v1/openapi.json").json()
    package = generate_client(schema, tmp_path_factory.mktemp("client"))
    yield package
    for name in [m for m in sys.modules if m == "portal_client" or m.startswith("portal_client.")]:
        del sys.modules[name]


def module(name: str):
    return importlib.import_module(f"portal_client.{name}")


def test_a_provincial_system_runs_its_year_with_a_generated_client(portal, make_staff):
    api = portal.AuthenticatedClient(
        base_url="http://testserver",
        token=token_for(make_staff("Sơn La", 2024)),
        raise_on_unexpected_status=True,
        httpx_args={"transport": httpx.WSGITransport(app=wsgi_app())},
    )
    models = module("models")
    detail = module("api.figures.figures_detail")
    write = module("api.figures.figures_write")
    submit = module("api.figures.figures_submit")

    # read: nothing yet, a documented 404 problem
    answer = detail.sync_detailed(2024, "14", client=api)
    assert answer.status_code == 404 and isinstance(answer.parsed, models.Problem)
    assert answer.parsed.code == "not_found"

    # dry run: 200 with what would happen, nothing written
    body = models.FiguresWrite(version=None, values=models.FiguresValues.from_dict(VALUES))
    answer = write.sync_detailed(2024, "14", client=api, body=body, dry_run=True)
    assert answer.status_code == 200 and answer.parsed.dry_run is True
    assert answer.parsed.record.values.tht_avg_revenue == "236.8"
    assert not YearlyFigures.objects.exists()

    # write, then the same write again: nothing changes
    answer = write.sync_detailed(2024, "14", client=api, body=body)
    assert answer.status_code == 201 and answer.parsed.record.version == 1
    assert answer.parsed.record.status == models.FiguresStatus.DRAFT
    again = models.FiguresWrite(version=1, values=models.FiguresValues.from_dict(VALUES))
    answer = write.sync_detailed(2024, "14", client=api, body=again)
    assert answer.status_code == 200 and answer.parsed.changed is False

    # an update at version 1, then another system's write still at version 1: 409
    changed = models.FiguresWrite(
        version=1, values=models.FiguresValues.from_dict({**VALUES, "tht_new": 101})
    )
    assert write.sync_detailed(2024, "14", client=api, body=changed).parsed.record.version == 2
    stale = models.FiguresWrite(
        version=1, values=models.FiguresValues.from_dict({**VALUES, "tht_new": 102})
    )
    answer = write.sync_detailed(2024, "14", client=api, body=stale)
    assert answer.status_code == 409 and answer.parsed.code == "stale_version"

    # a refused value comes back per field
    bad = models.FiguresWrite(
        version=2, values=models.FiguresValues.from_dict({**VALUES, "tht_avg_profit": "1.000"})
    )
    answer = write.sync_detailed(2024, "14", client=api, body=bad)
    assert answer.status_code == 422
    assert [e.field for e in answer.parsed.errors] == ["values.tht_avg_profit"]

    # submit (dry run first), then the same submit sent again: 409
    sent = models.SubmitWrite(version=2)
    answer = submit.sync_detailed(2024, "14", client=api, body=sent, dry_run=True)
    assert answer.status_code == 200 and answer.parsed.dry_run is True
    assert YearlyFigures.objects.get().status == FiguresStatus.DRAFT
    assert submit.sync_detailed(2024, "14", client=api, body=sent).status_code == 200
    answer = submit.sync_detailed(2024, "14", client=api, body=sent)
    assert answer.status_code == 409 and isinstance(answer.parsed, models.Problem)
    assert YearlyFigures.objects.get().status == FiguresStatus.SUBMITTED


def test_the_generated_client_imports_and_reads_loans(portal, make_staff):
    api = portal.AuthenticatedClient(
        base_url="http://testserver",
        token=token_for(make_staff("Sơn La", 2024)),
        raise_on_unexpected_status=True,
        httpx_args={"transport": httpx.WSGITransport(app=wsgi_app())},
    )
    models = module("models")
    loans_import = module("api.loans.loans_import")
    loans = module("api.loans.loans")
    row = models.LoanIn(
        province="14",
        fund=models.Fund.HTX_DEV,
        date=datetime.date(2024, 6, 5),
        borrower="HTX Chè Tà Xùa",
        borrower_type=models.BorrowerKind.HTX,
        amount="1250.50",
    )
    batch = models.LoansImport(rows=[row])
    answer = loans_import.sync_detailed(client=api, body=batch, dry_run=True)
    assert answer.status_code == 200 and answer.parsed.saved is False
    answer = loans_import.sync_detailed(client=api, body=batch)
    assert answer.status_code == 200 and answer.parsed.total_amount == "1250.50"
    read = loans.sync_detailed(2024, "14", client=api)
    assert read.status_code == 200 and [x.amount for x in read.parsed.loans] == ["1250.50"]
    assert Disbursement.objects.count() == 1
    # The same batch sent again with one Idempotency-Key: the first answer, nothing saved.
    keyed = models.LoansImport(rows=[models.LoanIn.from_dict({**row.to_dict(), "ref": "14-1"})])
    first = loans_import.sync_detailed(
        client=api, body=keyed, idempotency_key="lô-1".encode().hex()
    )
    again = loans_import.sync_detailed(
        client=api, body=keyed, idempotency_key="lô-1".encode().hex()
    )
    assert first.status_code == again.status_code == 200 and again.content == first.content
    assert Disbursement.objects.count() == 2
    # Sent again without the key: matched by its reference, nothing new either.
    resent = loans_import.sync_detailed(client=api, body=keyed)
    assert resent.parsed.counts.unchanged == 1 and Disbursement.objects.count() == 2
    # One loan by its id, and a stale write of it: 409.
    loan = module("api.loans.loan_detail").sync_detailed(first.parsed.rows[0].id, client=api)
    assert loan.status_code == 200 and loan.parsed.ref == "14-1"
    stale = module("api.loans.loan_update").sync_detailed(
        loan.parsed.id, client=api, body=models.LoanPatch(amount="9.00", version=99)
    )
    assert stale.status_code == 409 and isinstance(stale.parsed, models.Problem)
