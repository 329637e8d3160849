"""Two people editing the same record: the second, stale save is refused with a message,
keeps what was typed, and overwrites nothing. A create form submitted twice makes one
record. One user action writes all or nothing.

Each test opens the form in two clients before either saves, like two browser tabs.
"""

import pytest
from django.test import Client
from django.urls import reverse

from emulation.models import AwardType, Conference, Nomination
from provinces.models import Cluster, ClusterTerm, Cooperative, Disbursement
from provinces.organisation.selectors import province_for_code
from tests.factories import make_disbursement
from tests.test_conference import form_data as conference_data

pytestmark = pytest.mark.django_db

DISBURSEMENT = {
    "fund": "htx_dev",
    "date": "01/05/2024",
    "borrower_name": "HTX Bình Minh",
    "borrower_kind": "HTX",
    "amount": "361",
    "purpose": "Mua máy sấy chè",
    "term_months": "24",
}


def opened(user, url: str) -> tuple[Client, dict]:
    """A client of `user` that has the form at `url` open: its hidden fields' values."""
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    if "adminform" in response.context:
        form = response.context["adminform"].form
    else:
        form = response.context.get("form")
    hidden = {}
    if form is not None:
        for field in form.hidden_fields():
            value = field.value()
            hidden[field.name] = "" if value is None else str(value)
    return client, hidden


@pytest.fixture
def son_la(make_staff):
    return make_staff("Sơn La", 2024, username="sonla")


@pytest.fixture
def son_la_2(make_staff):
    return make_staff("Sơn La", 2024, username="sonla2")


# Disbursements --------------------------------------------------------------------------


def test_a_stale_disbursement_edit_is_refused_and_nothing_is_lost(son_la, son_la_2):
    disbursement = make_disbursement("14", "2024-05-01", "361")
    url = reverse("disbursements:edit", args=[disbursement.pk])
    first, first_hidden = opened(son_la, url)
    second, second_hidden = opened(son_la_2, url)
    saved = first.post(url, {**DISBURSEMENT, **first_hidden, "amount": "111"})
    assert saved.status_code == 302
    stale = second.post(url, {**DISBURSEMENT, **second_hidden, "purpose": "Mua giống chè mới"})
    assert stale.status_code == 409
    assert "sau khi bạn mở biểu mẫu" in stale.text
    assert "Mua giống chè mới" in stale.text  # what was typed is still in the form
    disbursement.refresh_from_db()
    # the first save stands
    assert disbursement.amount == 111 and disbursement.purpose == "Mua máy sấy chè"
    assert disbursement.history.count() == 2  # created, then the first save: nothing else


def test_a_disbursement_edit_moving_the_date_outside_the_unit_is_a_form_error(make_staff):
    """Was a 500: 'DisbursementForm' has no field named 'province'."""
    user = make_staff("Yên Bái", 2024)
    disbursement = make_disbursement("15", "2024-05-01", "100", borrower="HTX Yên Bình")
    url = reverse("disbursements:edit", args=[disbursement.pk])
    client, hidden = opened(user, url)
    response = client.post(
        url, {**DISBURSEMENT, **hidden, "borrower_name": "HTX Yên Bình", "date": "01/08/2025"}
    )
    assert response.status_code == 400
    assert "không có hiệu lực vào ngày 01/08/2025" in response.text
    disbursement.refresh_from_db()
    assert disbursement.date.year == 2024


def test_add_disbursement_submitted_twice_makes_one_disbursement(son_la):
    url = reverse("disbursements:add", args=[2024, "14"])
    client, hidden = opened(son_la, url)
    assert hidden["form_key"]
    data = {**DISBURSEMENT, **hidden}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True)
    assert again.status_code == 200
    assert "đã được gửi trước đó" in again.text
    assert Disbursement.objects.count() == 1


