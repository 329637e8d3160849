"""The disbursement import (service and `import_disbursements` command): all or nothing.

Every refusal is checked the same way: a clear message naming the row and the column, and
nothing saved for the whole file, not even the good rows or their new directory entries.
"""

import csv
import datetime
import io
import os
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from provinces.disbursements.excel import DISBURSEMENTS_UPLOAD_MAX_BYTES, disbursements_import
from provinces.models import Cooperative, Disbursement
from provinces.organisation.selectors import province_for_code

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["province", "fund", "date", "borrower", "borrower_type", "amount", "purpose"]
SON_LA_ROW = ["14", "htx_dev", "05/06/2024", "HTX Chè Tà Xùa", "HTX", "1.250", "Mua máy sao chè"]
SON_LA_ROW_2 = ["14", "other", "10/07/2024", "THT Rau sạch Mộc Châu", "THT", "500,5", ""]


def csv_file(*rows, header=HEADER, bom=True) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def xlsx_file(*rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def counts() -> tuple[int, int, int, int]:
    return (
        Disbursement.objects.count(),
        Cooperative.objects.count(),
        Disbursement.history.count(),
        Cooperative.history.count(),
    )


def run(data: bytes, filename: str = "so-giai-ngan.csv", user=None, dry_run=False):
    return disbursements_import(data=data, filename=filename, user=user, dry_run=dry_run)


def directory_entry(code: str, year: int, name: str, kind: str = "HTX") -> Cooperative:
    cooperative = Cooperative(province=province_for_code(code, year), name=name, kind=kind)
    cooperative.full_clean()
    cooperative.save()
    return cooperative


# What a good file does ---------------------------------------------------------------------


def test_a_good_csv_is_imported_with_vietnamese_numbers_and_history():
    report = run(csv_file(SON_LA_ROW, SON_LA_ROW_2))
    assert report.ok and report.saved, report.errors
    first, second = Disbursement.objects.order_by("date")
    assert first.amount == Decimal("1250")  # "1.250" is one thousand two hundred fifty
    assert second.amount == Decimal("500.5")
    assert first.province == province_for_code("14", 2024)
    assert (first.fund, first.date, first.purpose) == (
        "htx_dev",
        datetime.date(2024, 6, 5),
        "Mua máy sao chè",
    )
    assert first.borrower.name == "HTX Chè Tà Xùa" and first.borrower.kind == "HTX"
    assert second.borrower.kind == "THT"
    assert first.history.get().history_user is None  # the command line without --user
    assert len(report.new_borrowers) == 2
    assert report.summary() == (
        "Đã nhập 2 khoản giải ngân, tổng 1.750,5 triệu đồng; đã thêm 2 đơn vị vay mới vào danh bạ."
    )


def test_an_xlsx_with_real_date_and_number_cells_is_imported():
    data = xlsx_file(
        # A code typed as a number loses its leading zero in Excel: 4 is Cao Bằng, 04.
        [4, "Quỹ hỗ trợ phát triển HTX", datetime.datetime(2025, 8, 1), "HTX Trúc Sơn", "htx"]
        + [300.5, "Vốn lưu động", 24],
        header=[*HEADER, "term_months"],
    )
    report = run(data, filename="so.xlsx")
    assert report.saved, report.errors
    disbursement = Disbursement.objects.get()
    assert disbursement.province.name == "Cao Bằng"
    assert (disbursement.date, disbursement.amount, disbursement.term_months) == (
        datetime.date(2025, 8, 1),
        Decimal("300.5"),
        24,
    )
    assert disbursement.fund == "htx_dev"


def test_a_borrower_is_found_in_the_directory_whatever_the_case_and_accents():
    existing = directory_entry("10", 2024, "HTX Nông nghiệp Bản Lướt")
    before = Cooperative.objects.count()
    row = ["10", "htx_dev", "02/05/2024", "htx nong nghiep  ban luot", "HTX", "200", ""]
    preview = run(csv_file(row), dry_run=True)
    assert preview.ok and preview.new_borrowers == []
    assert preview.rows[0].borrower == existing and not preview.rows[0].borrower_is_new
    assert run(csv_file(row)).saved
    assert Cooperative.objects.count() == before
    assert Disbursement.objects.get().borrower == existing


def test_a_merged_provinces_disbursement_belongs_to_the_unit_valid_on_its_date():
    march = ["15", "htx_dev", "01/03/2025", "HTX Suối Giàng", "HTX", "300", ""]
    september = ["15", "htx_dev", "01/09/2025", "HTX Suối Giàng", "HTX", "400", ""]
    report = run(csv_file(march, september))
    assert report.saved, report.errors
    disbursement_march, disbursement_september = Disbursement.objects.order_by("date")
    assert disbursement_march.province.name == "Yên Bái"
    assert disbursement_september.province.name == "Lào Cai"
    assert disbursement_september.province.valid_from == datetime.date(2025, 7, 1)
    # One new directory entry (Yên Bái's), which the merged Lào Cai's disbursement finds too.
    assert Cooperative.objects.count() == 1
    assert disbursement_march.borrower == disbursement_september.borrower
    assert len(report.new_borrowers) == 1


def test_a_dry_run_checks_everything_and_changes_nothing():
    before = counts()
    report = run(csv_file(SON_LA_ROW, SON_LA_ROW_2), dry_run=True)
    assert report.ok and not report.saved
    assert counts() == before
    assert [row.borrower_is_new for row in report.rows] == [True, True]
    assert all(row.borrower.pk is None for row in report.rows)
    assert report.total_amount == Decimal("1750.5")
    assert report.summary().startswith("Chạy thử, chưa lưu gì: 2 khoản giải ngân")


def test_the_same_disbursement_twice_is_flagged_as_a_possible_duplicate():
    assert run(csv_file(SON_LA_ROW)).saved
    again = run(csv_file(SON_LA_ROW, SON_LA_ROW_2), dry_run=True)
    assert again.ok  # a warning only: two identical disbursements can be real
    assert [row.possible_duplicate for row in again.rows] == [True, False]


# Bad rows: refused, named, and nothing saved -----------------------------------------------


def future_day() -> str:
    return (timezone.localdate() + datetime.timedelta(days=30)).strftime("%d/%m/%Y")


BAD_ROWS = {
    "negative amount": (
        ["14", "htx_dev", "05/06/2024", "HTX A", "HTX", "-5", ""],
        "amount",
        "Số tiền giải ngân phải lớn hơn 0.",
    ),
    "zero amount": (
        ["14", "htx_dev", "05/06/2024", "HTX A", "HTX", "0", ""],
        "amount",
        "Số tiền giải ngân phải lớn hơn 0.",
    ),
    "amount not a number": (
        ["14", "htx_dev", "05/06/2024", "HTX A", "HTX", "một trăm", ""],
        "amount",
        "“một trăm” không phải là số",
    ),
    "unknown fund": (
        ["14", "quy_xyz", "05/06/2024", "HTX A", "HTX", "100", ""],
        "fund",
        "Quỹ “quy_xyz” không hợp lệ: ghi htx_dev (Quỹ hỗ trợ phát triển HTX) hoặc other",
    ),
    "date in the future": (
        ["14", "htx_dev", future_day(), "HTX A", "HTX", "100", ""],
        "date",
        f"Ngày giải ngân {future_day()} chưa đến.",
    ),
    "month 13": (
        ["14", "htx_dev", "2023-13-01", "HTX A", "HTX", "100", ""],
        "date",
        "Ngày “2023-13-01” không đúng dạng ngày/tháng/năm (dd/mm/yyyy)",
    ),
    "31 February": (
        ["14", "htx_dev", "31/02/2023", "HTX A", "HTX", "100", ""],
        "date",
        "Ngày “31/02/2023” không có thật: tháng 2 năm 2023 chỉ có 28 ngày.",
    ),
    "a 500-character borrower": (
        ["14", "htx_dev", "05/06/2024", "H" * 500, "HTX", "100", ""],
        "borrower",
        "Tên đơn vị vay dài 500 ký tự, quá giới hạn 255 ký tự.",
    ),
    "unknown borrower type": (
        ["14", "htx_dev", "05/06/2024", "HTX A", "DN", "100", ""],
        "borrower_type",
        "Loại hình “DN” không hợp lệ: ghi HTX (hợp tác xã) hoặc THT (tổ hợp tác).",
    ),
    "a province outside every cluster that year": (
        ["04", "htx_dev", "05/06/2023", "HTX A", "HTX", "100", ""],
        "province",
        "Cao Bằng không là thành viên cụm thi đua nào năm 2023.",
    ),
    "a code no unit had on that day": (
        ["10", "htx_dev", "01/09/2025", "HTX A", "HTX", "100", ""],
        "province",
        "Không có tỉnh nào mang mã 10 vào ngày 01/09/2025",
    ),
    "a malformed province code": (
        ["Sơn La", "htx_dev", "05/06/2024", "HTX A", "HTX", "100", ""],
        "province",
        "Mã tỉnh “Sơn La” không hợp lệ",
    ),
}


@pytest.mark.parametrize("case", BAD_ROWS.keys())
@pytest.mark.parametrize("filename", ["so.csv", "so.xlsx"])
def test_a_bad_row_is_named_and_nothing_in_the_file_is_saved(case, filename):
    bad, column, message = BAD_ROWS[case]
    make = xlsx_file if filename.endswith(".xlsx") else csv_file
    before = counts()
    report = run(make(SON_LA_ROW, bad), filename=filename)
    assert not report.ok and not report.saved
    assert [(e.row, e.column) for e in report.errors] == [(3, column)]
    assert message in report.errors[0].message
    assert counts() == before  # not even the good row 2 or its new borrower


def test_every_bad_row_is_reported_with_every_bad_cell():
    report = run(
        csv_file(
            ["14", "htx_dev", "31/02/2024", "HTX A", "HTX", "-1", ""],
            SON_LA_ROW,
            ["14", "quy", "05/06/2024", "", "HTX", "100", ""],
        )
    )
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "date"),
        (2, "amount"),
        (4, "fund"),
        (4, "borrower"),
    ]
    assert str(report.errors[0]).startswith("Dòng 2, cột date: Ngày “31/02/2024” không có thật")
    assert not Disbursement.objects.exists()


