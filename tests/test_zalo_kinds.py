"""Every kind of notice reaches Zalo (issue 27): each kind the portal records
(`NoticeKind`), triggered the way the portal does (a service, a background task, the daily
command), reaches the fake ZNS (tests/fake_zns.py) exactly once per recipient who chose
Zalo or both, with the approved template's parameters (`zalo.NOTICE_PARAMS`), never for a
recipient who chose e-mail; a second run sends nothing new. A message goes to the number
confirmed when it is sent, and a failed one shows in the recipient's inbox."""

import contextlib
import datetime
from collections import Counter
from collections.abc import Callable
from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from emulation.decisions.services import decision_record
from emulation.nominations.models import AwardType, Nomination
from emulation.review.notices import decision_notify, review_notify
from emulation.review.services import dossier_send, review_accept, review_return, review_take
from provinces.figures.models import FiguresStatus
from provinces.figures.services import (
    figures_approve,
    figures_reopen,
    figures_return,
    figures_submit,
)
from provinces.notices.models import (
    Channel,
    Delivery,
    EmailState,
    Notice,
    NoticeKind,
    NoticePreference,
    ZaloMessage,
    ZaloState,
)
from provinces.notices.services import NoticeDraft, notice_create
from provinces.notices.tasks import figures_event_notify_task
from provinces.notices.zalo import NOTICE_PARAMS, zalo_retry, zalo_send
from provinces.organisation.models import Cluster
from tests.calendar_helpers import make_deadlines
from tests.dossier_helpers import patch_scoring, seed_demo_year
from tests.factories import make_figures
from tests.fake_zns import FakeZns

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]

# How each recipient chose to be told: (channel, delivery, has an e-mail address). Every
# one has a confirmed number, so "email" shows that the choice, not the number, decides.
PERSONAS = {
    "email": (Channel.EMAIL, Delivery.IMMEDIATE, True),
    "zalo": (Channel.ZALO, Delivery.IMMEDIATE, False),  # no address at all: Zalo only
    "both": (Channel.BOTH, Delivery.IMMEDIATE, True),
    "digest": (Channel.BOTH, Delivery.DIGEST, True),  # e-mail in tomorrow's digest
}
ON_ZALO = {"zalo", "both", "digest"}


def prefer(users, first_phone: int) -> dict:
    """The users, one per persona in PERSONAS' order, each with its choice and its own
    confirmed number."""
    people = dict(zip(PERSONAS, users, strict=True))
    for offset, (name, user) in enumerate(people.items()):
        channel, delivery, address = PERSONAS[name]
        user.email = f"{user.username}@example.org" if address else ""
        user.first_name = f"Người nhận {name}"
        user.save()
        NoticePreference.objects.update_or_create(
            user=user,
            defaults={
                "channel": channel,
                "delivery": delivery,
                "phone": f"8491234{first_phone + offset:04d}",
                "phone_confirmed_at": timezone.now(),
            },
        )
    return people


# --- Each kind, triggered as the portal does: (groups of recipients, a second run) -------------


def _figures_cycles(fx, event: str):
    """Four Sơn La officers, one per persona, each submit the record; the chair of the year
    returns or approves it each time (approved: reopened for the next one)."""
    people = prefer([fx.make_staff("Sơn La", 2024, username=f"sonla-{n}") for n in PERSONAS], 0)
    chair = fx.make_staff("Lào Cai", 2024, username="laocai")
    figures = make_figures("14", 2024)
    for user in people.values():
        with fx.on_commit(execute=True):
            figures = figures_submit(figures=figures, seen_version=figures.version, by=user)
        with fx.on_commit(execute=True):
            if event == "returned":
                figures = figures_return(
                    figures=figures, seen_version=figures.version, by=chair, reason="Xem lại"
                )
            else:
                figures = figures_approve(figures=figures, seen_version=figures.version, by=chair)
        if event == "approved" and user != list(people.values())[-1]:
            figures = figures_reopen(
                figures=figures, seen_version=figures.version, by=chair, reason="Sửa tiếp"
            )

    def rerun():  # the event's task run again (a worker that died is re-queued)
        figures_event_notify_task.enqueue(figures_id=figures.pk, event=event, actor_id=chair.pk)

    return [people], rerun


def figures_submitted(fx):
    people = prefer([fx.make_staff("Lào Cai", 2024, username=f"laocai-{n}") for n in PERSONAS], 0)
    sonla = fx.make_staff("Sơn La", 2024, username="sonla")
    figures = make_figures("14", 2024)
    with fx.on_commit(execute=True):
        figures_submit(figures=figures, seen_version=figures.version, by=sonla)

    def rerun():
        figures_event_notify_task.enqueue(
            figures_id=figures.pk, event="submitted", actor_id=sonla.pk
        )

    return [people], rerun


