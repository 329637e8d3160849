"""Notices by e-mail, each on its own and never twice (issue 22): a bad address, a relay
that is down, refuses, or is slow, a failing mail among several; what admins see and do.
The worker killed mid-send is tests/test_notice_worker.py."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from provinces.models import FiguresStatus, Notice
from provinces.notices.account import EmailChangeError, email_change_confirm, email_change_token
from provinces.notices.forms import EmailChangeForm
from provinces.notices.mailing import MAX_ATTEMPTS, notice_email_send
from provinces.notices.models import EmailChangeRequest, EmailState, NoticeKind
from provinces.notices.services import NoticeDraft, notice_create
from tests.calendar_helpers import make_deadlines
from tests.factories import make_figures
from tests.fake_relay import FakeRelay

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]

BAD = "sonla@example.org\nBcc: everyone@example.org"


def person(username: str, email: str = ""):
    user = get_user_model().objects.create_user(username=username, email=f"{username}@example.org")
    if email:  # set in the database as an import or an old admin form did, unchecked
        get_user_model().objects.filter(pk=user.pk).update(email=email)
        user.refresh_from_db()
    return user


def notice_for(user, key: str = "k") -> Notice:
    return notice_create(
        recipient=user,
        draft=NoticeDraft(key=key, kind=NoticeKind.FIGURES_RETURNED, subject="Trả lại", body="b"),
    )


def run(day: str = "2025-01-08") -> str:
    out = StringIO()
    call_command("send_reminders", "--today", day, stdout=out)
    return out.getvalue()


def through(settings, relay: FakeRelay, timeout: float = 5) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        relay.port,
        timeout,
    )
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


# --- One bad notice fails alone --------------------------------------------------------------


def test_a_line_break_in_an_address_fails_that_notice_alone(make_staff):
    """The reminders run: the first owing user's address holds a line break."""
    make_deadlines("tay-bac", 2024, figures_due=datetime.date(2025, 1, 15))
    for code in ("10", "11", "12", "15", "17", "25"):
        make_figures(code, 2024, status=FiguresStatus.SUBMITTED)
    broken = make_staff("Sơn La", 2024, username="sonla1")
    get_user_model().objects.filter(pk=broken.pk).update(email=BAD)
    fine = make_staff("Sơn La", 2024, username="sonla2")
    fine.email = "sonla2@example.org"
    fine.save()
    waiting = notice_for(person("earlier"))  # an e-mail left from an earlier day

    output = run()

    assert "Đã gửi 2 thông báo nhắc hạn; 2 thư gửi ngay" in output
    assert "1 thông báo không gửi được thư" in output
    assert sorted(m.to[0] for m in mail.outbox) == ["earlier@example.org", "sonla2@example.org"]
    failed = Notice.objects.get(recipient=broken)
    assert failed.email_state == EmailState.FAILED and failed.emailed_at is None
    assert "Địa chỉ thư không hợp lệ" in failed.email_error and "Bcc" in failed.email_error
    waiting.refresh_from_db()
    assert waiting.email_state == EmailState.SENT
    assert "0 thư gửi ngay" in run()  # not retried: it cannot succeed as it is
    assert len(mail.outbox) == 2


def test_a_failing_mail_among_a_figures_events_notices_fails_alone(
    admin_user, make_staff, settings, django_capture_on_commit_callbacks
):
    """A year without a chair: a submission tells every admin; the first one's mail breaks."""
    from provinces.figures.services import figures_submit
    from provinces.models import ClusterTerm

    ClusterTerm.objects.filter(cluster__slug="tay-bac", year=2024).delete()
    get_user_model().objects.filter(pk=admin_user.pk).update(email=BAD)
    second = get_user_model().objects.create_superuser("root2", "root2@example.org", "pw")
    figures = make_figures("14", 2024)
    with django_capture_on_commit_callbacks(execute=True):
        figures_submit(figures=figures, seen_version=figures.version, by=make_staff("Sơn La", 2024))

    states = dict(Notice.objects.values_list("recipient__username", "email_state"))
    assert states == {"root": EmailState.FAILED, "root2": EmailState.SENT}
    assert [m.to for m in mail.outbox] == [[second.email]]


