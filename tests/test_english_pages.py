"""In English, no page says anything in Vietnamese but the data people typed.

Each demo persona (an admin, a province's staff, the chair of 2024, the chair of 2025)
signs in with the language set to English and walks the portal from the home page,
following its links (a few pages per view, the downloads, the admin, the API and the
language switch left out). Of every page the visible text is read (text nodes, the
title, placeholders, labels for assistive technology, button values), less what the
database holds as data: names of units, clusters, cooperatives, people, award types,
typed reasons and notes (every text column of every model). What remains must hold no
Vietnamese letter (a letter outside ASCII: ă, ơ, đ, ế…).

The allowlist is the markup's own: an element marked `lang="vi"` is Vietnamese on
purpose, and says so to the browser. Two kinds are marked: the body of the annual
report, an official Vietnamese document (the page around it follows the chosen
language), and the language switch's own names."""

import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import Resolver404, resolve

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data", "pdf_memo")]

PERSONAS = ["admin", "phutho", "laocai", "laichau"]
PAGES_PER_VIEW = 3  # the same view with other arguments renders the same template
LEFT_OUT = re.compile(r"^/(admin/|api/v1/|i18n/|accounts/logout/|healthz/|static/)")
DOWNLOAD = re.compile(r"(/pdf/|/xlsx/|/download/|\.(xlsx|csv|json|pdf)$|/evidence/)")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID |= {"track", "wbr"}
HIDDEN = {"script", "style", "template", "noscript"}
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
VIETNAMESE = re.compile(r"[^\x00-\x7f]")


class PageText(HTMLParser):
    """The visible texts of a page (outside `lang="vi"` elements) and its links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.language = None  # the page's own, <html lang>

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.language = attrs.get("lang")
        skipped = self.skipping or tag in HIDDEN or (tag != "html" and attrs.get("lang") == "vi")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if not skipped and attrs.get("type") != "hidden":
            self.texts += [attrs[name] for name in SHOWN_ATTRIBUTES if attrs.get(name)]
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.texts.append(attrs["value"])
        if tag not in VOID:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(data.strip())


def data_values() -> list[str]:
    """Every non-ASCII text the database holds in a text column, longest first."""
    values = set()
    for model in apps.get_models():
        if model._meta.app_label not in ("provinces", "emulation"):
            continue
        columns = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        if columns:
            for row in model._default_manager.values_list(*columns):
                values.update(v.strip() for v in row if v and VIETNAMESE.search(v))
    # A person's name as pages show it, and a unit's alliance as its name says it
    # (Province.alliance_name: the organisation's proper name, printed as it is).
    for user in get_user_model().objects.all():
        values.add(user.get_full_name())
    Province = apps.get_model("provinces", "Province")
    values.update(province.alliance_name for province in Province.objects.all())
    pieces = {piece for value in values for piece in value.splitlines() if piece.strip()}
    return sorted(values | {p.strip() for p in pieces}, key=len, reverse=True)


def vietnamese_left(texts: list[str], data: list[str]) -> list[str]:
    left = []
    for text in texts:
        text = " ".join(text.split())
        if not VIETNAMESE.search(text):
            continue
        for value in data:
            if value in text:
                text = text.replace(value, "▯").replace("▯", " ")
        if re.search(r"[^\W\d_]", text) and VIETNAMESE.search(re.sub(r"[^\w]", "", text)):
            left.append(text)
    return left


def view_of(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def walk(client) -> dict[str, list[str]]:
    """Path -> the Vietnamese left on it, for every page reached from home."""
    data = data_values()
    seen, per_view, found = set(), defaultdict(int), {}
    queue = ["/"]
    while queue:
        path = queue.pop(0)
        view = view_of(path)
        if path in seen or view is None or per_view[view] >= PAGES_PER_VIEW:
            continue
        seen.add(path)
        per_view[view] += 1
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        page = PageText()
        page.feed(response.content.decode())
        left = vietnamese_left(page.texts, data)
        if page.language != "en":
            left.insert(0, f"<html lang={page.language!r}>")
        if left:
            found[path] = left
        for href in page.links:
            link = urlsplit(href)
            if link.netloc or not link.path.startswith("/"):
                continue
            if not LEFT_OUT.match(link.path) and not DOWNLOAD.search(link.path):
                queue.append(link.path + (f"?{link.query}" if link.query else ""))
    assert len(seen) > 20, seen
    return found


@pytest.mark.parametrize("username", PERSONAS)
def test_no_vietnamese_is_left_in_english(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    client.cookies["django_language"] = "en"
    assert walk(client) == {}


def test_the_signed_out_pages_are_english_too(client):
    client.cookies["django_language"] = "en"
    data = data_values()
    found = {}
    for path in ("/accounts/login/", "/accounts/password_reset/"):
        page = PageText()
        page.feed(client.get(path).content.decode())
        if left := vietnamese_left(page.texts, data):
            found[path] = left
    assert found == {}


def test_the_walk_sees_vietnamese_in_a_vietnamese_page(client):
    """The check can fail: the same walk in Vietnamese finds the interface's own words."""
    client.force_login(get_user_model().objects.get(username="phutho"))
    page = PageText()
    page.feed(client.get("/").content.decode())
    assert "Trang chủ" in vietnamese_left(page.texts, data_values())


def test_the_report_page_follows_the_language_and_keeps_the_document_vietnamese(client):
    """The page around the annual report is English; the report inside it, an official
    Vietnamese document (as its PDF and Excel files are), stays Vietnamese and says so."""
    client.force_login(get_user_model().objects.get(username="phutho"))
    client.cookies["django_language"] = "en"
    html = client.get("/reports/tay-bac/2023/").content.decode()
    page = PageText()
    page.feed(html)
    assert page.language == "en"
    assert "Download PDF" in page.texts and "Home" in page.texts
    document = html[html.index('<div lang="vi">') :]
    assert "BÁO CÁO" in document and "Tổng kết công tác thi đua năm 2023" in document
    assert 'data-testid="document-language"' in html
