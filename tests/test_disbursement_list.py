import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from simple_history.utils import bulk_create_with_history

from provinces.models import Cooperative, Disbursement
from provinces.organisation.selectors import province_for_code
from tests.factories import make_disbursement

pytestmark = pytest.mark.django_db

DISBURSEMENTS = reverse("disbursements:list", args=[2024, "14"])
ADD = reverse("disbursements:add", args=[2024, "14"])
GOOD = {
    "fund": "htx_dev",
    "date": "05/06/2024",
    "borrower_name": "HTX Nông nghiệp Bản Lướt",
    "borrower_kind": "HTX",
    "amount": "1.250",
    "purpose": "Mua máy sấy chè",
    "term_months": "24",
}


@pytest.fixture
def personas(make_staff, admin_user, make_national):
    return {
        "national": make_national(),
        "other": make_staff("Điện Biên", 2024),
        "own": make_staff("Sơn La", 2024),
        "chair": make_staff("Lào Cai", 2024),
        "admin": admin_user,
    }


@pytest.mark.parametrize(
    ("persona", "view", "add", "edit", "delete"),
    [
        ("anonymous", 302, 302, 302, 302),
        ("other", 404, 404, 404, 404),
        ("own", 200, 200, 200, 200),
        ("chair", 200, 403, 403, 403),
        ("national", 200, 403, 403, 403),  # every member's register, no writes
        ("admin", 200, 200, 200, 200),
    ],
)
def test_access_matrix(client, personas, persona, view, add, edit, delete):
    disbursement = make_disbursement("14", "2024-05-01", "100")
    if persona != "anonymous":
        client.force_login(personas[persona])
    assert client.get(DISBURSEMENTS).status_code == view
    assert client.get(ADD).status_code == add
    assert client.get(reverse("disbursements:edit", args=[disbursement.pk])).status_code == edit
    assert client.get(reverse("disbursements:delete", args=[disbursement.pk])).status_code == delete
    client.post(
        reverse("disbursements:delete", args=[disbursement.pk]),
        {"seen_version": disbursement.version},
    )
    assert Disbursement.objects.filter(pk=disbursement.pk).exists() == (delete != 200)


def test_staff_add_a_disbursement_typed_the_vietnamese_way(client, personas):
    client.force_login(personas["own"])
    response = client.post(ADD, GOOD)
    assert response.status_code == 302 and response.url == DISBURSEMENTS
    disbursement = Disbursement.objects.get()
    assert disbursement.amount == Decimal("1250") and disbursement.date == datetime.date(2024, 6, 5)
    assert (
        disbursement.borrower.name == "HTX Nông nghiệp Bản Lướt"
        and disbursement.borrower.province.code == "14"
    )
    assert disbursement.history.get().history_user == personas["own"]
    client.post(ADD, {**GOOD, "borrower_name": "htx nong nghiep ban luot", "amount": "10"})
    assert Cooperative.objects.count() == 1 and Disbursement.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "-5"}, "lớn hơn 0"),
        ({"amount": "0"}, "lớn hơn 0"),
        ({"fund": "bank"}, "không phải là một trong các lựa chọn"),
        ({"date": "05/06/2099"}, "chưa đến"),
        ({"date": "2023-13-01"}, "Ngày không hợp lệ"),
        ({"date": "31/02/2023"}, "Ngày không hợp lệ"),
        ({"borrower_name": "H" * 500}, "dài quá 255 ký tự"),
        ({"amount": "mười"}, "không phải là số"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(client, personas, changes, message):
    client.force_login(personas["own"])
    response = client.post(ADD, {**GOOD, **changes})
    assert response.status_code == 400
    assert message in response.text
    assert not Disbursement.objects.exists() and not Cooperative.objects.exists()


def test_edit_and_delete_with_confirmation(client, personas):
    disbursement = make_disbursement("14", "2024-05-01", "100")
    client.force_login(personas["own"])
    edit = reverse("disbursements:edit", args=[disbursement.pk])
    assert 'value="HTX Bình Minh"' in client.get(edit).text
    client.post(
        edit,
        {
            **GOOD,
            "borrower_name": "HTX Bình Minh",
            "amount": "150,5",
            "seen_version": disbursement.version,
        },
    )
    disbursement.refresh_from_db()
    assert disbursement.amount == Decimal("150.5")
    delete = reverse("disbursements:delete", args=[disbursement.pk])
    assert "Xóa khoản giải ngân?" in client.get(delete).text
    assert Disbursement.objects.filter(pk=disbursement.pk).exists()
    client.post(delete, {"seen_version": disbursement.version})
    assert not Disbursement.objects.filter(pk=disbursement.pk).exists()


def test_filters_by_fund(client, personas):
    make_disbursement("14", "2024-05-01", "100")
    make_disbursement("14", "2024-06-01", "7", fund="other", borrower="THT Đồng Tâm", kind="THT")
    client.force_login(personas["own"])
    response = client.get(DISBURSEMENTS, {"fund": "other"})
    assert [disbursement.amount for disbursement in response.context["page"]] == [7]


def add_disbursements(count: int) -> None:
    son_la = province_for_code("14", 2024)
    borrower = Cooperative.objects.create(
        province=son_la, name="HTX D", name_key="htx d", kind="HTX"
    )
    bulk_create_with_history(
        [
            Disbursement(
                province=son_la,
                fund="htx_dev",
                date=datetime.date(2024, 1 + i % 12, 1),
                borrower=borrower,
                amount=1 + i,
            )
            for i in range(count)
        ],
        Disbursement,
    )


@pytest.mark.parametrize("disbursements", [10, 1000])
def test_the_disbursement_list_runs_a_fixed_number_of_queries(
    client, personas, disbursements, django_assert_max_num_queries
):
    add_disbursements(disbursements)
    client.force_login(personas["own"])
    # session and user; the province, its cluster, members and term; the staff
    # profile; predecessors; the page count and rows; the year's totals (2); session save (3)
    with django_assert_max_num_queries(15):
        response = client.get(DISBURSEMENTS)
    assert response.context["all_funds"].count == disbursements
