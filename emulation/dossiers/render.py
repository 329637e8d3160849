"""The dossier's files: each document as .docx (python-docx) and as .pdf through the
annual report's WeasyPrint path (`emulation.reports.render`: its static-only fetcher,
embedded serif font and NĐ 30 stylesheet, loaded once for the whole dossier), both
from the same content, and the zip that holds them all."""

import io
import zipfile

from django.template.loader import render_to_string
from django.utils import translation

from emulation.reports.render import PdfBatch
from emulation.scoring.render import render_summary_pdf
from emulation.scoring.summary_document import SummaryLetterhead
from provinces.organisation.models import Cluster

from .content import MOTTO, Document, Heading, Table, cluster_file_name
from .documents import dossier_documents
from .docx_builder import render_docx
from .letter import letter_for
from .selectors import Dossier


class DossierIncompleteError(Exception):
    """The dossier still misses something; `missing` lists what, in Vietnamese."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(
            "Hồ sơ khen thưởng chưa đủ, chưa thể tải về. Còn thiếu:\n"
            + "\n".join(f"- {text}" for text in missing)
        )


def document_blocks(document: Document) -> list[dict]:
    """The blocks as the template walks them. Column widths are Word's business: the
    PDF's tables size themselves (no inline style: the Content-Security-Policy)."""
    prepared = []
    for block in document.blocks:
        if isinstance(block, Table):
            prepared.append(
                {
                    "kind": "table",
                    "item": block,
                    "rows": [
                        {
                            "bold": row.bold,
                            "cells": [
                                (text, block.align_of(i)) for i, text in enumerate(row.cells)
                            ],
                        }
                        for row in block.rows
                    ],
                }
            )
        elif isinstance(block, Heading):
            prepared.append({"kind": "heading", "item": block})
        else:
            prepared.append({"kind": "para", "item": block})
    return prepared


def render_document_html(document: Document, *, linked_css: bool = True) -> str:
    with translation.override("vi"):
        return render_to_string(
            "dossiers/document.html",
            {
                "doc": document,
                "motto": MOTTO,
                "blocks": document_blocks(document),
                "two_signers": len(document.signers) > 1,
                # every member signs (the agreement): two blocks a row
                "signer_rows": [
                    document.signers[i : i + 2] for i in range(0, len(document.signers), 2)
                ]
                if len(document.signers) > 2
                else None,
                "linked_css": linked_css,
            },
        )


STYLESHEETS = ("css/report.css", "css/dossier.css")


def render_pdfs(pages: list[str]) -> list[bytes]:
    """The PDFs of documents rendered with `linked_css=False`, through the report's
    WeasyPrint path with the stylesheets and fonts loaded once for all of them."""
    batch = PdfBatch(*STYLESHEETS)
    return [batch.render(html) for html in pages]


def summary_pdf(document: Document, *, appendix_of: str = "") -> bytes:
    """The scoring summary's PDF: the scoring package's rendering, the stand-alone
    summary's pages under this dossier's letterhead (number line, place and date, signer)."""
    signer = document.signers[-1]
    letterhead = SummaryLetterhead(
        issuer=document.issuer,
        number_line=document.number_line,
        place_date=document.place_date,
        signer_lines=signer.capacity,
        signer_name=signer.name,
        recipients=document.recipients,
        banner=document.draft_note,
        appendix_of=appendix_of,
    )
    return render_summary_pdf(document.summary_of, letterhead=letterhead)


def dossier_files(dossier: Dossier, *, require_complete: bool = True) -> list[tuple[str, bytes]]:
    """(file name, content) of every document, .docx then .pdf, in dossier order."""
    if require_complete and not dossier.is_complete:
        raise DossierIncompleteError([item.text for item in dossier.missing])
    documents = dossier_documents(dossier)
    batched = iter(
        render_pdfs(
            [
                render_document_html(document, linked_css=False)
                for document in documents
                if document.summary_of is None
            ]
        )
    )
    appendix_of = letter_for(dossier).minutes_reference
    pdfs = [
        summary_pdf(document, appendix_of=appendix_of)
        if document.summary_of is not None
        else next(batched)
        for document in documents
    ]
    files = []
    for document, pdf in zip(documents, pdfs, strict=True):
        files.append((f"{document.filename}.docx", render_docx(document)))
        files.append((f"{document.filename}.pdf", pdf))
    return files


def zip_name(cluster: Cluster, year: int) -> str:
    return f"Ho-so-khen-thuong-{cluster_file_name(cluster)}-{year}.zip"


def dossier_zip(dossier: Dossier) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in dossier_files(dossier):
            archive.writestr(name, content)
    return buffer.getvalue()
