"""The figures importer (provinces.figures_io.figures_import) and `manage.py import_figures`."""

import csv
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from provinces.figures.excel import (
    COLUMN_LABELS,
    COLUMNS,
    FIGURES_UPLOAD_MAX_BYTES,
    figures_import,
    version_key,
)
from provinces.figures.spec import CODES
from provinces.management.commands.import_figures import Command as ImportCommand
from provinces.models import Cluster, ClusterMembership, FiguresStatus, YearlyFigures
from provinces.organisation.selectors import province_for_code
from tests.factories import GOOD_VALUES, make_figures

pytestmark = pytest.mark.django_db


# Files built in memory ------------------------------------------------------------------


def row(code: str, year: int = 2024, **values) -> list:
    return [code, year, *[values.get(c, GOOD_VALUES[c]) for c in CODES]]


def xlsx_file(rows: list[list], *, headers=COLUMNS, labels: bool = False) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    if labels:
        sheet.append([COLUMN_LABELS.get(h, h) for h in headers])
    for values in rows:
        sheet.append(values)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_file(rows: list[list], *, headers=COLUMNS, bom: bool = False, delimiter=",") -> bytes:
    output = io.StringIO()
    writer = csv.writer(output, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows([["" if v is None else str(v) for v in values] for values in rows])
    return output.getvalue().encode("utf-8-sig" if bom else "utf-8")


def db_state() -> tuple[int, int]:
    return YearlyFigures.objects.count(), YearlyFigures.history.count()


def run(data: bytes, filename: str = "so-lieu.xlsx", *, user=None, dry_run=False, **kwargs):
    return figures_import(data=data, filename=filename, user=user, dry_run=dry_run, **kwargs)


def figures(code: str, year: int = 2024) -> YearlyFigures:
    return YearlyFigures.objects.get(province=province_for_code(code, year), year=year)


# Valid imports --------------------------------------------------------------------------


def test_it_creates_draft_records_with_decimal_money(make_staff):
    chair = make_staff("Lào Cai", 2024)
    report = run(xlsx_file([row("10"), row("14", htx_avg_income=Decimal("1637.5"))]), user=chair)
    assert report.ok, report.errors
    assert report.totals == {"new": 2, "update": 0, "skip": 0, "rows": 2, "ignored": 0}
    son_la = figures("14")
    assert son_la.status == FiguresStatus.DRAFT
    assert son_la.version == 1
    assert son_la.htx_avg_income == Decimal("1637.50")
    assert isinstance(son_la.htx_avg_income, Decimal)
    assert son_la.tht_total == 1600
    assert son_la.history.get().history_user == chair


def test_it_reads_vietnamese_text_numbers_in_a_csv_with_bom():
    data = csv_file(
        [row("14", htx_avg_income="1.637,5", htx_members="31.000", tht_avg_revenue="236,8")],
        bom=True,
    )
    report = run(data, "so-lieu.csv")
    assert report.ok, report.errors
    son_la = figures("14")
    assert son_la.htx_avg_income == Decimal("1637.5")
    assert son_la.htx_members == 31000
    assert son_la.tht_avg_revenue == Decimal("236.8")


def test_it_reads_a_csv_without_bom_and_with_semicolons():
    data = csv_file([row("14", htx_avg_income="1.637,5")], delimiter=";")
    assert run(data, "so-lieu.csv").ok
    assert figures("14").htx_avg_income == Decimal("1637.5")


def test_text_cells_in_an_xlsx_are_read_the_vietnamese_way():
    assert run(xlsx_file([row("14", htx_members="11.084", htx_avg_income="51,3")])).ok
    assert figures("14").htx_members == 11084
    assert figures("14").htx_avg_income == Decimal("51.3")


def test_an_update_increments_the_version_and_records_who(make_staff):
    make_figures("14", 2024)
    staff = make_staff("Sơn La", 2024)
    report = run(xlsx_file([row("14", htx_new=60)]), user=staff)
    assert report.ok, report.errors
    assert [(r.action, [(c.code, c.old, c.new) for c in r.changes]) for r in report.rows] == [
        ("update", [("htx_new", 50, 60)])
    ]
    son_la = figures("14")
    assert (son_la.htx_new, son_la.version) == (60, 2)
    assert son_la.history.first().history_user == staff


def test_a_returned_record_can_be_updated():
    make_figures("14", 2024, status=FiguresStatus.RETURNED)
    assert run(xlsx_file([row("14", htx_new=60)])).ok
    assert figures("14").htx_new == 60


def test_the_label_row_of_the_template_is_skipped_and_rows_keep_their_numbers():
    data = xlsx_file([row("14"), row("12", tv_reports=-1)], labels=True)
    report = run(data)
    assert [(e.row, e.column) for e in report.errors] == [(4, "tv_reports")]


def test_a_label_row_with_edited_units_is_still_recognised():
    headers = list(COLUMNS)
    labels = ["Mã", "Năm", *[f"{COLUMN_LABELS[c].split(' (')[0]} (đơn vị khác)" for c in CODES]]
    workbook = openpyxl.Workbook()
    workbook.active.append(headers)
    workbook.active.append(labels)
    workbook.active.append(row("14"))
    output = io.BytesIO()
    workbook.save(output)
    report = run(output.getvalue())
    assert report.ok, report.errors
    assert report.rows[0].row == 3


def test_extra_columns_are_ignored():
    headers = [*COLUMNS, "province_name", "ghi chú"]
    assert run(xlsx_file([[*row("14"), "Sơn La", "=1+1"]], headers=headers)).ok


def test_dry_run_checks_everything_and_changes_nothing():
    make_figures("14", 2024)
    before = db_state()
    report = run(xlsx_file([row("10"), row("14", htx_new=60)]), dry_run=True)
    assert report.ok
    assert [r.action for r in report.rows] == ["new", "update"]
    assert db_state() == before
    assert figures("14").version == 1


def test_reimporting_an_unchanged_file_writes_nothing():
    data = xlsx_file([row("10"), row("14")])
    assert run(data).ok
    before = db_state()
    report = run(data)
    assert report.ok
    assert report.totals["skip"] == 2
    assert db_state() == before
    assert figures("14").version == 1


def test_a_row_of_zeros_creates_a_record():
    zeros = dict.fromkeys(CODES, 0)
    report = run(xlsx_file([row("14", **zeros)]))
    assert report.ok, report.errors
    assert report.rows[0].action == "new"
    assert figures("14").tht_total == 0


def test_rows_without_figures_are_ignored():
    blank = dict.fromkeys(CODES)
    report = run(xlsx_file([row("10", **blank), row("14")]))
    assert report.ok, report.errors
    assert report.totals["ignored"] == 1
    assert not YearlyFigures.objects.filter(province=province_for_code("10", 2024)).exists()


def test_a_code_means_the_unit_valid_on_31_december_of_the_year():
    assert run(xlsx_file([row("15", 2024), row("15", 2025)])).ok
    assert figures("15", 2024).province.name == "Yên Bái"
    assert figures("15", 2025).province.name == "Lào Cai"


def test_excel_drops_the_leading_zero_of_a_code():
    assert run(xlsx_file([[4, *row("04", 2025)[1:]]])).ok
    assert figures("04", 2025).province.name == "Cao Bằng"


# Access ---------------------------------------------------------------------------------


def test_staff_of_son_la_may_not_import_a_phu_tho_row(make_staff):
    before = db_state()
    report = run(xlsx_file([row("14"), row("25")]), user=make_staff("Sơn La", 2024))
    assert [(e.row, e.column) for e in report.errors] == [(3, "province")]
    assert "không có quyền nhập số liệu của Liên minh HTX tỉnh Phú Thọ" in report.errors[0].message
    assert db_state() == before


def test_the_chair_of_the_year_imports_every_member(make_staff):
    codes = ["10", "11", "12", "14", "15", "17", "25"]
    report = run(xlsx_file([row(code) for code in codes]), user=make_staff("Lào Cai", 2024))
    assert report.ok, report.errors
    assert YearlyFigures.objects.filter(year=2024).count() == 7


def test_the_chair_of_another_year_is_only_staff(make_staff):
    phu_tho = make_staff("Phú Thọ", 2023)  # chair of 2023, not of 2024
    report = run(xlsx_file([row("10", 2023), row("10", 2024)]), user=phu_tho)
    assert [(e.row, e.column) for e in report.errors] == [(3, "province")]


def test_an_admin_imports_every_member(admin_user):
    assert run(xlsx_file([row("10"), row("25")]), user=admin_user).ok


def test_an_unchanged_row_the_user_may_see_is_skipped_without_rights(make_staff):
    make_figures("25", 2024, status=FiguresStatus.APPROVED)
    report = run(xlsx_file([row("14"), row("25")]), user=make_staff("Sơn La", 2024))
    assert report.ok, report.errors
    assert [r.action for r in report.rows] == ["new", "skip"]


def test_an_unchanged_row_the_user_may_not_see_is_refused(make_staff):
    make_figures("25", 2024)  # a draft: Sơn La may not see it, nor learn it by guessing
    report = run(xlsx_file([row("25")]), user=make_staff("Sơn La", 2024))
    assert [(e.row, e.column) for e in report.errors] == [(2, "province")]


# Bad rows: each reported with row, column and reason; nothing saved ----------------------


def _setup_submitted():
    make_figures("12", 2024, status=FiguresStatus.SUBMITTED)


def _setup_approved():
    make_figures("12", 2024, status=FiguresStatus.APPROVED)


@pytest.mark.parametrize(
    ("bad_row", "setup", "column", "message"),
    [
        (row("12", htx_total=-1), None, "htx_total", "Tổng số HTX (cuối năm) không được âm"),
        (row("12", htx_new=700), None, "htx_new", "không được lớn hơn tổng số HTX (cuối năm)"),
        (row("12", tht_avg_profit=300), None, "tht_avg_profit", "không được lớn hơn"),
        (row("12", htx_members="nhiều"), None, "htx_members", "“nhiều” không phải là số"),
        (row("12", htx_members=12.5), None, "htx_members", "phải là số nguyên"),
        (row("12", htx_members="12,5"), None, "htx_members", "phải là số nguyên"),
        (row("12", htx_avg_income="1,234"), None, "htx_avg_income", "tối đa 1 chữ số thập phân"),
        (row("12", htx_workers=None), None, "htx_workers", "Ô trống"),
        (row("12", htx_workers=3 * 10**9), None, "htx_workers", "quá lớn"),
        (row("99"), None, "province", "Không có tỉnh nào mang mã 99 vào ngày 31/12/2024"),
        (row("10", 2025), None, "province", "Không có tỉnh nào mang mã 10 vào ngày 31/12/2025"),
        (row("Sơn La"), None, "province", "Mã tỉnh “Sơn La” không hợp lệ"),
        (row(None), None, "province", "Chưa nhập mã tỉnh"),
        (row("26"), None, "province", "Vĩnh Phúc (mã 26) không thuộc cụm thi đua nào năm 2024"),
        (row("12", "năm nay"), None, "year", "Năm “năm nay” không hợp lệ"),
        (row("12", 2100), None, "year", "Năm 2100 chưa đến"),
        (row("14"), None, "province", "Sơn La năm 2024 đã có ở dòng 2"),
        (row("12", htx_new=60), _setup_submitted, "", "đang ở trạng thái “Đã nộp”"),
        (row("12", htx_new=60), _setup_approved, "", "đang ở trạng thái “Đã duyệt”"),
    ],
)
def test_a_bad_row_rejects_the_whole_file(bad_row, setup, column, message):
    if setup:
        setup()
    before = db_state()
    report = run(xlsx_file([row("14"), bad_row]))
    assert not report.ok
    errors = [(e.row, e.column) for e in report.errors]
    assert (3, column) in errors, report.errors
    assert any(message.lower() in e.message.lower() for e in report.errors), report.errors
    assert {e.row for e in report.errors} == {3}
    assert db_state() == before


def test_the_same_bad_rows_are_reported_for_a_real_import_and_a_dry_run():
    data = xlsx_file([row("14"), row("12", tv_reports=-1)])
    assert run(data, dry_run=True).errors == run(data).errors


def test_every_bad_row_is_reported():
    data = xlsx_file([row("99"), row("14"), row("12", tv_reports=-1), row("11", bulletins="x")])
    report = run(data)
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "province"),
        (4, "tv_reports"),
        (5, "bulletins"),
    ]


