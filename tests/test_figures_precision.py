"""A figure has no more decimals than its indicator is shown with (spec.decimals): "948,6"
for a 0-decimal average would be stored and shown 949 on the record page, 948,6 in the
form. One rule (spec.precision_problem), refused with a message naming the precision on
every path that writes figures: the web form, the Excel/CSV import (per row, all or
nothing), the API and the admin."""

import json
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from cluster_portal.number_style import format_exact
from provinces.figures.excel import COLUMNS, figures_import
from provinces.figures.spec import BY_CODE, INDICATORS, precision_problem
from provinces.models import YearlyFigures
from provinces.organisation.selectors import province_for_code
from tests.api_support import API, bearer, token_for
from tests.factories import GOOD_VALUES, make_figures, make_legacy_figures

pytestmark = pytest.mark.django_db

EDIT = reverse("figures:edit", args=[2024, "14"])
ZERO = "Doanh thu bình quân của HTX: chỉ tiêu này nhập tối đa 0 chữ số thập phân"
ONE = "Thu nhập bình quân của lao động: chỉ tiêu này nhập tối đa 1 chữ số thập phân"


def naming(code: str) -> str:
    """The start of the refusal for `code`: its label and its precision."""
    decimals = BY_CODE[code].decimals
    return f"{BY_CODE[code].label}: chỉ tiêu này nhập tối đa {decimals} chữ số thập phân"


def typed(**changes) -> dict:
    values = {**GOOD_VALUES, **changes}
    return {c: v if isinstance(v, str) else format_exact(v) for c, v in values.items()}


@pytest.fixture
def staff(client, make_staff):
    user = make_staff("Sơn La", 2024)
    client.force_login(user)
    return user


def test_the_rule_allows_the_indicators_decimals_and_no_more():
    assert BY_CODE["htx_avg_revenue"].decimals == 0 and BY_CODE["htx_avg_income"].decimals == 1
    assert precision_problem("htx_avg_revenue", Decimal("949")) is None
    assert precision_problem("htx_avg_revenue", Decimal("949.00")) is None  # as stored
    assert precision_problem("htx_avg_revenue", Decimal("948.6")) == f"{ZERO} (đã nhập 948,6)."
    assert precision_problem("htx_avg_income", Decimal("51.30")) is None
    assert precision_problem("htx_avg_income", Decimal("51.35")) == f"{ONE} (đã nhập 51,35)."
    assert precision_problem("htx_avg_profit", Decimal("-12.5")).startswith(
        naming("htx_avg_profit")
    )
    for indicator in INDICATORS:  # every indicator takes a value at its own precision
        assert precision_problem(indicator.code, Decimal("12.345")) is not None
        assert precision_problem(indicator.code, Decimal(12)) is None


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("htx_avg_revenue", "948,6"),
        ("htx_avg_revenue", "948,65"),
        ("htx_avg_revenue", "1.948,655"),  # beyond the storage's 2 decimals too
        ("htx_avg_profit", "17,5"),
        ("htx_avg_income", "51,35"),
        ("tht_avg_revenue", "236,85"),
    ],
)
def test_the_form_refuses_more_decimals_than_the_indicator_allows(client, staff, code, value):
    message = f"{naming(code)} (đã nhập {value})."
    response = client.post(EDIT, typed(**{code: value}))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors == {code: [message]}
    assert f'id="id_{code}-error"' in response.text and f'value="{value}"' in response.text
    assert not YearlyFigures.objects.exists()


def test_the_form_keeps_the_indicators_precision_and_the_record_page_shows_it(client, staff):
    response = client.post(EDIT, typed(htx_avg_revenue="948", htx_avg_income="51,3"))
    assert response.status_code == 302
    figures = YearlyFigures.objects.get()
    assert figures.htx_avg_revenue == 948 and figures.htx_avg_income == Decimal("51.3")
    page = client.get(reverse("figures:detail", args=[2024, "14"])).text
    assert "948" in page and "949" not in page
    assert 'value="948"' in client.get(EDIT).text


