"""The figures edit form as the province's staff meet it: why a record came back (who, when
in Asia/Ho_Chi_Minh, the reason), and a save that changes nothing stores nothing."""

import datetime

import pytest
from django.urls import reverse

from provinces.figures.services import (
    figures_approve,
    figures_reopen,
    figures_return,
    figures_save,
    figures_submit,
)
from provinces.models import Cluster, Deadlines, FiguresStatus, YearlyFigures
from tests.factories import make_figures

pytestmark = pytest.mark.django_db

EDIT = reverse("figures:edit", args=[2024, "14"])
UTC = datetime.UTC
RETURNED_AT = datetime.datetime(2025, 1, 15, 17, 30, tzinfo=UTC)  # 00:30 16/01/2025 in Hà Nội


@pytest.fixture
def staff(client, make_staff):
    user = make_staff("Sơn La", 2024)
    client.force_login(user)
    return user


@pytest.fixture
def chair(make_staff):
    return make_staff("Lào Cai", 2024)


def name(user) -> str:
    return user.get_full_name() or user.get_username()


def submitted(staff) -> YearlyFigures:
    figures = make_figures("14", 2024)
    return figures_submit(figures=figures, by=staff, seen_version=figures.version)


def date_last_history(figures: YearlyFigures, when: datetime.datetime) -> None:
    last = figures.history.order_by("-history_id").first()
    figures.history.filter(history_id=last.history_id).update(history_date=when)


def form_as_shown(client) -> dict:
    """The edit form posted back exactly as the page showed it."""
    form = client.get(EDIT).context["form"]
    page = client.get(EDIT).text
    data = {"seen_version": str(form["seen_version"].value())}
    for field in form.visible_fields():
        marker = f'name="{field.html_name}" id="{field.id_for_label}"\n'
        value_at = page.index(marker) + len(marker)
        data[field.html_name] = page[value_at:].split('value="', 1)[1].split('"', 1)[0]
    return data


# --- The return reason -----------------------------------------------------------------------


def test_the_edit_form_shows_who_returned_the_figures_when_and_why(client, staff, chair):
    figures = submitted(staff)
    figures_return(
        figures=figures, by=chair, seen_version=figures.version, reason="Sai số THT mới.\nSửa lại"
    )
    date_last_history(figures, RETURNED_AT)
    page = client.get(EDIT)
    assert page.status_code == 200
    block = page.text.split('data-testid="return-reason"')[1].split('<form method="post"')[0]
    assert "Số liệu bị trả lại" in block and name(chair) in block
    assert "00:30 16/01/2025" in block  # Asia/Ho_Chi_Minh, not 17:30 15/01 UTC
    assert "Sai số THT mới.<br>Sửa lại" in block
    assert page.text.index('data-testid="return-reason"') < page.text.index("figures-form")


def test_the_reason_stays_while_the_staff_save_their_fixes(client, staff, chair):
    figures = submitted(staff)
    figures_return(figures=figures, by=chair, seen_version=figures.version, reason="Thiếu số HTX")
    date_last_history(figures, RETURNED_AT)
    stored = YearlyFigures.objects.get(pk=figures.pk)
    stored.tht_new += 1
    figures_save(figures=stored, by=staff, seen_version=stored.version)  # still returned
    block = client.get(EDIT).text.split('data-testid="return-reason"')[1].split("<form")[0]
    assert name(chair) in block and name(staff) not in block
    assert "00:30 16/01/2025" in block and "Thiếu số HTX" in block


def test_a_reopened_record_says_it_was_reopened(client, staff, chair, admin_user):
    figures = submitted(staff)
    figures = figures_approve(figures=figures, by=chair, seen_version=figures.version)
    figures_reopen(figures=figures, by=admin_user, seen_version=figures.version, reason="Cập nhật")
    block = client.get(EDIT).text.split('data-testid="return-reason"')[1].split("<form")[0]
    assert "mở khóa" in block and name(admin_user) in block and "Cập nhật" in block


