"""ZNS's delivery reports (issue 27): a Zalo message handed over without an answer waits
for Zalo's report, is sent again (same tracking id, one attempt more) only when none came
ZALO_REPORT_WAIT after the hand-over, and never once a report came; the webhook that takes
the reports checks their signature. Against the local fake ZNS (tests/fake_zns.py)."""

import datetime
import hashlib
import html
import json
import time

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from provinces.notices.claims import SendingColumns
from provinces.notices.models import ZaloMessage, ZaloState
from provinces.notices.tasks import notice_zalo_send_task
from provinces.notices.zalo import MAX_ATTEMPTS, zalo_retry, zalo_send
from tests.fake_zns import delivery_report
from tests.test_zalo_notices import on_zalo, told

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]

APP_ID, SECRET = "1234567890", "oa-secret-key"
WEBHOOK = "/zalo/webhook/"


@pytest.fixture
def zns(zns, settings):
    """Zalo on, with the delivery reports' settings."""
    settings.ZALO_APP_ID, settings.ZALO_OA_SECRET_KEY = APP_ID, SECRET
    settings.ZALO_REPORT_WAIT = datetime.timedelta(minutes=30)
    zns.stall_seconds = 1.0
    return zns


@pytest.fixture
def sonla(make_staff):
    user = make_staff("Sơn La", 2024, username="sonla")
    user.email = "sonla@example.org"
    user.save()
    return on_zalo(user)


def stalled(user, zns):
    """A notice whose Zalo message ZNS kept without answering in time."""
    notice = told(user)
    zns.modes = ["stall"]
    assert zalo_send(notice_id=notice.pk) is False
    return notice


def message_of(notice) -> ZaloMessage:
    return ZaloMessage.objects.get(notice=notice)


def wait_passes(notice, minutes=31) -> None:
    """ZALO_REPORT_WAIT (30 minutes) and a minute more since the hand-over."""
    message = message_of(notice)
    message.handed_at -= datetime.timedelta(minutes=minutes)
    message.save(update_fields=["handed_at"])


def report(client, zns, index=0, **kwargs):
    body, headers = delivery_report(zns.taken[index], app_id=APP_ID, secret=SECRET, **kwargs)
    return client.post(WEBHOOK, body, content_type="application/json", headers=headers)


# --- Waiting for the report ------------------------------------------------------------------


def test_a_timeout_after_the_hand_over_awaits_zalos_report(sonla, zns):
    notice = stalled(sonla, zns)
    message = message_of(notice)
    assert message.state == ZaloState.AWAITING and message.attempts == 1
    assert message.handed_at and "chờ Zalo báo nhận" in message.error
    assert len(zns.taken) == 1  # ZNS kept it


def test_before_the_wait_nothing_is_sent_again(sonla, zns):
    notice = stalled(sonla, zns)
    wait_passes(notice, minutes=29)
    assert zalo_retry() == 0
    assert zalo_send(notice_id=notice.pk) is False  # the worker's task: the same rule
    assert notice_zalo_send_task.enqueue(notice_id=notice.pk).return_value is False
    assert len(zns.calls) == 1 and message_of(notice).state == ZaloState.AWAITING


def test_after_the_wait_without_a_report_it_is_sent_once_more_with_the_same_tracking_id(sonla, zns):
    notice = stalled(sonla, zns)
    wait_passes(notice)
    assert zalo_retry() == 1
    first, second = zns.taken
    assert first["tracking_id"] == second["tracking_id"] == f"notice-{notice.pk}"
    assert first["template_data"] == second["template_data"]
    message = message_of(notice)
    assert message.state == ZaloState.SENT and message.attempts == 2
    assert message.msg_id == "msg-2" and message.error == ""
    assert zalo_retry() == 0 and zalo_send(notice_id=notice.pk) is False  # a rerun: nothing
    assert len(zns.calls) == 2


