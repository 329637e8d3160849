"""The demo tells the same story on every page for every persona (issue 21).

The demo's cluster-years with records not yet approved (Tây Bắc 2024: chair Lào Cai,
vice-head Lai Châu; the northern cluster's 2025: chair Lai Châu, no vice-head) are read
as every demo persona would: the annual report's page, PDF, Excel file and the API's
totals are one document for every reader who may read it, and their key numbers (HTX and
THT totals, "x/N đã được duyệt") agree across the formats. The working preview is the
chair's and the admins' only. The comparison's notes say the same in every format and
speak only of the members the report counts.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cluster_portal import access
from cluster_portal.number_style import format_exact
from provinces.models import FiguresStatus, YearlyFigures
from provinces.organisation.selectors import ProvinceYear, term_of_member
from tests.api_support import API, bearer, token_for
from tests.test_report_one_truth import article, excel_text, excel_values, pdf_pages

# Each persona's HTML is made by the views every time; WeasyPrint runs once per distinct
# page (tests/pdf_memo.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdf_memo")]

# cluster-year: the demo users who read its report, and those who may open its preview
YEARS = {
    ("tay-bac", 2024): {
        "readers": ["admin", "laocai", "laichau", "sonla", "dienbien", "phutho", "hoabinh"],
        "preview": ["admin", "laocai"],
        "outsiders": ["caobang", "langson", "tuyenquang"],
    },
    ("mien-nui-phia-bac-1", 2025): {
        "readers": ["admin", "laichau", "sonla", "caobang", "phutho", "hoabinh", "yenbai"],
        "preview": ["admin", "laichau"],
        "outsiders": [],
    },
}


def _users():
    return {user.username: user for user in get_user_model().objects.all()}


def _read(client, user, slug, year, *, preview=False):
    client.logout()
    if user is not None:
        client.force_login(user)
    prefix = "reports:preview" if preview else "reports:page"
    names = {"page": prefix, "pdf": f"{prefix}-pdf", "xlsx": f"{prefix}-xlsx"}
    if not preview:
        names.update(pdf="reports:pdf", xlsx="reports:xlsx")
    responses = {kind: client.get(reverse(name, args=[slug, year])) for kind, name in names.items()}
    query = "?preview=true" if preview else ""
    headers = bearer(token_for(user)) if user is not None else {}
    responses["api"] = client.get(f"{API}/clusters/{slug}/{year}/report{query}", headers=headers)
    return responses


def _document(responses) -> dict:
    return {
        "page": article(responses["page"].text),
        "pdf": pdf_pages(responses["pdf"].content),
        "xlsx": excel_values(responses["xlsx"].content),
        "api": responses["api"].json(),
    }


def _spaced(text: str) -> str:
    text = re.sub(r"</?strong>", "", text)
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


@pytest.mark.parametrize(("slug", "year"), list(YEARS))
def test_the_demo_report_is_one_document_for_every_persona(client, demo_data, slug, year):
    users = _users()
    personas = YEARS[(slug, year)]
    seen = {}
    for name in personas["readers"]:
        responses = _read(client, users[name], slug, year)
        assert {kind: r.status_code for kind, r in responses.items()} == dict.fromkeys(
            responses, 200
        ), name
        seen[name] = _document(responses)
    first_name = personas["readers"][0]
    first = seen[first_name]
    for name, formats in seen.items():
        for kind in ("page", "pdf", "xlsx", "api"):
            assert formats[kind] == first[kind], (name, kind)
    for name in personas["outsiders"]:
        responses = _read(client, users[name], slug, year)
        assert {r.status_code for r in responses.values()} == {404}, name
    anonymous = _read(client, None, slug, year)
    assert [r.status_code for r in anonymous.values()] == [302, 302, 302, 401]

    # The key numbers agree across the formats.
    api = first["api"]
    assert api["preview"] is False and api["draft"] is True
    pdf, cells, page = "\n".join(first["pdf"]), first["xlsx"], _spaced(first["page"])
    banner = (
        f"BẢN DỰ THẢO — số liệu của {api['approved_count']}/{api['member_count']} tỉnh đã "
        "được duyệt"
    )
    assert banner in page and banner in " ".join(pdf.split()) and banner in excel_text(cells)
    for code in ("htx_total", "tht_total", "htx_new", "tht_new", "htx_members"):
        shown = format_exact(api["totals"][code])
        assert shown in page and shown in pdf, code
        assert any(api["totals"][code] in row for row in cells), code
    withheld = ", ".join(p["name"] for p in api["withheld"])
    assert f"chưa đưa vào báo cáo: {withheld}." in page

    # The working preview: the chair of the year and the admins, and it says what it is.
    previews = {}
    for name in personas["readers"]:
        responses = _read(client, users[name], slug, year, preview=True)
        if name in personas["preview"]:
            assert {r.status_code for r in responses.values()} == {200}, name
            previews[name] = _document(responses)
        else:
            assert {r.status_code for r in responses.values()} == {403}, name
    one, other = previews.values()
    assert one == other
    assert one["api"]["preview"] is True and one["api"] != api
    assert all("BẢN XEM TRƯỚC LÀM VIỆC" in text for text in one["pdf"])


def test_the_demo_report_notes_only_members_it_compares(client, demo_data):
    """2025: Phú Thọ (merged from Hòa Bình, Phú Thọ, Vĩnh Phúc) has figures submitted, not
    approved: the report neither counts nor compares it, so it says nothing of comparing
    it; Lào Cai and Tuyên Quang are counted but have no approved figures of 2024 to be
    compared with, which the page, the PDF and the Excel file say alike. The working
    preview compares Phú Thọ and Lào Cai in part (Vĩnh Phúc's and Lào Cai's 2024 figures
    are not in the portal)."""
    users = _users()
    report = _document(_read(client, users["sonla"], "mien-nui-phia-bac-1", 2025))
    page, pdf = _spaced(report["page"]), " ".join(" ".join(report["pdf"]).split())
    cells = excel_text(report["xlsx"])
    for text in (page, pdf, cells):
        assert "Phú Thọ (thành lập sau sáp nhập)" not in text
        assert "so sánh một phần" not in text
        for name, units in (
            ("Lào Cai", "Lào Cai, Yên Bái"),
            ("Tuyên Quang", "Hà Giang, Tuyên Quang"),
        ):
            note = (
                f"{name} (thành lập sau sáp nhập) được so sánh với tổng số liệu năm 2024 của "
                f"{units}; không có số liệu để so sánh."
            )
            assert note in text, (name, text[-2000:])
        assert "không có số liệu năm 2024 để so sánh cho Lào Cai, Tuyên Quang." in text

    preview = _document(_read(client, users["laichau"], "mien-nui-phia-bac-1", 2025, preview=True))
    page, cells = _spaced(preview["page"]), excel_text(preview["xlsx"])
    for text in (page, cells):
        assert "Phú Thọ (thành lập sau sáp nhập)" in text
        assert "Lào Cai, Yên Bái; so sánh một phần" in text


def test_the_demo_records_are_sent_by_their_own_units_staff(demo_data):
    """A record is sent by the staff of the unit of that name (Phú Thọ's staff for the
    merged Phú Thọ of 2025, not Hòa Bình's, merged into it), and judged by another unit."""

    sent = YearlyFigures.objects.exclude(submitted_by=None).select_related(
        "province", "submitted_by__staff_profile__province", "approved_by"
    )
    assert sent.count() >= 17
    for figures in sent:
        assert figures.submitted_by.staff_profile.province.name == figures.province.name, (
            figures.year,
            figures.province.name,
            figures.submitted_by.username,
        )
        assert figures.approved_by != figures.submitted_by


def test_the_demo_records_history_tells_who_did_what_and_when(demo_data):
    """A record's history: its own staff enters it (on the demo's calendar, not the day
    the demo was loaded); an approval or a return is a second entry, by the chair, the
    vice-head for the chair's own unit, never by the unit's own staff (four eyes)."""

    judged = 0
    for figures in YearlyFigures.objects.select_related("province"):
        entries = list(figures.history.order_by("history_date").select_related("history_user"))
        first = entries[0]
        assert first.history_user.staff_profile.province.name == figures.province.name
        assert first.history_date.year <= figures.year + 1
        if figures.status in (FiguresStatus.APPROVED, FiguresStatus.RETURNED):
            assert [e.status for e in entries] == [FiguresStatus.SUBMITTED, figures.status]
            judge = entries[1].history_user
            term = term_of_member(figures.province, figures.year)
            py = ProvinceYear(figures.province, figures.year, term=term)
            assert access.own_unit_refusal(judge, py, "approve") is None, figures
            assert entries[1].history_date > first.history_date
            judged += 1
        else:
            assert len(entries) == 1
    assert judged == 21  # 13 approved, 2 returned; the illustrative cluster's 6 approved


def test_a_returned_demo_record_says_it_was_returned_by_its_judge(client, demo_data):
    """The edit form of a returned record names who returned it: Lạng Sơn's 2025 record
    by the chair (Lai Châu), Lào Cai's 2024 record, the chair's own, by the vice-head (Lai
    Châu); the demo said each was returned by its own staff."""
    users = _users()
    for username, url in (
        ("langson", "/figures/2025/20/edit/"),
        ("laocai", "/figures/2024/10/edit/"),
    ):
        client.force_login(users[username])
        page = _spaced(client.get(url).text)
        assert "Số liệu bị trả lại bởi Cán bộ LMHTX Lai Châu" in page, url
