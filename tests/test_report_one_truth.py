"""One truth per cluster-year (issue 21, design.md "Who reads what"): the annual report
counts approved records only, in every format and in its comparison with the year
before, and is the same for every reader; the chair's and admins' working preview counts
the submitted records too and says so in its title, on every PDF page and in its name.

Tây Bắc 2024 (head Lào Cai, vice-head Lai Châu) with records in every state, this year
and the year before. Each persona downloads the page, the PDF, the Excel file and the
API's totals; the `cluster_report` command writes the PDF, the Excel and the HTML file.
The numbers of the records that are not approved are distinctive (9xx.xxx), so that a
report counting them would show them or sums of them.
"""

import functools
import io
import re

import openpyxl
import pypdf
import pytest
from django.core.management import call_command
from django.urls import reverse

from cluster_portal.number_style import format_exact
from provinces.models import FiguresStatus
from tests.api_support import API, bearer, token_for
from tests.factories import make_disbursement, make_figures

# Each persona's HTML is made by the views every time; WeasyPrint runs once per distinct
# page (tests/pdf_memo.py), and a PDF read once is not parsed again (pdf_pages).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdf_memo")]

D, S, R, A = (
    FiguresStatus.DRAFT,
    FiguresStatus.SUBMITTED,
    FiguresStatus.RETURNED,
    FiguresStatus.APPROVED,
)
CLUSTER, YEAR = "tay-bac", 2024
# code: (status, htx_total) in 2024 and in 2023
THIS_YEAR = {
    "11": (A, 600),  # Điện Biên
    "25": (A, 700),  # Phú Thọ
    "17": (A, 800),  # Hòa Bình
    "14": (S, 911111),  # Sơn La, submitted
    "10": (S, 922222),  # Lào Cai (the chair), submitted
    "12": (D, 933333),  # Lai Châu (the vice-head), draft
    "15": (R, 944444),  # Yên Bái, returned
}
LAST_YEAR = {
    "11": (A, 500),
    "25": (A, 650),
    "17": (S, 955555),  # compared with in the preview only
    "14": (A, 400),
    "10": (D, 966666),
}
HIDDEN = [value for status, value in [*THIS_YEAR.values(), *LAST_YEAR.values()] if status != A]
SUBMITTED = [value for status, value in [*THIS_YEAR.values(), *LAST_YEAR.values()] if status == S]
# persona -> (unit name, year) of its staff; "admin"; None: not signed in
PERSONAS = {
    "anonymous": None,
    "other_cluster": ("Cao Bằng", YEAR),
    "own_province": ("Sơn La", YEAR),  # its own submitted record is not counted either
    "member": ("Điện Biên", YEAR),
    "chair": ("Lào Cai", YEAR),
    "vice_head": ("Lai Châu", YEAR),
    "admin": "admin",
}
READERS = ["own_province", "member", "chair", "vice_head", "admin"]


@pytest.fixture
def cluster_year():
    for year, records in ((YEAR, THIS_YEAR), (YEAR - 1, LAST_YEAR)):
        for code, (status, htx_total) in records.items():
            make_figures(code, year, status=status, htx_total=htx_total, htx_new=3)
    make_disbursement("11", "2024-03-05", "120")


@pytest.fixture
def users(make_staff, admin_user):
    return {
        name: admin_user if who == "admin" else make_staff(*who, username=name)
        for name, who in PERSONAS.items()
        if who is not None
    }


def as_persona(client, users, persona):
    client.logout()
    if persona != "anonymous":
        client.force_login(users[persona])
    return client


def article(html: str) -> str:
    """The report itself on its page (the page around it names the reader)."""
    return re.search(r'<article class="report.*?</article>', html, re.S).group()


def pdf_pages(content: bytes) -> list[str]:
    assert content[:5] == b"%PDF-"
    return list(_pdf_text(content))


