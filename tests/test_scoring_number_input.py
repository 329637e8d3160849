"""Every number scoring reads goes through the portal's one reader (cluster_portal.numbers):
"12.858" is twelve thousand eight hundred fifty-eight and a target "12.000" twelve thousand,
as everywhere else, and a refused file cell is named by its row and column. The refusal of
"２７,5", "4e1", "2_5" or "≥ １００" by every scoring input is one test over inputs ×
samples: tests/test_scoring_every_input.py."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cluster_portal.numbers import NumberFormatError, parse_vn_number
from emulation.models import Criterion, ScoringAgreement
from emulation.scoring.rules import compute, parse_bands
from tests.scoring_helpers import build_agreement, data_for, leaf, unit

pytestmark = pytest.mark.django_db
YEAR = 2023
SETUP = reverse("scoring:setup", args=["tay-bac", YEAR])
SON_LA = reverse("scoring:sheet", args=["tay-bac", YEAR, "14"])
# What people paste or type that Python's Decimal() would take and the portal does not.
BAD = ["２７,5", "4e1", "2_5", "１００"]


def shown() -> int:
    """The agreement's version as the setup page shows it (0 before there is one)."""
    agreement = data_for().agreement
    return agreement.version if agreement else 0


def usual(text: str) -> str:
    """The reader's own message for `text` (what the figures forms and imports say)."""
    with pytest.raises(NumberFormatError) as caught:
        parse_vn_number(text)
    return str(caught.value)


@pytest.fixture
def chair(client, make_staff):
    client.force_login(make_staff("Phú Thọ", YEAR))
    return client


@pytest.fixture
def own(client, make_staff):
    client.force_login(make_staff("Sơn La", YEAR))
    return client


def test_the_sheet_page_reads_points_the_vietnamese_way(own):
    build_agreement()
    criterion = leaf(data_for(), "II.1").pk
    typed = {f"self-{criterion}": "27,5", f"just-{criterion}": "Có minh chứng."}
    response = own.post(SON_LA, {"action": "self", "version": 0, **typed})
    assert response.status_code == 302
    assert data_for().column(unit("14").pk).self_total == Decimal("27.5")


def _group_and_band(chair, bands: str):
    chair.post(SETUP, {"action": "new", "version": shown(), "total_points": "100"})
    chair.post(
        SETUP,
        {
            "action": "criterion",
            "version": shown(),
            "number": "I",
            "title": "Nhóm",
            "kind": "group",
            "max_points": "10",
        },
    )
    group = data_for().criteria[0]
    return chair.post(
        SETUP,
        {
            "action": "criterion",
            "version": shown(),
            "group": group.pk,
            "number": "1",
            "title": "Thành viên HTX",
            "kind": "band",
            "max_points": "10",
            "indicator": "htx_members",
            "bands_text": bands,
        },
    )


def test_a_band_at_12_858_scores_twelve_thousand_eight_hundred_fifty_eight(chair):
    assert _group_and_band(chair, "≥ 12.858: 10; còn lại: 2").status_code == 302
    criterion = Criterion.objects.get(number="1")
    assert criterion.bands == [["12858", "10"], [None, "2"]]
    assert compute(criterion, {"htx_members": 12858}, None).points == 10  # at the edge
    assert compute(criterion, {"htx_members": 12857}, None).points == 2
    assert compute(criterion, {"htx_members": 13}, None).points == 2  # not "twelve point…"
    page = chair.get(SETUP).content.decode()
    assert "≥ 12.858: 10; còn lại: 2" in page  # written back as read
    assert parse_bands("≥ 99,5 %: 3; còn lại: 0")[0] == ["99.5", "3"]


def criteria_csv(target: str, max_points: str = "10") -> bytes:
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(["number", "title", "kind", "max_points", "indicator", "bands", "target:14"])
    writer.writerow(["I", "Nhóm", "group", max_points, "", "", ""])
    writer.writerow(
        ["1", "HTX mới", "target", max_points, "htx_new", "≥100: 10; còn lại: 2", target]
    )
    return output.getvalue().encode()


@pytest.mark.parametrize("typed", BAD)
def test_the_criteria_upload_refuses_a_cell_naming_its_row_and_column(chair, typed):
    response = chair.post(
        SETUP,
        {
            "action": "import",
            "version": shown(),
            "file": SimpleUploadedFile("tieu-chi.csv", criteria_csv(typed)),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Dòng 3" in page and "cột target:14" in page and usual(typed) in page
    assert not ScoringAgreement.objects.exists() and not Criterion.objects.exists()


@pytest.mark.parametrize("typed", BAD)
def test_the_import_command_refuses_a_cell_naming_its_row_and_column(tmp_path, typed):
    path = tmp_path / "tieu-chi.csv"
    path.write_bytes(criteria_csv("12", max_points=typed))
    err = io.StringIO()
    with pytest.raises(CommandError, match="dòng lỗi"):
        call_command("import_criteria", str(path), cluster="tay-bac", year=YEAR, stderr=err)
    assert f"Dòng 2: cột max_points: {usual(typed).rstrip('.')}" in err.getvalue()
    assert not Criterion.objects.exists()


def test_a_target_of_12_000_imports_as_twelve_thousand(chair, tmp_path):
    response = chair.post(
        SETUP,
        {
            "action": "import",
            "version": shown(),
            "file": SimpleUploadedFile("tieu-chi.csv", criteria_csv("12.000")),
        },
    )
    assert response.status_code == 302
    data = data_for()
    assert data.targets[(data.criteria[1].pk, unit("14").pk)] == 12000
    path = tmp_path / "tieu-chi.csv"
    path.write_bytes(criteria_csv("1.637,5", max_points="2,5"))
    call_command("import_criteria", str(path), cluster="tay-bac", year=YEAR, stdout=io.StringIO())
    data = data_for()
    assert data.targets[(data.criteria[1].pk, unit("14").pk)] == Decimal("1637.5")
    assert data.criteria[1].max_points == Decimal("2.5")