# Bad files ---------------------------------------------------------------------------------


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    return out.getvalue()


BAD_FILES = {
    "missing column": (
        csv_file(SON_LA_ROW[:5] + SON_LA_ROW[6:], header=HEADER[:5] + HEADER[6:]),
        "so.csv",
        "Thiếu cột: amount.",
    ),
    "empty file": (b"", "so.csv", "Tệp rỗng"),
    "empty workbook": (xlsx_file(header=[]), "so.xlsx", "Tệp rỗng"),
    "header only": (csv_file(), "so.csv", "không có khoản giải ngân nào"),
    "not an Excel file renamed .xlsx": (
        b"%PDF-1.4 not a spreadsheet",
        "so.xlsx",
        "Tệp không phải là tệp Excel .xlsx hợp lệ",
    ),
    "oversize": (
        csv_file(SON_LA_ROW) + b"x" * DISBURSEMENTS_UPLOAD_MAX_BYTES,
        "so.csv",
        "vượt giới hạn 5 MB",
    ),
    "zip bomb": (zip_bomb(), "so.xlsx", "khi giải nén vượt 50 MB"),
    "not UTF-8": (csv_file(SON_LA_ROW).decode("utf-8-sig").encode("cp1258"), "so.csv", "UTF-8"),
    "another kind of file": (b"anything", "so.pdf", "Chỉ nhận tệp Excel .xlsx hoặc tệp .csv."),
}