def test_an_unreadable_cell_does_not_trigger_rules_against_the_old_value():
    report = run(xlsx_file([row("14", htx_total="nhiều")]))
    assert [e.column for e in report.errors] == ["htx_total"]


def test_a_half_filled_row_gets_one_line_for_its_blank_cells():
    blank = dict.fromkeys(CODES[1:])
    report = run(xlsx_file([row("14", **blank)]))
    assert len(report.errors) == 1
    assert report.errors[0].column == ""
    assert "Còn 18 ô trống" in report.errors[0].message


def test_a_row_of_another_cluster_is_refused_on_a_cluster_page():
    other = Cluster.objects.create(slug="thu-nghiem", name="Cụm thử nghiệm", from_year=2024)
    ClusterMembership.objects.create(
        cluster=other, province=province_for_code("26", 2024), from_year=2024, to_year=2024
    )
    tay_bac = Cluster.objects.get(slug="tay-bac")
    before = db_state()
    report = run(xlsx_file([row("14"), row("26")]), cluster=tay_bac, year=2024)
    assert [(e.row, e.column) for e in report.errors] == [(3, "province")]
    assert "không phải thành viên Cụm thi đua Liên minh HTX các tỉnh Tây Bắc" in (
        report.errors[0].message
    )
    assert db_state() == before


