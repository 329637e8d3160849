"""In English, the messages a refused upload, import, API write, rotation or form field
gives hold no Vietnamese letter (the page walk of test_english_pages.py sees no refusal).

Each test triggers a sample of one kind of message in English (the language cookie for the
web pages and the API, `translation.override` for the services) and checks its text; the
same messages in Vietnamese are checked by the tests of each feature. The cells the tests
type are ASCII, so any Vietnamese letter comes from the message itself."""

import json
import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from cluster_portal.locking import created_meanwhile, stale_message, stale_none
from cluster_portal.numbers import YearField
from emulation.conference.models import roman_validator
from emulation.rotation.services import RotationError, cluster_head_rotate
from emulation.scoring.forms import TargetField
from provinces.disbursements.excel import disbursements_import
from provinces.figures.excel import figures_import
from provinces.models import Cluster, ClusterTerm, Province
from provinces.organisation.selectors import province_for_code
from tests.api_support import API, bearer, token_for
from tests.disbursement_upload import upload as upload_disbursements
from tests.factories import GOOD_VALUES, make_figures
from tests.test_import_disbursements import SON_LA_ROW, csv_file
from tests.test_import_figures import row, xlsx_file
from tests.versions import term_version

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uploads_dir")]

# A letter of Vietnamese outside ASCII (ă, ơ, đ, ế…); the typographic quotes and dashes
# the English messages share with the Vietnamese ones are not letters.
VIETNAMESE = re.compile(r"[\u00c0-\u024f\u1e00-\u1eff]")


def assert_english(texts) -> None:
    """No Vietnamese letter, less the names of units and their alliances (data)."""
    names = sorted(
        {name for p in Province.objects.all() for name in (p.alliance_name, p.name)},
        key=len,
        reverse=True,
    )
    texts = [str(text) for text in texts]
    for name in names:
        texts = [text.replace(name, "") for text in texts]
    assert texts, "no message to check"
    vietnamese = [text for text in texts if VIETNAMESE.search(text)]
    assert not vietnamese, f"Vietnamese in English: {vietnamese}"


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_vietnamese_check_sees_the_vietnamese_messages():
    """The check can fail: the same refusals in Vietnamese are caught."""
    with translation.override("vi"):
        report = figures_import(data=b"x", filename="a.txt", user=None, dry_run=True)
    with pytest.raises(AssertionError):
        assert_english(str(error) for error in report.errors)


def test_a_figures_upload_with_bad_rows_is_refused_in_english(english, make_staff):
    english.force_login(make_staff("Lào Cai", 2024, username="laocai"))  # the 2024 chair
    data = xlsx_file(
        [
            row("14", year="20x4"),  # a year that is no year
            row("99"),  # no province with this code
            row("14", htx_new="1,5"),  # a count with decimals
            row("12", htx_total=None, htx_new=None, tht_new=None, tht_total=None),
            row("x1"),
        ]
    )
    url = reverse("figures:import", args=["tay-bac", 2024])
    response = english.post(url, {"file": SimpleUploadedFile("so-lieu.xlsx", data)})
    report = response.context["report"]
    assert len(report.errors) >= 4
    assert_english(str(error) for error in report.errors)
    assert_english(error.column_label for error in report.errors if error.column_label)


def test_a_figures_file_refused_as_a_whole_and_the_summary_are_english():
    with translation.override("en"):
        refused = [
            figures_import(data=b"x", filename="so-lieu.xls", user=None, dry_run=True),
            figures_import(data=b"a;b\n1;2\n", filename="so-lieu.csv", user=None, dry_run=True),
            figures_import(data=b"\xff\xfe", filename="so-lieu.csv", user=None, dry_run=True),
            figures_import(data=b"not a zip", filename="so-lieu.xlsx", user=None, dry_run=True),
        ]
        good = figures_import(
            data=xlsx_file([row("14")]), filename="a.xlsx", user=None, dry_run=True
        )
        assert_english(str(error) for report in refused for error in report.errors)
        assert not good.errors
        assert_english([good.summary()])
        assert good.summary().startswith("Dry run")


