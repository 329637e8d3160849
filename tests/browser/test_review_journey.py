"""The alliance's review round trip in Chromium (issue 26): the chair sends the dossier,
the reviewer returns it with a reason, the chair has the report fixed and sends again, the
reviewer accepts, records the decision, whose .docx and PDF open; the award appears on the
public page (no login) and in the register. Screenshots of the review page and the public
page at 1366 and 390 px."""

import datetime
import io

import pytest
from docx import Document as open_docx
from pypdf import PdfReader

from emulation.dossiers.models import AchievementReport
from emulation.models import AwardRecord, DossierReview, LegalBasis
from emulation.reports.reference import load_legal_basis
from tests.dossier_helpers import _seed_demo_year, patch_scoring

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests"
WIDTHS = (1366, 390)


def open_as(browser, live_server, username: str):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def shots(page, directory, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(directory / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_the_review_round_trip_to_the_public_page(live_server, browser, screenshot_dir):
    from django.contrib.auth import get_user_model

    _seed_demo_year(PASSWORD)
    load_legal_basis(LegalBasis)
    vca = get_user_model().objects.get(username="vca")  # the demo's national user
    assert vca.staff_profile.national
    base = live_server.url
    with patch_scoring():
        chair = open_as(browser, live_server, "phutho")
        chair.goto(f"{base}/clusters/tay-bac/2023/dossier/review/")
        chair.get_by_role("button", name="Gửi hồ sơ tới Liên minh HTX Việt Nam").click()
        assert chair.get_by_test_id("review-state").inner_text() == "Đã gửi Liên minh HTX Việt Nam"

        reviewer = open_as(browser, live_server, "vca")
        reviewer.goto(f"{base}/national/2023/reviews/")
        reviewer.get_by_role("link", name="các tỉnh Tây Bắc").click()
        reviewer.get_by_role("button", name="Nhận thẩm định").click()
        assert reviewer.get_by_test_id("review-state").inner_text() == "Đang thẩm định"
        reviewer.get_by_role("button", name="Trả lại hồ sơ").click()  # no reason: refused
        assert "Cần ghi lý do trả lại" in reviewer.locator(".alert-danger[role=alert]").inner_text()
        reviewer.get_by_label("Lý do trả lại").fill(
            "Báo cáo thành tích của HTX NN Hảo Anh chưa ghi họ tên người ký."
        )
        reviewer.get_by_role("button", name="Trả lại hồ sơ").click()
        assert reviewer.get_by_test_id("review-state").inner_text() == "Trả lại để bổ sung"

        chair.reload()
        assert "chưa ghi họ tên người ký" in chair.get_by_test_id("return-reason").inner_text()
        # The chair sends the report back to its province, which signs it and submits it.
        chair.goto(f"{base}/clusters/tay-bac/2023/achievement-reports/")
        chair.get_by_role("row", name="HTX NN Hảo Anh").get_by_role("link").click()
        report_url = chair.url
        chair.get_by_label("Trả lại để tỉnh sửa").fill("Ghi họ tên người ký.")
        chair.get_by_role("button", name="Trả lại", exact=True).click()
        province = open_as(browser, live_server, "laocai")
        province.goto(report_url)
        province.locator("#id_signer_name").fill("Hoàng Văn Ký")
        province.get_by_test_id("submit-report").click()
        assert (
            "Đã nộp báo cáo thành tích"
            in province.locator(".alert-success[role=alert]").inner_text()
        )

        # The 2023 dossier goes back in January 2024 (the demo's year; the test runs later):
        # the report resubmitted then, and the letter, never dated before what it encloses,
        # dated again by the chair.
        AchievementReport.objects.filter(submitted_at__year__gt=2024).update(
            submitted_at=datetime.datetime(2024, 1, 8, 9, 0, tzinfo=datetime.UTC)
        )
        chair.goto(f"{base}/clusters/tay-bac/2023/dossier/settings/")
        chair.get_by_label("Ngày tờ trình (dd/mm/yyyy)").fill("10/01/2024")
        chair.get_by_role("button", name="Lưu thiết lập").click()
        chair.goto(f"{base}/clusters/tay-bac/2023/dossier/review/")
        chair.get_by_role("button", name="Gửi lại hồ sơ").click()  # no note: refused
        assert (
            "ghi rõ đã bổ sung, sửa những gì"
            in chair.locator(".alert-danger[role=alert]").inner_text()
        )
        chair.get_by_label("Ghi chú gửi kèm").fill("Đã bổ sung họ tên người ký báo cáo.")
        chair.get_by_role("button", name="Gửi lại hồ sơ").click()
        assert chair.get_by_test_id("review-state").inner_text() == "Đã gửi Liên minh HTX Việt Nam"

        reviewer.reload()
        reviewer.get_by_role("button", name="Nhận thẩm định").click()
        assert (
            reviewer.get_by_test_id("nominee-check").count() == 10
        )  # the article's eight collectives, a person, a household
        shots(reviewer, screenshot_dir, "review-page")
        reviewer.get_by_role("button", name="Chấp thuận hồ sơ").click()
        assert reviewer.get_by_test_id("review-state").inner_text() == "Đã thẩm định, chấp thuận"
        assert DossierReview.objects.get().history.count() == 6

        reviewer.goto(f"{base}/national/2023/decisions/")
        flag = reviewer.get_by_test_id("decision-form-emulation-flag")
        flag.get_by_label("Số quyết định").fill("125/QĐ-LMHTXVN")
        flag.get_by_label("Ngày quyết định (dd/mm/yyyy)").fill("15/03/2024")
        flag.get_by_label("Họ và tên người ký").fill("Nguyễn Văn Chủ")
        flag.get_by_role("button", name="Ghi quyết định").click()
        assert (
            "Đã ghi quyết định khen thưởng"
            in reviewer.locator(".alert-success[role=alert]").inner_text()
        )
        docx_link = reviewer.get_by_test_id("decision-docx").get_attribute("href")
        docx = open_docx(io.BytesIO(reviewer.request.get(base + docx_link).body()))
        assert any("Điều 1. Tặng Cờ thi đua" in p.text for p in docx.paragraphs)
        pdf_link = reviewer.get_by_test_id("decision-pdf").get_attribute("href")
        pdf_bytes = reviewer.request.get(base + pdf_link).body()
        assert "125/QĐ-LMHTXVN" in PdfReader(io.BytesIO(pdf_bytes)).pages[0].extract_text()
        certificates_link = reviewer.get_by_test_id("certificates").get_attribute("href")
        certificates = reviewer.request.get(base + certificates_link).body()
        assert len(PdfReader(io.BytesIO(certificates)).pages) == 3
        (screenshot_dir / "decision.pdf").write_bytes(pdf_bytes)
        (screenshot_dir / "certificates.pdf").write_bytes(certificates)

    public = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = public.new_page()
    page.goto(f"{base}/public/awards/2023/")  # nobody signed in
    table = page.get_by_test_id("public-awards").inner_text()
    assert "Liên minh Hợp tác xã tỉnh Phú Thọ" in table and "125/QĐ-LMHTXVN" in table
    assert "Bằng khen" not in table  # the certificates are not decided yet
    shots(page, screenshot_dir, "public-awards")
    assert AwardRecord.objects.filter(decision_number="125/QĐ-LMHTXVN").count() == 3
    chair.goto(f"{base}/awards/2023/25/")
    assert "125/QĐ-LMHTXVN" in chair.locator("main").inner_text()