def _reminders(fx, today: str):
    """Sơn La still owes its 2024 figures (the others submitted): the daily command."""
    make_deadlines("tay-bac", 2024, figures_due=datetime.date(2025, 1, 15))
    for code in ("10", "11", "12", "15", "17", "25"):
        make_figures(code, 2024, status=FiguresStatus.SUBMITTED)
    people = prefer([fx.make_staff("Sơn La", 2024, username=f"sonla-{n}") for n in PERSONAS], 0)

    def run():
        call_command("send_reminders", "--today", today, stdout=StringIO())

    run()
    return [people], run


def dossier_review(fx):
    """The review's round trip and the award decision: the dossier sent tells the
    reviewers; taken, returned, taken again, accepted and decided tell the chair's unit."""
    seed_demo_year()
    fx.stack.enter_context(patch_scoring())
    chair = get_user_model().objects.get(username="phutho")  # head of Tây Bắc in 2023
    reviewers = prefer([fx.make_national(f"vca-{n}") for n in PERSONAS], 0)
    chairs = prefer([fx.make_staff("Phú Thọ", 2023, username=f"phutho-{n}") for n in PERSONAS], 10)
    actor = fx.make_national("vca-actor")
    cluster, year = Cluster.objects.get(slug="tay-bac"), 2023

    def step(function, **kwargs):
        with fx.on_commit(execute=True):
            return function(**kwargs)

    review = step(dossier_send, cluster=cluster, year=year, by=chair, seen_version=0)
    review = step(review_take, review=review, by=actor, seen_version=review.version)
    review = step(
        review_return, review=review, by=actor, reason="Thiếu chữ ký", seen_version=review.version
    )
    review = step(
        dossier_send,
        cluster=cluster,
        year=year,
        by=chair,
        note="Đã ký",
        seen_version=review.version,
    )
    review = step(review_take, review=review, by=actor, seen_version=review.version)
    review = step(review_accept, review=review, by=actor, seen_version=review.version)
    flag = AwardType.objects.get(code="emulation-flag")
    flags = Nomination.objects.filter(year=year, award_type=flag).order_by("pk")
    decision = step(
        decision_record,
        award_type=flag,
        year=year,
        number="125/QĐ-LMHTXVN",
        date=datetime.date(2024, 3, 15),
        signer_name="Nguyễn Văn Chủ",
        signer_title="Chủ tịch",
        nomination_ids=[n.pk for n in flags],
        by=actor,
    )

    def rerun():  # each notice of the last steps recorded again: nobody told twice
        with fx.on_commit(execute=True):
            review_notify(review, actor=actor)
            names = [n.nominee_name for n in flags]
            decision_notify(review, decision=decision, names=names, actor=actor)

    return [reviewers, chairs], rerun


SCENARIOS: dict[str, Callable] = {
    NoticeKind.FIGURES_SUBMITTED: figures_submitted,
    NoticeKind.FIGURES_RETURNED: lambda fx: _figures_cycles(fx, "returned"),
    NoticeKind.FIGURES_APPROVED: lambda fx: _figures_cycles(fx, "approved"),
    NoticeKind.REMINDER: lambda fx: _reminders(fx, "2025-01-08"),
    NoticeKind.OVERDUE: lambda fx: _reminders(fx, "2025-01-20"),
    NoticeKind.DOSSIER_REVIEW: dossier_review,
}


def test_every_kind_of_notice_has_its_zalo_scenario():
    """A new kind of notice fails here until its Zalo delivery is tested below."""
    assert set(SCENARIOS) == set(NoticeKind.values)


def expected_data(notice: Notice, settings) -> dict:
    recipient = notice.recipient
    return {
        "ten": (recipient.get_full_name() or recipient.get_username())[: NOTICE_PARAMS["ten"]],
        "tieu_de": notice.subject[: NOTICE_PARAMS["tieu_de"]],
        "noi_dung": notice.body[: NOTICE_PARAMS["noi_dung"]],
        "duong_dan": f"{settings.SITE_URL}{notice.url}",
    }


def assert_told_once(kind: str, groups: list[dict], zns: FakeZns, settings) -> None:
    taken = {m["tracking_id"]: m for m in zns.taken}
    assert len(taken) == len(zns.taken)  # no message twice
    for people in groups:
        for name, user in people.items():
            notices = list(
                Notice.objects.filter(recipient=user, kind=kind).select_related("recipient")
            )
            assert notices, f"{name}: no {kind} notice"
            phone = NoticePreference.objects.get(user=user).phone
            for notice in notices:
                message = taken.get(f"notice-{notice.pk}")
                if name not in ON_ZALO:
                    assert message is None and not ZaloMessage.objects.filter(notice=notice)
                    assert notice.email_state == EmailState.SENT
                    continue
                assert message is not None, f"{name}: {notice.subject} not on Zalo"
                assert message["phone"] == phone and message["template_id"] == "301234"
                assert message["template_data"] == expected_data(notice, settings)
                assert ZaloMessage.objects.get(notice=notice).state == ZaloState.SENT
                if name == "zalo":
                    assert notice.email_state == EmailState.NONE
                elif name == "both":
                    assert notice.email_state == EmailState.SENT