@pytest.mark.parametrize("case", BAD_FILES.keys())
def test_a_bad_file_is_refused_as_a_whole(case):
    data, filename, message = BAD_FILES[case]
    before = counts()
    report = run(data, filename=filename)
    assert not report.ok and report.rows == []
    assert [(e.row, e.column) for e in report.errors] == [(None, "")]
    assert message in report.errors[0].message
    assert counts() == before


def test_a_csv_without_bom_and_with_semicolons_is_read():
    out = ";".join(HEADER) + "\n" + ";".join(SON_LA_ROW) + "\n"
    assert run(out.encode()).saved


# Who may import what -----------------------------------------------------------------------


PHU_THO_ROW = ["25", "htx_dev", "05/06/2024", "HTX Chè Long Cốc", "HTX", "100", ""]


def test_staff_import_their_own_province_with_their_name_in_the_history(make_staff):
    son_la = make_staff("Sơn La", 2024)
    report = run(csv_file(SON_LA_ROW), user=son_la)
    assert report.saved
    disbursement = Disbursement.objects.get()
    assert disbursement.history.get().history_user == son_la
    assert disbursement.borrower.history.get().history_user == son_la


def test_the_bulk_history_rows_hold_what_a_save_would_record(make_staff):
    """The history rows are written as plain value tuples (bulk_history.py): every tracked
    value, the creation type, the reason and the user, as simple_history would write."""
    son_la = make_staff("Sơn La", 2024)
    assert run(csv_file(SON_LA_ROW), user=son_la).saved
    for record in (Disbursement.objects.get(), Disbursement.objects.get().borrower):
        entry = record.history.get()
        assert (entry.history_type, entry.history_user) == ("+", son_la)
        assert entry.history_change_reason == "Nhập sổ giải ngân từ tệp Excel/CSV"
        for field in type(record)._meta.concrete_fields:
            assert getattr(entry, field.attname) == getattr(record, field.attname), field.name


