"""Every numeric input outside scoring reads through the one number reader
(cluster_portal.numbers): the forms' years, days, counts and orders, the version a page
carries, the commands' --year, --to-year and --days, and the API's path, query and body
numbers. "２０２５", "2_025" and "4e1" (which Python's int() or Decimal() would take) are
refused with the reader's usual message (422 in the API, never 500, with the message of the
reader for machines, `parse_plain_number`); the normal form is read. (Scoring's inputs:
tests/test_scoring_every_input.py.)"""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse

from cluster_portal.locking import posted_version
from cluster_portal.numbers import (
    NumberFormatError,
    parse_id,
    parse_plain_number,
    parse_vn_number,
    year_argument,
)
from emulation.api.forms import TokenForm
from emulation.api.models import ApiToken
from emulation.conference.forms import AttendeeFormSet, RecommendationFormSet
from emulation.models import AwardQuota, AwardType, Conference
from emulation.reports.forms import ReportSettingsForm
from emulation.rotation.forms import RotateForm, YearPickForm
from emulation.scoring.forms import CriterionForm, EvidenceForm, SheetForm
from provinces.disbursements.forms import DisbursementForm
from provinces.figures.forms import ActionForm, FiguresForm
from provinces.models import Cluster
from tests.api_support import API, bearer, token_for
from tests.factories import GOOD_VALUES, make_figures

SAMPLES = ["２０２５", "2_025", "4e1"]


def usual(text: str) -> str:
    with pytest.raises(NumberFormatError) as caught:
        parse_vn_number(text)
    return str(caught.value)


def machine(text: str) -> str:
    with pytest.raises(NumberFormatError) as caught:
        parse_plain_number(text)
    return str(caught.value)


def inline(formset_class, typed):
    prefix = formset_class(instance=Conference()).prefix
    data = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-name": "Nguyễn Văn A",
        f"{prefix}-0-text": "Kiến nghị",
        f"{prefix}-0-order": typed,
    }
    return formset_class(data, instance=Conference()).forms[0]


# (the bound form, the field) for a typed text; the normal form of that input.
FORMS = {
    "rotation: year picked": (lambda t: YearPickForm({"to_year": t}), "to_year", "2025"),
    "rotation: year to rotate": (lambda t: RotateForm({"to_year": t}), "to_year", "2025"),
    "API token: days": (lambda t: TokenForm({"name": "A", "days": t}), "days", "30"),
    "disbursement: term in months": (
        lambda t: DisbursementForm({"term_months": t}),
        "term_months",
        "24",
    ),
    "conference: attendee order": (lambda t: inline(AttendeeFormSet, t), "order", "2"),
    "conference: recommendation order": (lambda t: inline(RecommendationFormSet, t), "order", "2"),
    "report settings: number": (lambda t: ReportSettingsForm({"number": t}), "number", "7"),
    "criterion: maximum points": (
        lambda t: CriterionForm({"max_points": t}, groups=[]),
        "max_points",
        "17,5",
    ),
    "figures: version seen": (lambda t: FiguresForm({"seen_version": t}), "seen_version", "3"),
    "life-cycle button: version": (lambda t: ActionForm({"seen_version": t}), "seen_version", "3"),
    "score sheet: version": (lambda t: SheetForm({"version": t}, leaves=[]), "version", "3"),
    "evidence: version": (lambda t: EvidenceForm({"version": t}, leaves=[]), "version", "3"),
}


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("name", list(FORMS))
def test_every_numeric_form_field_refuses_what_the_reader_refuses(db, name, sample):
    make, field, normal = FORMS[name]
    form = make(sample)
    assert form.errors.get(field) == [usual(sample)], f"{name}: {form.errors.get(field)}"
    assert field not in make(normal).errors, f"{name}: the normal form {normal} is refused"


@pytest.mark.parametrize(
    ("command", "option", "needed"),
    [
        ("export_figures", "--year", []),
        ("scoring_sheet", "--year", []),
        ("cluster_report", "--year", []),
        ("award_dossier", "--year", []),
        ("import_criteria", "--year", ["tieu-chi.csv"]),
        ("rotate_cluster_head", "--to-year", []),
        ("api_token", "--days", []),
    ],
)
@pytest.mark.parametrize("sample", SAMPLES)
def test_every_numeric_command_option_refuses_what_the_reader_refuses(
    db, command, option, needed, sample
):
    with pytest.raises(CommandError) as refused:
        call_command(command, *needed, option, sample, stdout=io.StringIO())
    assert usual(sample) in str(refused.value)
    assert not ApiToken.objects.exists()


