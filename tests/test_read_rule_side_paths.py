"""The read rule on every side path: another member's figures are readable once approved;
the chair of the year and admins read every state.

Distinctive numbers are planted in records that are not approved (htx_total 911111 and
up). Each persona then fetches every page and file that shows figures: the year pages, the
record pages (with their previous-year column, merged predecessors included), the report
page, its PDF (text via pypdf) and Excel file (cells via openpyxl), and the exports (xlsx,
csv); no response may contain a number the persona may not read. The forbidden numbers
are written out below per persona (an oracle independent of the code under test).
"""

import functools
import io
import re
from decimal import Decimal

import openpyxl
import pypdf
import pytest
from django.urls import reverse

from cluster_portal.number_style import format_exact
from provinces.models import FiguresStatus
from tests.factories import make_figures

# A persona's PDF is rendered once per test process for each distinct page
# (tests/pdf_memo.py): personas shown the same report get the same PDF.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdf_memo")]

D, S, R, A = (
    FiguresStatus.DRAFT,
    FiguresStatus.SUBMITTED,
    FiguresStatus.RETURNED,
    FiguresStatus.APPROVED,
)
# 2024, Tây Bắc (head Lào Cai). code: (status, htx_total)
PLANTED_2024 = {
    "14": (D, 911111),  # Sơn La, draft
    "12": (S, 922222),  # Lai Châu, submitted
    "15": (S, 933333),  # Yên Bái, submitted (merged into the new Lào Cai in 2025)
    "10": (R, 944444),  # Lào Cai, returned (merged into the new Lào Cai in 2025)
    "17": (D, 955555),  # Hòa Bình, draft (merged into the new Phú Thọ in 2025)
}
APPROVED_2024 = ["11", "25"]  # Điện Biên, Phú Thọ
# 2025, Cụm số 1 (head Lai Châu): every member approved, so staff may download the report
# and its previous-year columns are the side path under test.
MEMBERS_2025 = ["04", "08", "11", "12", "14", "15", "20", "25"]
# What the new units compare with: sums of their predecessors' 2024 figures.
MERGED_SUMS = [944444 + 933333, 955555 + 600]

# persona -> (user's province name, year it is valid) and the 2024 planted codes it may read
PERSONAS = {
    "anonymous": (None, set()),
    "other_province": (("Điện Biên", 2024), set()),
    "other_cluster_2024": (("Cao Bằng", 2024), set()),
    "own_province": (("Sơn La", 2024), {"14"}),
    "own_merged_unit": (("Yên Bái", 2024), {"15"}),
    "chair_2025": (("Lai Châu", 2024), {"12"}),
    "chair_2024": (("Lào Cai", 2024), set(PLANTED_2024)),
    "admin": ("admin", set(PLANTED_2024)),
    "national": ("national", set()),  # Liên minh HTX Việt Nam: every cluster, approved only
}
BIG = re.compile(r"\d{1,3}(?:\.\d{3})+|\d+")


@pytest.fixture
def planted():
    for code, (status, value) in PLANTED_2024.items():
        make_figures(code, 2024, status=status, htx_total=value, htx_new=1)
    for code in APPROVED_2024:
        make_figures(code, 2024, status=A, htx_total=600)
    for code in MEMBERS_2025:
        make_figures(code, 2025, status=A, htx_total=700)


@pytest.fixture
def login(client, make_staff, admin_user, make_national):
    def as_persona(persona: str):
        who = PERSONAS[persona][0]
        if who == "admin":
            client.force_login(admin_user)
        elif who == "national":
            client.force_login(make_national())
        elif who is not None:
            client.force_login(make_staff(*who, username=persona))
        return client

    return as_persona


def urls() -> list[str]:
    pages = []
    for cluster, year, codes in (
        ("tay-bac", 2024, [*PLANTED_2024, *APPROVED_2024]),
        ("mien-nui-phia-bac-1", 2025, MEMBERS_2025),
    ):
        pages += [
            reverse("figures:cluster-year", args=[cluster, year]),
            reverse("reports:page", args=[cluster, year]),
            reverse("reports:pdf", args=[cluster, year]),
            reverse("reports:xlsx", args=[cluster, year]),
            reverse("figures:export", args=[cluster, year, "xlsx"]),
            reverse("figures:export", args=[cluster, year, "csv"]),
            *[reverse("figures:detail", args=[year, code]) for code in codes],
        ]
    return pages