def test_staff_cannot_import_another_provinces_rows(make_staff):
    son_la = make_staff("Sơn La", 2024)
    before = counts()
    report = run(csv_file(SON_LA_ROW, PHU_THO_ROW), user=son_la)
    assert [(e.row, e.column) for e in report.errors] == [(3, "province")]
    assert "Bạn không có quyền nhập khoản vay của Liên minh HTX tỉnh Phú Thọ" in str(
        report.errors[0]
    )
    assert counts() == before


def test_the_chair_of_the_year_and_admins_import_any_members_rows(make_staff, admin_user):
    phu_tho_2023 = make_staff("Phú Thọ", 2023)  # head of Tây Bắc in 2023, not in 2024
    row_2023 = ["14", "htx_dev", "05/06/2023", "HTX A", "HTX", "100", ""]
    assert run(csv_file(row_2023), user=phu_tho_2023, dry_run=True).ok
    assert not run(csv_file(SON_LA_ROW), user=phu_tho_2023, dry_run=True).ok
    assert run(csv_file(SON_LA_ROW, PHU_THO_ROW, row_2023), user=admin_user).saved


def test_staff_of_a_merged_province_import_their_predecessors_disbursements_of_that_year(
    make_staff,
):
    lao_cai = make_staff("Lào Cai", 2025)  # the merged Lào Cai (code 15 from 01/07/2025)
    march_2024 = ["15", "htx_dev", "01/03/2024", "HTX Suối Giàng", "HTX", "300", ""]
    assert not run(csv_file(march_2024), user=lao_cai, dry_run=True).ok  # Yên Bái's own year
    march = ["15", "htx_dev", "01/03/2025", "HTX Suối Giàng", "HTX", "300", ""]
    assert run(csv_file(march), user=lao_cai).saved


# The command -------------------------------------------------------------------------------


@pytest.fixture
def write(tmp_path):
    def write(data: bytes, name: str = "so-giai-ngan.csv") -> str:
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


def test_the_command_imports_and_prints_a_summary(write, capsys):
    call_command("import_disbursements", write(csv_file(SON_LA_ROW, SON_LA_ROW_2)))
    out = capsys.readouterr().out
    assert "Đã nhập 2 khoản giải ngân, tổng 1.750,5 triệu đồng" in out
    assert "Đã thêm vào danh bạ: HTX Chè Tà Xùa (HTX, Sơn La)" in out
    assert Disbursement.objects.count() == 2


