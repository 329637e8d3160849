"""The one font rule of every Word file the portal writes (python-docx): Times New Roman,
black, named for every script so that Vietnamese letters never fall back to another face."""

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

FONT = "Times New Roman"


def set_font(style_or_run, size: float | None = None, bold=None, italic=None) -> None:
    """Times New Roman on a style or a run; size, bold and italic only where given."""
    font = style_or_run.font
    font.name = FONT
    font.color.rgb = RGBColor(0, 0, 0)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    # Word picks the East Asian / complex-script font separately: name it too, and drop
    # the theme fonts that would win over it.
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