@functools.lru_cache(maxsize=32)
def _pdf_text(content: bytes) -> tuple[str, ...]:
    """The pages' text of one PDF (the same bytes read by several personas: parsed once)."""
    return tuple(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def excel_values(content: bytes) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    rows = []
    for sheet in book.worksheets:
        rows += [(sheet.title, *row) for row in sheet.iter_rows(values_only=True)]
    return rows


def excel_text(values: list[tuple]) -> str:
    return "\n".join(str(value) for row in values for value in row if value is not None)


def filename(response) -> str:
    return re.search(r'filename="([^"]+)"', response["Content-Disposition"])[1]


def downloads(client, *, preview: bool = False) -> dict:
    prefix = "reports:preview" if preview else "reports:page"
    names = {"page": prefix, "pdf": f"{prefix}-pdf", "xlsx": f"{prefix}-xlsx"}
    if not preview:
        names.update(pdf="reports:pdf", xlsx="reports:xlsx")
    responses = {
        kind: client.get(reverse(name, args=[CLUSTER, YEAR])) for kind, name in names.items()
    }
    return responses


def api_report(client, user, *, preview: bool = False):
    query = "?preview=true" if preview else ""
    headers = bearer(token_for(user)) if user is not None else {}
    return client.get(f"{API}/clusters/{CLUSTER}/{YEAR}/report{query}", headers=headers)


def command_files(tmp_path, *, preview: bool = False) -> dict:
    files = {}
    for fmt in ("pdf", "xlsx", "html"):
        target = tmp_path / f"report{'-preview' if preview else ''}.{fmt}"
        options = {"preview": True} if preview else {}
        call_command(
            "cluster_report", cluster=CLUSTER, year=YEAR, format=fmt, output=str(target), **options
        )
        files[fmt] = target.read_bytes()
    return files


def spelled(numbers) -> list[str]:
    return [format_exact(number) for number in numbers] + [str(number) for number in numbers]


def test_every_reader_and_the_command_get_the_same_report(client, users, cluster_year, tmp_path):
    seen = {}
    for persona in PERSONAS:
        responses = downloads(as_persona(client, users, persona))
        api = api_report(client, users.get(persona))
        if persona == "anonymous":
            assert all(r.status_code == 302 for r in responses.values())
            assert api.status_code == 401
            continue
        if persona == "other_cluster":
            assert all(r.status_code == 404 for r in responses.values())
            assert api.status_code == 404
            continue
        assert all(r.status_code == 200 for r in responses.values()), persona
        assert api.status_code == 200, persona
        assert filename(responses["pdf"]) == "bao-cao-tay-bac-2024.pdf"
        assert filename(responses["xlsx"]) == "bao-cao-tay-bac-2024.xlsx"
        seen[persona] = {
            "page": article(responses["page"].text),
            "pdf": pdf_pages(responses["pdf"].content),
            "xlsx": excel_values(responses["xlsx"].content),
            "api": api.json(),
        }
    assert set(seen) == set(READERS)
    first = seen["own_province"]
    for persona, formats in seen.items():
        for kind in ("page", "pdf", "xlsx", "api"):
            assert formats[kind] == first[kind], (persona, kind)

    # The command writes the same document: its HTML file holds the page's report, its PDF
    # the same text, its workbook the same cells.
    files = command_files(tmp_path)
    assert article(files["html"].decode()) == first["page"]
    assert pdf_pages(files["pdf"]) == first["pdf"]
    assert excel_values(files["xlsx"]) == first["xlsx"]

    # What it says: approved records only, this year and in the comparison.
    text = "\n".join(first["pdf"])
    cells = excel_text(first["xlsx"])
    for shown in (first["page"], text, cells, str(first["api"])):
        for number in spelled(HIDDEN):
            assert number not in shown
    assert first["api"]["totals"]["htx_total"] == 600 + 700 + 800
    assert first["api"]["entered_count"] == first["api"]["approved_count"] == 3
    assert first["api"]["draft"] is True and first["api"]["preview"] is False
    withheld = {p["code"] for p in first["api"]["withheld"]}
    assert withheld == {"14", "10", "12", "15"}
    assert "BẢN DỰ THẢO — số liệu của 3/7 tỉnh đã được duyệt" in text
    assert "So sánh trên 2/7 tỉnh" in text  # Điện Biên and Phú Thọ: approved both years
    assert "BẢN XEM TRƯỚC" not in text + cells + first["page"]
    summary = {row[1]: row for row in first["xlsx"] if row[0] == "Tổng hợp"}
    assert summary["Tổng số HTX (cuối năm)"][3:6] == (2100, 1150, 1300)
    assert "Năm 2023 (so sánh, 2 tỉnh)" in cells


def test_the_working_preview_counts_submitted_records_and_says_so(
    client, users, cluster_year, tmp_path
):
    seen = {}
    for persona in ("chair", "admin"):
        responses = downloads(as_persona(client, users, persona), preview=True)
        assert all(r.status_code == 200 for r in responses.values()), persona
        api = api_report(client, users[persona], preview=True)
        assert api.status_code == 200
        assert filename(responses["pdf"]) == "bao-cao-tay-bac-2024-xem-truoc.pdf"
        assert filename(responses["xlsx"]) == "bao-cao-tay-bac-2024-xem-truoc.xlsx"
        page = responses["page"].text
        assert re.search(r"<title>Bản xem trước làm việc — Báo cáo năm 2024", page)
        assert 'data-testid="preview-title"' in page
        seen[persona] = {
            "page": article(page),
            "pdf": pdf_pages(responses["pdf"].content),
            "xlsx": excel_values(responses["xlsx"].content),
            "api": api.json(),
        }
    assert seen["chair"] == seen["admin"]
    preview = seen["chair"]
    report = article(downloads(client)["page"].text)
    assert preview["page"] != report

    # Every page of the PDF says it is the preview; the Excel sheets too, in title and banner.
    assert len(preview["pdf"]) >= 2
    for page_text in preview["pdf"]:
        assert "BẢN XEM TRƯỚC LÀM VIỆC" in page_text
    for sheet in ("Tổng hợp", "Theo tỉnh"):
        rows = [row for row in preview["xlsx"] if row[0] == sheet]
        assert rows[1][1].startswith("BẢN XEM TRƯỚC LÀM VIỆC — ")
        assert rows[2][1].startswith("BẢN XEM TRƯỚC LÀM VIỆC — tính cả số liệu đã nộp")

    # It counts the submitted records (this year and the year before), never the drafts or
    # returned ones.
    text = "\n".join(preview["pdf"])
    for number in (911111, 922222):  # Sơn La's and Lào Cai's of this year, in the table
        assert format_exact(number) in text and format_exact(number) in preview["page"]
    assert "So sánh trên 4/7 tỉnh" in text  # Hòa Bình's submitted 2023 record compared
    assert "Số liệu năm 2023 chưa được duyệt nhưng đã dùng để so sánh: Hòa Bình." in text
    for number in spelled([v for v in HIDDEN if v not in SUBMITTED]):
        assert number not in text + preview["page"] + excel_text(preview["xlsx"])
    api = preview["api"]
    assert api["preview"] is True
    assert api["totals"]["htx_total"] == 600 + 700 + 800 + 911111 + 922222
    assert {p["code"] for p in api["withheld"]} == {"12", "15"}

    # The command gives it only when asked, with the same text.
    files = command_files(tmp_path, preview=True)
    assert pdf_pages(files["pdf"]) == preview["pdf"]
    assert excel_values(files["xlsx"]) == preview["xlsx"]
    assert article(files["html"].decode()) == preview["page"]
    assert "<title>Bản xem trước làm việc — Báo cáo năm 2024" in files["html"].decode()


@pytest.mark.parametrize("persona", ["anonymous", "other_cluster", "own_province", "member"])
def test_only_the_chair_and_admins_open_the_preview(client, users, cluster_year, persona):
    expected = {"anonymous": 302, "other_cluster": 404}.get(persona, 403)
    for response in downloads(as_persona(client, users, persona), preview=True).values():
        assert response.status_code == expected
    api = api_report(client, users.get(persona), preview=True)
    assert api.status_code == {"anonymous": 401, "other_cluster": 404}.get(persona, 403)


def test_the_vice_head_does_not_open_the_preview(client, users, cluster_year):
    client = as_persona(client, users, "vice_head")
    for response in downloads(client, preview=True).values():
        assert response.status_code == 403
    assert 'data-testid="preview-link"' not in downloads(client)["page"].text


def test_the_preview_is_never_served_from_the_reports_cache(client, users, cluster_year):
    """The report page and files first (cached), then the preview for the same reader:
    the preview's own; and the report again: still the report."""
    client = as_persona(client, users, "chair")
    report = downloads(client)
    assert 'data-testid="preview-link"' in report["page"].text
    preview = downloads(client, preview=True)
    again = downloads(client)
    assert article(preview["page"].text) != article(report["page"].text)
    assert article(again["page"].text) == article(report["page"].text)
    for kind in ("pdf", "xlsx"):
        assert preview[kind].content != report[kind].content, kind
        assert again[kind].content == report[kind].content, kind
    assert format_exact(911111) in preview["page"].text
    assert format_exact(911111) not in again["page"].text
