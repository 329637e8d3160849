"""`Idempotency-Key` on every POST: the same key and body from the same token is answered
with the first response again and writes nothing; another body under the key is a 409."""

import datetime
import json

import pytest
from django.utils import timezone

from emulation.api.models import IdempotentRequest
from provinces.models import Disbursement
from tests.api_support import API, bearer, token_for

pytestmark = pytest.mark.django_db


def row(**changes) -> dict:
    return {
        "province": "14",
        "fund": "htx_dev",
        "date": "2024-06-05",
        "borrower": "HTX Chè Tà Xùa",
        "borrower_type": "HTX",
        "amount": "1250",
        **changes,
    }


@pytest.fixture
def token(make_staff):
    return token_for(make_staff("Sơn La", 2024))


def post(client, token, rows, key, *, url=f"{API}/loans/import"):
    headers = {**bearer(token), **({"Idempotency-Key": key} if key else {})}
    return client.post(
        url, data=json.dumps({"rows": rows}), content_type="application/json", headers=headers
    )


def test_the_same_key_and_body_answer_the_first_response_and_write_nothing(client, token):
    first = post(client, token, [row()], "lô-1".encode().hex())
    assert first.status_code == 200 and Disbursement.objects.count() == 1
    again = post(client, token, [row()], "lô-1".encode().hex())
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert Disbursement.objects.count() == 1
    assert Disbursement.history.count() == 1


def test_the_same_key_with_another_body_is_a_conflict(client, token):
    assert post(client, token, [row()], "k-2").status_code == 200
    response = post(client, token, [row(amount="99")], "k-2")
    assert response.status_code == 409
    assert "Idempotency-Key" in response.json()["detail"]
    assert Disbursement.objects.count() == 1


def test_a_refusal_is_kept_too_and_keys_are_per_token(client, token, make_staff):
    bad = [row(date="2099-01-05")]  # a rule of the register: the operation refuses it
    assert post(client, token, bad, "k-3").status_code == 422
    assert post(client, token, bad, "k-3").status_code == 422
    assert IdempotentRequest.objects.get().status == 422
    other = token_for(make_staff("Sơn La", 2024, username="son-la-2"))
    assert post(client, other, [row()], "k-3").status_code == 200


def test_without_a_key_every_post_is_its_own(client, token):
    post(client, token, [row()], None)
    post(client, token, [row()], None)
    assert Disbursement.objects.count() == 2
    assert not IdempotentRequest.objects.exists()


def test_a_key_still_being_answered_is_a_conflict_and_an_old_key_is_forgotten(
    client, token, settings
):
    from emulation.api.models import ApiToken

    api_token = ApiToken.objects.get()
    IdempotentRequest.objects.create(token=api_token, key="k-4", request_hash="x")
    assert post(client, token, [row()], "k-4").status_code == 409
    IdempotentRequest.objects.update(
        created=timezone.now() - datetime.timedelta(hours=settings.API_IDEMPOTENCY_HOURS + 1)
    )
    assert post(client, token, [row()], "k-4").status_code == 200
    assert Disbursement.objects.count() == 1


def _age(key: str, hours: float) -> None:
    IdempotentRequest.objects.filter(key=key).update(
        created=timezone.now() - datetime.timedelta(hours=hours)
    )


def test_an_expired_key_not_yet_purged_never_replays(client, token, settings):
    """The daily job deletes expired keys, not the requests: a request meeting an expired
    (unpurged) key with a stored answer runs afresh, and deletes no other key."""
    assert post(client, token, [row()], "k-5").status_code == 200
    assert post(client, token, [row(amount="7")], "k-6").status_code == 200
    _age("k-5", settings.API_IDEMPOTENCY_HOURS + 1)
    _age("k-6", settings.API_IDEMPOTENCY_HOURS + 1)
    again = post(client, token, [row()], "k-5")
    assert again.status_code == 200 and "Idempotent-Replayed" not in again
    assert Disbursement.objects.count() == 3  # written again: the key had been forgotten
    assert IdempotentRequest.objects.filter(key="k-6").exists()  # left to the daily job
    assert post(client, token, [row()], "k-5")["Idempotent-Replayed"] == "true"  # new claim


def test_the_daily_job_purges_the_expired_keys_only(client, token, settings):
    from io import StringIO

    from django.core.management import call_command

    for key in ("old-1", "old-2", "fresh"):
        assert post(client, token, [row(amount="3")], key).status_code == 200
    _age("old-1", settings.API_IDEMPOTENCY_HOURS + 0.1)
    _age("old-2", settings.API_IDEMPOTENCY_HOURS * 3)
    _age("fresh", settings.API_IDEMPOTENCY_HOURS - 0.1)
    out = StringIO()
    call_command("purge_idempotency_keys", stdout=out)
    assert " 2 " in out.getvalue()
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["fresh"]
    call_command("purge_idempotency_keys", stdout=StringIO())  # again: nothing more
    assert IdempotentRequest.objects.count() == 1


def test_the_daily_timer_runs_the_purge():
    from pathlib import Path

    unit = Path(__file__).resolve().parent.parent / "deploy/cluster-portal-reminders.service"
    assert "manage.py purge_idempotency_keys" in unit.read_text()


def test_a_malformed_key_is_refused(client, token):
    assert post(client, token, [row()], "x" * 256).status_code == 400
    assert not Disbursement.objects.exists()


def test_every_post_documents_the_header(client, token):
    schema = client.get(f"{API}/openapi.json").json()
    posts = [methods["post"] for methods in schema["paths"].values() if "post" in methods]
    assert posts
    for operation in posts:
        assert "Idempotency-Key" in [p["name"] for p in operation["parameters"]]
