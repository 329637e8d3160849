"""WeasyPrint run once per test process for each distinct page.

A PDF is a function of its HTML and of the static files the renderer reads (stylesheets,
fonts). Tests that download a document already rendered in this process from the same
HTML (the award dossier asked for again by another test, the URL walk's personas each
downloading the same report or national board) get the bytes of that first render. The
HTML is still made every time, by the same views, selectors and templates, so an error
there still fails the test; only the WeasyPrint step of an identical page is skipped. The
renderers' own checks (STATIC_URL) still run. Tests of the PDF path itself
(test_report.py, test_pdf_production_static.py, test_scoring_outputs.py) do not use this.

Under xdist the PDFs are also kept in the run's shared folder (tests/shared_setup.py), by
a digest of the page: a page one worker rendered is not rendered again by another.
"""

import hashlib
import os
from contextlib import ExitStack, contextmanager
from unittest import mock

from django.conf import settings

from emulation.decisions import documents as decision_documents
from emulation.dossiers import render as dossier_render
from emulation.national import render as national_render
from emulation.reports import render as report_render
from emulation.scoring import render as scoring_render
from tests.shared_setup import Shared

_PDFS: dict[tuple[str, str], bytes] = {}
_render_pdf = report_render.render_pdf
_render_pdfs = dossier_render.render_pdfs


def _kept(kind, pages: list[str], render) -> list[bytes]:
    if settings.STATIC_URL != "/static/":
        return render(pages)  # the renderer refuses: let it say so
    missing = list(dict.fromkeys(html for html in pages if (kind, html) not in _PDFS))
    for html in list(missing):
        if (pdf := _shared(kind, html)) is not None:
            _PDFS[(kind, html)] = pdf
            missing.remove(html)
    if missing:
        for html, pdf in zip(missing, render(missing), strict=True):
            _PDFS[(kind, html)] = pdf
            _share(kind, html, pdf)
    return [_PDFS[(kind, html)] for html in pages]


def _path(kind, html: str):
    digest = hashlib.sha256(repr(kind).encode() + b"\0" + html.encode()).hexdigest()
    return Shared.folder / "pdfs" / f"{digest}.pdf"


def _shared(kind, html: str) -> bytes | None:
    if Shared.folder is None or not (path := _path(kind, html)).exists():
        return None
    return path.read_bytes()


def _share(kind, html: str, pdf: bytes) -> None:
    if Shared.folder is None:
        return
    path = _path(kind, html)
    path.parent.mkdir(exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(pdf)
    partial.replace(path)  # whole or not at all for the other workers


def render_pdf(html: str, css: str = "") -> bytes:
    (pdf,) = _kept(("page", css), [html], lambda pages: [_render_pdf(pages[0], css=css)])
    return pdf


def render_pdfs(pages: list[str]) -> list[bytes]:
    return _kept("dossier", pages, _render_pdfs)


def rendered() -> int:
    """How many distinct pages this process holds in the memo (rendered or shared)."""
    return len(_PDFS)


@contextmanager
def reused_pdfs():
    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(report_render, "render_pdf", render_pdf))
        stack.enter_context(mock.patch.object(scoring_render, "render_pdf", render_pdf))
        stack.enter_context(mock.patch.object(national_render, "render_pdf", render_pdf))
        stack.enter_context(mock.patch.object(dossier_render, "render_pdfs", render_pdfs))
        stack.enter_context(mock.patch.object(decision_documents, "render_pdfs", render_pdfs))
        yield