def test_every_notice_of_an_event_is_recorded_before_any_mail_is_tried(
    admin_user, make_staff, monkeypatch, django_capture_on_commit_callbacks
):
    """A worker killed during the first mail used to leave the other notices unrecorded."""
    from provinces.figures.services import figures_submit
    from provinces.models import ClusterTerm
    from provinces.notices import mailing

    recorded_at_each_mail = []
    deliver = mailing._deliver

    def counting(message, *, claimed):
        recorded_at_each_mail.append(Notice.objects.count())
        return deliver(message, claimed=claimed)

    monkeypatch.setattr(mailing, "_deliver", counting)
    ClusterTerm.objects.filter(cluster__slug="tay-bac", year=2024).delete()
    get_user_model().objects.create_superuser("root2", "root2@example.org", "pw")
    figures = make_figures("14", 2024)
    with django_capture_on_commit_callbacks(execute=True):
        figures_submit(figures=figures, seen_version=figures.version, by=make_staff("Sơn La", 2024))
    assert recorded_at_each_mail == [2, 2] and len(mail.outbox) == 2


def test_the_sender_refuses_a_header_it_cannot_write(settings):
    notice = notice_for(person("sonla"))
    Notice.objects.filter(pk=notice.pk).update(subject="Trả lại\r\nBcc: everyone@example.org")
    assert notice_email_send(notice_id=notice.pk) is False
    notice.refresh_from_db()
    assert notice.email_state == EmailState.FAILED and "Thư không hợp lệ" in notice.email_error
    assert mail.outbox == []


# --- Addresses are checked where they come in -----------------------------------------------


def test_an_address_with_a_line_break_is_refused_on_the_way_in():
    user = person("sonla")
    user.email = BAD
    with pytest.raises(ValidationError) as refused:
        user.full_clean()  # the model, hence the admin's user form
    assert "email" in refused.value.message_dict
    form = EmailChangeForm(data={"email": BAD}, user=user)
    assert not form.is_valid()
    user.refresh_from_db()
    planted = EmailChangeRequest.objects.create(user=user, email=BAD, old_email=user.email)
    with pytest.raises(EmailChangeError):
        email_change_confirm(user=user, token=email_change_token(change=planted))


