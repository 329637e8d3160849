"""The news post as a Word file (python-docx): Times New Roman, the title in capitals,
the lead in bold, the body justified, each photo's place and its caption in italics, for
the clerk who pastes the post into the alliance's website or sends it to the press."""

import io
import re

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from cluster_portal.docx_fonts import set_font as _font

# What Word's XML cannot hold (lxml refuses it: the export would fail): a control character
# pasted into the chair's text (Word's own line break is \x0b); the edit form refuses them,
# a text saved elsewhere (the admin, before that rule) loses them here.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(text: str) -> str:
    return _NOT_XML.sub(" ", text)


def render_post_docx(post) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    _font(document.styles["Normal"], 13)
    document.core_properties.title = _text(post.title)
    document.core_properties.language = "vi-VN"

    # A heading (Word's navigation, a website's editor pasting it), in the post's font.
    heading = document.styles["Heading 1"]
    _font(heading, 15, bold=True)
    heading.paragraph_format.space_before, heading.paragraph_format.space_after = Pt(0), Pt(10)
    title = document.add_paragraph(style=heading)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(_text(post.shown_title.upper())), 15, bold=True)
    lead = document.add_paragraph()
    lead.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _font(lead.add_run(_text(post.shown_lead)), 13, bold=True)
    for caption, paragraphs in post.sections:
        if caption:
            place = document.add_paragraph()
            place.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(place.add_run("[Ảnh]"), 11, italic=True)
            line = document.add_paragraph()
            line.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(line.add_run(_text(caption)), 12, italic=True)
        for text in paragraphs:
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.first_line_indent = Mm(10)
            _font(paragraph.add_run(_text(text)), 13)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
