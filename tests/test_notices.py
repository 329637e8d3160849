"""Notices on figures submit / return / approve, the inbox, preferences and e-mail change."""

import pytest
from django.core import mail, signing
from django.urls import reverse

from provinces.figures.services import figures_approve, figures_return, figures_submit
from provinces.models import FiguresStatus, Notice, StaffProfile
from provinces.notices.account import email_change_request, email_change_token
from provinces.notices.models import Delivery, EmailState, NoticeKind, NoticePreference
from provinces.notices.services import NoticeDraft, notice_create
from tests.factories import make_figures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]


@pytest.fixture
def people(make_staff, admin_user):
    sonla = make_staff("Sơn La", 2024, username="sonla")
    sonla.email = "sonla@example.org"
    sonla.save()
    chair = make_staff("Lào Cai", 2024, username="laocai")  # head of Tây Bắc 2024
    chair.email = "laocai@example.org"
    chair.save()
    other = make_staff("Điện Biên", 2024, username="dienbien")
    return {"staff": sonla, "chair": chair, "other": other, "admin": admin_user}


def submit(figures, by, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return figures_submit(figures=figures, seen_version=figures.version, by=by)


def test_submitting_tells_the_chair_of_the_year_only(people, django_capture_on_commit_callbacks):
    figures = make_figures("14", 2024)
    submit(figures, people["staff"], django_capture_on_commit_callbacks)
    notices = list(Notice.objects.all())
    assert [n.recipient for n in notices] == [people["chair"]]
    notice = notices[0]
    assert notice.kind == NoticeKind.FIGURES_SUBMITTED
    assert "Sơn La" in notice.subject and notice.url == "/figures/2024/14/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["laocai@example.org"]
    assert notice.email_state == EmailState.SENT


def test_a_returned_record_tells_its_submitter_with_the_reason(
    people, django_capture_on_commit_callbacks
):
    figures = submit(make_figures("14", 2024), people["staff"], django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        figures_return(
            figures=figures,
            seen_version=figures.version,
            by=people["chair"],
            reason="Kiểm tra số thành viên HTX",
        )
    notice = Notice.objects.get(recipient=people["staff"])
    assert notice.kind == NoticeKind.FIGURES_RETURNED
    assert "Lý do: Kiểm tra số thành viên HTX" in notice.body
    (message,) = mail.outbox
    assert message.to == ["sonla@example.org"]
    assert "Kiểm tra số thành viên HTX" in message.body  # the plain-text part
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Kiểm tra số thành viên HTX" in html
    assert "http://127.0.0.1:8000/figures/2024/14/" in message.body


def test_an_approved_record_tells_its_submitter(people, django_capture_on_commit_callbacks):
    figures = submit(make_figures("14", 2024), people["staff"], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        figures_approve(figures=figures, seen_version=figures.version, by=people["chair"])
    assert Notice.objects.get(recipient=people["staff"]).kind == NoticeKind.FIGURES_APPROVED


def test_no_notice_reaches_someone_who_may_not_read_the_record(
    people, django_capture_on_commit_callbacks
):
    figures = submit(make_figures("14", 2024), people["staff"], django_capture_on_commit_callbacks)
    # The submitter has since moved to another province's alliance: the returned (so not
    # approved) Sơn La record is no longer theirs to read.
    StaffProfile.objects.filter(user=people["staff"]).update(
        province=people["other"].staff_profile.province
    )
    with django_capture_on_commit_callbacks(execute=True):
        figures_return(
            figures=figures, seen_version=figures.version, by=people["chair"], reason="Sai số liệu"
        )
    assert not Notice.objects.filter(recipient=people["staff"]).exists()


def test_nobody_is_told_of_their_own_action(people, django_capture_on_commit_callbacks):
    figures = submit(make_figures("14", 2024), people["chair"], django_capture_on_commit_callbacks)
    assert figures.status == FiguresStatus.SUBMITTED
    assert not Notice.objects.exists()


def test_a_rolled_back_action_tells_nobody(people, django_capture_on_commit_callbacks):
    figures = make_figures("14", 2024)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        figures_submit(figures=figures, seen_version=figures.version, by=people["staff"])
    assert len(callbacks) == 1  # queued for after the commit, not sent inside the action
    assert not Notice.objects.exists()


# The worker closes the database connections it used, as a long-running process should: in
# real transactions that is harmless (the next query reconnects), inside a test's
# wrapping transaction it would close the test's own connection (PostgreSQL).
@pytest.fixture
def reference_data_after_a_flush(transactional_db):
    """Transactional tests run after the others and each empties the tables, the reference
    data of the migrations included: load it again (the loaders are idempotent)."""
    from emulation.demo import award_types_seed
    from provinces.demo import organisation_seed

    organisation_seed()
    award_types_seed()


@pytest.mark.django_db(transaction=True)
def test_the_action_enqueues_on_the_database_queue(
    reference_data_after_a_flush, people, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    submit(make_figures("14", 2024), people["staff"], django_capture_on_commit_callbacks)
    assert not Notice.objects.exists()  # not sent during the request
    task = DBTaskResult.objects.get()
    assert task.task_path.endswith("figures_event_notify_task")
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay")
    assert Notice.objects.get().recipient == people["chair"]


def test_each_notice_is_recorded_once(people):
    draft = NoticeDraft(key="k1", kind=NoticeKind.REMINDER, subject="s", body="b")
    assert notice_create(recipient=people["staff"], draft=draft) is not None
    assert notice_create(recipient=people["staff"], draft=draft) is None
    assert Notice.objects.count() == 1


# --- Preferences: digest and mute ------------------------------------------------------------


def test_a_digest_user_gets_no_mail_at_once(people, django_capture_on_commit_callbacks):
    NoticePreference.objects.create(user=people["chair"], delivery=Delivery.DIGEST)
    submit(make_figures("14", 2024), people["staff"], django_capture_on_commit_callbacks)
    assert Notice.objects.get().email_state == EmailState.DIGEST
    assert mail.outbox == []


def test_muted_reminders_still_let_returns_through(people, django_capture_on_commit_callbacks):
    NoticePreference.objects.create(user=people["staff"], mute_reminders=True)
    reminder = NoticeDraft(key="r", kind=NoticeKind.REMINDER, subject="s", body="b")
    assert notice_create(recipient=people["staff"], draft=reminder) is None
    figures = submit(make_figures("14", 2024), people["staff"], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        figures_return(
            figures=figures, seen_version=figures.version, by=people["chair"], reason="Sai"
        )
    assert Notice.objects.get(recipient=people["staff"]).kind == NoticeKind.FIGURES_RETURNED


def test_a_user_without_an_address_still_sees_the_notice_in_the_portal(people):
    draft = NoticeDraft(key="x", kind=NoticeKind.REMINDER, subject="s", body="b")
    notice = notice_create(recipient=people["other"], draft=draft)
    assert notice.email_state == EmailState.NONE


def test_the_preferences_page_saves_the_choice(client, people):
    client.force_login(people["staff"])
    url = reverse("notices:preferences")
    assert client.get(url).status_code == 200
    response = client.post(url, {"delivery": "digest", "mute_reminders": "on"})
    assert response.status_code == 302
    preference = NoticePreference.objects.get(user=people["staff"])
    assert preference.delivery == "digest" and preference.mute_reminders
    assert client.post(url, {"delivery": "hourly"}).status_code == 400


# --- The inbox ---------------------------------------------------------------------------------


def make_notice(user, key="n1", url="/figures/2024/14/"):
    return notice_create(
        recipient=user,
        draft=NoticeDraft(
            key=key, kind=NoticeKind.FIGURES_RETURNED, subject="Trả lại", body="b", url=url
        ),
    )


def test_the_inbox_requires_login(client):
    for name in ("inbox", "unread", "preferences"):
        response = client.get(reverse(f"notices:{name}"))
        assert response.status_code == 302 and reverse("login") in response.url


@pytest.mark.parametrize("who", ["staff", "chair", "other", "admin"])
def test_each_person_sees_only_their_own_notices(client, people, who):
    make_notice(people["staff"])
    client.force_login(people[who])
    response = client.get(reverse("notices:inbox"))
    assert response.status_code == 200
    assert ("Trả lại" in response.text) == (who == "staff")
    assert client.get(reverse("notices:unread")).json() == {"unread": 1 if who == "staff" else 0}


@pytest.mark.parametrize("who", ["chair", "other", "admin"])
def test_nobody_marks_anothers_notice_read(client, people, who):
    notice = make_notice(people["staff"])
    client.force_login(people[who])
    assert client.post(reverse("notices:read", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.is_unread


def test_opening_a_notice_marks_it_read_and_goes_to_the_record(client, people):
    notice = make_notice(people["staff"])
    client.force_login(people["staff"])
    response = client.post(reverse("notices:read", args=[notice.pk]), {"open": "1"})
    assert response.status_code == 302 and response.url == "/figures/2024/14/"
    notice.refresh_from_db()
    assert not notice.is_unread
    assert client.get(reverse("notices:unread")).json() == {"unread": 0}


def test_a_notice_never_redirects_off_site(client, people):
    notice = make_notice(people["staff"], url="https://evil.example/")
    client.force_login(people["staff"])
    response = client.post(reverse("notices:read", args=[notice.pk]), {"open": "1"})
    assert response.url == reverse("notices:inbox")


def test_mark_all_read(client, people):
    make_notice(people["staff"], key="a")
    make_notice(people["staff"], key="b")
    client.force_login(people["staff"])
    client.post(reverse("notices:read-all"))
    assert not Notice.objects.unread().exists()
    assert client.get(reverse("notices:read-all")).status_code == 405


def test_the_inbox_page_runs_a_fixed_number_of_queries(client, people, django_assert_num_queries):
    client.force_login(people["staff"])
    make_notice(people["staff"], key="a")
    client.get(reverse("notices:inbox"))
    # session with its user (one read: cluster_portal/sessions.py), page count, page of
    # notices, unread count (a page view writes no session: SessionRefreshMiddleware)
    with django_assert_num_queries(4) as few:
        client.get(reverse("notices:inbox"))
    for i in range(20):
        make_notice(people["staff"], key=f"more{i}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("notices:inbox"))


# --- E-mail change, confirmed by a signed link ------------------------------------------------


def test_a_user_changes_their_address_through_the_link(client, people):
    client.force_login(people["other"])
    response = client.post(reverse("notices:email-change"), {"email": "db@example.org"})
    assert response.status_code == 302
    people["other"].refresh_from_db()
    assert people["other"].email == ""  # not until the link is opened
    (message,) = mail.outbox
    assert message.to == ["db@example.org"]
    link = next(word for word in message.body.split() if "/account/email/confirm/" in word)
    path = link.removeprefix("http://127.0.0.1:8000")
    client.get(path)
    people["other"].refresh_from_db()
    assert people["other"].email == "db@example.org"
    client.get(path)  # a second use changes nothing and says so
    assert people["other"].email == "db@example.org"


def test_a_link_for_someone_else_or_tampered_does_nothing(client, people):
    token = email_change_token(change=email_change_request(user=people["staff"], email="x@x.org"))
    client.force_login(people["other"])
    response = client.get(reverse("notices:email-confirm", args=[token]), follow=True)
    assert "dành cho một tài khoản khác" in response.text
    client.force_login(people["staff"])
    response = client.get(reverse("notices:email-confirm", args=[token + "x"]), follow=True)
    assert "không hợp lệ" in response.text
    people["staff"].refresh_from_db()
    assert people["staff"].email == "sonla@example.org"


def test_an_expired_link_is_refused(client, people, monkeypatch):
    token = email_change_token(change=email_change_request(user=people["staff"], email="x@x.org"))
    monkeypatch.setattr("provinces.notices.account.MAX_AGE", -1)
    client.force_login(people["staff"])
    response = client.get(reverse("notices:email-confirm", args=[token]), follow=True)
    assert "hết hạn" in response.text


@pytest.mark.parametrize("email", ["not-an-address", "", "laocai@example.org", "sonla@example.org"])
def test_a_bad_or_taken_address_is_refused(client, people, email):
    client.force_login(people["staff"])
    response = client.post(reverse("notices:email-change"), {"email": email})
    assert response.status_code == 400 and mail.outbox == []


def test_signing_salt_is_specific():
    with pytest.raises(signing.BadSignature):
        signing.loads(signing.dumps({"u": 1}), salt="cluster-portal.email-change")


def test_a_year_without_a_chair_tells_the_admins(
    people, make_staff, django_capture_on_commit_callbacks
):
    from provinces.models import ClusterTerm

    ClusterTerm.objects.filter(cluster__slug="tay-bac", year=2024).delete()
    submit(make_figures("14", 2024), people["staff"], django_capture_on_commit_callbacks)
    assert [n.recipient for n in Notice.objects.all()] == [people["admin"]]
