"""The agreement (giao ước thi đua) of a cluster-year as Word and PDF files, linked from
the scoring page and the dossier page, served through the document cache
(cluster_portal/documents.py) like the other documents; who reads it:
`access_awards.can_read_agreement` (every member once signed, the draft the chair's)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.decorators.http import conditional_page, require_safe

from cluster_portal.access_awards import can_read_agreement
from cluster_portal.documents import Document, admin_log, document_response, history_of
from emulation.conference.models import Conference
from emulation.reports.models import LegalBasis
from emulation.scoring.selectors import scoring_year
from emulation.scoring.sources import scoring_sources
from provinces.figures.sources import the_cluster
from provinces.organisation.lookups import cluster_year_for

from .agreement import agreement_document
from .docx_builder import render_docx
from .render import render_document_html, render_pdfs

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def agreement_sources(slug: str, year: int) -> list:
    """The scoring's sources (agreement, criteria, targets, terms, members, the year's
    conference), the conference of the year before (where it was signed: its place and
    the chairs' names) and the legal basis (the admin's, logged)."""
    return [
        *scoring_sources(slug, year),
        history_of(Conference, cluster__in=the_cluster(slug), year=year - 1),
        admin_log(LegalBasis),
    ]


def _agreement_file(request, cluster: str, year: int, extension: str):
    def checked_and_made() -> Document:
        cluster_obj, members, term = cluster_year_for(request, cluster, year)
        data = scoring_year(cluster_obj, year, members=members, term=term)
        if data.agreement is None:
            raise Http404
        if not can_read_agreement(request.user, term, signed=data.agreement.is_signed):
            raise PermissionDenied
        document = agreement_document(data)
        if extension == "docx":
            content = render_docx(document)
        else:
            content = render_pdfs([render_document_html(document, linked_css=False)])[0]
        return Document(f"{document.filename}.{extension}", CONTENT_TYPES[extension], content)

    return document_response(
        request,
        name=f"agreement.{extension}",
        parts=(cluster, year),
        sources=lambda: agreement_sources(cluster, year),
        make=checked_and_made,
    )


@login_required
@require_safe
@conditional_page
def agreement_docx(request, cluster: str, year: int):
    return _agreement_file(request, cluster, year, "docx")


@login_required
@require_safe
@conditional_page
def agreement_pdf(request, cluster: str, year: int):
    return _agreement_file(request, cluster, year, "pdf")