def test_the_admin_refuses_an_address_with_a_line_break(client, admin_user):
    user = person("sonla")
    client.force_login(admin_user)
    url = reverse("admin:auth_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(email=BAD, date_joined_0="01/01/2025", date_joined_1="00:00:00")
    response = client.post(url, data)
    assert response.status_code == 200 and "email" in response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.email == "sonla@example.org"


# --- The relay: down, refusing, slow ------------------------------------------------------------


def test_a_relay_that_is_down_leaves_the_notice_waiting_with_the_reason(settings):
    with FakeRelay() as relay:
        pass
    through(settings, relay)  # nothing listens on its port any more
    notice = notice_for(person("sonla"))
    assert notice_email_send(notice_id=notice.pk) is False
    notice.refresh_from_db()
    assert notice.email_state == EmailState.PENDING and notice.email_attempts == 1
    assert "Không kết nối được máy chủ thư" in notice.email_error
    for _ in range(MAX_ATTEMPTS - 1):
        notice_email_send(notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.email_state == EmailState.FAILED  # given up after MAX_ATTEMPTS


def test_a_relay_back_up_sends_what_waited(settings):
    notice = notice_for(person("sonla"))
    with FakeRelay() as relay:
        pass
    through(settings, relay)
    notice_email_send(notice_id=notice.pk)
    with FakeRelay() as relay:
        through(settings, relay)
        assert "1 thư gửi ngay" in run()
    notice.refresh_from_db()
    assert notice.email_state == EmailState.SENT and notice.email_error == ""
    assert len(relay.messages) == 1


@pytest.mark.parametrize(
    ("answer", "state"), [("550 no such user", "failed"), ("451 later", "pending")]
)
def test_a_refused_recipient_fails_for_good_or_waits(settings, answer, state):
    notice = notice_for(person("sonla"))
    with FakeRelay() as relay:
        relay.rcpt_reply = answer
        through(settings, relay)
        assert notice_email_send(notice_id=notice.pk) is False
    notice.refresh_from_db()
    assert notice.email_state == state and "từ chối người nhận" in notice.email_error
    assert relay.messages == []


def test_a_digest_that_could_not_go_waits_for_the_next_day(settings):
    from provinces.notices.mailing import digests_send
    from provinces.notices.models import Delivery, NoticePreference

    user = person("sonla")
    NoticePreference.objects.create(user=user, delivery=Delivery.DIGEST)
    notice_for(user, key="a")
    notice_for(user, key="b")
    with FakeRelay() as relay:
        pass
    through(settings, relay)
    assert digests_send() == (0, 0)
    assert set(Notice.objects.values_list("email_state", "email_attempts")) == {("digest", 1)}
    assert "Không kết nối được" in Notice.objects.first().email_error
    with FakeRelay() as relay:
        through(settings, relay)
        assert digests_send() == (1, 2)
        assert digests_send() == (0, 0)
    assert len(relay.messages) == 1
    assert set(Notice.objects.values_list("email_state", flat=True)) == {"sent"}


def test_a_relay_slower_than_the_timeout_sends_once(settings):
    """The relay answers the end of the data after 1.5 s, three times EMAIL_TIMEOUT: the
    sender waits for it rather than give up and send again the next day."""
    notice = notice_for(person("sonla"))
    with FakeRelay(stall_at="data", stall_seconds=1.5) as relay:
        through(settings, relay, timeout=0.5)
        notice_email_send(notice_id=notice.pk)
        run()
        run()
    assert len(relay.messages) == 1
    notice.refresh_from_db()
    assert notice.email_state == EmailState.SENT


def test_a_relay_that_never_answers_the_data_is_not_sent_again(settings, monkeypatch):
    monkeypatch.setattr("provinces.notices.mailing.RELAY_REPLY_TIMEOUT", 0.3)
    notice = notice_for(person("sonla"))
    with FakeRelay(stall_at="data", stall_seconds=1.5) as relay:
        through(settings, relay, timeout=0.3)
        assert notice_email_send(notice_id=notice.pk) is False
        notice.refresh_from_db()
        assert notice.email_state == EmailState.FAILED and notice.email_handed_at
        assert "có thể đã đi" in notice.email_error
        run()
    assert len(relay.messages) == 1  # what the relay got, once


def test_a_notice_being_sent_is_not_sent_by_a_second_run():
    notice = notice_for(person("sonla"))
    from provinces.notices.mailing import _claim, _sendable

    claim, taken = _claim(_sendable(Notice.objects.filter(pk=notice.pk), waiting="pending"))
    assert taken == 1  # another worker holds it, its lease running
    assert "0 thư gửi ngay" in run()
    assert notice_email_send(notice_id=notice.pk) is False and mail.outbox == []


def test_a_worker_whose_claim_was_taken_over_before_the_hand_over_sends_nothing(monkeypatch):
    from provinces.notices.claims import SendingColumns

    notice = notice_for(person("sonla"))
    hand_over = SendingColumns.hand_over

    def taken_over_first(self, claimed):  # its lease ran out; another worker claimed it
        Notice.objects.filter(pk=notice.pk).update(email_claim="another-worker")
        hand_over(self, claimed)

    monkeypatch.setattr(SendingColumns, "hand_over", taken_over_first)
    assert notice_email_send(notice_id=notice.pk) is False and mail.outbox == []
    notice.refresh_from_db()  # the other worker's claim, untouched
    assert notice.email_state == EmailState.SENDING and notice.email_claim == "another-worker"


def test_a_running_task_is_taken_up_again_only_once_its_lease_is_over(settings):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from provinces.notices.tasks import TASK_LEASE, notice_email_send_task, tasks_reclaim

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    notice_email_send_task.enqueue(notice_id=1)
    started = timezone.now() - TASK_LEASE + datetime.timedelta(minutes=1)
    DBTaskResult.objects.update(status="RUNNING", started_at=started)
    assert tasks_reclaim() == 0  # its worker may still be at it
    DBTaskResult.objects.update(started_at=started - datetime.timedelta(minutes=2))
    out = StringIO()
    call_command("reclaim_tasks", stdout=out)
    assert "Đã đưa lại 1 việc vào hàng đợi" in out.getvalue()
    assert DBTaskResult.objects.ready().count() == 1


# --- What admins see and do ---------------------------------------------------------------------


def test_admins_see_failures_with_the_reason_and_resend_them(client, admin_user):
    broken = person("sonla", email=BAD)
    notice = notice_for(broken)
    notice_email_send(notice_id=notice.pk)
    notice_for(person("laocai"))
    client.force_login(admin_user)
    changelist = reverse("admin:provinces_notice_changelist")
    page = client.get(changelist, {"email_state__exact": "failed"})
    assert page.status_code == 200
    assert "Địa chỉ thư không hợp lệ" in page.text and "laocai" not in page.text
    assert "Không gửi được thư" in client.get(changelist).text  # the filter's choice

    get_user_model().objects.filter(pk=broken.pk).update(email="sonla@example.org")
    response = client.post(
        changelist, {"action": "resend_email", "_selected_action": [notice.pk]}, follow=True
    )
    assert "Đã xếp 1 thông báo vào hàng đợi" in response.text
    notice.refresh_from_db()
    assert notice.email_state == EmailState.SENT and notice.email_error == ""
    assert [m.to for m in mail.outbox] == [["sonla@example.org"]]


def test_the_inbox_tells_the_recipient_their_mail_failed(client):
    user = person("sonla", email=BAD)
    notice = notice_for(user)
    notice_email_send(notice_id=notice.pk)
    client.force_login(user)
    page = client.get(reverse("notices:inbox"))
    assert "Không gửi được thư" in page.text
