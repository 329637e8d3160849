"""Turning a ClusterReport into HTML and PDF (WeasyPrint); Excel: report_xlsx."""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils import translation

from emulation.reports.charts import Series, bar_chart
from emulation.reports.selectors import ClusterReport
from emulation.reports.xlsx import render_report_xlsx

__all__ = ["render_report_html", "render_report_pdf", "render_report_xlsx", "report_charts"]

STATIC_PREFIX = "file:///static/"


def report_charts(report: ClusterReport) -> dict:
    names = [line.province.name for line in report.lines]
    previous_year = report.year - 1
    return {
        "members": bar_chart(
            title=f"Số HTX và THT của các tỉnh năm {report.year}",
            categories=names,
            series=[
                Series(
                    "Tổng số HTX",
                    [line.figures.htx_total if line.figures else None for line in report.lines],
                ),
                Series(
                    "Tổng số THT",
                    [line.figures.tht_total if line.figures else None for line in report.lines],
                ),
            ],
            unit="đơn vị",
            decimals=0,
        ),
        "comparison": bar_chart(
            title=f"Tổng số HTX năm {report.year} so với năm {previous_year}",
            categories=names,
            series=[
                Series(
                    f"Năm {report.year}",
                    [line.figures.htx_total if line.figures else None for line in report.lines],
                ),
                Series(
                    f"Năm {previous_year}",
                    [
                        line.previous["htx_total"] if line.previous else None
                        for line in report.lines
                    ],
                ),
            ],
            unit="HTX",
            decimals=0,
        ),
    }


def render_report_html(
    report: ClusterReport, *, document: bool = True, request=None, extra=None
) -> str:
    """The report as a document (for the PDF), or as the body of its page. The document is
    Vietnamese whatever the reader's language (an official document, Nghị định 30/2020);
    on the page, what is around it (breadcrumb, buttons, notes) follows the reader's
    language and the document inside keeps its own (_report_page_body.html)."""
    context = {"report": report, "charts": report_charts(report), **(extra or {})}
    if not document:
        return render_to_string("reports/_report_page_body.html", context, request=request)
    with translation.override("vi"):
        return render_to_string("reports/report_document.html", context, request=request)


def static_file_bytes(relative: str) -> bytes | None:
    """A static file by the name a page links it under: the source folders (the finders)
    first, then the static storage, which alone knows the hashed names `{% static %}`
    writes in production (`css/report.1a2b3c.css`, and the fonts its url()s name after
    collectstatic rewrote them)."""
    found = finders.find(relative)
    if found:
        return Path(found).read_bytes()
    if staticfiles_storage.exists(relative):
        with staticfiles_storage.open(relative) as file:
            return file.read()
    return None


def _static_fetcher():
    """The one WeasyPrint URL fetcher of every PDF the portal makes (report, scoring
    summary, dossier documents): it reads the portal's own static files and nothing else,
    no network, no file outside the static folders and the static storage."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(STATIC_PREFIX):
                raise ValueError(f"refusing {url!r}: the report may only use static files")
            relative = url[len(STATIC_PREFIX) :].split("?")[0].split("#")[0]
            if relative.startswith("/") or ".." in Path(relative).parts:
                raise ValueError(f"refusing {url!r}")
            content = static_file_bytes(relative)
            if content is None:
                raise ValueError(f"no static file {relative!r}")
            mime = mimetypes.guess_type(relative)[0] or "application/octet-stream"
            return URLFetcherResponse(url, content, {"Content-Type": mime})

    return StaticOnlyFetcher()


def render_pdf(html: str, css: str = "") -> bytes:
    """The PDF of a report page whose static URLs start with /static/; `css`, rules
    computed for this document (a user stylesheet: important rules win)."""
    from weasyprint import CSS, HTML

    if settings.STATIC_URL != "/static/":
        raise RuntimeError(f"render_pdf expects STATIC_URL '/static/', not {settings.STATIC_URL!r}")
    stylesheets = [CSS(string=css)] if css else None
    document = HTML(string=html, base_url="file:///", url_fetcher=_static_fetcher())
    return document.write_pdf(stylesheets=stylesheets)


class PdfBatch:
    """Several documents through the same path as `render_pdf`, sharing one font
    configuration and stylesheets parsed once (`stylesheets`: paths under /static/): the
    HTML then carries no <link> of its own. Saves a quarter of the time of a dossier."""

    def __init__(self, *stylesheets: str):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        if settings.STATIC_URL != "/static/":
            raise RuntimeError(
                f"PdfBatch expects STATIC_URL '/static/', not {settings.STATIC_URL!r}"
            )
        self.fetcher = _static_fetcher()
        self.fonts = FontConfiguration()
        self.stylesheets = [
            CSS(url=STATIC_PREFIX + path, url_fetcher=self.fetcher, font_config=self.fonts)
            for path in stylesheets
        ]

    def render(self, html: str) -> bytes:
        from weasyprint import HTML

        document = HTML(string=html, base_url="file:///", url_fetcher=self.fetcher)
        return document.write_pdf(stylesheets=self.stylesheets, font_config=self.fonts)


def render_report_pdf(report: ClusterReport) -> bytes:
    return render_pdf(render_report_html(report))
