"""Band thresholds, targets and points read the Vietnamese way on every path into scoring,
through the one reader (cluster_portal.numbers.parse_vn_number): "12.858" is 12 858 and
"2,5" two and a half, whether typed on the setup page or read from an Excel criteria file
whose cells hold numbers or text; a value the file cannot hold is refused naming its row.
(The band typed in the criteria form and the CSV file: tests/test_scoring_number_input.py.)"""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from emulation.models import Criterion, Target
from emulation.scoring.criteria_io import parse_criteria_rows
from emulation.scoring.rules import compute
from tests.scoring_helpers import build_agreement, data_for, leaf, unit

pytestmark = pytest.mark.django_db
YEAR = 2023
SETUP = reverse("scoring:setup", args=["tay-bac", YEAR])
HEADER = ["number", "title", "kind", "max_points", "indicator", "bands", "target:14", "target:10"]


def shown() -> int:
    agreement = data_for().agreement
    return agreement.version if agreement else 0


@pytest.fixture
def chair(client, make_staff):
    client.force_login(make_staff("Phú Thọ", YEAR))
    return client


def xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def upload(client, data: bytes, name: str = "tieu-chi.xlsx"):
    return client.post(
        SETUP,
        {"action": "import", "version": shown(), "file": SimpleUploadedFile(name, data)},
    )


# Cells that are numbers, cells that are text: the same criteria.
NUMBERS = [
    ["I", "Nhóm", "group", 12.5, None, None, None, None],
    ["1", "HTX mới", "target", 2.5, "htx_new", "≥ 100: 2,5; còn lại: 0", 12000, 1637.5],
    ["2", "Thành viên HTX", "band", 10, "htx_members", "≥ 12.858: 10; còn lại: 2", None, None],
]
TEXTS = [
    ["I", "Nhóm", "group", "12,5", None, None, None, None],
    ["1", "HTX mới", "target", "2,5", "htx_new", "≥ 100: 2,5; còn lại: 0", "12.000", "1.637,5"],
    ["2", "Thành viên HTX", "band", "10", "htx_members", "≥ 12.858: 10; còn lại: 2", None, None],
]


@pytest.mark.parametrize("rows", [NUMBERS, TEXTS], ids=["number-cells", "text-cells"])
def test_an_excel_criteria_file_reads_number_and_text_cells_alike(chair, rows):
    response = upload(chair, xlsx(rows))
    assert response.status_code == 302, response.content.decode()[:2000]
    data = data_for()
    target, band = leaf(data, "I.1"), leaf(data, "I.2")
    assert leaf(data, "I.1").max_points == Decimal("2.5")
    assert data.criteria[0].max_points == Decimal("12.5")
    assert data.targets[(target.pk, unit("14").pk)] == 12000
    assert data.targets[(target.pk, unit("10").pk)] == Decimal("1637.5")
    assert target.bands == [["100", "2.5"], [None, "0"]]
    assert band.bands == [["12858", "10"], [None, "2"]]
    # "≥ 12.858" has 12 858 as its edge: 12 857 scores the band below.
    assert compute(band, {"htx_members": 12858}, None).points == 10
    assert compute(band, {"htx_members": 12857}, None).points == 2


def test_targets_typed_on_the_page_read_the_vietnamese_way(chair):
    build_agreement(sign=False)
    criterion = leaf(data_for(), "I.1")
    son_la, lao_cai = unit("14"), unit("10")
    response = chair.post(
        SETUP,
        {
            "action": "targets",
            "version": shown(),
            f"t-{criterion.pk}-{son_la.pk}": "12.000",
            f"t-{criterion.pk}-{lao_cai.pk}": "1.637,5",
        },
    )
    assert response.status_code == 302
    targets = data_for().targets
    assert targets[(criterion.pk, son_la.pk)] == 12000
    assert targets[(criterion.pk, lao_cai.pk)] == Decimal("1637.5")


def test_a_target_typed_with_three_decimals_is_refused_on_the_page(chair):
    build_agreement(sign=False)
    criterion = leaf(data_for(), "I.1")
    name = f"t-{criterion.pk}-{unit('14').pk}"
    before = data_for().targets[(criterion.pk, unit("14").pk)]
    response = chair.post(SETUP, {"action": "targets", "version": shown(), name: "12.000,555"})
    assert response.status_code == 400
    assert "có quá 2 chữ số thập phân" in response.content.decode()
    assert data_for().targets[(criterion.pk, unit("14").pk)] == before


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ["1", "HTX mới", "target", "2,5", "htx_new", "≥ 100: 2,5; còn lại: 0", "12,345", 5],
            "Dòng 3: cột target:14: “12,345”: nhập tối đa 2 chữ số sau dấu phẩy",
        ),
        (
            ["1", "HTX mới", "target", "1.000.000", "htx_new", "≥ 100: 2; còn lại: 0", 5, 5],
            "Dòng 3: cột max_points: điểm tối đa 1.000.000 quá lớn (tối đa 1.000",
        ),
        (
            ["1.1.1.1.1.1.1", "HTX mới", "judged", "2", None, None, None, None],
            "Dòng 3: số thứ tự “1.1.1.1.1.1.1” dài quá 12 ký tự",
        ),
        (
            ["1", "HTX mới", "target", "2", "htx_new", "≥ 12.858,5.5: 2; còn lại: 0", 5, 5],
            "Dòng 3: Không đọc được mức “≥ 12.858,5.5: 2”",
        ),
    ],
    ids=["target-decimals", "max-points-too-big", "number-too-long", "band-unreadable"],
)
def test_a_bad_value_in_the_file_names_its_row_and_nothing_is_imported(chair, row, message):
    rows = [["I", "Nhóm", "group", "10", None, None, None, None], row]
    response = upload(chair, xlsx(rows))
    assert response.status_code == 400
    assert message in " ".join(response.content.decode().split())
    assert not Criterion.objects.exists() and not Target.objects.exists()


def test_every_row_the_reader_passes_fits_the_criterion_it_is_saved_as():
    """The reader's bounds are the model's: max_points (6 digits, 1 decimal), number (12)."""
    field = Criterion._meta.get_field
    assert field("number").max_length == 12
    assert field("max_points").max_digits - field("max_points").decimal_places >= 4  # 1.000
    parsed = parse_criteria_rows([HEADER, ["I", "Nhóm", "group", "1.000", None, None, None, None]])
    assert parsed.errors == [] and parsed.specs[0].max_points == 1000
