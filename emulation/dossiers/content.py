"""The dossier's documents as plain data: one content source that the Word builder
(`docx_builder.py`) and the HTML → PDF path (`render.py`) both lay out, so that the .docx
and the .pdf of a document always say the same thing.

The layout follows Nghị định 30/2020/NĐ-CP: issuing body top-left with a short rule and
the number-and-symbol line below it, the national motto top-right with the place and
date below it, the kind of document and its subject centred, the body, then the signer
block and "Nơi nhận".

Numbers are written by `cluster_portal.number_style`, as on every page and in every other
document: scores with `format_points`, figures with their data-dictionary decimals
(`format_indicator`), percentages with `format_percent`.
"""

import functools
from dataclasses import dataclass, field

from django.utils import translation

from cluster_portal.number_style import two_digits  # noqa: F401 - the documents' import

# The letterhead's parts live with the annual report, shared with the scoring summary.
from emulation.reports.letterhead import MOTTO as MOTTO
from emulation.reports.letterhead import NUMBER_BLANK as NUMBER_BLANK
from emulation.reports.letterhead import VCA as VCA
from emulation.reports.letterhead import cluster_issuer as cluster_issuer
from emulation.reports.letterhead import cluster_symbol as cluster_symbol
from emulation.reports.letterhead import number_line as number_line
from emulation.reports.letterhead import place_date as place_date
from provinces.organisation.models import Cluster, fold_accents


def in_vietnamese(build):
    """A document builder run in Vietnamese, whatever the reader's language: the texts it
    takes from gettext (a nominee's name, the vote threshold of the rules) are printed in
    the official document as Vietnamese (the page around it follows the reader)."""

    @functools.wraps(build)
    def built(*args, **kwargs):
        with translation.override("vi"):
            return build(*args, **kwargs)

    return built


@dataclass
class Heading:
    text: str
    level: int = 1  # 1: "I. ...", bold; 2: "1. ...", bold italic


@dataclass
class Para:
    text: str
    indent: bool = True  # first-line indent of body text
    bold: bool = False
    italic: bool = False
    align: str = "justify"  # justify | center | left


@dataclass
class Row:
    cells: list[str]
    bold: bool = False


@dataclass
class Table:
    headers: list[str]
    rows: list[Row]
    widths: list[float]  # relative column widths
    align: str = ""  # one letter per column: l, c, r (default: l then r)
    font_size: float = 11
    name: str = ""  # a CSS class for the PDF's column widths (Word uses `widths`)

    def align_of(self, index: int) -> str:
        if index < len(self.align):
            return self.align[index]
        return "l" if index == 0 else "r"


@dataclass
class Signer:
    capacity: list[str]  # "TM. CỤM THI ĐUA", "CỤM TRƯỞNG"…, printed bold
    name: str = ""


@dataclass
class Document:
    filename: str  # without extension, ASCII, no spaces
    issuer: list[str]  # the last line is the issuing body itself, bold, with a short rule
    number_line: str
    place_date: str
    kind: str  # TỜ TRÌNH, BIÊN BẢN, BÁO CÁO…
    subject: str
    blocks: list = field(default_factory=list)
    signers: list[Signer] = field(default_factory=list)  # the last one signs on the right
    recipients: list[str] = field(default_factory=list)
    salutation: str = ""  # "Kính gửi: …"
    landscape: bool = False
    draft_note: str = ""  # shown on top when the dossier is not complete
    # The scoring summary's scoring (ScoringYear): its PDF is the scoring package's one
    # rendering of the summary (render_summary_pdf), its Word file these blocks.
    summary_of: object = None

    @property
    def text(self) -> str:
        """Every word of the document, for tests and search."""
        parts = [*self.issuer, self.number_line, *MOTTO, self.place_date, self.kind]
        parts += [self.subject, self.salutation]
        for block in self.blocks:
            if isinstance(block, Table):
                parts += block.headers
                parts += [cell for row in block.rows for cell in row.cells]
            else:
                parts.append(block.text)
        for signer in self.signers:
            parts += [*signer.capacity, signer.name]
        return "\n".join(parts + self.recipients)


# Words --------------------------------------------------------------------------------


def ascii_name(text: str) -> str:
    """ "HTX DVNN và điện năng Vĩnh Lại" -> "HTX-DVNN-va-dien-nang-Vinh-Lai": a file name
    without accents or spaces, the capitals of the original kept."""
    folded = []
    for ch in text:
        plain = fold_accents(ch)
        folded.append(plain.upper() if ch.isupper() and plain else plain)
    words = "".join(c if c.isalnum() else " " for c in "".join(folded)).split()
    return "-".join(words)


def cluster_file_name(cluster: Cluster) -> str:
    """tay-bac -> "Cum-Tay-Bac"."""
    return "Cum-" + "-".join(part.capitalize() for part in cluster.slug.split("-"))
