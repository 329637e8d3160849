"""The corpus of bad uploads, for both importers (yearly figures and the disbursement register):
each file is refused with a message naming the file, the row or the cell, and changes
nothing. The crafted wide .xlsx runs under a memory probe."""

import io
import re
import tracemalloc
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from provinces.disbursements.excel import disbursements_import
from provinces.figures.excel import COLUMNS as FIGURES_COLUMNS
from provinces.figures.excel import figures_import
from provinces.figures.spec import CODES
from provinces.models import Cooperative, Disbursement, YearlyFigures
from tests.factories import GOOD_VALUES

pytestmark = pytest.mark.django_db

DISBURSEMENT_COLUMNS = [
    "province",
    "fund",
    "date",
    "borrower",
    "borrower_type",
    "amount",
    "purpose",
]


@dataclass
class Kind:
    name: str
    header: list[str]
    good: list[str]  # a good Sơn La row, as text
    run: Callable
    url: str

    def column(self, code: str) -> int:
        return self.header.index(code)

    def state(self) -> tuple:
        return (
            YearlyFigures.objects.count(),
            YearlyFigures.history.count(),
            Disbursement.objects.count(),
            Disbursement.history.count(),
            Cooperative.objects.count(),
            Cooperative.history.count(),
        )

    def with_cell(self, code: str, value: str) -> list[str]:
        values = list(self.good)
        values[self.column(code)] = value
        return values


FIGURES = Kind(
    name="figures",
    header=list(FIGURES_COLUMNS),
    good=["14", "2024", *[str(GOOD_VALUES[c]) for c in CODES]],
    run=figures_import,
    url=reverse("figures:import", args=["tay-bac", 2024]),
)
DISBURSEMENTS = Kind(
    name="disbursements",
    header=DISBURSEMENT_COLUMNS,
    good=["14", "htx_dev", "05/06/2024", "HTX Chè Tà Xùa", "HTX", "1.250", "Mua máy sao chè"],
    run=disbursements_import,
    url=reverse("disbursements:import"),
)
KINDS = pytest.mark.parametrize("kind", [FIGURES, DISBURSEMENTS], ids=["figures", "disbursements"])


def csv_text(kind: Kind, *lines: str) -> bytes:
    """A CSV written by hand, the way a person or a careless program would."""
    return "\n".join([",".join(kind.header), *lines, ""]).encode("utf-8")


def xlsx(kind: Kind, *rows: list) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(kind.header)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def edited_sheet(workbook: bytes, edit: Callable[[str], str]) -> bytes:
    """The workbook with its first sheet's XML rewritten by `edit`."""
    source, target = io.BytesIO(workbook), io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = edit(data.decode()).encode()
            zout.writestr(item, data)
    return target.getvalue()


