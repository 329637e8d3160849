"""A dossier document as a real Word file (python-docx): named styles for the body,
headings and tables, Times New Roman, A4 with the margins of Nghị định 30/2020/NĐ-CP
(top and bottom 20 mm, left 30 mm, right 15 mm), the header block with its short rules,
and the signer block with "Nơi nhận". A clerk opens it in Word and edits it as any other
document: nothing is an image or a text box."""

import io

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from cluster_portal.docx_fonts import set_font

from .content import MOTTO, Document, Heading, Para, Signer, Table

BODY_PT = 14
ALIGN = {
    "l": WD_ALIGN_PARAGRAPH.LEFT,
    "c": WD_ALIGN_PARAGRAPH.CENTER,
    "r": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
}
NAME_BLANK = "…………………………"  # a name to write by hand under a block of the grid
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}


def _styles(docx) -> None:
    styles = docx.styles
    normal = styles["Normal"]
    set_font(normal, BODY_PT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name, size, italic in (("Heading 1", 13, False), ("Heading 2", 13, True)):
        style = styles[name]
        set_font(style, size, bold=True, italic=italic)
        style.paragraph_format.space_before = Pt(8)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True
    title = styles["Title"]
    set_font(title, 14, bold=True)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(0)
    # The title style draws a rule below by default: remove it.
    for border in title.element.findall(".//" + qn("w:pBdr")):
        border.getparent().remove(border)
    table_text = styles.add_style("Table Text", 1)  # WD_STYLE_TYPE.PARAGRAPH
    table_text.base_style = normal
    set_font(table_text, 11)
    table_text.paragraph_format.space_after = Pt(0)
    table_text.paragraph_format.line_spacing = 1.0
    header_text = styles.add_style("Header Text", 1)
    header_text.base_style = normal
    set_font(header_text, 13)
    header_text.paragraph_format.space_after = Pt(0)
    header_text.paragraph_format.line_spacing = 1.0
    header_text.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _page(docx, *, landscape: bool) -> None:
    section = docx.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    _page_numbers(section)


def _page_numbers(section) -> None:
    """The page number centred in the footer from page 2 on (Nghị định 30/2020: the first
    page carries none): a PAGE field, which Word and LibreOffice fill in, in the footer of
    the pages after the first; the first page's own footer stays empty."""
    section.different_first_page_header_footer = True
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2")):
        run = paragraph.add_run()
        run.font.size = Pt(13)
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text.strip() == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)
    section.first_page_footer.is_linked_to_previous = False


def _styled(container, style_id: str | None = None):
    """A new paragraph in `container` with the paragraph style `style_id`, set on the
    XML directly: python-docx resolves a style by name through every style of the
    document each time, which costs more than the rest of the document."""
    paragraph = container.add_paragraph()
    _set_style(paragraph, style_id)
    return paragraph


def _set_style(paragraph, style_id: str | None) -> None:
    if style_id:
        paragraph._p.get_or_add_pPr().style = style_id


def _run(paragraph, text: str, *, size=None, bold=False, italic=False):
    """A run that takes its font from the paragraph style; only what differs is set."""
    run = paragraph.add_run(text)
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if size is not None:
        run.font.size = Pt(size)
    return run


