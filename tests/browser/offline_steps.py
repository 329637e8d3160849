"""The steps the offline-entry browser tests share (issue 27): a phone-sized context,
signing in, typing into the yearly figures form offline, and what the browser keeps."""

STORED = """async () => {
  const dbs = (await indexedDB.databases()).map((d) => d.name);
  const pages = (await caches.keys()).filter((n) => n.startsWith("offline-pages-"));
  return {dbs, pages};
}"""

# The drafts in the page's own store (its connection, which yields to another tab's
# deletion; a raw connection opened here would hold the store against the page).
DRAFTS = """async () => {
  await window.portalOffline.owned;
  const store = await window.portalOffline.db();
  return (await store.getAll("drafts")).map((d) => ({user: d.user, values: d.values}));
}"""

# The users' keys the kept pages are filed under (offline-pages-<key>).
KEPT_FOR = """async () => (await caches.keys())
  .filter((n) => n.startsWith("offline-pages-")).map((n) => n.slice("offline-pages-".length))"""


def new_phone(browser, **options):
    """A page in a fresh context at a phone's width (390 px); `options` go to the context."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("pw-for-tests")
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")


def open_form(page, live_server, code: str = "14") -> str:
    url = f"{live_server.url}/figures/2024/{code}/edit/"
    page.goto(url)
    page.wait_for_selector("html[data-offline-ready]", state="attached")
    return url


def open_form_then_go_offline(page, live_server, code: str = "14") -> str:
    url = open_form(page, live_server, code)
    page.context.set_offline(True)
    page.locator("[name=tht_new]").fill("120")
    page.locator("[name=htx_new]").fill("45")
    page.get_by_test_id("offline-saved").wait_for()
    return url