def test_a_disbursement_upload_with_a_bad_row_is_refused_in_english(english, son_la_staff):
    bad = ["14", "xyz", "31/02/2024", "HTX A", "DN", "-5", ""]
    worse = ["1x", "htx_dev", "2024-06-05", "", "HTX", "1.2.3", ""]
    response = upload_disbursements(english, csv_file(SON_LA_ROW, bad, worse))
    assert response.status_code == 400
    report = response.context["report"]
    assert len(report.errors) >= 5
    assert_english(str(error) for error in report.errors)
    assert_english(error.column_label for error in report.errors if error.column_label)


def test_a_disbursement_import_and_its_summary_are_english():
    with translation.override("en"):
        missing = disbursements_import(
            data=b"province,fund\n14,other\n", filename="a.csv", user=None, dry_run=True
        )
        good = disbursements_import(
            data=csv_file(SON_LA_ROW), filename="a.csv", user=None, dry_run=True
        )
        assert_english(str(error) for error in missing.errors)
        assert not good.errors
        assert_english([good.summary()])
        assert good.summary().startswith("Dry run")


def test_the_api_refuses_in_english(english, make_staff):
    token = token_for(make_staff("Sơn La", 2024), name="Phan mem")
    url = f"{API}/figures/2024/14"

    def put(body):
        return english.put(
            url,
            data=json.dumps(body, default=str),
            content_type="application/json",
            headers=bearer(token),
        )

    not_yet = english.get(url, headers=bearer(token))
    assert not_yet.status_code == 404
    make_figures("14", 2024)
    bad = put({"version": 1, "values": {**GOOD_VALUES, "tht_avg_revenue": "-1", "htx_new": 700}})
    assert bad.status_code == 422
    stale = put({"version": 7, "values": {**GOOD_VALUES, "tht_new": 120}})
    assert stale.status_code == 409
    unauthorised = english.get(url, headers=bearer("not-a-token"))
    assert unauthorised.status_code == 401
    errors = [error["detail"] for error in bad.json()["errors"]]
    details = [not_yet.json()["detail"], stale.json()["detail"], unauthorised.json()["detail"]]
    assert_english(errors + details)


def test_a_rotation_refusal_is_english():
    tay_bac = Cluster.objects.get(slug="tay-bac")
    refusals = []
    with translation.override("en"):
        for kwargs in ({}, {"vice": province_for_code("10", 2024)}):
            try:
                cluster_head_rotate(
                    cluster=tay_bac,
                    to_year=2024,
                    seen_version=term_version(tay_bac, 2024),
                    **kwargs,
                )
            except RotationError as exc:
                refusals.append(str(exc))
            ClusterTerm.objects.filter(cluster=tay_bac, year=2024).delete()
    assert len(refusals) == 2  # the year has a head; the head cannot be the vice
    assert_english(refusals)


def test_the_year_field_and_typed_values_are_refused_in_english():
    field, target = YearField(), TargetField()
    with translation.override("en"):
        messages = []
        for check, value in (
            (field.clean, "1800"),
            (field.clean, "20x4"),
            (target.clean, "-5"),
            (target.clean, "1,555"),
            (roman_validator, "XIIV"),
        ):
            with pytest.raises(ValidationError) as caught:
                check(value)
            messages += caught.value.messages
    assert_english(messages)
    assert "The year must be between" in messages[0]


def test_the_lockout_page_links_to_the_password_reset_in_english(english, make_staff):
    make_staff("Sơn La", 2023, username="sonla")
    for _ in range(5):
        english.post(reverse("login"), {"username": "sonla", "password": "wrong"})
    response = english.post(reverse("login"), {"username": "sonla", "password": "pw-for-tests"})
    assert response.status_code == 429
    text = response.text
    assert f'href="{reverse("password_reset")}" data-testid="locked-out-reset"' in text
    card = text[text.index('data-testid="locked-out"') : text.index("</main>")]
    assert_english(re.sub(r"<[^>]+>", " ", card).split("\n"))


def test_a_stale_save_is_refused_in_english(make_staff):
    """The refusals of optimistic locking (cluster_portal.locking) that every edit page shows."""
    with translation.override("en"):
        figures = make_figures("14", 2024)
        messages = [stale_none(), created_meanwhile(), stale_message(figures)]
    assert_english(messages)
    assert all(message.endswith("save again.") for message in messages)