def test_the_model_refuses_it_for_every_other_path():
    figures = YearlyFigures(
        province=province_for_code("14", 2024),
        year=2024,
        **{**GOOD_VALUES, "htx_avg_revenue": Decimal("948.6")},
    )
    with pytest.raises(Exception) as caught:
        figures.full_clean()
    assert caught.value.message_dict["htx_avg_revenue"] == [f"{ZERO} (đã nhập 948,6)."]


def _workbook(rows: list[dict]) -> bytes:
    import io

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    for values in rows:
        sheet.append([values.get(c, GOOD_VALUES.get(c)) for c in COLUMNS])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (948.6, f"{ZERO} (đã nhập 948,6)."),  # an Excel number
        ("948,6", f"{ZERO} (đã nhập 948,6)."),  # text typed the Vietnamese way
        ("948,65", f"{ZERO} (đã nhập 948,65)."),
        ("1.948,655", f"{ZERO} (đã nhập 1.948,655)."),
    ],
)
def test_the_import_refuses_the_row_naming_it_and_saves_nothing(make_staff, cell, message):
    chair = make_staff("Lào Cai", 2024)
    data = _workbook(
        [
            {"province": "10", "year": 2024},
            {"province": "14", "year": 2024, "htx_avg_revenue": cell},
        ]
    )
    report = figures_import(data=data, filename="so-lieu.xlsx", user=chair, dry_run=False)
    assert not report.ok
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (3, "htx_avg_revenue", message)
    ]
    assert not YearlyFigures.objects.exists()  # the good row is not saved either


def test_the_import_takes_a_value_at_the_indicators_precision(make_staff):
    chair = make_staff("Lào Cai", 2024)
    data = _workbook(
        [{"province": "14", "year": 2024, "htx_avg_revenue": 948.0, "htx_avg_income": "51,3"}]
    )
    report = figures_import(data=data, filename="so-lieu.xlsx", user=chair, dry_run=False)
    assert report.ok, report.errors
    figures = YearlyFigures.objects.get()
    assert figures.htx_avg_revenue == 948 and figures.htx_avg_income == Decimal("51.3")


def test_the_api_refuses_it_with_the_same_message(client, staff):
    token = token_for(staff, name="Phần mềm Sở")
    values = {**GOOD_VALUES, "htx_avg_revenue": "948.6", "htx_avg_income": "51.35"}
    response = client.put(
        f"{API}/figures/2024/14",
        data=json.dumps({"version": None, "values": values}, default=str),
        content_type="application/json",
        headers=bearer(token),
    )
    assert response.status_code == 422
    errors = {e["field"]: e["detail"] for e in response.json()["errors"]}
    assert errors["values.htx_avg_revenue"] == f"{ZERO} (đã nhập 948,6)."
    assert errors["values.htx_avg_income"] == f"{ONE} (đã nhập 51,35)."
    assert not YearlyFigures.objects.exists()


@pytest.mark.parametrize("value", ["948,6", "1.948,655"])
def test_the_admin_refuses_it_with_the_same_message(client, admin_user, value):
    figures = make_figures("14", 2024)
    client.force_login(admin_user)
    url = reverse("admin:provinces_yearlyfigures_change", args=[figures.pk])
    form = client.get(url).context["adminform"].form
    data = {f.html_name: "" if f.value() is None else str(f.value()) for f in form}
    data.update(htx_avg_revenue=value, seen_version=str(figures.version))
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {"htx_avg_revenue": [f"{ZERO} (đã nhập {value})."]}
    figures.refresh_from_db()
    assert figures.htx_avg_revenue == GOOD_VALUES["htx_avg_revenue"] and figures.version == 1


def test_a_record_stored_before_the_rule_is_not_submitted_until_corrected(client, staff):
    make_legacy_figures("14", 2024, htx_avg_revenue=Decimal("948.6"))
    url = reverse("figures:submit", args=[2024, "14"])
    response = client.post(url, {"explanation": "", "seen_version": 1}, follow=True)
    assert f"{ZERO} (đã nhập 948,6)." in response.text  # the indicator named, off its field
    assert YearlyFigures.objects.get().status == "draft"
    page = client.get(EDIT)
    assert 'value="948,6"' in page.text  # the form shows what is stored, to be corrected