def text_of(response) -> str:
    """What a person sees in the response: the page, the PDF's text, the cells."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        return pdf_text(content)
    if "spreadsheetml" in kind:
        workbook = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
        cells = []
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                for value in row:
                    if isinstance(value, float) and value.is_integer():
                        value = int(value)
                    if isinstance(value, int | float | Decimal) or value is not None:
                        cells.append(str(value))
        return "\n".join(cells)
    return content.decode("utf-8", errors="replace")


@functools.cache
def pdf_text(content: bytes) -> str:
    """The text of a PDF (the same bytes, the same text: read once per process)."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def spellings(number: int) -> list[str]:
    return [str(number), format_exact(number)]


def forbidden_for(persona: str) -> list[int]:
    readable = PERSONAS[persona][1]
    planted = [value for code, (_, value) in PLANTED_2024.items() if code not in readable]
    sums = MERGED_SUMS if len(readable) < len(PLANTED_2024) else []
    return planted + sums


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_no_response_holds_a_number_the_persona_may_not_read(planted, login, persona):
    client = login(persona)
    forbidden = forbidden_for(persona)
    reads_none = not PERSONAS[persona][1]
    leaks, opened = [], 0
    for url in urls():
        response = client.get(url)
        if response.status_code != 200:
            assert response.status_code in (302, 403, 404), (url, response.status_code)
            continue
        opened += 1
        text = text_of(response)
        for number in forbidden:
            if any(spelling in text for spelling in spellings(number)):
                leaks.append(f"{url}: {number}")
        if reads_none:
            # Nor any sum built from them: no legitimate value here reaches 900.000.
            for found in BIG.findall(text):
                value = int(found.replace(".", ""))
                if 900_000 <= value < 10_000_000:
                    leaks.append(f"{url}: {found}")
    assert not leaks, f"{persona} sees figures it may not read:\n" + "\n".join(leaks)
    if persona != "anonymous":
        assert opened >= 6  # the year pages, reports and exports were really read
    if persona == "national":  # every page of both clusters, the approved records' too
        assert opened == len(urls()) - len(PLANTED_2024)


@pytest.mark.parametrize("persona", ["chair_2024", "admin"])
def test_the_chairs_and_admins_working_preview_shows_submitted_records_marked(
    planted, login, persona
):
    """The report counts approved records only, for them too (issue 21); their working
    preview adds the submitted ones, marked, never the drafts or returned ones."""
    client = login(persona)
    report = client.get(reverse("reports:page", args=["tay-bac", 2024])).text
    for _, value in PLANTED_2024.values():
        assert format_exact(value) not in report
    preview = client.get(reverse("reports:preview", args=["tay-bac", 2024])).text
    for status, value in PLANTED_2024.values():
        assert (format_exact(value) in preview) is (status == S)
    assert "(đã nộp)" in preview and "(bản nháp)" not in preview


@pytest.mark.parametrize("persona", ["own_province", "chair_2024"])
def test_a_draft_report_names_the_members_whose_figures_are_not_approved(planted, login, persona):
    """The same note for every reader, its own province included: its own draft is not
    counted in the report either."""
    page = login(persona).get(reverse("reports:page", args=["tay-bac", 2024])).text
    note = re.search(r'data-testid="withheld-note">([^<]*)<', page)[1]
    for name in ("Lai Châu", "Yên Bái", "Lào Cai", "Hòa Bình", "Sơn La"):
        assert name in note
    assert format_exact(911111) not in page


def test_the_previous_year_of_a_merged_unit_names_what_is_withheld(planted, login):
    page = login("other_cluster_2024").get(reverse("figures:detail", args=[2025, "15"])).text
    assert 'data-testid="previous-withheld"' in page
    assert "Lào Cai" in page and "Yên Bái" in page


def test_national_staff_get_no_working_preview(planted, login):
    client = login("national")
    for name in ("reports:preview", "reports:preview-pdf", "reports:preview-xlsx"):
        assert client.get(reverse(name, args=["tay-bac", 2024])).status_code == 403


@pytest.mark.parametrize("persona", ["other_province", "national"])
def test_the_year_page_offers_xem_only_where_the_record_opens(planted, login, persona):
    client = login(persona)
    page = client.get(reverse("figures:cluster-year", args=["tay-bac", 2024])).text
    offered = set(re.findall(r'href="/figures/2024/(\d\d)/"', page))
    assert offered == {"11", "25"}  # the approved ones (Điện Biên's own among them)
    for code in offered:
        assert client.get(reverse("figures:detail", args=[2024, code])).status_code == 200
    for code in set(PLANTED_2024):
        assert client.get(reverse("figures:detail", args=[2024, code])).status_code == 404