def test_a_row_of_another_year_is_refused_on_a_year_page():
    tay_bac = Cluster.objects.get(slug="tay-bac")
    report = run(xlsx_file([row("14", 2023)]), cluster=tay_bac, year=2024)
    assert [(e.row, e.column) for e in report.errors] == [(2, "year")]
    assert "Trang này nhập số liệu năm 2024" in report.errors[0].message


def test_a_record_changed_since_the_preview_is_refused():
    make_figures("14", 2024)
    data = xlsx_file([row("14", htx_new=60)])
    preview = run(data, dry_run=True)
    assert preview.seen_versions() == {version_key(figures("14").province_id, 2024): 1}
    son_la = figures("14")
    son_la.version += 1
    son_la.save()
    before = db_state()
    report = run(data, expected_versions=preview.seen_versions())
    assert [(e.row, e.column) for e in report.errors] == [(2, "")]
    assert "đã được thay đổi sau khi bạn xem trước" in report.errors[0].message
    assert db_state() == before


def test_a_record_created_since_the_preview_is_refused():
    data = xlsx_file([row("14")])
    preview = run(data, dry_run=True)
    make_figures("14", 2024, htx_new=1)
    report = run(data, expected_versions=preview.seen_versions())
    assert "đã được thay đổi sau khi bạn xem trước" in report.errors[0].message
    assert figures("14").htx_new == 1


