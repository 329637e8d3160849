from decimal import Decimal

import pytest
from django.urls import reverse

from cluster_portal.number_style import format_exact
from provinces.figures.spec import CODES
from provinces.models import YearlyFigures
from tests.factories import GOOD_VALUES, make_figures

pytestmark = pytest.mark.django_db

EDIT = reverse("figures:edit", args=[2024, "14"])


def typed(**changes) -> dict:
    """The form as a person fills it in: Vietnamese-formatted text."""
    values = {**GOOD_VALUES, **changes}
    return {
        code: value if isinstance(value, str) else format_exact(value)
        for code, value in values.items()
    }


@pytest.fixture
def staff(client, make_staff):
    user = make_staff("Sơn La", 2024)
    client.force_login(user)
    return user


def test_a_new_record_starts_blank_and_is_created(client, staff):
    page = client.get(EDIT)
    assert page.status_code == 200
    assert page.context["form"]["htx_total"].value() is None
    response = client.post(
        EDIT, typed(htx_avg_revenue="1.637", htx_avg_income="1.051,3", tht_total="1.600")
    )
    assert response.status_code == 302
    figures = YearlyFigures.objects.get(province__code="14", year=2024)
    assert figures.htx_avg_revenue == Decimal("1637")
    assert figures.htx_avg_income == Decimal("1051.3")
    assert figures.tht_total == 1600
    assert figures.history.get().history_user == staff


def test_errors_are_shown_next_to_the_field_and_nothing_is_saved(client, staff):
    response = client.post(EDIT, typed(htx_new="700", tv_reports="mười"))
    assert response.status_code == 400
    text = response.text
    assert (
        "Số HTX thành lập mới trong năm (700) không được lớn hơn tổng số HTX (cuối năm) (600)."
        in text
    )
    assert "“mười” không phải là số" in text
    assert 'id="id_htx_new-error"' in text and 'id="id_tv_reports-error"' in text
    assert 'value="mười"' in text  # what was typed stays
    assert not YearlyFigures.objects.exists()


def test_a_missing_figure_is_named(client, staff):
    data = typed()
    del data["bulletins"]
    response = client.post(EDIT, data)
    assert "Chưa nhập “Số bản tin Kinh tế tập thể phát hành”." in response.text


def test_the_form_shows_numbers_the_vietnamese_way(client, staff):
    make_figures("14", 2024)
    text = client.get(EDIT).text
    assert 'value="1.637"' in text and 'value="13.000"' in text
    assert 'value="236,8"' in text and 'value="51,3"' in text


def test_the_second_save_of_two_editors_is_refused_and_keeps_what_was_typed(
    client, staff, make_staff
):
    figures = make_figures("14", 2024)
    colleague = make_staff("Sơn La", 2024, username="sonla-colleague")
    from django.test import Client

    other = Client()
    other.force_login(colleague)
    assert other.post(EDIT, {**typed(tv_reports="11"), "seen_version": "1"}).status_code == 302

    response = client.post(EDIT, {**typed(tv_reports="12"), "seen_version": "1"})
    assert response.status_code == 409
    assert "sau khi bạn mở biểu mẫu" in response.text
    assert response.context["form"]["tv_reports"].value() == "12"
    assert 'value="12"' in response.text
    figures.refresh_from_db()
    assert figures.tv_reports == 11 and figures.version == 2


def test_the_year_must_not_be_in_the_future(client, make_staff):
    client.force_login(make_staff("Sơn La", 2026))
    response = client.post(reverse("figures:edit", args=[2030, "14"]), typed())
    assert response.status_code == 400
    assert "Năm 2030 chưa đến: không nhập số liệu cho năm tương lai." in response.text
    assert not YearlyFigures.objects.filter(year=2030).exists()


def test_all_codes_are_in_the_form(client, staff):
    text = client.get(EDIT).text
    for code in CODES:
        assert f'name="{code}"' in text
