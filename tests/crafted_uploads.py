"""The corpus of crafted .xlsx uploads: small files (9 KB to a few hundred KB) whose XML
would make a reader build gigabytes or spend minutes, each generated here (nothing
binary is kept in the repository). Used by tests/test_upload_corpus_bounds.py and
bench/bench_corpus.py; run it to write the files into a folder:

    .venv/bin/python -m tests.crafted_uploads /tmp/corpus
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

DISBURSEMENT_HEADER = ("province", "fund", "date", "borrower", "borrower_type", "amount", "purpose")
DISBURSEMENT_ROW = (
    "14",
    "htx_dev",
    "05/06/2024",
    "HTX Chè Tà Xùa",
    "HTX",
    "1.250",
    "Mua máy sao chè",
)
CRITERIA_HEADER = ("number", "title", "kind", "max_points")
CRITERIA_ROW = ("I", "Công tác tổ chức", "group", "10")

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
SHARED_STRINGS_TYPE = f"{CT}.sharedStrings+xml"


def figures_header() -> tuple[str, ...]:
    from provinces.figures.excel import COLUMNS

    return tuple(COLUMNS)


def figures_row() -> tuple[str, ...]:
    from provinces.figures.spec import CODES
    from tests.factories import GOOD_VALUES

    return ("14", "2024", *(str(GOOD_VALUES[c]) for c in CODES))


def _letters(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def row_xml(number: int, values: Iterable[str], *, r: int | None = None, tail: str = "") -> str:
    """A row of inline strings (as openpyxl writes the templates), then `tail`."""
    cells = "".join(
        f'<c r="{_letters(i)}{number}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
        for i, v in enumerate(values, start=1)
    )
    return f'<row r="{number if r is None else r}">{cells}{tail}</row>'


def _repeat(piece: str, times: int, batch: int = 100_000) -> Iterator[str]:
    while times > 0:
        yield piece * min(batch, times)
        times -= batch


def package(
    sheet_data: Iterable[str],
    *,
    dimension: str | None = "A1:G2",
    styles: Iterable[str] | None = None,
    shared_strings: Iterable[str] | None = None,
    shared_strings_part: str = "xl/sharedStrings.xml",
) -> bytes:
    """A minimal .xlsx (what Excel needs to open it) whose sheet rows are `sheet_data`,
    streamed into the zip so that tens of MB of XML never sit in memory at once."""
    content_types = [
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
        '<Default Extension="xml" ContentType="application/xml"/>',
        f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>',
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>',
    ]
    rels = [f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>']
    if styles is not None:
        content_types.append(f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/>')
        rels.append(f'<Relationship Id="rId2" Type="{REL}/styles" Target="styles.xml"/>')
    if shared_strings is not None:
        content_types.append(
            f'<Override PartName="/{shared_strings_part}" ContentType="{SHARED_STRINGS_TYPE}"/>'
        )
        target = shared_strings_part.removeprefix("xl/")
        rels.append(f'<Relationship Id="rId3" Type="{REL}/sharedStrings" Target="{target}"/>')
    parts: dict[str, Iterable[str]] = {
        "[Content_Types].xml": [
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            f'.org/package/2006/content-types">{"".join(content_types)}</Types>'
        ],
        "_rels/.rels": [
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ],
        "xl/workbook.xml": [
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            '<sheets><sheet name="Sheet" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ],
        "xl/_rels/workbook.xml.rels": [
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
            f"{''.join(rels)}</Relationships>"
        ],
        "xl/worksheets/sheet1.xml": _chain(
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
            + (f'<dimension ref="{dimension}"/>' if dimension else "")
            + "<sheetData>",
            sheet_data,
            "</sheetData></worksheet>",
        ),
    }
    if styles is not None:
        parts["xl/styles.xml"] = styles
    if shared_strings is not None:
        parts[shared_strings_part] = shared_strings
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, chunks in parts.items():
            with archive.open(name, "w", force_zip64=True) as part:
                for chunk in chunks:
                    part.write(chunk.encode())
    return out.getvalue()


def _chain(first: str, middle: Iterable[str], last: str) -> Iterator[str]:
    yield first
    yield from middle
    yield last


def styles_xml(entries: int, xf: str) -> Iterator[str]:
    yield (
        f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        f'</cellStyleXfs><cellXfs count="{entries}">'
    )
    yield from _repeat(xf, entries)
    yield '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    yield "</cellStyles></styleSheet>"


# The crafted files ------------------------------------------------------------------------


@dataclass(frozen=True)
class Crafted:
    """One crafted upload: which import it targets ("disbursements", "figures", "criteria"), the
    reviewer's finding it reproduces, and how to build it."""

    name: str
    kind: str
    finding: str
    build: Callable[[], bytes]

    @property
    def filename(self) -> str:
        return f"{self.name}.xlsx"


def _empty_cells_row(kind_header: tuple[str, ...], cells: int) -> bytes:
    return package(
        [row_xml(1, kind_header), '<row r="2">', *_repeat("<c/>", cells), "</row>"],
        dimension=None,
    )


