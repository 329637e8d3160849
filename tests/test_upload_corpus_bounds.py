"""The crafted uploads (tests/crafted_uploads.py) cost a worker little: each is refused
with a message naming the row or part and the limit, under 100 MB of Python memory and
under 1 s of CPU beyond a small valid file, through the service, the web page and the
command. Then each bound of provinces.spreadsheets.xlsx on its own."""

import datetime
import functools
import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from emulation.scoring.criteria_io import MAX_ROWS, parse_criteria_rows
from provinces.disbursements.excel import disbursements_import
from provinces.figures.excel import figures_import
from provinces.models import Disbursement, YearlyFigures
from provinces.spreadsheets import xlsx
from provinces.spreadsheets.reading import FileProblem, read_rows
from tests.crafted_uploads import (
    CORPUS,
    CRITERIA_HEADER,
    CRITERIA_ROW,
    DISBURSEMENT_HEADER,
    DISBURSEMENT_ROW,
    MAIN,
    figures_header,
    figures_row,
    package,
    row_xml,
    styles_xml,
)
from tests.scoring_helpers import YEAR

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
EXPECTED = {
    "mot-dong-12-trieu-o-trong": "Dòng 2 có hơn 1.024 ô, vượt giới hạn 1.024 ô mỗi dòng",
    "mot-dong-1-trieu-o-trong": "Dòng 2 có hơn 1.024 ô, vượt giới hạn 1.024 ô mỗi dòng",
    "mot-dong-2-trieu-o-so-lieu": "Dòng 2 có hơn 1.024 ô, vượt giới hạn 1.024 ô mỗi dòng",
    "styles-600-nghin-muc": "phần styles.xml nặng 35,5 MB khi giải nén, vượt giới hạn 4 MB",
    "styles-600-nghin-muc-gon": "phần styles.xml với hơn 250.000 mục, vượt giới hạn",
    "khong-dimension-150-dong-20000-so": "Dòng 2 có hơn 1.024 ô, vượt giới hạn 1.024 ô",
    "600-khoan-vay-20000-o-trong": "Dòng 2 có hơn 1.024 ô, vượt giới hạn 1.024 ô mỗi dòng",
    "cung-so-dong-khoan-vay": "dòng 2 đứng sau dòng 2",
    "cung-so-dong-tieu-chi": "dòng 2 đứng sau dòng 2",
    "chuoi-chung-ten-khac": "phần sharedStrings.xml nặng 29,6 MB khi giải nén, vượt giới hạn 8 MB",
}
CRAFTED = pytest.mark.parametrize("crafted", CORPUS, ids=[c.name for c in CORPUS])


@functools.cache
def built(name: str) -> bytes:
    return next(c for c in CORPUS if c.name == name).build()


VALID = {
    "disbursements": lambda: package(
        [row_xml(1, DISBURSEMENT_HEADER), row_xml(2, DISBURSEMENT_ROW)]
    ),
    "figures": lambda: package([row_xml(1, figures_header()), row_xml(2, figures_row())]),
    "criteria": lambda: package([row_xml(1, CRITERIA_HEADER), row_xml(2, CRITERIA_ROW)]),
}


def dry_run(kind: str, data: bytes, filename: str) -> tuple[bool, str]:
    """The preview of an upload: (accepted, the first error)."""
    if kind == "criteria":
        try:
            parsed = parse_criteria_rows(read_rows(data=data, filename=filename, max_rows=MAX_ROWS))
        except FileProblem as exc:
            return False, str(exc)
        return not parsed.errors, "; ".join(m for _, m in parsed.errors)
    service = figures_import if kind == "figures" else disbursements_import
    report = service(data=data, filename=filename, user=None, dry_run=True)
    return report.ok, "; ".join(str(e) for e in report.errors)


def cpu_of(function) -> float:
    start = time.process_time()
    function()
    return time.process_time() - start


# The corpus through the service, the web page and the command ----------------------------


@CRAFTED
def test_each_crafted_upload_is_refused_cheaply(crafted):
    data = built(crafted.name)
    assert len(data) < 400 * 1024
    small = VALID[crafted.kind]()
    ok, error = dry_run(crafted.kind, small, "hop-le.xlsx")
    assert ok, error
    baseline = cpu_of(lambda: dry_run(crafted.kind, small, "hop-le.xlsx"))
    spent = cpu_of(lambda: dry_run(crafted.kind, data, crafted.filename))
    tracemalloc.start()
    try:
        ok, error = dry_run(crafted.kind, data, crafted.filename)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not ok
    assert EXPECTED[crafted.name] in error
    assert peak < 100 * MB, f"peak {peak / MB:.0f} MiB"
    assert spent < baseline + 1.0, f"{spent:.2f} s CPU beside {baseline:.2f} s"