def test_a_refused_disbursement_leaves_no_new_borrower(make_staff):
    """The borrower is added in the same transaction as the disbursement: a disbursement the service
    refuses (a date Yên Bái no longer existed on) adds nothing to the directory."""
    url = reverse("disbursements:add", args=[2024, "15"])
    client, hidden = opened(make_staff("Yên Bái", 2024), url)
    data = {**DISBURSEMENT, **hidden, "borrower_name": "HTX Mới Tinh", "date": "01/08/2025"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "không có hiệu lực vào ngày 01/08/2025" in response.text
    assert not Cooperative.objects.filter(name="HTX Mới Tinh").exists()
    assert not Disbursement.objects.exists()


# Cooperatives and cluster terms (kept in the admin) -----------------------------------------


def test_a_stale_cooperative_edit_in_the_admin_is_refused(admin_user, django_user_model):
    other_admin = django_user_model.objects.create_superuser("root2", password="pw-for-tests")
    disbursement = make_disbursement("14", "2024-05-01", "100", borrower="HTX Bình Minh")
    cooperative = disbursement.borrower
    url = reverse("admin:provinces_cooperative_change", args=[cooperative.pk])
    first, first_hidden = opened(admin_user, url)
    second, second_hidden = opened(other_admin, url)
    base = {"province": cooperative.province_id, "kind": "HTX", "is_active": "on"}
    saved = first.post(url, {**base, **first_hidden, "name": "HTX Bình Minh Mới"})
    assert saved.status_code == 302
    stale = second.post(url, {**base, **second_hidden, "name": "HTX Rạng Đông"})
    assert stale.status_code == 200
    assert "sau khi bạn mở biểu mẫu" in stale.text
    assert 'value="HTX Rạng Đông"' in stale.text
    cooperative.refresh_from_db()
    assert cooperative.name == "HTX Bình Minh Mới"


def test_a_stale_cluster_term_edit_in_the_admin_is_refused(admin_user, django_user_model):
    other_admin = django_user_model.objects.create_superuser("root2", password="pw-for-tests")
    term = ClusterTerm.objects.get(cluster__slug="tay-bac", year=2024)
    url = reverse("admin:provinces_clusterterm_change", args=[term.pk])
    first, first_hidden = opened(admin_user, url)
    second, second_hidden = opened(other_admin, url)
    base = {"cluster": term.cluster_id, "year": 2024, "head": term.head_id}
    son_la, dien_bien = province_for_code("14", 2024), province_for_code("11", 2024)
    assert first.post(url, {**base, **first_hidden, "vice": son_la.pk}).status_code == 302
    stale = second.post(url, {**base, **second_hidden, "vice": dien_bien.pk})
    assert stale.status_code == 200
    assert "sau khi bạn mở biểu mẫu" in stale.text
    term.refresh_from_db()
    assert term.vice_id == son_la.pk


def test_a_stale_rotation_replacing_a_term_is_refused(admin_user, django_user_model):
    other_admin = django_user_model.objects.create_superuser("root2", password="pw-for-tests")
    url = reverse("rotation:rotate", args=["tay-bac"]) + "?to_year=2024"
    first, first_hidden = opened(admin_user, url)
    second, second_hidden = opened(other_admin, url)
    son_la, dien_bien = province_for_code("14", 2024), province_for_code("11", 2024)
    post = {"to_year": 2024, "replace": "on"}
    assert first.post(url, {**post, **first_hidden, "vice": son_la.pk}).status_code == 302
    stale = second.post(url, {**post, **second_hidden, "vice": dien_bien.pk})
    assert stale.status_code == 400
    assert "sau khi bạn mở biểu mẫu" in stale.text
    assert ClusterTerm.objects.get(cluster__slug="tay-bac", year=2024).vice_id == son_la.pk


def test_the_rotate_year_in_the_query_string_is_checked(admin_user):
    client = Client()
    client.force_login(admin_user)
    for bad in ("abc", "10000", "-1", "99999999999999999999", "2024.5"):
        response = client.get(reverse("rotation:rotate", args=["tay-bac"]), {"to_year": bad})
        assert response.status_code == 400, bad
        assert 'data-testid="year-error"' in response.text


# The conference record --------------------------------------------------------------------

CONFERENCE_EDIT = reverse("conference:edit", args=["tay-bac", 2023])


@pytest.fixture
def chair_2023(make_staff):
    return make_staff("Phú Thọ", 2023, username="phutho")


def test_a_stale_conference_edit_is_refused_and_nothing_is_lost(chair_2023, admin_user):
    creator, hidden = opened(chair_2023, CONFERENCE_EDIT)
    assert creator.post(CONFERENCE_EDIT, {**conference_data(), **hidden}).status_code == 302
    conference = Conference.objects.get()
    attendee = conference.attendees.get()

    def edit_data(hidden: dict, **changes) -> dict:
        return {
            **conference_data(**changes),
            **hidden,
            "attendees-INITIAL_FORMS": "1",
            "attendees-0-id": attendee.pk,
            "attendees-0-conference": conference.pk,
            "recommendations-TOTAL_FORMS": "0",
        }

    first, first_hidden = opened(chair_2023, CONFERENCE_EDIT)
    second, second_hidden = opened(admin_user, CONFERENCE_EDIT)
    saved = first.post(CONFERENCE_EDIT, edit_data(first_hidden, venue="Hội trường A"))
    assert saved.status_code == 302
    stale = second.post(
        CONFERENCE_EDIT,
        edit_data(second_hidden, venue="Hội trường B", **{"attendees-0-name": "Người khác"}),
    )
    assert stale.status_code == 409
    assert "sau khi bạn mở biểu mẫu" in stale.text
    assert "Hội trường B" in stale.text and "Người khác" in stale.text
    conference.refresh_from_db()
    assert conference.venue == "Hội trường A"
    assert list(conference.attendees.values_list("name", flat=True)) == ["Nguyễn Quốc Dũng"]
    assert conference.recommendations.count() == 1


def test_conference_create_submitted_twice_makes_one_record(chair_2023):
    client, hidden = opened(chair_2023, CONFERENCE_EDIT)
    data = {**conference_data(), **hidden}
    assert client.post(CONFERENCE_EDIT, data).status_code == 302
    again = client.post(CONFERENCE_EDIT, data)
    assert again.status_code == 409
    assert "gửi hai lần" in again.text
    conference = Conference.objects.get()
    assert conference.attendees.count() == 1 and conference.recommendations.count() == 1


# Nominations ------------------------------------------------------------------------------

NOMINATIONS = reverse("nominations:list", args=["tay-bac", 2023])
PROPOSE = reverse("nominations:propose", args=["tay-bac", 2023])


def test_nomination_propose_submitted_twice_makes_one_nomination(chair_2023):
    client, _ = opened(chair_2023, NOMINATIONS)
    form = client.get(NOMINATIONS).context["form"]
    data = {
        "award_type": AwardType.objects.get(code="emulation-flag").pk,
        "alliance": province_for_code("10", 2023).pk,
        "cooperative_kind": "HTX",
        "achievements": "Dẫn đầu phong trào.",
        "form_key": str(form["form_key"].value()),
    }
    first = client.post(PROPOSE, data)
    assert first.status_code == 302, first.context["form"].errors
    again = client.post(PROPOSE, data, follow=True)
    assert again.status_code == 200, again.context["form"].errors
    assert "đã được gửi trước đó" in again.text
    assert Nomination.objects.count() == 1


def test_a_vote_recorded_on_a_stale_page_is_refused(chair_2023, admin_user):
    from emulation.nominations.services import nomination_propose

    nomination = nomination_propose(
        cluster=Cluster.objects.get(slug="tay-bac"),
        year=2023,
        award_type=AwardType.objects.get(code="emulation-flag"),
        by=chair_2023,
        alliance=province_for_code("10", 2023),
        achievements="Dẫn đầu phong trào.",
    )
    seen = str(nomination.version)  # both pages show this version
    first, second = Client(), Client()
    first.force_login(chair_2023)
    second.force_login(admin_user)
    url = reverse("nominations:vote", args=[nomination.pk])
    ballots = {"ballots_issued": 7, "ballots_returned": 7, "ballots_valid": 7}
    first.post(url, {"votes_for": 6, "votes_present": 7, "seen_version": seen, **ballots})
    response = second.post(
        url, {"votes_for": 2, "votes_present": 7, "seen_version": seen, **ballots}, follow=True
    )
    assert "sau khi bạn mở biểu mẫu" in response.text
    nomination.refresh_from_db()
    assert (nomination.votes_for, nomination.votes_present) == (6, 7)


def test_a_stale_figures_edit_in_the_admin_is_refused(admin_user, django_user_model):
    from tests.factories import GOOD_VALUES, make_figures

    other_admin = django_user_model.objects.create_superuser("root2", password="pw-for-tests")
    figures = make_figures("14", 2024)
    url = reverse("admin:provinces_yearlyfigures_change", args=[figures.pk])
    first, first_hidden = opened(admin_user, url)
    second, second_hidden = opened(other_admin, url)
    base = {"province": figures.province_id, "year": 2024, **GOOD_VALUES}
    assert first.post(url, {**base, **first_hidden, "htx_new": 51}).status_code == 302
    stale = second.post(url, {**base, **second_hidden, "htx_new": 52})
    assert stale.status_code == 200
    assert "sau khi bạn mở biểu mẫu" in stale.text
    figures.refresh_from_db()
    assert figures.htx_new == 51


# Records found by their cluster-year (deadlines, report settings) -------------------------


def test_two_chairs_opening_the_empty_deadlines_form_save_once(make_staff, admin_user):
    from provinces.calendar.models import Deadlines

    url = reverse("calendar:deadlines", args=["tay-bac", 2024])
    chair, seen = opened(make_staff("Lào Cai", 2024), url)
    admin, seen_too = opened(admin_user, url)
    assert seen["seen_version"] == seen_too["seen_version"] == "0"  # neither saw a record
    dates = {
        "figures_due": "15/01/2025",
        "self_scores_due": "",
        "cross_check_due": "",
        "achievement_reports_due": "",
        "conference_on": "28/02/2025",
    }
    assert chair.post(url, {**seen, **dates}).status_code == 302
    refused = admin.post(url, {**seen_too, **dates, "figures_due": "20/01/2025"})
    assert refused.status_code == 409
    assert "laocai" in refused.text and 'value="20/01/2025"' in refused.text
    saved = Deadlines.objects.get(cluster__slug="tay-bac", year=2024)
    assert saved.figures_due.day == 15 and saved.version == 1


def test_report_settings_saved_without_the_version_seen_are_refused(admin_user):
    from emulation.models import ReportSettings

    url = reverse("reports:settings", args=["tay-bac", 2023])
    from tests.test_report_settings import GOOD as form

    first, hidden = opened(admin_user, url)
    assert hidden["seen_version"] == "0"  # the page showed no settings yet
    assert first.post(url, {**form, "seen_version": ""}).status_code == 409
    assert first.post(url, {**form, **hidden}).status_code == 302
    # A form that lost its hidden version (or a crafted request) no longer overwrites.
    response = first.post(url, {**form, "number": "9", "seen_version": ""})
    assert response.status_code == 409
    assert ReportSettings.objects.get().number == 5


def test_a_record_created_by_someone_else_at_the_same_moment_is_a_stale_save():
    """Both editors found no row to lock; the second insert meets the unique constraint."""
    from cluster_portal.locking import StaleRecordError, claimed_save
    from provinces.calendar.models import Deadlines

    cluster = Cluster.objects.get(slug="tay-bac")
    Deadlines.objects.create(cluster=cluster, year=2024)
    with pytest.raises(StaleRecordError, match="vừa tạo bản ghi này cùng lúc"):
        claimed_save(Deadlines(cluster=cluster, year=2024))
    assert Deadlines.objects.count() == 1


def test_a_cluster_saved_over_a_membership_changed_meanwhile_is_refused(admin_user):
    """The cluster's admin page edits its membership rows too: each row carries its version,
    so a row another admin changed since the page was opened is not overwritten."""
    from provinces.models import ClusterMembership
    from tests.test_versioned_save import admin_form

    client = Client()
    client.force_login(admin_user)
    cluster = Cluster.objects.get(slug="tay-bac")
    url = reverse("admin:provinces_cluster_change", args=[cluster.pk])
    opened_form = admin_form(client, url)
    opened_form["seen_version"] = cluster.version
    row = ClusterMembership.objects.filter(cluster=cluster).order_by("pk").first()
    ClusterMembership.objects.filter(pk=row.pk).update(rotation_order=7, version=row.version + 1)
    response = client.post(url, opened_form)
    assert response.status_code == 200  # the form again, with the refusal
    assert "sau khi bạn mở biểu mẫu" in response.text
    row.refresh_from_db()
    assert (row.rotation_order, row.version) == (7, 2)
    cluster.refresh_from_db()
    assert cluster.version == 1
