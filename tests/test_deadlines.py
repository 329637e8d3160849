"""The cluster-year deadlines: the edges of "late", defaults, and the edit page."""

import datetime

import pytest
from django.urls import reverse

from provinces.calendar.models import end_of_day
from provinces.calendar.selectors import deadlines_or_defaults
from provinces.figures.timeliness import Timeliness, figures_timeliness
from provinces.models import Cluster, Deadlines, FiguresStatus
from tests.calendar_helpers import at, make_deadlines
from tests.factories import make_figures

pytestmark = pytest.mark.django_db


def make_staff_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("submitter")


URL = reverse("calendar:deadlines", args=["tay-bac", 2024])


# --- Late, at the edges, in Asia/Ho_Chi_Minh ----------------------------------------------


def test_a_deadline_ends_at_midnight_in_vietnam():
    assert end_of_day(datetime.date(2025, 1, 15)) == at("2025-01-16", "00:00")
    # 23:59 in Hà Nội is 16:59 UTC: still the due day
    assert end_of_day(datetime.date(2025, 1, 15)) > at("2025-01-15", "23:59")


def test_submitted_on_the_due_day_is_on_time_and_one_minute_after_is_late():
    deadlines = make_deadlines("tay-bac", 2024, figures_due=datetime.date(2025, 1, 15))
    assert not deadlines.is_late("figures_due", at("2025-01-15", "00:00"))
    assert not deadlines.is_late("figures_due", at("2025-01-15", "23:59:59"))
    assert deadlines.is_late("figures_due", at("2025-01-16", "00:00"))
    assert deadlines.is_late("figures_due", at("2025-01-16", "00:01"))
    # 17:01 UTC on the due day is already 00:01 the next day in Vietnam
    utc = datetime.datetime(2025, 1, 15, 17, 1, tzinfo=datetime.UTC)
    assert deadlines.is_late("figures_due", utc)


def test_timeliness_of_a_member():
    deadlines = make_deadlines("tay-bac", 2024, figures_due=datetime.date(2025, 1, 15))
    figures = make_figures("14", 2024, status=FiguresStatus.SUBMITTED)
    figures.submitted_at = at("2025-01-15", "23:59")
    assert figures_timeliness(figures, deadlines, now=at("2025-02-01")) == Timeliness.ON_TIME
    figures.submitted_at = at("2025-01-16", "00:01")
    assert figures_timeliness(figures, deadlines, now=at("2025-02-01")) == Timeliness.LATE
    figures.status = FiguresStatus.RETURNED
    assert figures_timeliness(figures, deadlines, now=at("2025-01-15", "23:00")) == "pending"
    assert figures_timeliness(figures, deadlines, now=at("2025-01-16", "00:01")) == "missing"
    assert figures_timeliness(None, None, now=at("2030-01-01")) == Timeliness.PENDING


def test_a_year_without_deadlines_takes_last_years_dates_a_year_on():
    make_deadlines(
        "tay-bac",
        2023,
        figures_due=datetime.date(2024, 2, 29),
        conference_on=datetime.date(2023, 11, 30),
    )
    record, is_default = deadlines_or_defaults(Cluster.objects.get(slug="tay-bac"), 2024)
    assert is_default and record.pk is None
    assert record.figures_due == datetime.date(2025, 2, 28)  # no 29 February in 2025
    assert record.conference_on == datetime.date(2024, 11, 30)
    assert record.self_scores_due is None


# --- The page: persona matrix ---------------------------------------------------------------

FORM = {
    "seen_version": "0",
    "figures_due": "15/01/2025",
    "self_scores_due": "",
    "cross_check_due": "",
    "achievement_reports_due": "",
    "conference_on": "28/02/2025",
}


def test_it_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response.url


def test_other_provinces_get_404(client, make_staff):
    client.force_login(make_staff("Cao Bằng", 2025))
    assert client.get(URL).status_code == 404
    assert client.post(URL, FORM).status_code == 404


def test_members_read_but_may_not_set(client, make_staff):
    make_deadlines("tay-bac", 2024, figures_due=datetime.date(2025, 1, 15))
    client.force_login(make_staff("Sơn La", 2024))
    response = client.get(URL)
    assert response.status_code == 200
    assert "15/01/2025" in response.text and response.context["form"] is None
    assert client.post(URL, FORM).status_code == 403


def test_the_chair_sets_the_deadlines_and_history_keeps_who(client, make_staff):
    chair = make_staff("Lào Cai", 2024)
    client.force_login(chair)
    response = client.post(URL, FORM)
    assert response.status_code == 302
    saved = Deadlines.objects.get(cluster__slug="tay-bac", year=2024)
    assert saved.figures_due == datetime.date(2025, 1, 15) and saved.version == 1
    assert saved.history.first().history_user == chair
    page = client.get(URL)
    assert "Đặt hạn nộp" in page.text  # the history's reason