def _uploads_to(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }


@CRAFTED
def test_the_web_page_refuses_each_crafted_upload(crafted, client, admin_user, settings, tmp_path):
    _uploads_to(settings, tmp_path)
    client.force_login(admin_user)
    url = {
        "disbursements": reverse("disbursements:import"),
        "figures": reverse("figures:import", args=["tay-bac", 2024]),
        "criteria": reverse("scoring:setup", args=["tay-bac", YEAR]),
    }[crafted.kind]
    upload = SimpleUploadedFile(crafted.filename, built(crafted.name))
    fields = {"action": "import"} if crafted.kind == "criteria" else {}
    start = time.process_time()
    response = client.post(url, {**fields, "file": upload})
    spent = time.process_time() - start
    assert response.status_code == 400
    assert EXPECTED[crafted.name] in response.content.decode()
    assert not (tmp_path / "held-uploads").exists()
    assert spent < 2.0  # a page, its template and the refusal: far from the minutes before
    assert not Disbursement.objects.exists() and not YearlyFigures.objects.exists()


@CRAFTED
def test_the_command_exits_non_zero_on_each_crafted_upload(crafted, tmp_path):
    path = tmp_path / crafted.filename
    path.write_bytes(built(crafted.name))
    err = io.StringIO()
    with pytest.raises(CommandError):
        if crafted.kind == "criteria":
            call_command("import_criteria", str(path), cluster="tay-bac", year=YEAR, dry_run=True)
        else:
            command = "import_figures" if crafted.kind == "figures" else "import_disbursements"
            call_command(command, str(path), "--dry-run", stderr=err)
    if crafted.kind != "criteria":
        assert EXPECTED[crafted.name] in err.getvalue()


def test_the_criteria_command_checks_the_size_before_reading_the_file(tmp_path, monkeypatch):
    path = tmp_path / "tieu-chi.xlsx"
    with path.open("wb") as sparse:
        sparse.truncate(6 * MB)
    monkeypatch.setattr(type(path), "read_bytes", lambda self: pytest.fail("read whole"))
    with pytest.raises(CommandError, match="vượt giới hạn 5 MB"):
        call_command("import_criteria", str(path), cluster="tay-bac", year=YEAR, dry_run=True)


# Each bound on its own ---------------------------------------------------------------------


def edited(data: bytes, name: str, old: bytes, new: bytes) -> bytes:
    """The package with `old` replaced by `new` in its part `name`."""
    source, target = io.BytesIO(data), io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            part = zin.read(item.filename)
            zout.writestr(item, part.replace(old, new) if item.filename == name else part)
    return target.getvalue()


def rows_of(data: bytes, max_rows: int = 10) -> list[list]:
    return read_rows(data=data, filename="a.xlsx", max_rows=max_rows)


def refusal(data: bytes, max_rows: int = 10) -> str:
    with pytest.raises(FileProblem) as caught:
        rows_of(data, max_rows)
    return str(caught.value)


def test_a_valid_sheet_without_dimension_or_row_numbers_is_read():
    rows = [
        row_xml(1, DISBURSEMENT_HEADER).replace(' r="1"', "", 1),
        "<row>" + "".join(f"<c><v>{n}</v></c>" for n in range(7)) + "</row>",
        '<row r="5"><c r="B5" s="0"/><c t="inlineStr"><is><t>x</t></is></c></row>',
    ]
    assert rows_of(package(rows, dimension=None)) == [
        list(DISBURSEMENT_HEADER),
        [0, 1, 2, 3, 4, 5, 6],
        [None, None, "x"],
    ]


def test_a_blank_cell_far_to_the_right_refuses_the_file_naming_it():
    data = package([row_xml(1, DISBURSEMENT_HEADER), '<row r="2"><c r="XFD2" s="1"/></row>'])
    assert "Dòng 2 có ô XFD2, ngoài giới hạn 1.024 ô mỗi dòng" in refusal(data)


def test_a_blank_cell_within_the_row_limit_is_skipped():
    data = package([row_xml(1, DISBURSEMENT_HEADER), '<row r="2"><c r="AMJ2" s="1"/></row>'])
    assert rows_of(data) == [list(DISBURSEMENT_HEADER)]


