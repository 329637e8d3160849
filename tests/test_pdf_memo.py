"""The tests' PDF memo (tests/pdf_memo.py): WeasyPrint runs once for each distinct page,
a page that differs is rendered again, and the renderers' own refusal still speaks."""

import uuid
from unittest import mock

import pytest

from emulation.dossiers import render as dossier_render
from emulation.reports import render as report_render
from emulation.scoring import render as scoring_render
from tests import pdf_memo, shared_setup


def page() -> str:
    return f"<p>{uuid.uuid4()}</p>"


def test_a_page_is_rendered_once_and_another_page_again():
    fake = mock.Mock(side_effect=lambda html, css="": f"PDF {html}".encode())
    first, second = page(), page()
    with pdf_memo.reused_pdfs(), mock.patch.object(pdf_memo, "_render_pdf", fake):
        assert report_render.render_pdf(first) == f"PDF {first}".encode()
        assert scoring_render.render_pdf(first) == f"PDF {first}".encode()
        assert report_render.render_pdf(second) == f"PDF {second}".encode()
    assert [call.args for call in fake.call_args_list] == [(first,), (second,)]


def test_a_dossier_renders_only_the_documents_not_seen_yet():
    fake = mock.Mock(side_effect=lambda pages: [f"PDF {html}".encode() for html in pages])
    a, b, c = page(), page(), page()
    with pdf_memo.reused_pdfs(), mock.patch.object(pdf_memo, "_render_pdfs", fake):
        assert dossier_render.render_pdfs([a, b, a]) == [f"PDF {x}".encode() for x in (a, b, a)]
        assert dossier_render.render_pdfs([b, c]) == [f"PDF {x}".encode() for x in (b, c)]
    assert [call.args for call in fake.call_args_list] == [([a, b],), ([c],)]


def test_the_renderers_still_refuse_another_static_url(settings):
    settings.STATIC_URL = "/assets/"
    with pdf_memo.reused_pdfs():
        with pytest.raises(RuntimeError, match="render_pdf expects STATIC_URL"):
            report_render.render_pdf(page())
        with pytest.raises(RuntimeError, match="PdfBatch expects STATIC_URL"):
            dossier_render.render_pdfs([page()])


def test_outside_the_memo_the_real_renderers_are_back():
    with pdf_memo.reused_pdfs():
        assert report_render.render_pdf is pdf_memo.render_pdf
    assert report_render.render_pdf is pdf_memo._render_pdf
    assert scoring_render.render_pdf is pdf_memo._render_pdf
    assert dossier_render.render_pdfs is pdf_memo._render_pdfs


def test_a_page_another_worker_rendered_is_read_from_the_runs_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(shared_setup.Shared, "folder", tmp_path)
    fake = mock.Mock(side_effect=lambda html, css="": f"PDF {html}".encode())
    first = page()
    with pdf_memo.reused_pdfs(), mock.patch.object(pdf_memo, "_render_pdf", fake):
        assert report_render.render_pdf(first) == f"PDF {first}".encode()
        monkeypatch.setattr(pdf_memo, "_PDFS", {})  # as in another worker
        assert report_render.render_pdf(first) == f"PDF {first}".encode()
        assert report_render.render_pdf(first, css="p {}") == f"PDF {first}".encode()
    # once for the page, once more with another stylesheet: not for the second worker
    assert [call.args for call in fake.call_args_list] == [(first,), (first,)]
    assert len(list((tmp_path / "pdfs").glob("*.pdf"))) == 2