def test_the_chair_of_another_year_may_not_set_them(client, make_staff):
    client.force_login(make_staff("Phú Thọ", 2023))  # chair of 2023, member in 2024
    assert client.post(URL, FORM).status_code == 403


def test_admin_sets_them(client, admin_user):
    client.force_login(admin_user)
    assert client.post(URL, FORM).status_code == 302
    assert Deadlines.objects.filter(cluster__slug="tay-bac", year=2024).exists()


def test_a_stale_form_is_refused_and_keeps_what_was_typed(client, make_staff, admin_user):
    client.force_login(make_staff("Lào Cai", 2024))
    assert client.post(URL, FORM).status_code == 302  # version 1
    response = client.post(URL, {**FORM, "figures_due": "20/01/2025"})  # saw version 0
    assert response.status_code == 409
    assert "sau khi bạn mở biểu mẫu" in response.text
    assert 'value="20/01/2025"' in response.text
    # the form now carries the version it was refused against: saving again goes through
    assert response.context["form"].data["seen_version"] == 1
    assert (
        client.post(URL, {**FORM, "seen_version": "1", "figures_due": "20/01/2025"}).status_code
        == 302
    )
    assert Deadlines.objects.get(cluster__slug="tay-bac", year=2024).version == 2


@pytest.mark.parametrize(
    "field, value",
    [("figures_due", "31/02/2025"), ("figures_due", "2025-01-15x"), ("seen_version", "-1")],
)
def test_bad_input_is_an_error_message_not_a_500(client, admin_user, field, value):
    client.force_login(admin_user)
    response = client.post(URL, {**FORM, field: value})
    assert response.status_code == 400
    assert not Deadlines.objects.exists()


def test_an_unknown_cluster_or_year_is_404(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("calendar:deadlines", args=["nowhere", 2024])).status_code == 404
    assert client.get(reverse("calendar:deadlines", args=["tay-bac", 1999])).status_code == 404


# --- Late marking on the year page and the record page ----------------------------------------


def test_the_year_page_and_the_record_page_mark_late_figures(client, admin_user):
    staff = make_staff_user()
    make_deadlines("tay-bac", 2024, figures_due=datetime.date(2025, 1, 15))
    late = make_figures("14", 2024, status=FiguresStatus.SUBMITTED)
    late.submitted_at, late.submitted_by = at("2025-01-16", "00:01"), staff
    late.save()
    on_time = make_figures("11", 2024, status=FiguresStatus.SUBMITTED)
    on_time.submitted_at, on_time.submitted_by = at("2025-01-15", "23:59"), staff
    on_time.save()
    client.force_login(admin_user)
    page = client.get(reverse("figures:cluster-year", args=["tay-bac", 2024])).text
    assert "Hạn nộp số liệu: 15/01/2025" in page
    row_14 = page.split('data-province="14"')[1].split("</tr>")[0]
    row_11 = page.split('data-province="11"')[1].split("</tr>")[0]
    assert "nộp muộn" in row_14 and "nộp muộn" not in row_11
    record = client.get(reverse("figures:detail", args=[2024, "14"])).text
    assert "nộp muộn (hạn 15/01/2025)" in record
    assert "nộp muộn" not in client.get(reverse("figures:detail", args=[2024, "11"])).text


def test_a_returned_record_is_not_marked_late_until_it_comes_back(client, admin_user):
    make_deadlines("tay-bac", 2024, figures_due=datetime.date(2025, 1, 15))
    figures = make_figures("14", 2024, status=FiguresStatus.RETURNED)
    figures.submitted_at, figures.submitted_by = at("2025-01-20"), make_staff_user()
    figures.save()
    client.force_login(admin_user)
    page = client.get(reverse("figures:cluster-year", args=["tay-bac", 2024])).text
    assert "nộp muộn" not in page.split('data-province="14"')[1].split("</tr>")[0]
    assert "nộp muộn" not in client.get(reverse("figures:detail", args=[2024, "14"])).text


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"figures_due": "15/01/2023"}, "figures_due", "nằm ngoài năm thi đua 2024"),
        ({"conference_on": "01/01/2026"}, "conference_on", "nằm ngoài năm thi đua 2024"),
        (
            {"self_scores_due": "28/02/2025", "cross_check_due": "27/02/2025"},
            "cross_check_due",
            "phải cùng ngày hoặc sau hạn nộp bảng tự chấm điểm (28/02/2025)",
        ),
    ],
)
def test_dates_outside_the_year_or_out_of_order_are_refused(
    client, admin_user, changes, field, message
):
    client.force_login(admin_user)
    response = client.post(URL, {**FORM, **changes})
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert f'id="id_{field}-error"' in response.text
    assert not Deadlines.objects.exists()
