"""The conference record's "Thêm dòng" in Chromium (static/js/formset.js): one blank row
on a new record, a row added from the formset's empty form, all saved in the order shown."""

from emulation.models import Conference
from tests.browser.test_journeys import login


def test_the_chair_adds_attendee_rows_and_they_are_saved_in_order(live_server, page, make_staff):
    make_staff("Phú Thọ", 2023, username="chair2023")
    login(page, live_server, "chair2023")
    page.goto(f"{live_server.url}/clusters/tay-bac/2023/conference/edit/")
    rows = page.locator('[data-formset-rows="attendees"] [data-formset-row]')
    assert rows.count() == 1  # the server's three blank rows, kept to one
    assert page.input_value("#id_attendees-TOTAL_FORMS") == "1"
    page.fill("#id_ordinal", "XII")
    page.fill("#id_date", "30/11/2023")
    page.fill("#id_venue", "Phú Thọ")
    page.select_option("#id_host", index=1)
    page.fill("#id_attendees-0-name", "An")
    page.get_by_role("button", name="Thêm dòng").first.click()
    assert page.evaluate("document.activeElement.id") == "id_attendees-1-name"
    page.keyboard.type("Bình")
    assert page.input_value("#id_attendees-TOTAL_FORMS") == "2"
    page.get_by_role("button", name="Lưu biên bản").click()
    page.wait_for_url(f"{live_server.url}/clusters/tay-bac/2023/conference/")
    conference = Conference.objects.get(cluster__slug="tay-bac", year=2023)
    assert list(conference.attendees.values_list("name", "order")) == [("An", 1), ("Bình", 2)]


# Each select's room for text against its longest option, in the select's own font.
SELECT_ROOM = """() => Array.from(document.querySelectorAll('main select')).map(s => {
  const pen = document.createElement('canvas').getContext('2d');
  const style = getComputedStyle(s);
  pen.font = style.font;
  const longest = Math.max(...Array.from(s.options).map(o => pen.measureText(o.text).width));
  const room = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return [s.name, Math.ceil(longest), Math.floor(room)];
})"""


def test_the_proposal_selects_show_their_whole_text_on_a_desktop(live_server, page, make_staff):
    make_staff("Phú Thọ", 2023, username="staff2023")
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "staff2023")
    page.goto(f"{live_server.url}/clusters/tay-bac/2023/nominations/")
    selects = page.evaluate(SELECT_ROOM)
    names = {name for name, _, _ in selects}
    assert {"award_type", "cooperative_kind", "alliance"} <= names, selects
    assert [s for s in selects if s[1] > s[2]] == [], selects