def test_the_worker_queues_the_next_try_for_when_the_wait_is_over(sonla, zns, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    notice = told(sonla)
    zns.modes = ["stall"]
    assert notice_zalo_send_task.call(notice_id=notice.pk) is False  # as the worker runs it
    (queued,) = DBTaskResult.objects.filter(task_path__endswith=".notice_zalo_send_task")
    handed = message_of(notice).handed_at
    assert queued.run_after == handed + datetime.timedelta(minutes=31)
    assert queued.args_kwargs["kwargs"] == {"notice_id": notice.pk}
    wait_passes(notice)  # the worker takes it once its time has come
    assert queued.task.call(**queued.args_kwargs["kwargs"]) is True
    assert len(zns.taken) == 2 and DBTaskResult.objects.count() == 1  # nothing more queued


def test_a_report_stops_the_resend_even_after_the_wait(client, sonla, zns):
    notice = stalled(sonla, zns)
    wait_passes(notice)
    assert report(client, zns).status_code == 200
    message = message_of(notice)
    assert message.state == ZaloState.SENT and message.delivered_at and message.sent_at
    assert message.attempts == 1
    assert zalo_retry() == 0 and zalo_send(notice_id=notice.pk) is False
    assert len(zns.calls) == 1


def test_a_report_that_comes_between_the_claim_and_the_hand_over_stops_the_send(
    client, sonla, zns, monkeypatch
):
    notice = stalled(sonla, zns)
    wait_passes(notice)
    hand_over = SendingColumns.hand_over

    def report_first(self, claimed):
        assert report(client, zns).status_code == 200
        hand_over(self, claimed)

    monkeypatch.setattr(SendingColumns, "hand_over", report_first)
    assert zalo_retry() == 0
    assert len(zns.calls) == 1 and message_of(notice).state == ZaloState.SENT


def test_the_last_attempt_without_a_report_fails_and_a_late_report_still_counts(client, sonla, zns):
    notice = stalled(sonla, zns)
    ZaloMessage.objects.filter(notice=notice).update(attempts=MAX_ATTEMPTS)
    wait_passes(notice)
    assert zalo_retry() == 0
    message = message_of(notice)
    assert message.state == ZaloState.FAILED and "không báo nhận" in message.error
    assert report(client, zns).status_code == 200
    assert message_of(notice).state == ZaloState.SENT
    assert zalo_retry() == 0 and len(zns.calls) == 1


def test_a_worker_that_died_after_the_hand_over_leaves_the_message_awaiting(sonla, zns):
    notice = told(sonla)
    ZaloMessage.objects.filter(notice=notice).update(
        state=ZaloState.SENDING,
        claim="dead",
        claimed_until=timezone.now() - datetime.timedelta(minutes=1),
        handed_at=timezone.now() - datetime.timedelta(minutes=16),
        attempts=1,
    )
    assert zalo_retry() == 0
    assert message_of(notice).state == ZaloState.AWAITING and zns.calls == []
    wait_passes(notice)
    assert zalo_retry() == 1 and len(zns.taken) == 1


def test_a_report_of_a_message_zns_took_records_when_it_arrived(client, sonla, zns):
    notice = told(sonla)
    assert zalo_send(notice_id=notice.pk)
    sent_at = message_of(notice).sent_at
    at = time.time()
    assert report(client, zns, at=at).status_code == 200
    message = message_of(notice)
    assert message.sent_at == sent_at and message.state == ZaloState.SENT
    arrived = datetime.datetime.fromtimestamp(at - 1, tz=datetime.UTC)
    assert abs(message.delivered_at - arrived) < datetime.timedelta(seconds=1)
    assert report(client, zns, at=at + 60).status_code == 200  # again: the first time stays
    assert message_of(notice).delivered_at == message.delivered_at


def test_a_report_without_our_tracking_id_is_matched_by_zns_message_id(client, sonla, zns):
    notice = told(sonla)
    assert zalo_send(notice_id=notice.pk)
    taken = dict(zns.taken[0], tracking_id="")
    body, headers = delivery_report(taken, app_id=APP_ID, secret=SECRET, msg_id="msg-1")
    response = client.post(WEBHOOK, body, content_type="application/json", headers=headers)
    assert response.status_code == 200
    assert message_of(notice).delivered_at


# --- The webhook -----------------------------------------------------------------------------


def test_a_report_with_a_bad_or_missing_signature_is_refused(client, sonla, zns, settings):
    notice = stalled(sonla, zns)
    body, headers = delivery_report(zns.taken[0], app_id=APP_ID, secret="not-the-secret")
    post = client.post
    assert post(WEBHOOK, body, content_type="application/json", headers=headers).status_code == 403
    assert post(WEBHOOK, body, content_type="application/json").status_code == 403
    good_body, good = delivery_report(zns.taken[0], app_id=APP_ID, secret=SECRET)
    tampered = good_body.replace(b"user-1", b"user-2")
    assert post(WEBHOOK, tampered, content_type="application/json", headers=good).status_code == 403
    settings.ZALO_OA_SECRET_KEY = ""  # not configured: nothing is believed
    assert (
        post(WEBHOOK, good_body, content_type="application/json", headers=good).status_code == 403
    )
    assert message_of(notice).state == ZaloState.AWAITING


def test_a_report_signed_long_ago_is_refused_as_a_replay(client, sonla, zns):
    notice = stalled(sonla, zns)
    assert report(client, zns, at=time.time() - 11 * 60).status_code == 403
    assert report(client, zns, at=time.time() + 11 * 60).status_code == 403
    assert message_of(notice).state == ZaloState.AWAITING
    assert report(client, zns, at=time.time() - 60).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe",
        b"[1, 2]",
        b"[" * 100000,
        b'{"event_name": "user_received_message"}',
        b'{"timestamp": "abc"}',
        b'{"timestamp": 1.5e12}',
        b'{"timestamp": "99999999999999999999"}',
        b'{"timestamp": true}',
    ],
)
def test_a_malformed_body_is_a_bad_request(client, zns, body):
    response = client.post(WEBHOOK, body, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("message", [None, "notice-1", ["notice-1"]])
def test_a_signed_report_without_its_message_is_a_bad_request(client, zns, message):
    now = str(int(time.time() * 1000))
    event = {"event_name": "user_received_message", "message": message, "timestamp": now}
    body = json.dumps(event).encode()
    mac = hashlib.sha256(APP_ID.encode() + body + now.encode() + SECRET.encode()).hexdigest()
    headers = {"X-ZEvent-Signature": mac}  # the bare hex is taken too
    response = client.post(WEBHOOK, body, content_type="application/json", headers=headers)
    assert response.status_code == 400


def test_other_events_and_unknown_messages_are_answered_and_change_nothing(client, sonla, zns):
    notice = stalled(sonla, zns)
    other = dict(zns.taken[0], tracking_id="otp-0123456789abcdef")
    body, headers = delivery_report(other, app_id=APP_ID, secret=SECRET)
    assert (
        client.post(WEBHOOK, body, content_type="application/json", headers=headers).status_code
        == 200
    )
    unknown = dict(zns.taken[0], tracking_id="notice-999999999999999999")
    body, headers = delivery_report(unknown, app_id=APP_ID, secret=SECRET, msg_id="")
    assert (
        client.post(WEBHOOK, body, content_type="application/json", headers=headers).status_code
        == 200
    )
    assert message_of(notice).state == ZaloState.AWAITING


def test_the_webhook_takes_only_posts(client, zns):
    assert client.get(WEBHOOK).status_code == 405
    assert reverse("notices:zalo-webhook") == WEBHOOK


# --- What people see ---------------------------------------------------------------------------


def test_admins_and_the_recipient_see_a_message_awaiting_its_report(client, admin_user, sonla, zns):
    notice = stalled(sonla, zns)
    client.force_login(admin_user)
    listing = client.get(reverse("admin:provinces_zalomessage_changelist")).content.decode()
    assert "Chờ báo nhận của Zalo" in listing
    filtered = client.get(reverse("admin:provinces_zalomessage_changelist") + "?state=awaiting")
    assert str(notice.zalo.phone) in filtered.content.decode()
    client.force_login(sonla)
    inbox = client.get(reverse("notices:inbox")).content.decode()
    assert 'data-state="awaiting"' in inbox and "Chờ báo nhận của Zalo" in inbox
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    english = html.unescape(client.get(reverse("notices:inbox")).content.decode())
    assert "Awaiting Zalo's delivery report" in english