def test_a_draft_or_a_new_record_shows_no_return_reason(client, staff):
    assert 'data-testid="return-reason"' not in client.get(EDIT).text  # nothing yet
    make_figures("14", 2024)
    assert 'data-testid="return-reason"' not in client.get(EDIT).text


# --- Nothing changed, nothing saved ----------------------------------------------------------


def test_saving_the_form_unchanged_adds_no_history_and_keeps_the_version(client, staff):
    figures = make_figures("14", 2024)
    history, version = figures.history.count(), figures.version
    response = client.post(EDIT, form_as_shown(client), follow=True)
    assert response.status_code == 200
    assert "Không có thay đổi nào để lưu." in response.text
    figures.refresh_from_db()
    assert figures.version == version and figures.history.count() == history


def test_a_real_change_still_saves_and_moves_the_version_on(client, staff):
    figures = make_figures("14", 2024)
    history, version = figures.history.count(), figures.version
    data = form_as_shown(client)
    data["tht_new"] = str(figures.tht_new + 1)
    response = client.post(EDIT, data, follow=True)
    assert "Đã lưu số liệu" in response.text
    figures.refresh_from_db()
    assert figures.version == version + 1 and figures.history.count() == history + 1


def test_an_unchanged_save_of_a_returned_record_keeps_it_returned_and_unversioned(
    client, staff, chair
):
    figures = submitted(staff)
    figures = figures_return(figures=figures, by=chair, seen_version=figures.version, reason="X")
    history, version = figures.history.count(), figures.version
    assert client.post(EDIT, form_as_shown(client)).status_code == 302
    figures.refresh_from_db()
    assert (figures.status, figures.version) == (FiguresStatus.RETURNED, version)
    assert figures.history.count() == history


def test_the_service_keeps_the_version_and_a_second_save_on_it_is_not_stale(staff):
    figures = make_figures("14", 2024)
    same = figures_save(
        figures=YearlyFigures.objects.get(pk=figures.pk), by=staff, seen_version=figures.version
    )
    assert same.version == figures.version == 1
    changed = YearlyFigures.objects.get(pk=figures.pk)
    changed.tv_reports += 1
    assert figures_save(figures=changed, by=staff, seen_version=1).version == 2


def test_the_admin_saving_figures_unchanged_keeps_the_version(client, admin_user):
    figures = make_figures("14", 2024)
    client.force_login(admin_user)
    url = reverse("admin:provinces_yearlyfigures_change", args=[figures.pk])
    form = client.get(url).context["adminform"].form
    data = {
        f.html_name: "" if f.value() is None else str(f.value())
        for f in form
        if f.html_name != "seen_version"
    }
    data["seen_version"] = str(figures.version)
    response = client.post(url, data)
    assert response.status_code == 302, (
        getattr(response, "context", None) and response.context["adminform"].form.errors
    )
    figures.refresh_from_db()
    assert figures.version == 1 and figures.history.count() == 1


def test_the_deadlines_page_saved_unchanged_keeps_the_version(client, admin_user):
    record = Deadlines(
        cluster=Cluster.objects.get(slug="tay-bac"),
        year=2024,
        figures_due=datetime.date(2025, 1, 15),
        conference_on=datetime.date(2025, 2, 20),
    )
    record.save()
    client.force_login(admin_user)
    url = reverse("calendar:deadlines", args=["tay-bac", 2024])
    data = {
        "seen_version": "1",
        "figures_due": "15/01/2025",
        "self_scores_due": "",
        "cross_check_due": "",
        "conference_on": "20/02/2025",
        "achievement_reports_due": "",
    }
    response = client.post(url, data, follow=True)
    assert "Không có thay đổi nào để lưu." in response.text
    record.refresh_from_db()
    assert record.version == 1 and record.history.count() == 1
    response = client.post(url, {**data, "conference_on": "21/02/2025"}, follow=True)
    assert "Đã lưu lịch hạn nộp" in response.text
    record.refresh_from_db()
    assert record.version == 2 and record.history.count() == 2
