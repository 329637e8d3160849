"""Deadlines in the order of the year (provinces.calendar.models.ORDER): refused on the
deadlines page with a message naming both deadlines and both dates, never written through
the admin, and kept by next year's defaults and the demo calendar."""

import datetime

import pytest
from django.urls import reverse

from emulation.demo import _DEMO_DEADLINES
from provinces.calendar.models import DEADLINE_FIELDS, ORDER, Deadlines
from provinces.models import Cluster
from tests.calendar_helpers import make_deadlines

pytestmark = pytest.mark.django_db

URL = reverse("calendar:deadlines", args=["tay-bac", 2024])
EMPTY = {"seen_version": "0", **dict.fromkeys(DEADLINE_FIELDS, "")}
EARLIER = datetime.date(2025, 3, 10)


def label(name: str) -> str:
    return str(Deadlines._meta.get_field(name).verbose_name)


def pair_id(pair) -> str:
    return f"{pair[0]}<{pair[1]}"


@pytest.mark.parametrize("earlier, later, strict, _why", ORDER, ids=map(pair_id, ORDER))
def test_a_later_deadline_before_an_earlier_one_is_refused_on_the_page(
    client, admin_user, earlier, later, strict, _why
):
    client.force_login(admin_user)
    too_early = EARLIER if strict else EARLIER - datetime.timedelta(days=1)
    response = client.post(
        URL, {**EMPTY, earlier: f"{EARLIER:%d/%m/%Y}", later: f"{too_early:%d/%m/%Y}"}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {later}  # on the later deadline only
    message = str(errors[later])
    assert f"{too_early:%d/%m/%Y}" in message and f"{EARLIER:%d/%m/%Y}" in message
    assert label(later).lower() in message.lower() and label(earlier).lower() in message.lower()
    assert f'id="id_{later}-error"' in response.text
    assert not Deadlines.objects.exists()


@pytest.mark.parametrize("earlier, later, strict, _why", ORDER, ids=map(pair_id, ORDER))
def test_the_first_possible_day_is_accepted(client, admin_user, earlier, later, strict, _why):
    client.force_login(admin_user)
    first = EARLIER + datetime.timedelta(days=1) if strict else EARLIER
    response = client.post(
        URL, {**EMPTY, earlier: f"{EARLIER:%d/%m/%Y}", later: f"{first:%d/%m/%Y}"}
    )
    assert response.status_code == 302
    saved = Deadlines.objects.get(cluster__slug="tay-bac", year=2024)
    assert getattr(saved, later) == first


def test_a_conference_before_the_figures_it_reviews_names_both_dates(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        URL, {**EMPTY, "figures_due": "15/01/2025", "conference_on": "28/11/2024"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["conference_on"] == (
        [
            "Ngày hội nghị (28/11/2024) phải sau hạn nộp số liệu năm (15/01/2025): hội nghị "
            "xem xét số liệu năm của các thành viên."
        ]
    )


def test_an_empty_deadline_in_between_does_not_hide_the_conflict(client, admin_user):
    client.force_login(admin_user)
    dates = {"figures_due": "10/03/2025", "self_scores_due": "", "cross_check_due": "01/03/2025"}
    response = client.post(URL, {**EMPTY, **dates})
    assert response.status_code == 400
    assert "10/03/2025" in str(response.context["form"].errors["cross_check_due"])


def saved_2024():
    """Tây Bắc's 2024 dates as saved: figures due 15/01/2025, the conference 20/02/2025."""
    return make_deadlines(
        "tay-bac",
        2024,
        figures_due=datetime.date(2025, 1, 15),
        conference_on=datetime.date(2025, 2, 20),
    )


def test_editing_a_saved_year_into_disorder_is_refused_and_changes_nothing(client, admin_user):
    record = saved_2024()
    client.force_login(admin_user)
    dates = {"figures_due": "15/01/2025", "conference_on": "10/01/2025"}
    response = client.post(URL, {**EMPTY, **dates, "seen_version": str(record.version)})
    assert response.status_code == 400
    record.refresh_from_db()
    assert record.conference_on == datetime.date(2025, 2, 20) and record.version == 1


def test_the_admin_cannot_write_deadlines_so_cannot_put_them_out_of_order(client, admin_user):
    record = saved_2024()
    client.force_login(admin_user)
    change = reverse("admin:provinces_deadlines_change", args=[record.pk])
    response = client.post(change, {"figures_due": "15/01/2025", "conference_on": "10/01/2025"})
    assert response.status_code in (302, 403)
    add = reverse("admin:provinces_deadlines_add")
    assert client.post(add, {"figures_due": "15/01/2025"}).status_code == 403
    record.refresh_from_db()
    assert record.conference_on == datetime.date(2025, 2, 20)
    assert Deadlines.objects.count() == 1


def test_the_model_refuses_wherever_it_is_cleaned():
    record = Deadlines(
        cluster=Cluster.objects.get(slug="tay-bac"),
        year=2024,
        self_scores_due=datetime.date(2025, 2, 1),
        achievement_reports_due=datetime.date(2025, 1, 31),
    )
    with pytest.raises(Exception) as refused:
        record.full_clean()
    assert "01/02/2025" in str(refused.value) and "31/01/2025" in str(refused.value)


@pytest.mark.parametrize(
    "dates",
    [
        # the conference on the 29th, figures due the day before: still after next year
        {"figures_due": (2024, 2, 28), "conference_on": (2024, 2, 29)},
        {"figures_due": (2024, 2, 29), "conference_on": (2024, 3, 1)},
        {
            "figures_due": (2024, 1, 15),
            "self_scores_due": (2024, 2, 29),
            "cross_check_due": (2024, 2, 29),
            "conference_on": (2024, 3, 20),
            "achievement_reports_due": (2024, 3, 31),
        },
    ],
)
def test_next_years_defaults_keep_the_order(dates):
    cluster = Cluster.objects.get(slug="tay-bac")
    record = Deadlines(
        cluster=cluster,
        year=2024,
        **{name: datetime.date(*day) for name, day in dates.items()},
    )
    record.full_clean()
    following = Deadlines(cluster=cluster, year=2025, **record.next_year_defaults())
    following.full_clean()  # raises if the shifted dates left the order
    for name in dates:
        assert getattr(following, name).year == getattr(record, name).year + 1


@pytest.mark.parametrize("key", list(_DEMO_DEADLINES), ids=lambda key: f"{key[0]}-{key[1]}")
def test_the_demo_calendar_is_in_order(key):
    slug, year = key
    record = Deadlines(
        cluster=Cluster.objects.get(slug=slug),
        year=year,
        **{name: datetime.date.fromisoformat(day) for name, day in _DEMO_DEADLINES[key].items()},
    )
    record.full_clean()
    Deadlines(cluster=record.cluster, year=year + 1, **record.next_year_defaults()).full_clean()