def crafted_wide_xlsx(kind: Kind, rows: int = 20_000, far_cell: str | None = None) -> bytes:
    """A small .xlsx whose sheet declares <dimension ref="A1:XFD20001">: 16,384 columns by
    20,001 rows, though each row holds one cell. Built by editing the zip."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(kind.header)
    out = io.BytesIO()
    book.save(out)
    body = "".join(f'<row r="{n}"><c r="A{n}"><v>14</v></c></row>' for n in range(2, rows + 2))
    if far_cell:
        body = f'<row r="2"><c r="{far_cell}"><v>1</v></c></row>' + body.split("</row>", 1)[1]

    def wide(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]*"\s*/>', "", xml)
        xml = xml.replace("<sheetViews>", '<dimension ref="A1:XFD20001"/><sheetViews>', 1)
        return xml.replace("</sheetData>", body + "</sheetData>", 1)

    return edited_sheet(out.getvalue(), wide)


def refused(kind: Kind, data: bytes, filename: str):
    before = kind.state()
    report = kind.run(data=data, filename=filename, user=None, dry_run=False)
    assert not report.ok and not report.saved
    assert kind.state() == before
    return report


def refused_within_100_mb(kind: Kind, data: bytes, filename: str):
    """`refused`, under a memory probe: the Python memory it takes stays under 100 MB."""
    tracemalloc.start()
    try:
        report = refused(kind, data, filename)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB"
    return report


# The crafted wide .xlsx ---------------------------------------------------------------------


@KINDS
def test_the_crafted_wide_xlsx_is_refused_within_100_mb(kind):
    data = crafted_wide_xlsx(kind)
    assert len(data) < 200_000
    assert b'<dimension ref="A1:XFD20001"/>' in zipfile.ZipFile(io.BytesIO(data)).read(
        "xl/worksheets/sheet1.xml"
    )
    report = refused_within_100_mb(kind, data, "rong.xlsx")
    [error] = report.errors
    assert error.row is None
    assert re.search(
        r"Tệp có hơn [0-9.]+ (dòng số liệu|khoản giải ngân)|hơn [0-9.]+ dòng", error.message
    )


@KINDS
@pytest.mark.parametrize(
    ("far_cell", "limit"), [("BZ2", "64 cột"), ("XFD2", "1.024 ô mỗi dòng")], ids=["BZ", "XFD"]
)
def test_a_value_far_to_the_right_is_refused_naming_the_cell(kind, far_cell, limit):
    report = refused(kind, crafted_wide_xlsx(kind, rows=3, far_cell=far_cell), "rong.xlsx")
    [error] = report.errors
    assert far_cell in error.message and limit in error.message


# Rows that do not line up with the header -----------------------------------------------


@KINDS
def test_a_row_with_an_extra_field_is_refused_naming_the_row(kind):
    # Sơn La's 43,9 typed unquoted: one field more, every later column shifted.
    column = "htx_avg_income" if kind is FIGURES else "amount"
    shifted = ",".join(kind.with_cell(column, "43,9"))
    report = refused(kind, csv_text(kind, ",".join(kind.good), shifted), "so-lieu.csv")
    [error] = report.errors
    assert (error.row, error.column) == (3, "")
    assert f"Dòng 3 có {len(kind.header) + 1} ô nhưng dòng tiêu đề có {len(kind.header)} cột" in (
        error.message
    )
    assert "“43,9”" in error.message


@KINDS
def test_a_row_with_a_missing_field_is_refused_naming_the_row(kind):
    short = ",".join(kind.good[:-1])
    report = refused(kind, csv_text(kind, short), "so-lieu.csv")
    [error] = report.errors
    assert (error.row, error.column) == (2, "")
    assert f"chỉ có {len(kind.header) - 1} ô" in error.message


# Digits that only look like digits ----------------------------------------------------------


LOOK_ALIKES = pytest.mark.parametrize(
    "text", ["９４８", "9٥0", "٩٤٨"], ids=["full-width", "mixed-arabic-indic", "arabic-indic"]
)


@KINDS
@LOOK_ALIKES
@pytest.mark.parametrize("filename", ["so-lieu.csv", "so-lieu.xlsx"])
def test_look_alike_digits_are_an_error_naming_the_cell(kind, text, filename):
    column = "htx_members" if kind is FIGURES else "amount"
    values = kind.with_cell(column, text)
    data = csv_text(kind, ",".join(values)) if filename.endswith("csv") else xlsx(kind, values)
    report = refused(kind, data, filename)
    [error] = report.errors
    letter = openpyxl.utils.get_column_letter(kind.column(column) + 1)
    assert (error.row, error.column, error.cell) == (2, column, f"{letter}2")
    assert f"“{text}” không phải là số: có chữ số không phải 0–9" in error.message


@KINDS
def test_a_look_alike_province_code_is_an_error(kind):
    report = refused(kind, csv_text(kind, ",".join(kind.with_cell("province", "１４"))), "a.csv")
    assert [(e.row, e.column) for e in report.errors] == [(2, "province")]
    assert "“１４” không hợp lệ" in report.errors[0].message


def test_an_arabic_indic_date_is_an_error_naming_the_cell():
    values = DISBURSEMENTS.with_cell("date", "٠٥/٠٦/٢٠٢٤")
    report = refused(DISBURSEMENTS, csv_text(DISBURSEMENTS, ",".join(values)), "so-giai-ngan.csv")
    [error] = report.errors
    assert (error.row, error.column, error.cell) == (2, "date", "C2")
    assert "chữ số không phải 0–9" in error.message


def test_a_look_alike_year_is_an_error():
    report = refused(
        FIGURES, csv_text(FIGURES, ",".join(FIGURES.with_cell("year", "２０２４"))), "a.csv"
    )
    assert [(e.row, e.column) for e in report.errors] == [(2, "year")]


def test_a_date_in_a_number_cell_is_an_error_naming_the_cell():
    import datetime

    values: list = FIGURES.with_cell("htx_members", "0")
    values[FIGURES.column("htx_members")] = datetime.datetime(2024, 6, 5)
    report = refused(FIGURES, xlsx(FIGURES, values), "so-lieu.xlsx")
    [error] = report.errors
    assert (error.column, error.cell) == ("htx_members", "K2")
    assert error.message == "“05/06/2024” là ngày tháng, không phải số."


# XML attacks inside the sheet ----------------------------------------------------------------


def with_sheet_prologue(kind: Kind, prologue: str, cell: str) -> bytes:
    """A good .xlsx whose sheet XML starts with `prologue` (a DTD) and whose first data
    cell (the province code, as openpyxl writes it: an inline string) holds `cell`."""

    def planted(xml: str) -> str:
        good_cell = re.search(r'<c r="A2" t="inlineStr"><is><t>[^<]*</t>', xml)[0]
        return prologue + xml.replace(good_cell, good_cell.replace(">14<", f">{cell}<"), 1)

    return edited_sheet(xlsx(kind, kind.good), planted)


@KINDS
def test_entity_expansion_in_the_sheet_is_refused_within_100_mb(kind):
    """The "billion laughs": ten levels of ten references would be 10^10 characters."""
    levels = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 11)
    ]
    data = with_sheet_prologue(kind, f"<!DOCTYPE worksheet [{''.join(levels)}]>", "&l10;")
    report = refused_within_100_mb(kind, data, "cuoi.xlsx")
    [error] = report.errors
    assert error.message.startswith("Tệp không phải là tệp Excel .xlsx hợp lệ")


@KINDS
def test_an_external_entity_in_the_sheet_is_never_read(kind, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("BI-MAT-CUA-MAY-CHU")
    data = with_sheet_prologue(
        kind, f'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file://{secret}">]>', "&x;"
    )
    report = refused(kind, data, "ngoai.xlsx")
    assert all("BI-MAT" not in error.message for error in report.errors)


# Python's text never reaches the user ----------------------------------------------------


@KINDS
def test_a_damaged_xlsx_gets_a_vietnamese_message(kind):
    cut = edited_sheet(xlsx(kind, kind.good), lambda xml: xml[: len(xml) // 2])  # mid-XML
    report = refused(kind, cut, "hong.xlsx")
    [error] = report.errors
    assert error.message.startswith("Tệp không phải là tệp Excel .xlsx hợp lệ")


@KINDS
def test_a_csv_the_csv_module_cannot_read_gets_a_vietnamese_message(kind):
    huge_field = '"' + "x" * 200_000 + '"'
    report = refused(kind, csv_text(kind, huge_field), "hong.csv")
    [error] = report.errors
    assert error.message.startswith("Tệp CSV bị lỗi định dạng ở dòng 2")
    assert "field larger" not in error.message


# The same refusal on the web page ----------------------------------------------------------


@KINDS
def test_the_web_page_shows_the_row_and_saves_nothing(kind, client, admin_user, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    client.force_login(admin_user)
    before = kind.state()
    shifted = ",".join(kind.good) + ",9"
    upload = SimpleUploadedFile("so-lieu.csv", csv_text(kind, shifted))
    response = client.post(kind.url, {"file": upload})
    assert response.status_code == 400
    assert f"Dòng 2 có {len(kind.header) + 1} ô" in response.text
    assert kind.state() == before
    assert not (tmp_path / "held-uploads").exists()