@pytest.mark.parametrize("kind", NoticeKind.values)
def test_each_kind_reaches_zalo_once_per_recipient_and_a_rerun_sends_nothing(
    kind, zns, settings, make_staff, make_national, django_capture_on_commit_callbacks
):
    fx = SimpleNamespace(
        make_staff=make_staff,
        make_national=make_national,
        on_commit=django_capture_on_commit_callbacks,
    )
    with contextlib.ExitStack() as fx.stack:
        groups, rerun = SCENARIOS[kind](fx)
        # Sent by the worker as the notices were recorded: no daily catch-up needed.
        assert_told_once(kind, groups, zns, settings)
        before = Counter(m["tracking_id"] for m in zns.taken)
        rerun()
        assert zalo_retry() == 0
        assert Counter(m["tracking_id"] for m in zns.taken) == before


# --- The template's parameters, the number at send time, the inbox ----------------------------


@pytest.fixture
def sonla(make_staff):
    user = make_staff("Sơn La", 2024, username="sonla")
    user.email = "sonla@example.org"
    user.save()
    NoticePreference.objects.create(
        user=user, channel=Channel.BOTH, phone="84912340000", phone_confirmed_at=timezone.now()
    )
    return user


def told(user, **draft) -> Notice:
    values = {
        "key": "k",
        "kind": NoticeKind.FIGURES_RETURNED,
        "subject": "Trả lại",
        "body": "Lý do",
    }
    return notice_create(recipient=user, draft=NoticeDraft(**{**values, **draft}))


def test_the_payload_carries_exactly_the_templates_parameters_cut_to_their_lengths(sonla, zns):
    sonla.first_name, sonla.last_name = "Nguyễn Thị Thanh Hương Lan", "Phạm Trần Hoàng"
    sonla.save()
    notice = told(sonla, subject="S" * 300, body="B" * 900, url="/figures/2024/14/")
    assert zalo_send(notice_id=notice.pk)
    (message,) = zns.taken
    data = message["template_data"]
    assert list(data) == list(NOTICE_PARAMS) == ["ten", "tieu_de", "noi_dung", "duong_dan"]
    assert [len(data[key]) for key in ("ten", "tieu_de", "noi_dung")] == [30, 100, 400]
    assert data["duong_dan"].endswith("/figures/2024/14/")
    assert all(len(value) <= NOTICE_PARAMS[key] for key, value in data.items())


def test_a_message_goes_to_the_number_confirmed_when_it_is_sent(sonla, zns):
    notice = told(sonla)
    assert notice.zalo.phone == "84912340000"
    NoticePreference.objects.filter(user=sonla).update(
        phone="84987654321", phone_confirmed_at=timezone.now()
    )
    assert zalo_send(notice_id=notice.pk)
    assert [m["phone"] for m in zns.taken] == ["84987654321"]
    notice.zalo.refresh_from_db()
    assert notice.zalo.phone == "84987654321" and notice.zalo.state == ZaloState.SENT


def test_without_a_confirmed_number_at_send_time_it_fails_with_the_reason(client, sonla, zns):
    notice = told(sonla)
    NoticePreference.objects.filter(user=sonla).update(phone_confirmed_at=None)
    assert zalo_send(notice_id=notice.pk) is False
    assert zns.calls == []  # not to the old number
    notice.zalo.refresh_from_db()
    assert notice.zalo.state == ZaloState.FAILED
    assert "không còn số điện thoại Zalo đã xác nhận" in notice.zalo.error
    assert zalo_retry() == 0 and zns.calls == []
    client.force_login(sonla)
    page = client.get(reverse("notices:inbox")).content.decode()
    assert 'data-testid="notice-zalo-failed"' in page
    assert "Không gửi được Zalo" in page and "không còn số điện thoại Zalo" in page


def test_a_recipient_who_chose_email_only_since_gets_no_zalo_message(sonla, zns):
    notice = told(sonla)
    NoticePreference.objects.filter(user=sonla).update(channel=Channel.EMAIL)
    assert zalo_send(notice_id=notice.pk) is False
    assert zns.calls == []
    notice.zalo.refresh_from_db()
    assert notice.zalo.state == ZaloState.FAILED
    assert "chỉ nhận thư điện tử" in notice.zalo.error
    assert zalo_retry() == 0 and zns.calls == []


def test_the_inbox_shows_no_zalo_failure_for_a_message_that_went(client, sonla, zns):
    notice = told(sonla)
    assert zalo_send(notice_id=notice.pk)
    client.force_login(sonla)
    page = client.get(reverse("notices:inbox")).content.decode()
    assert "Trả lại" in page and "notice-zalo-failed" not in page