def test_the_options_read_the_normal_form(db, staff_user):
    assert year_argument("2025") == 2025
    out = io.StringIO()
    call_command("api_token", "--user", staff_user.username, "--days", "7", stdout=out)
    assert ApiToken.objects.get().expires.date() > ApiToken.objects.get().created.date()


@pytest.fixture
def staff_user(make_staff):
    return make_staff("Sơn La", 2024)


@pytest.mark.parametrize("sample", SAMPLES)
def test_the_pages_refuse_what_the_reader_refuses(client, admin_user, sample):
    client.force_login(admin_user)
    rotate = reverse("rotation:rotate", args=["tay-bac"])
    response = client.get(rotate, {"to_year": sample})
    assert response.status_code == 400 and usual(sample) in response.text
    response = client.post(reverse("api:tokens"), {"name": "Phần mềm", "days": sample})
    assert response.status_code == 400 and usual(sample) in response.text
    assert not ApiToken.objects.exists()


def api_calls(sample: str) -> dict:
    values = {**GOOD_VALUES, "tht_new": 1}
    money = next(code for code, value in GOOD_VALUES.items() if not isinstance(value, int))
    disbursement = {
        "province": "14",
        "fund": "htx_dev",
        "date": "2024-05-01",
        "borrower": "HTX Bình Minh",
        "borrower_type": "HTX",
        "amount": "100",
        "term_months": 24,
    }
    put = f"{API}/figures/2024/14"
    return {
        "path year": ("get", f"{API}/figures/{sample}/14", None),
        "query year": ("get", f"{API}/provinces?year={sample}", None),
        "cluster query year": ("get", f"{API}/clusters?year={sample}", None),
        "figures count": ("put", put, {"version": 1, "values": {**values, "tht_new": sample}}),
        "figures money": ("put", put, {"version": 1, "values": {**values, money: sample}}),
        "figures version": ("put", put, {"version": sample, "values": values}),
        "submit version": ("post", f"{put}/submit", {"version": sample}),
        "disbursement amount": (
            "post",
            f"{API}/loans/import",
            {"rows": [{**disbursement, "amount": sample}]},
        ),
        "disbursement term": (
            "post",
            f"{API}/loans/import",
            {"rows": [{**disbursement, "term_months": sample}]},
        ),
    }


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("call", list(api_calls("")))
def test_every_api_number_refuses_what_the_reader_refuses_with_422(
    client, admin_user, call, sample
):
    figures = make_figures("14", 2024)
    before = figures.version
    method, url, body = api_calls(sample)[call]
    headers = bearer(token_for(admin_user))
    if body is None:
        response = client.get(url, headers=headers)
    else:
        send = client.put if method == "put" else client.post
        response = send(url, body, content_type="application/json", headers=headers)
    assert response.status_code == 422, response.content[:400]
    assert machine(sample) in [error["detail"] for error in response.json()["errors"]]
    figures.refresh_from_db()
    assert figures.version == before


def test_posted_ids_and_versions_are_ascii_digits_only():
    post = RequestFactory().post
    assert posted_version(post("/", {"version": "12"})) == 12
    for text in ("１２", "1_2", "4e1", "", "-1"):
        assert posted_version(post("/", {"version": text})) is None
        assert parse_id(text) is None
    assert parse_id("12") == 12


@pytest.mark.parametrize("sample", SAMPLES)
def test_the_admin_reads_numbers_and_record_ids_with_the_one_reader(client, admin_user, sample):
    client.force_login(admin_user)
    add = reverse("admin:emulation_awardquota_add")
    award = AwardType.objects.order_by("pk").first()
    data = {"cluster": Cluster.objects.get(slug="tay-bac").pk, "award_type": award.pk}
    response = client.post(add, {**data, "year": "2024", "quota": sample})
    assert response.status_code == 200 and usual(sample) in response.text
    response = client.post(add, {**data, "year": sample, "quota": "1"})
    assert response.status_code == 200 and usual(sample) in response.text
    assert not AwardQuota.objects.exists()
    assert client.post(add, {**data, "year": "2024", "quota": "1"}).status_code == 302
    change = "admin:emulation_awardtype_change"
    assert client.get(reverse(change, args=[award.pk])).status_code == 200
    full_width = str(award.pk).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    assert client.get(reverse(change, args=[full_width])).status_code == 302  # "not found"
