"""The scoring journey in Chromium: staff self-score with one evidence file and submit;
the chair cross-checks with one difference and its reason; the member contests; the
chair settles and records the meeting; the ranking and the nomination appear; the
scoring PDF downloads."""

import pytest

from tests.scoring_helpers import TAY_BAC_2023, build_agreement, data_for, leaf, self_score

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def login(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("pw-for-tests")
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")


def test_a_year_of_scoring_from_self_score_to_nomination(
    live_server, page, make_staff, screenshot, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_staff("Sơn La", 2023, username="sonla")
    make_staff("Phú Thọ", 2023, username="phutho")
    build_agreement()
    for code in TAY_BAC_2023:
        if code != "14":
            self_score(code, {"II.1": 35 if code == "25" else 20})
    judged = leaf(data_for(), "II.1").pk
    sheet_url = f"{live_server.url}/clusters/tay-bac/2023/scoring/14/"
    overview_url = f"{live_server.url}/clusters/tay-bac/2023/scoring/"

    # Sơn La's staff attach a decision and self-score.
    login(page, live_server, "sonla")
    page.goto(sheet_url)
    evidence = tmp_path / "quyet-dinh-khen-thuong.pdf"
    evidence.write_bytes(PDF)
    form = page.get_by_test_id("evidence-form")
    form.get_by_label("Minh chứng cho tiêu chí").select_option(str(judged))
    form.locator("input[type=file]").set_input_files(str(evidence))
    form.get_by_role("button", name="Tải lên").click()
    page.wait_for_url(sheet_url)
    assert "quyet-dinh-khen-thuong.pdf" in page.get_by_test_id("evidence").inner_text()
    page.locator(f"[name=self-{judged}]").fill("30")
    page.locator(f"[name=just-{judged}]").fill("Tham gia đủ 6 hoạt động của Cụm.")
    page.get_by_role("button", name="Lưu và nộp").click()
    page.wait_for_url(sheet_url)
    assert page.get_by_test_id("sheet-status").inner_text() == "Đã nộp"
    screenshot("scoring-1-submitted")

    # The chair gives 25 with a reason.
    login(page, live_server, "phutho")
    page.goto(sheet_url)
    page.locator(f"[name=cross-{judged}]").fill("25")
    page.locator(f"[name=reason-{judged}]").fill("Chưa tham gia Hội chợ tháng 8.")
    page.get_by_role("button", name="Lưu điểm chấm chéo").click()
    page.wait_for_url(sheet_url)
    assert "1 tiêu chí Cụm chấm khác" in page.get_by_test_id("differences").inner_text()

    # The member contests.
    login(page, live_server, "sonla")
    page.goto(sheet_url)
    page.locator(f"[name=answer-{judged}]").select_option("contest")
    page.locator(f"[name=comment-{judged}]").fill("Có tham gia gian hàng, xem ảnh.")
    page.get_by_role("button", name="Gửi ý kiến").click()
    page.wait_for_url(sheet_url)
    assert page.locator(f"[name=answer-{judged}]").input_value() == "contest"
    assert "Đã gửi ý kiến" in page.get_by_role("alert").inner_text()

    # The chair settles, records the meeting and proposes the leader.
    login(page, live_server, "phutho")
    page.goto(sheet_url)
    assert "Không đồng ý" in page.get_by_test_id("response").inner_text()
    screenshot("scoring-2-contested")
    page.locator(f"[name=settle-{judged}]").fill("27,5")
    page.locator(f"[name=note-{judged}]").fill("Tham gia một phần.")
    page.get_by_role("button", name="Lưu kết luận").click()
    page.wait_for_url(sheet_url)
    assert "27,5" in page.get_by_test_id("sheet-total").inner_text()
    page.goto(overview_url)
    meeting = page.get_by_test_id("meeting-form")
    meeting.get_by_label("Ngày họp bình xét").fill("30/11/2023")
    meeting.get_by_label("Số đại biểu có mặt").fill("7")
    # A secret ballot, the rules' default (emulation/nominations/rules.py): 7 issued,
    # returned and valid, all seven for Phú Thọ.
    for ballots in ("Số phiếu phát ra", "Số phiếu thu về", "Số phiếu hợp lệ"):
        meeting.get_by_label(ballots).fill("7")
    meeting.get_by_label("Phiếu suy tôn: Phú Thọ").fill("7")
    meeting.get_by_role("button", name="Ghi kết quả và khóa điểm").click()
    page.wait_for_url(overview_url)
    ranking = page.get_by_test_id("ranking-row")
    assert "Phú Thọ" in ranking.nth(0).inner_text() and "Sơn La" in ranking.nth(1).inner_text()
    screenshot("scoring-3-ranking")
    propose = page.get_by_test_id("propose-form")
    propose.get_by_label("1. Liên minh HTX tỉnh Phú Thọ").check()
    propose.get_by_role("button", name="Đề nghị").click()
    page.wait_for_url("**/nominations/")
    assert "Liên minh HTX tỉnh Phú Thọ" in page.locator("main").inner_text()
    assert "Xếp thứ 1/7" in page.locator("main").inner_text()

    page.goto(overview_url)
    with page.expect_download() as download:
        page.get_by_test_id("scoring-pdf").click()
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(4) == b"%PDF"
