"""The report as one self-contained HTML file (`cluster_report --format html`): the
stylesheets the document links are written into it, and the fonts they name are written
into those as data: URLs, each cut down to the characters the report uses, so that the
file opened from disk looks as the report does on the site, with no /static/ to fetch."""

import base64
import html as html_lib
import io
import posixpath
import re

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from emulation.reports.selectors import ClusterReport

from .render import report_charts, static_file_bytes

LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)"(?: media="([^"]+)")?>')
URL = re.compile(r'url\("?([^")]+)"?\)')
FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}


def _subset_font(content: bytes, text: str) -> tuple[bytes, str]:
    """The font with the glyphs of `text` only (and the digits and punctuation a page
    adds), as WOFF2: a few dozen kilobytes instead of half a megabyte."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(content))
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text + "0123456789.,;:-–—−%()/ …")
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue(), "font/woff2"


def _inline_css(path: str, text: str) -> str:
    """The stylesheet at static `path`, its url()s made data: URLs."""
    css = static_file_bytes(path).decode()
    folder = posixpath.dirname(path)

    def data_url(match: re.Match) -> str:
        target = posixpath.normpath(posixpath.join(folder, match.group(1)))
        content = static_file_bytes(target)
        if content is None:
            raise ValueError(f"no static file {target!r}")
        extension = posixpath.splitext(target)[1]
        mime = FONT_TYPES.get(extension, "application/octet-stream")
        if extension in (".ttf", ".otf"):
            content, mime = _subset_font(content, text)
        return f'url("data:{mime};base64,{base64.b64encode(content).decode()}")'

    return URL.sub(data_url, css)


def self_contained(html: str) -> str:
    """`html` with each stylesheet it links from /static/ written into it."""
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", html))
    static = settings.STATIC_URL

    def style(match: re.Match) -> str:
        href, media = match.group(1), match.group(2)
        if not href.startswith(static):
            return match.group(0)
        css = _inline_css(href[len(static) :].split("?")[0], text)
        return f'<style media="{media}">{css}</style>' if media else f"<style>{css}</style>"

    return LINK.sub(style, html)


def render_report_standalone_html(report: ClusterReport) -> str:
    """The report's page as a file of its own, styled as on the site."""
    with translation.override("vi"):
        context = {"report": report, "charts": report_charts(report), "standalone": True}
        html = render_to_string("reports/report_document.html", context)
    return self_contained(html)
