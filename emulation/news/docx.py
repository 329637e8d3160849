"""The news post as a Word file (python-docx): Times New Roman, the title in capitals,
the lead in bold, the body justified, each photo's place and its caption in italics, for
the clerk who pastes the post into the alliance's website or sends it to the press."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from cluster_portal.docx_fonts import set_font as _font


def render_post_docx(post) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    _font(document.styles["Normal"], 13)
    document.core_properties.title = post.title
    document.core_properties.language = "vi-VN"

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(post.title.upper()), 15, bold=True)
    lead = document.add_paragraph()
    lead.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _font(lead.add_run(post.lead), 13, bold=True)
    for caption, paragraphs in post.sections:
        if caption:
            place = document.add_paragraph()
            place.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(place.add_run("[Ảnh]"), 11, italic=True)
            line = document.add_paragraph()
            line.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(line.add_run(caption), 12, italic=True)
        for text in paragraphs:
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.first_line_indent = Mm(10)
            _font(paragraph.add_run(text), 13)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