# Bad files ------------------------------------------------------------------------------


def _zip_bomb() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(51):
                member.write(chunk)
    return output.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "so-lieu.xlsx", "Tệp rỗng"),
        (b"", "so-lieu.csv", "Tệp rỗng"),
        (b"\n\n", "so-lieu.csv", "Tệp rỗng"),
        (csv_file([]), "so-lieu.csv", "không có dòng số liệu nào"),
        (xlsx_file([]), "so-lieu.xlsx", "không có dòng số liệu nào"),
        (bytes(range(256)) * 40, "so-lieu.xlsx", "không phải là tệp Excel .xlsx hợp lệ"),
        (csv_file([row("14")]), "so-lieu.xlsx", "không phải là tệp Excel .xlsx hợp lệ"),
        (b"PK\x03\x04" + b"x" * 100, "so-lieu.xlsx", "không phải là tệp Excel .xlsx hợp lệ"),
        (xlsx_file([row("14")]), "so-lieu.csv", "UTF-8"),
        ("province;year\n14;2024".encode("utf-16"), "so-lieu.csv", "UTF-8"),
        (xlsx_file([row("14")]), "so-lieu.xls", "Chỉ nhận tệp Excel .xlsx hoặc tệp .csv"),
        (b"province,year", "so-lieu.txt", "Chỉ nhận tệp Excel .xlsx hoặc tệp .csv"),
        (b"x" * (FIGURES_UPLOAD_MAX_BYTES + 1), "so-lieu.csv", "vượt giới hạn 5 MB"),
        (_zip_bomb(), "so-lieu.xlsx", "khi giải nén vượt 50 MB"),
        (
            xlsx_file([row("14")[:2]], headers=COLUMNS[:2]),
            "so-lieu.xlsx",
            "Thiếu cột: tht_new, tht_total",
        ),
        (
            csv_file([[*row("14"), 1]], headers=[*COLUMNS, "tht_new"]),
            "so-lieu.csv",
            "Cột xuất hiện hơn một lần: tht_new",
        ),
    ],
    ids=[
        "empty-xlsx",
        "empty-csv",
        "blank-csv",
        "header-only-csv",
        "header-only-xlsx",
        "random-bytes-xlsx",
        "csv-renamed-xlsx",
        "broken-zip",
        "xlsx-renamed-csv",
        "utf16-csv",
        "xls",
        "txt",
        "over-5-mb",
        "zip-bomb",
        "missing-columns",
        "duplicate-column",
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(data, filename, message):
    before = db_state()
    report = run(data, filename)
    assert len(report.errors) == 1, report.errors
    error = report.errors[0]
    assert (error.row, error.column) == (None, "")
    assert message in error.message
    assert db_state() == before


def test_missing_columns_are_named():
    headers = [c for c in COLUMNS if c not in ("year", "htx_workers")]
    report = run(csv_file([], headers=headers), "so-lieu.csv")
    assert "Thiếu cột: year, htx_workers." in report.errors[0].message


# The command ----------------------------------------------------------------------------


def test_command_imports_and_prints_a_summary(tmp_path, capsys):
    path = tmp_path / "so-lieu.xlsx"
    path.write_bytes(xlsx_file([row("10"), row("14")]))
    call_command("import_figures", str(path))
    assert "Đã nhập 2 dòng: 2 thêm mới, 0 cập nhật, 0 không đổi." in capsys.readouterr().out
    assert figures("14").history.get().history_user is None


def test_command_dry_run_changes_nothing(tmp_path, capsys):
    path = tmp_path / "so-lieu.csv"
    path.write_bytes(csv_file([row("14")]))
    before = db_state()
    call_command("import_figures", str(path), "--dry-run")
    assert "Chạy thử, chưa lưu gì: 1 dòng: 1 thêm mới" in capsys.readouterr().out
    assert db_state() == before


def test_command_lists_the_errors_and_fails(tmp_path, capsys):
    path = tmp_path / "so-lieu.xlsx"
    path.write_bytes(xlsx_file([row("14"), row("12", tv_reports=-1)]))
    before = db_state()
    with pytest.raises(CommandError, match="Không nhập gì: tệp so-lieu.xlsx có 1 lỗi"):
        call_command("import_figures", str(path))
    assert (
        "Dòng 3, cột tv_reports: Số phóng sự truyền hình không được âm" in capsys.readouterr().err
    )
    assert db_state() == before


def test_command_exits_non_zero_on_bad_input(tmp_path, capsys):
    path = tmp_path / "so-lieu.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(SystemExit) as exit_info:
        ImportCommand().run_from_argv(["manage.py", "import_figures", str(path)])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "Cả tệp: Tệp không phải là tệp Excel .xlsx hợp lệ" in err
    assert "Không nhập gì" in err


def test_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("import_figures", str(tmp_path / "khong-co.xlsx"))


def test_command_refuses_an_unknown_user(tmp_path):
    path = tmp_path / "so-lieu.xlsx"
    path.write_bytes(xlsx_file([row("14")]))
    with pytest.raises(CommandError, match="Không có người dùng “ai-do”"):
        call_command("import_figures", str(path), "--user", "ai-do")
    assert not YearlyFigures.objects.exists()


def test_command_applies_the_rights_of_the_user_given(tmp_path, make_staff):
    make_staff("Sơn La", 2024, username="sonla")
    path = tmp_path / "so-lieu.xlsx"
    path.write_bytes(xlsx_file([row("14"), row("25")]))
    with pytest.raises(CommandError):
        call_command("import_figures", str(path), "--user", "sonla")
    path.write_bytes(xlsx_file([row("14")]))
    call_command("import_figures", str(path), "--user", "sonla")
    assert figures("14").history.get().history_user.username == "sonla"


def test_a_record_created_concurrently_fails_the_file(monkeypatch):
    from provinces.figures import excel_resource

    load = excel_resource._Context.load

    def load_before_the_other_insert(years, *, lock):
        context = load(years, lock=lock)
        context.records.clear()  # as if the record was created right after the file was read
        return context

    make_figures("14", 2024)
    monkeypatch.setattr(excel_resource._Context, "load", load_before_the_other_insert)
    before = db_state()
    report = run(xlsx_file([row("12"), row("14", htx_new=60)]))
    # The rows are written together (one bulk insert), so the clash is the file's.
    assert [(e.row, e.column) for e in report.errors] == [(None, "")]
    assert "vừa bị thay đổi cùng lúc" in report.errors[0].message
    assert db_state() == before
