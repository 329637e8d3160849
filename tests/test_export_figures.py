"""Exports and the template (provinces.figures_io) and `manage.py export_figures`."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl.utils import get_column_letter

from provinces.figures.excel import COLUMN_LABELS, COLUMNS, INFO_COLUMNS, figures_import
from provinces.figures.excel_export import figures_csv, figures_workbook
from provinces.figures.spec import CODES, excel_format
from provinces.models import Cluster, FiguresStatus, Province, YearlyFigures
from tests.factories import make_figures
from tests.test_import_figures import db_state

pytestmark = pytest.mark.django_db

HEADERS = [*COLUMNS, *INFO_COLUMNS]
TAY_BAC_CODES = ["10", "11", "12", "14", "15", "17", "25"]


@pytest.fixture
def tay_bac():
    return Cluster.objects.get(slug="tay-bac")


def sheet_of(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]


def rows_of(data: bytes) -> dict[str, dict]:
    """Data rows of an exported workbook by province code."""
    sheet = sheet_of(data)
    return {
        values[0]: dict(zip(HEADERS, values, strict=True))
        for values in sheet.iter_rows(min_row=3, values_only=True)
    }


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def some_figures():
    make_figures("14", 2024)  # Sơn La, draft
    make_figures("25", 2024, status=FiguresStatus.APPROVED)  # Phú Thọ
    make_figures("12", 2024, status=FiguresStatus.SUBMITTED)  # Lai Châu


# The workbook ---------------------------------------------------------------------------


def test_workbook_has_codes_then_labels_then_numeric_cells(tay_bac):
    make_figures("14", 2024, htx_avg_income=Decimal("51.3"), htx_members=11084)
    sheet = sheet_of(figures_workbook(year=2024, cluster=tay_bac))
    assert [c.value for c in sheet[1]] == HEADERS
    assert [c.value for c in sheet[2]] == [COLUMN_LABELS[h] for h in HEADERS]
    assert sheet["C2"].value == "Số THT thành lập mới trong năm (THT)"
    cells = dict(zip(HEADERS, sheet[3], strict=True))
    assert (cells["province"].value, cells["province"].data_type) == ("14", "s")
    assert cells["year"].value == 2024
    assert (cells["htx_members"].value, cells["htx_members"].data_type) == (11084, "n")
    # The data dictionary's decimals, through number_style: 11.084 and 51,3 as the report.
    assert cells["htx_members"].number_format == excel_format("htx_members")
    assert (cells["htx_avg_income"].value, cells["htx_avg_income"].data_type) == (51.3, "n")
    assert cells["htx_avg_income"].number_format == excel_format("htx_avg_income")
    assert cells["htx_avg_revenue"].number_format == excel_format("htx_avg_revenue")
    assert cells["province_name"].value == "Sơn La"
    assert cells["status"].value == "Bản nháp"
    assert sheet.freeze_panes == "C3"
    assert sheet.column_dimensions["A"].width == 9
    assert sheet.column_dimensions["C"].width == 16


def test_a_formula_in_a_province_name_is_shown_not_run(tay_bac):
    Province.objects.filter(code="14").update(name='=HYPERLINK("http://evil.example","Sơn La")')
    make_figures("14", 2024)
    sheet = sheet_of(figures_workbook(year=2024, cluster=tay_bac, template=True))
    names = {
        row[0].value: row[HEADERS.index("province_name")] for row in sheet.iter_rows(min_row=3)
    }
    cell = names["14"]
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://evil.example","Sơn La")'
    column = sheet[get_column_letter(HEADERS.index("province_name") + 1)]
    assert all(not str(c.value).startswith(("=", "+", "-", "@")) for c in column if c.value)
    exported = csv_rows(figures_csv(year=2024, cluster=tay_bac))
    assert exported[0]["province_name"] == '\'=HYPERLINK("http://evil.example","Sơn La")'


@pytest.mark.parametrize("name", ["+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_prefix_is_neutralised(tay_bac, name):
    Province.objects.filter(code="14").update(name=name)
    make_figures("14", 2024)
    exported = csv_rows(figures_csv(year=2024, cluster=tay_bac))
    assert exported[0]["province_name"].startswith("'")


def test_a_negative_profit_stays_a_number(tay_bac):
    make_figures("14", 2024, tht_avg_profit=Decimal("-5.5"))
    assert rows_of(figures_workbook(year=2024, cluster=tay_bac))["14"]["tht_avg_profit"] == -5.5
    assert csv_rows(figures_csv(year=2024, cluster=tay_bac))[0]["tht_avg_profit"] == "-5.5"


# The template ---------------------------------------------------------------------------


def test_template_has_one_row_per_member_with_the_values_the_chair_may_import(tay_bac, make_staff):
    some_figures()
    rows = rows_of(figures_workbook(year=2024, cluster=tay_bac, template=True, user=None))
    assert sorted(rows) == TAY_BAC_CODES
    assert rows["14"]["htx_total"] == 600
    assert rows["10"]["htx_total"] is None
    assert all(r["year"] == 2024 for r in rows.values())
    chair_rows = rows_of(
        figures_workbook(
            year=2024, cluster=tay_bac, template=True, user=make_staff("Lào Cai", 2024)
        )
    )
    assert chair_rows == rows


def test_staff_get_the_template_with_only_their_own_values(tay_bac, make_staff):
    some_figures()
    data = figures_workbook(
        year=2024, cluster=tay_bac, template=True, user=make_staff("Sơn La", 2024)
    )
    rows = rows_of(data)
    assert sorted(rows) == TAY_BAC_CODES
    assert rows["14"]["htx_total"] == 600
    assert rows["25"]["htx_total"] is None  # approved, but not Sơn La's to import
    assert rows["12"]["htx_total"] is None


def test_a_filled_template_comes_back_with_only_the_own_row(tay_bac, make_staff):
    staff = make_staff("Sơn La", 2024)
    some_figures()
    sheet_book = openpyxl.load_workbook(
        io.BytesIO(figures_workbook(year=2024, cluster=tay_bac, template=True, user=staff))
    )
    sheet = sheet_book.worksheets[0]
    for row in sheet.iter_rows(min_row=3):
        if row[0].value == "14":
            row[HEADERS.index("htx_new")].value = 60
    output = io.BytesIO()
    sheet_book.save(output)
    report = figures_import(
        data=output.getvalue(),
        filename="mau.xlsx",
        user=staff,
        dry_run=False,
        cluster=tay_bac,
        year=2024,
    )
    assert report.ok, report.errors
    assert [(r.province.code, r.action) for r in report.rows] == [("14", "update")]
    assert report.ignored == 6
    assert YearlyFigures.objects.get(province__code="14", year=2024).htx_new == 60


# Who sees which rows --------------------------------------------------------------------


def test_chair_and_admin_export_every_record(tay_bac, make_staff, admin_user):
    some_figures()
    for user in (make_staff("Lào Cai", 2024), admin_user, None):
        rows = rows_of(figures_workbook(year=2024, cluster=tay_bac, user=user))
        assert sorted(rows) == ["12", "14", "25"]


def test_staff_export_their_own_record_and_the_approved_ones(tay_bac, make_staff):
    some_figures()
    rows = rows_of(figures_workbook(year=2024, cluster=tay_bac, user=make_staff("Sơn La", 2024)))
    assert sorted(rows) == ["14", "25"]
    csv_codes = [
        r["province"]
        for r in csv_rows(
            figures_csv(year=2024, cluster=tay_bac, user=make_staff("Lai Châu", 2024))
        )
    ]
    assert csv_codes == ["12", "25"]


# Round trips ----------------------------------------------------------------------------


def test_an_exported_workbook_imported_unchanged_changes_nothing(tay_bac, make_staff):
    some_figures()
    make_figures("11", 2024, status=FiguresStatus.RETURNED, htx_avg_income=Decimal("51.4"))
    chair = make_staff("Lào Cai", 2024)
    data = figures_workbook(year=2024, cluster=tay_bac, user=chair)
    before = db_state()
    report = figures_import(
        data=data, filename="xuat.xlsx", user=chair, dry_run=False, cluster=tay_bac, year=2024
    )
    assert report.ok, report.errors
    assert [r.action for r in report.rows] == ["skip"] * 4
    assert db_state() == before
    assert set(YearlyFigures.objects.values_list("version", flat=True)) == {1}


def test_an_exported_csv_imported_unchanged_changes_nothing(tay_bac):
    some_figures()
    make_figures("11", 2024, tht_avg_profit=Decimal("-12.5"), htx_avg_income=Decimal("1000"))
    data = figures_csv(year=2024, cluster=tay_bac)
    before = db_state()
    report = figures_import(data=data, filename="xuat.csv", user=None, dry_run=False)
    assert report.ok, report.errors
    assert report.totals["skip"] == 4
    assert db_state() == before


def test_a_staff_export_imported_unchanged_by_staff_changes_nothing(tay_bac, make_staff):
    some_figures()
    staff = make_staff("Sơn La", 2024)
    data = figures_workbook(year=2024, cluster=tay_bac, user=staff)
    before = db_state()
    report = figures_import(data=data, filename="xuat.xlsx", user=staff, dry_run=False)
    assert report.ok, report.errors
    assert db_state() == before


# The command ----------------------------------------------------------------------------


def test_command_writes_csv_to_stdout(capsys):
    some_figures()
    call_command("export_figures", "--year", "2024")
    out = capsys.readouterr().out
    assert not out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["province"] for r in rows] == ["12", "25", "14"]  # Lai Châu, Phú Thọ, Sơn La
    assert rows[0]["htx_avg_revenue"] == "1637"
    assert rows[0]["status"] == "submitted"
    assert list(rows[0]) == HEADERS


def test_command_writes_xlsx_and_csv_by_extension(tmp_path, capsys):
    some_figures()
    call_command("export_figures", "--year", "2024", "-o", str(tmp_path / "x.xlsx"))
    assert "Đã ghi số liệu năm 2024" in capsys.readouterr().out
    assert sorted(rows_of((tmp_path / "x.xlsx").read_bytes())) == ["12", "14", "25"]
    call_command(
        "export_figures", "--year", "2024", "--cluster", "tay-bac", "-o", str(tmp_path / "x.csv")
    )
    data = (tmp_path / "x.csv").read_bytes()
    assert data.startswith("\ufeff".encode())
    assert len(csv_rows(data)) == 3


def test_command_exports_one_cluster(tmp_path):
    make_figures("14", 2025)
    call_command(
        "export_figures",
        "--year",
        "2025",
        "--cluster",
        "mien-nui-phia-bac-1",
        "-o",
        str(tmp_path / "x.csv"),
    )
    assert [r["province"] for r in csv_rows((tmp_path / "x.csv").read_bytes())] == ["14"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2024", "--cluster", "khong-co"], "Không có cụm “khong-co”"),
        (["--year", "2025", "--cluster", "tay-bac"], "không hoạt động trong năm 2025"),
        (["--year", "1999"], "Năm 1999 không hợp lệ"),
        (["--year", "2024", "-o", "x.pdf"], "dùng .xlsx hoặc .csv"),
    ],
)
def test_command_refuses_bad_input(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_figures", *args)


def test_command_refuses_an_unwritable_path(tmp_path):
    with pytest.raises(CommandError, match="Không ghi được tệp"):
        call_command("export_figures", "--year", "2024", "-o", str(tmp_path / "no" / "x.csv"))


def test_every_code_has_a_label():
    assert all(code in COLUMN_LABELS for code in CODES)