def test_rows_going_up_the_sheet_refuse_the_file():
    data = package([row_xml(5, DISBURSEMENT_HEADER), row_xml(3, DISBURSEMENT_ROW)], dimension=None)
    assert "dòng 3 đứng sau dòng 5" in refusal(data)


def test_a_row_numbered_past_the_limit_refuses_the_file():
    data = package([row_xml(1, DISBURSEMENT_HEADER), row_xml(13, DISBURSEMENT_ROW)])
    assert refusal(data) == "Tệp có hơn 10 dòng số liệu: hãy tách thành nhiều tệp."


def test_elements_outside_the_rows_are_counted_and_dropped():
    junk = "<mergeCell/>" * 200_000  # after the sheet data, where merged cells go
    data = package(
        [
            row_xml(1, DISBURSEMENT_HEADER),
            row_xml(2, DISBURSEMENT_ROW),
            f"</sheetData><x>{junk}</x>",
        ]
    )
    tracemalloc.start()
    try:
        message = refusal(data, max_rows=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "Trang tính có hơn 128.256 thành phần" in message
    assert peak < 20 * MB


def test_a_row_of_many_nested_elements_refuses_the_file():
    runs = "<r><t>a</t></r>" * 20_000
    cell = f'<c r="A2" t="inlineStr"><is>{runs}</is></c>'
    data = package([row_xml(1, DISBURSEMENT_HEADER), f'<row r="2">{cell}</row>'])
    assert "Dòng 2 có cấu trúc bất thường (hơn 32.768 thành phần XML)" in refusal(data)


def test_more_cell_formats_than_excel_allows_refuse_the_file():
    data = package([row_xml(1, DISBURSEMENT_HEADER)], styles=styles_xml(70_000, "<xf/>"))
    assert "hơn 64.000 kiểu định dạng ô" in refusal(data)


def _date_workbook(*, date1904: bool) -> bytes:
    styles = [
        f'<styleSheet xmlns="{MAIN}"><numFmts count="1">'
        '<numFmt numFmtId="170" formatCode="dd/mm/yyyy"/></numFmts>'
        '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="170"/></cellXfs>'
        "</styleSheet>"
    ]
    data = package(
        [
            row_xml(1, ["a", "b", "c"]),
            '<row r="2"><c s="0"><v>45000</v></c>'
            '<c s="1"><v>45000</v></c><c s="2"><v>45000</v></c></row>',
        ],
        styles=styles,
    )
    if date1904:
        return edited(data, "xl/workbook.xml", b"<sheets>", b'<workbookPr date1904="1"/><sheets>')
    return data


@pytest.mark.parametrize(
    ("date1904", "day"), [(False, datetime.date(2023, 3, 15)), (True, datetime.date(2027, 3, 16))]
)
def test_dates_are_read_from_builtin_and_custom_formats_and_the_workbook_epoch(date1904, day):
    [_, values] = rows_of(_date_workbook(date1904=date1904))
    assert values[0] == 45000
    assert [v.date() for v in values[1:]] == [day, day]


def test_shared_strings_in_a_part_of_another_name_are_read():
    data = package(
        [
            row_xml(1, ["a"]),
            '<row r="2"><c t="s"><v>1</v></c><c t="s"><v>0</v></c></row>',
        ],
        shared_strings=[
            f'<sst xmlns="{MAIN}"><si><t>không</t></si><si><r><t>mộ</t></r><r><t>t</t></r></si>'
            "</sst>"
        ],
        shared_strings_part="xl/texts.xml",
    )
    assert rows_of(data) == [["a"], ["một", "không"]]


def test_without_a_safe_expat_a_dtd_in_the_sheet_refuses_the_file(monkeypatch):
    monkeypatch.setattr(xlsx, "_EXPAT_IS_SAFE", False)
    good = package([row_xml(1, DISBURSEMENT_HEADER)])
    assert rows_of(good) == [list(DISBURSEMENT_HEADER)]
    data = package(['<row r="1"><c t="inlineStr"><is><t>&x;</t></is></c></row>'])
    dtd = b'?><!DOCTYPE worksheet [<!ENTITY x "y">]><worksheet'
    data = edited(data, "xl/worksheets/sheet1.xml", b"?><worksheet", dtd)
    assert refusal(data).startswith("Tệp không phải là tệp Excel .xlsx hợp lệ")