def test_the_command_dry_run_changes_nothing(write, capsys):
    before = counts()
    call_command("import_disbursements", write(csv_file(SON_LA_ROW)), "--dry-run")
    assert "Chạy thử, chưa lưu gì: 1 khoản giải ngân, tổng 1.250 triệu đồng" in (
        capsys.readouterr().out
    )
    assert counts() == before


def test_the_command_lists_every_error_and_fails_changing_nothing(write, capsys):
    bad = ["14", "htx_dev", "05/06/2024", "HTX A", "HTX", "-5", ""]
    before = counts()
    with pytest.raises(CommandError, match="1 lỗi") as failure:
        call_command("import_disbursements", write(csv_file(SON_LA_ROW, bad)))
    assert failure.value.returncode == 1  # the exit status on the command line
    assert "Dòng 3, cột amount: Số tiền giải ngân phải lớn hơn 0." in capsys.readouterr().err
    assert counts() == before


def test_the_command_applies_the_access_rules_of_user(write, make_staff):
    make_staff("Sơn La", 2024, username="sonla")
    with pytest.raises(CommandError):
        call_command("import_disbursements", write(csv_file(PHU_THO_ROW)), "--user", "sonla")
    call_command("import_disbursements", write(csv_file(SON_LA_ROW)), "--user", "sonla")
    assert Disbursement.objects.get().history.get().history_user.username == "sonla"


def test_the_command_refuses_an_unknown_user_or_file(write):
    with pytest.raises(CommandError, match="Không có người dùng “nobody”"):
        call_command("import_disbursements", write(csv_file(SON_LA_ROW)), "--user", "nobody")
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("import_disbursements", "/nonexistent/so.csv")
    assert not Disbursement.objects.exists()


def test_the_command_refuses_an_oversize_file_before_reading_it(write):
    big = write(csv_file(SON_LA_ROW) + b"x" * (DISBURSEMENTS_UPLOAD_MAX_BYTES + 2**20))
    with pytest.raises(CommandError, match="Tệp nặng 6 MB, vượt giới hạn 5 MB."):
        call_command("import_disbursements", big)


def test_the_command_exits_non_zero_with_a_readable_message(tmp_path):
    empty = tmp_path / "rong.csv"
    empty.write_bytes(b"")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "import_disbursements", str(empty)],
        cwd=ROOT,
        env={**env, "DEBUG": "1", "VAR_DIR": str(tmp_path / "var")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Tệp rỗng" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("day", "refused"), [("06/06/2026", False), ("07/06/2026", True)])
def test_the_future_starts_after_today_in_vietnam_not_in_utc(monkeypatch, day, refused):
    # 20:00 UTC on 5 June is 03:00 on 6 June in Hà Nội: 6 June is today, 7 June is not yet.
    evening = datetime.datetime(2026, 6, 5, 20, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: evening)
    report = run(csv_file(["14", "htx_dev", day, "HTX A", "HTX", "100", ""]), dry_run=True)
    assert report.ok is not refused
    if refused:
        assert [(e.column, e.message) for e in report.errors] == [
            ("date", "Ngày giải ngân 07/06/2026 chưa đến.")
        ]


def test_the_garbage_collector_pauses_during_an_import_and_resumes(monkeypatch):
    import gc

    from provinces.disbursements import excel_resource

    seen = []
    before_import = excel_resource.DisbursementResource.before_import

    def watching(self, dataset, **kwargs):
        seen.append(gc.isenabled())
        return before_import(self, dataset, **kwargs)

    monkeypatch.setattr(excel_resource.DisbursementResource, "before_import", watching)
    assert gc.isenabled()
    assert run(csv_file(SON_LA_ROW)).saved
    assert seen == [False] and gc.isenabled()
    gc.disable()  # a process that turned it off keeps it off
    try:
        assert run(csv_file(SON_LA_ROW_2), dry_run=True).ok
        assert not gc.isenabled()
    finally:
        gc.enable()