def _no_dimension_numbers() -> bytes:
    number_row = "".join(f"<c><v>{i % 1000}</v></c>" for i in range(20_000))
    rows = (f'<row r="{n}">{number_row}</row>' for n in range(2, 152))
    return package([row_xml(1, figures_header()), *rows], dimension=None)


def _padded_disbursements() -> bytes:
    padding = "<c/>" * 20_000
    rows = (row_xml(n, DISBURSEMENT_ROW, tail=padding) for n in range(2, 602))
    return package([row_xml(1, DISBURSEMENT_HEADER), *rows], dimension=None)


def _same_row_number(header, row, rows: int) -> Callable[[], bytes]:
    def build() -> bytes:
        body = (row_xml(2, row) for _ in range(rows))
        return package([row_xml(1, header), *body], dimension=None)

    return build


def _styles(xf: str) -> Callable[[], bytes]:
    def build() -> bytes:
        rows = [row_xml(1, DISBURSEMENT_HEADER), row_xml(2, DISBURSEMENT_ROW)]
        return package(rows, styles=styles_xml(600_000, xf))

    return build


def _shared_strings_elsewhere() -> bytes:
    """A good disbursement row whose texts are shared strings, in a part named xl/texts.xml
    (declared in [Content_Types].xml), padded with a million more strings: 30 MB."""
    values = [*DISBURSEMENT_HEADER, *DISBURSEMENT_ROW]
    head = "".join(f"<si><t>{escape(v)}</t></si>" for v in values)
    strings = _chain(
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">' + head,
        _repeat("<si><t>HTX Bản Thử</t></si>", 1_000_000),
        "</sst>",
    )

    def shared_row(number: int, first: int) -> str:
        cells = "".join(
            f'<c r="{_letters(i + 1)}{number}" t="s"><v>{first + i}</v></c>' for i in range(7)
        )
        return f'<row r="{number}">{cells}</row>'

    return package(
        [shared_row(1, 0), shared_row(2, 7)],
        shared_strings=strings,
        shared_strings_part="xl/texts.xml",
    )


CORPUS = [
    Crafted(
        "mot-dong-12-trieu-o-trong",
        "disbursements",
        "one row of 12 M empty cells: +2.9 GB, told 'not a valid .xlsx'",
        lambda: _empty_cells_row(DISBURSEMENT_HEADER, 12_000_000),
    ),
    Crafted(
        "mot-dong-1-trieu-o-trong",
        "disbursements",
        "one row of 1 M empty cells: +307 MB, accepted",
        lambda: _empty_cells_row(DISBURSEMENT_HEADER, 1_000_000),
    ),
    Crafted(
        "mot-dong-2-trieu-o-so-lieu",
        "figures",
        "one row of 2 M cells: +1.3 GB, import_figures --dry-run exits 0",
        lambda: _empty_cells_row(figures_header(), 2_000_000),
    ),
    Crafted(
        "styles-600-nghin-muc",
        "disbursements",
        "styles.xml of 600,000 entries: +1 GB",
        _styles('<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'),
    ),
    Crafted(
        "styles-600-nghin-muc-gon",
        "disbursements",
        "styles.xml of 600,000 entries, 3 MB unzipped (under a size cap alone)",
        _styles("<xf/>"),
    ),
    Crafted(
        "khong-dimension-150-dong-20000-so",
        "figures",
        "no <dimension>, 150 rows of 20,000 numbers: 13-15 s CPU to refuse",
        _no_dimension_numbers,
    ),
    Crafted(
        "600-khoan-vay-20000-o-trong",
        "disbursements",
        "600 disbursement rows padded with 20,000 empty cells: 45 s (web), 86 s (command), "
        "accepted",
        _padded_disbursements,
    ),
    Crafted(
        "cung-so-dong-khoan-vay",
        "disbursements",
        "100,000 disbursement rows all numbered 2: past the row limit, +140 to +359 MB",
        _same_row_number(DISBURSEMENT_HEADER, DISBURSEMENT_ROW, 100_000),
    ),
    Crafted(
        "cung-so-dong-tieu-chi",
        "criteria",
        "100,000 criteria rows all numbered 2: up to 421 s on the criteria page",
        _same_row_number(CRITERIA_HEADER, CRITERIA_ROW, 100_000),
    ),
    Crafted(
        "chuoi-chung-ten-khac",
        "disbursements",
        "30 MB of shared strings in xl/texts.xml: past the 8 MB cap, +286 MB, accepted",
        _shared_strings_elsewhere,
    ),
]


def main(folder: str) -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster_portal.settings")
    django.setup()
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    for crafted in CORPUS:
        data = crafted.build()
        (target / crafted.filename).write_bytes(data)
        print(f"{crafted.filename:45} {len(data) / 1024:8.1f} KB  {crafted.finding}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "crafted-uploads")
