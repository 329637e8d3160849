import pytest
from django.urls import reverse

from emulation.models import Conference, Nomination
from provinces.organisation.selectors import province_for_code

pytestmark = pytest.mark.django_db

PAGE = reverse("conference:detail", args=["tay-bac", 2023])
EDIT = reverse("conference:edit", args=["tay-bac", 2023])


def form_data(**changes):
    data = {
        "ordinal": "XII",
        "date": "30/11/2023",
        "venue": "Trụ sở Liên minh HTX tỉnh Phú Thọ",
        "host": province_for_code("25", 2023).pk,
        "topics": "Tổng kết năm 2023",
        "agreement_signed": "on",
        "attendees-TOTAL_FORMS": "1",
        "attendees-INITIAL_FORMS": "0",
        "attendees-0-name": "Nguyễn Quốc Dũng",
        "attendees-0-title": "Chủ tịch",
        "attendees-0-organisation": "Liên minh HTX tỉnh Phú Thọ",
        "attendees-0-order": "0",
        "recommendations-TOTAL_FORMS": "1",
        "recommendations-INITIAL_FORMS": "0",
        "recommendations-0-text": "Sớm ủy thác vốn Quỹ Trung ương cho Quỹ địa phương",
        "recommendations-0-addressed_to": "Liên minh HTX Việt Nam",
        "recommendations-0-order": "0",
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("persona", "view", "edit"),
    [
        ("anonymous", 302, 302),
        ("cao_bang", 404, 404),
        ("son_la", 200, 403),
        ("chair", 200, 200),
        ("chair_2024", 200, 403),
        ("admin", 200, 200),
    ],
)
def test_who_reads_and_who_edits(client, make_staff, admin_user, persona, view, edit):
    users = {
        "cao_bang": lambda: make_staff("Cao Bằng", 2023),
        "son_la": lambda: make_staff("Sơn La", 2023),
        "chair": lambda: make_staff("Phú Thọ", 2023),
        "chair_2024": lambda: make_staff("Lào Cai", 2023),
        "admin": lambda: admin_user,
    }
    if persona != "anonymous":
        client.force_login(users[persona]())
    assert client.get(PAGE).status_code == view
    assert client.get(EDIT).status_code == edit
    client.post(EDIT, form_data())
    assert Conference.objects.exists() == (edit == 200)


def test_the_chair_records_the_conference_with_attendees_and_recommendations(client, make_staff):
    client.force_login(make_staff("Phú Thọ", 2023))
    assert client.post(EDIT, form_data()).status_code == 302
    conference = Conference.objects.get()
    assert conference.attendees.get().name == "Nguyễn Quốc Dũng"
    assert conference.recommendations.get().addressed_to == "Liên minh HTX Việt Nam"
    text = client.get(PAGE).text
    assert "Ngày 30 tháng 11 năm 2023" in text
    assert "Trao cho Liên minh HTX tỉnh Lào Cai" in text  # the flag handover comes from 2024's term


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ordinal": "12"}, "không phải số La Mã"),
        ({"date": "2023-11-30"}, "Ngày không hợp lệ"),
        ({"host": "0"}, "Lựa chọn"),
        ({"date": "30/11/2021"}, "họp trong năm 2023"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(client, make_staff, changes, message):
    client.force_login(make_staff("Phú Thọ", 2023))
    response = client.post(EDIT, form_data(**changes))
    assert response.status_code == 400
    assert message in response.text
    assert not Conference.objects.exists()


def test_seed_demo_records_the_2023_conference_as_the_article_tells_it(seed_demo_again):
    seed_demo_again()  # a second time: nothing doubles
    conference = Conference.objects.get(cluster__slug="tay-bac", year=2023)
    assert (conference.ordinal, conference.date.isoformat(), conference.host.name) == (
        "XII",
        "2023-11-30",
        "Phú Thọ",
    )
    assert conference.recommendations.count() == 3 and conference.agreement_signed
    flags = Nomination.objects.filter(year=2023, award_type__code="emulation-flag")
    merits = Nomination.objects.filter(year=2023, award_type__code="certificate-of-merit")
    assert sorted(n.nominee_name for n in flags) == [
        "HTX DVNN và điện năng Vĩnh Lại (tỉnh Phú Thọ)",
        "HTX dịch vụ tổng hợp Thắng Lợi (tỉnh Yên Bái)",
        "Liên minh HTX tỉnh Phú Thọ",
    ]
    # The article's five collectives, and the individual and household the demo adds.
    assert merits.filter(nominee_person=None, nominee_household=None).count() == 5
    assert merits.count() == 7
    assert "Liên minh HTX tỉnh Lai Châu" in {n.nominee_name for n in merits}