def _widths(table, widths) -> None:
    """Fixed column widths: Word and LibreOffice read the grid, python-docx writes the
    cells; set both, and switch autofit off so that neither is recomputed."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _rule(cell, *, indent_cm: float) -> None:
    """The short horizontal rule under the issuing body and the motto: an empty paragraph
    with a bottom border, indented from both sides."""
    paragraph = _styled(cell, "HeaderText")
    paragraph.paragraph_format.left_indent = Cm(indent_cm)
    paragraph.paragraph_format.right_indent = Cm(indent_cm)
    run = paragraph.add_run()
    run.font.size = Pt(2)
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.append(border)


def _line(cell, text: str, *, bold=False, italic=False, size=13, first=False, align="c"):
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    _set_style(paragraph, "HeaderText")
    paragraph.alignment = ALIGN[align]
    _run(paragraph, text, size=None if size == 13 else size, bold=bold, italic=italic)
    return paragraph


def _header(docx, document: Document, width_cm: float) -> None:
    table = docx.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [Cm(width_cm * 0.42), Cm(width_cm * 0.58)])
    left, right = table.rows[0].cells
    for index, text in enumerate(document.issuer):
        last = index == len(document.issuer) - 1
        _line(left, text, bold=last, first=index == 0, size=12)
    _rule(left, indent_cm=width_cm * 0.42 / 3)
    _line(left, document.number_line, size=13)
    _line(right, MOTTO[0], bold=True, size=12, first=True)
    _line(right, MOTTO[1], bold=True, size=13)
    _rule(right, indent_cm=width_cm * 0.58 / 4.2)
    paragraph = _line(right, document.place_date, italic=True, size=13)
    paragraph.paragraph_format.space_before = Pt(6)


def _table(docx, block: Table, width_cm: float, grid, *, last: bool = False) -> None:
    table = docx.add_table(rows=1, cols=len(block.headers))
    table.style = grid
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    size = None if block.font_size == 11 else block.font_size
    total = sum(block.widths)
    widths = [Cm(width_cm * w / total) for w in block.widths]
    header = table.rows[0]
    # Repeat the header row on every page.
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for index, text in enumerate(block.headers):
        cell = header.cells[index]
        paragraph = cell.paragraphs[0]
        _set_style(paragraph, "TableText")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, text, size=size, bold=True)
        shading = OxmlElement("w:shd")
        for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", "F1F1F1")):
            shading.set(qn(key), value)
        cell._tc.get_or_add_tcPr().append(shading)
    for row in block.rows:
        cells = table.add_row().cells
        for index, text in enumerate(row.cells):
            cell = cells[index]
            paragraph = cell.paragraphs[0]
            _set_style(paragraph, "TableText")
            paragraph.alignment = ALIGN[block.align_of(index)]
            _run(paragraph, text, size=size, bold=row.bold)
    _widths(table, widths)
    if last:  # the last rows of a closing table go to the next page with the signature
        for row in table.rows[-2:]:
            for cell in row.cells:
                cell.paragraphs[0].paragraph_format.keep_with_next = True
    _styled(docx, "TableText")


def _signer_cell(cell, signer: Signer, *, size: int = 13, grid: bool = False) -> None:
    """One signer block, the same in every document: the capacity lines in bold capitals,
    room to sign, the name in bold. In a grid of blocks (the agreement) every block has
    its name line, empty where nobody is named, and a line after it, so that each name
    stands under its own block."""
    for index, text in enumerate(signer.capacity):
        _line(cell, text, bold=True, first=index == 0, size=size)
    for _ in range(4):
        _line(cell, "", size=size)
    if signer.name or grid:
        _line(cell, signer.name or NAME_BLANK, bold=bool(signer.name), size=size)
    if grid:
        _line(cell, "", size=size)
        _line(cell, "", size=size)


def _signature(docx, document: Document, width_cm: float) -> None:
    signers = document.signers
    if len(signers) > 2:  # every member signs (the agreement): two blocks a row
        rows = [signers[i : i + 2] for i in range(0, len(signers), 2)]
        table = docx.add_table(rows=len(rows), cols=2)
        _no_borders(table)
        _widths(table, [Cm(width_cm * 0.5), Cm(width_cm * 0.5)])
        for row, pair in zip(table.rows, rows, strict=True):
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            for cell, signer in zip(row.cells, pair, strict=False):
                _signer_cell(cell, signer, size=12, grid=True)
        return
    two = len(signers) > 1
    table = docx.add_table(rows=2 if two and document.recipients else 1, cols=2)
    _no_borders(table)
    _widths(table, [Cm(width_cm * 0.45), Cm(width_cm * 0.55)])
    for row in table.rows:  # a signer block never breaks across two pages
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    first = table.rows[0].cells
    for cell, signer in zip(first, signers if two else [None, *signers], strict=False):
        if signer is not None:
            _signer_cell(cell, signer)
    if document.recipients:
        cell = table.rows[1].cells[0] if two else first[0]
        _line(cell, "Nơi nhận:", bold=True, italic=True, size=12, first=not two, align="l")
        for text in document.recipients:
            _line(cell, text, size=11, align="l")


def render_docx(document: Document) -> bytes:
    docx = new_docx()
    _styles(docx)
    _page(docx, landscape=document.landscape)
    width_cm = (297 if document.landscape else 210) / 10 - 4.5  # minus left + right margins
    properties = docx.core_properties
    properties.title = f"{document.kind.capitalize()} {document.subject}"
    properties.author = document.issuer[-1]
    properties.language = "vi-VN"
    if document.draft_note:
        paragraph = _styled(docx)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = _run(paragraph, document.draft_note, size=11, bold=True)
        run.font.color.rgb = RGBColor(0xA4, 0x16, 0x1A)
    grid = docx.styles["Table Grid"]
    _header(docx, document, width_cm)
    kind = _styled(docx, "Title")
    kind.add_run(document.kind)
    kind.paragraph_format.space_before = Pt(12)
    subject = _styled(docx)
    subject.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(subject, document.subject, bold=True)
    if document.salutation:
        paragraph = _styled(docx)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(6)
        paragraph.add_run(document.salutation)
    for block in document.blocks:
        if isinstance(block, Heading):
            _styled(docx, f"Heading{block.level}").add_run(block.text)
        elif isinstance(block, Table):
            _table(docx, block, width_cm, grid, last=block is document.blocks[-1])
        elif isinstance(block, Para):
            paragraph = _styled(docx)
            paragraph.alignment = ALIGN[block.align]
            if block.indent:
                paragraph.paragraph_format.first_line_indent = Cm(1)
            run = paragraph.add_run(block.text)
            run.bold, run.italic = block.bold or None, block.italic or None
    if docx.paragraphs:  # the last lines travel with the signature to a new page
        docx.paragraphs[-1].paragraph_format.keep_with_next = True
    _signature(docx, document, width_cm)
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()
