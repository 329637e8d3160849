"""The first sheet of an uploaded .xlsx, read within bounds checked before work is done.

An .xlsx is a zip of XML parts, and a few KB of it can unzip into XML that would make a
reader build gigabytes or spend minutes (one row of 12 million empty `<c/>`, a styles
part of 600,000 entries, rows that all claim the same number). So:

- the zip's declared sizes are summed before anything is unzipped; every part read is
  found as openpyxl finds it ([Content_Types].xml, then the workbook's relationships,
  whatever the part is named) and capped by its unzipped size and its number of XML
  elements before it is parsed; the parts the import does not need (other sheets,
  drawings, properties, external links) are never parsed;
- the styles part is read only for what the cells need (which styles are dates), as a
  stream: no style objects are built;
- the sheet is streamed (the standard library's C parser, element by element, each
  dropped as soon as it is read), with no need for a `<dimension>`: every row is
  counted as it is read, whatever number it claims (and rows must go down the sheet),
  every cell of a row is counted as it is read, blank ones and a far `XFD1` included,
  and the whole sheet's elements are counted: the file is refused at the first row past
  a limit, with a message naming the row and the limit.

The cells are read as openpyxl reads them (`WorkSheetParser.parse_cell`: types, dates,
shared strings, with openpyxl's conversions), row by row, once the row is known to be
within bounds.
"""

from __future__ import annotations

import io
import logging
import pyexpat
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import cache
from xml.etree import ElementTree

from defusedxml.ElementTree import DefusedXMLParser
from openpyxl.packaging.manifest import Manifest
from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.reader.excel import _find_workbook_part
from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601
from openpyxl.worksheet._reader import ROW_TAG, VALUE_TAG, _cast_number
from openpyxl.xml.constants import (
    ARC_CONTENT_TYPES,
    ARC_STYLE,
    REL_NS,
    SHARED_STRINGS,
    SHEET_MAIN_NS,
    SPREADSHEET,
)
from openpyxl.xml.functions import fromstring

from cluster_portal.number_style import format_exact

from . import xlsx_messages as say
from .cells import is_blank

logger = logging.getLogger(__name__)

# The whole archive unzipped, as its directory declares it (what is read never exceeds it).
UNZIPPED_MAX_BYTES = 50 * 1024 * 1024
# The parts read whole, by unzipped size and XML elements.
PLUMBING_MAX = (1024 * 1024, 10_000)  # [Content_Types].xml, relationships, workbook.xml
STYLES_MAX = (4 * 1024 * 1024, 250_000)
SHARED_STRINGS_MAX = (8 * 1024 * 1024, 500_000)
STYLES_MAX_FORMATS = 64_000  # Excel's own limit on the cell formats of a workbook
# No importer has more than a few dozen columns: values beyond this are refused.
MAX_COLUMNS = 64
# Cells of a row, blank ones included: a row reaching past column AMJ is refused.
ROW_MAX_CELLS = 1_024
# Elements read while a row is open (its cells and what they hold; up to one chunk after
# the sheet data ends, since that is seen between chunks).
ROW_MAX_ELEMENTS = 32 * ROW_MAX_CELLS
# Blank rows between data rows are skipped, but not without end.
BLANK_ROWS_SLACK = 1_000
CHUNK_BYTES = 16 * 1024


_CELL = f"{{{SHEET_MAIN_NS}}}c"
_SHEET_DATA = f"{{{SHEET_MAIN_NS}}}sheetData"
_INLINE_STRING = f"{{{SHEET_MAIN_NS}}}is"
_RUN = f"{{{SHEET_MAIN_NS}}}r"
_TEXT = f"{{{SHEET_MAIN_NS}}}t"
_SHARED_STRING = f"{{{SHEET_MAIN_NS}}}si"
_NUMBER_FORMAT = f"{{{SHEET_MAIN_NS}}}numFmt"
_CELL_FORMATS = f"{{{SHEET_MAIN_NS}}}cellXfs"
_CELL_FORMAT = f"{{{SHEET_MAIN_NS}}}xf"
_DIGITS = "0123456789"
# "A" -> 1 ... "AMJ" -> 1024: a cell reference outside the dict is past the row limit.
_COLUMNS = {get_column_letter(i): i for i in range(1, ROW_MAX_CELLS + 1)}


class FileProblem(Exception):
    """The file as a whole cannot be read; the message is in the reader's language."""


def mb(limit: int | Decimal) -> str:
    return format_exact(round(Decimal(limit) / (1024 * 1024), 1))


def too_wide(cell: str) -> str:
    return say.too_wide(cell, MAX_COLUMNS)


def _row_too_wide(number: int, cell: str | None) -> str:
    return say.row_too_wide(number, cell, ROW_MAX_CELLS)


# Parsing XML --------------------------------------------------------------------------------

# The standard library's C parser reads a 10,000-row sheet a third faster than the
# pure-Python parser of defusedxml, and is as safe here: expat 2.4.1 and later bound
# entity expansion itself and ElementTree never fetches external entities or DTDs. With
# an older expat, defusedxml's parser (no DTD at all) reads the stream instead.
_EXPAT_IS_SAFE = pyexpat.version_info >= (2, 4, 1)


def _xml_parser():
    target = ElementTree.TreeBuilder()
    if _EXPAT_IS_SAFE:
        return ElementTree.XMLParser(target=target)  # noqa: S314 (see above)
    return DefusedXMLParser(target=target, forbid_dtd=True)


def _events(chunks: Iterable[bytes], keep: str) -> Iterator[tuple[str, ElementTree.Element]]:
    """The start and end events of an XML stream. Each element is dropped from the tree
    as soon as its end is seen, except inside a `keep` element, which is dropped whole
    after its own end: the tree holds no more than the chunk being parsed and one `keep`."""
    parser = ElementTree.XMLPullParser(("start", "end"), _parser=_xml_parser())
    stack: list[ElementTree.Element] = []
    inside = 0
    for chunk in _then_none(chunks):
        if chunk is None:
            parser.close()
        else:
            parser.feed(chunk)
        for event, element in parser.read_events():
            if event == "start":
                stack.append(element)
                inside += element.tag == keep
                yield event, element
            else:
                stack.pop()
                yield event, element
                if element.tag == keep:
                    inside -= 1
                if not inside and stack:
                    stack[-1].remove(element)


def _then_none(chunks: Iterable[bytes]) -> Iterator[bytes | None]:
    yield from chunks
    yield None


def _text(element: ElementTree.Element) -> str:
    """A string item's text, as openpyxl's Text.content joins it: plain, then its runs."""
    parts = [element.findtext(_TEXT) or ""]
    parts += [run.findtext(_TEXT) or "" for run in element.findall(_RUN)]
    return "".join(parts)


# The parts ----------------------------------------------------------------------------------


def _part(archive: zipfile.ZipFile, name: str, limits: tuple[int, int], label: str) -> bytes:
    """A part read whole, once its unzipped size and elements are known to be within
    `limits`: the zip never yields more than the size its directory declares."""
    max_bytes, max_elements = limits
    info = archive.getinfo(name)
    if info.file_size > max_bytes:
        raise FileProblem(say.part_too_big(label, mb(info.file_size), mb(max_bytes)))
    with archive.open(info) as source:
        data = source.read(max_bytes + 1)
    if data.count(b"<") - data.count(b"</") > max_elements:
        raise FileProblem(say.part_too_many(label, max_elements))
    return data


def _date_styles(data: bytes) -> tuple[set[int], set[int]]:
    """The cell styles that show a number as a date, and as a duration (what openpyxl's
    stylesheet computes, without building a style object)."""
    custom: dict[int, str] = {}
    formats: list[int] = []
    in_cell_formats = False
    for event, element in _events([data], keep=""):
        tag = element.tag
        if tag == _CELL_FORMATS:
            in_cell_formats = event == "start"
        elif event == "end":
            continue
        elif tag == _NUMBER_FORMAT:
            custom[int(element.get("numFmtId"))] = element.get("formatCode", "")
        elif tag == _CELL_FORMAT and in_cell_formats:
            formats.append(int(element.get("numFmtId", 0)))
            if len(formats) > STYLES_MAX_FORMATS:
                raise FileProblem(say.too_many_formats(STYLES_MAX_FORMATS))

    @cache
    def kind(format_id: int) -> tuple[bool, bool]:
        code = custom[format_id] if format_id in custom else builtin_format_code(format_id)
        return is_date_format(code), is_timedelta_format(code)

    dates = {i for i, f in enumerate(formats) if kind(f)[0]}
    return dates, {i for i, f in enumerate(formats) if kind(f)[1]}


def _shared_strings(data: bytes) -> list[str]:
    return [
        _text(element).replace("x005F_", "")
        for event, element in _events([data], keep=_SHARED_STRING)
        if event == "end" and element.tag == _SHARED_STRING
    ]


class _Book:
    """What the sheet's cells need from the rest of the package, each part capped."""

    def __init__(self, archive: zipfile.ZipFile):
        names = set(archive.namelist())
        manifest = Manifest.from_tree(
            fromstring(_part(archive, ARC_CONTENT_TYPES, PLUMBING_MAX, "[Content_Types].xml"))
        )
        workbook = _find_workbook_part(manifest).PartName[1:]
        root = fromstring(_part(archive, workbook, PLUMBING_MAX, "workbook.xml"))
        rels_path = get_rels_path(workbook)
        _part(archive, rels_path, PLUMBING_MAX, "workbook.xml.rels")  # capped, then:
        rels = get_dependents(archive, rels_path).to_dict()
        properties = root.find(f"{{{SHEET_MAIN_NS}}}workbookPr")
        date1904 = properties is not None and properties.get("date1904") in ("1", "true")
        self.epoch = CALENDAR_MAC_1904 if date1904 else WINDOWS_EPOCH
        self.sheet = next(
            (
                rel.target
                for sheet in root.iterfind(f"{{{SHEET_MAIN_NS}}}sheets/{{{SHEET_MAIN_NS}}}sheet")
                if (rel := rels.get(sheet.get(f"{{{REL_NS}}}id"))) is not None
                and rel.target in names
                and "chartsheet" not in rel.Type
            ),
            None,
        )
        styles = manifest.find(SPREADSHEET % "styles")
        styles_part = styles.PartName[1:] if styles is not None else ARC_STYLE
        self.date_formats, self.timedelta_formats = (
            _date_styles(_part(archive, styles_part, STYLES_MAX, "styles.xml"))
            if styles_part in names
            else (set(), set())
        )
        strings = manifest.find(SHARED_STRINGS)
        self.strings = (
            _shared_strings(
                _part(archive, strings.PartName[1:], SHARED_STRINGS_MAX, "sharedStrings.xml")
            )
            if strings is not None
            else []
        )


# The sheet ----------------------------------------------------------------------------------


def _value(element: ElementTree.Element, book: _Book):
    """A cell's value as openpyxl's `WorkSheetParser.parse_cell` reads it (`data_only`;
    an inline string as its plain text), without its dict of place, type and style for
    every cell: that was half the time spent reading a 10,000-row file."""
    kind = element.get("t", "n")
    if kind == "inlineStr":
        inline = element.find(_INLINE_STRING)
        if inline is None:
            return None
        if len(inline) == 1 and inline[0].tag == _TEXT:  # plain text, no runs
            return inline[0].text or ""
        return _text(inline)
    value = element.findtext(VALUE_TAG) or None
    if value is None:
        return None
    if kind == "n":
        value = _cast_number(value)
        style = element.get("s")
        if style and int(style) in book.date_formats:
            try:
                return from_excel(value, book.epoch, timedelta=int(style) in book.timedelta_formats)
            except (OverflowError, ValueError):
                return "#VALUE!"  # as openpyxl: a date out of range is an error cell
        return value
    if kind == "s":
        return book.strings[int(value)]
    if kind == "b":
        return bool(int(value))
    if kind == "d":
        return from_ISO8601(value)
    return value  # "str" (a formula's text), "e" (an error such as #N/A)


def xlsx_rows(data: bytes, limit: int) -> Iterator[tuple[int, tuple]]:
    """The first sheet's non-blank rows as (row number, values), streamed. FileProblem
    "__rows__" past `limit` rows (the caller names its own limit)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileProblem(str(say.NOT_EXCEL)) from None
    if sum(i.file_size for i in archive.infolist()) > UNZIPPED_MAX_BYTES:
        raise FileProblem(say.unzipped_too_big(mb(UNZIPPED_MAX_BYTES)))
    try:
        book = _Book(archive)
        if book.sheet is None:
            return
        with archive.open(book.sheet) as source:
            yield from _rows(iter(lambda: source.read(CHUNK_BYTES), b""), book, limit)
    except FileProblem:
        raise
    except Exception:  # a damaged zip or XML raises many kinds of errors
        logger.info("unreadable .xlsx upload", exc_info=True)
        raise FileProblem(str(say.NOT_EXCEL)) from None
    finally:
        archive.close()


def _rows(chunks: Iterator[bytes], book: _Book, limit: int) -> Iterator[tuple[int, tuple]]:
    """The sheet's rows, read from the start of each element only (the events openpyxl's
    own reading sees, one per element): a row is complete when the next one starts, and
    after each chunk what has been read is dropped from the tree."""
    max_rows = limit + BLANK_ROWS_SLACK
    max_elements = max_rows * MAX_COLUMNS * 2
    xml = ElementTree.XMLPullParser(("start",), _parser=_xml_parser())
    root = sheet_data = row = None
    elements = number = cells = row_elements = 0
    for chunk in _then_none(chunks):
        if chunk is None:
            xml.close()
        else:
            xml.feed(chunk)
        for _, element in xml.read_events():
            elements += 1
            if elements > max_elements:
                raise FileProblem(say.sheet_too_big(max_elements, number))
            tag = element.tag
            if root is None:
                root = element
            elif tag == _CELL and row is not None:
                cells += 1
                if cells > ROW_MAX_CELLS:
                    raise FileProblem(_row_too_wide(number, None))
            elif tag == ROW_TAG:
                if row is not None:
                    yield from _finished(book, sheet_data, row, number, limit)
                row, cells, row_elements = element, 0, 0
                claimed = element.get("r")
                previous, number = number, int(claimed) if claimed else number + 1
                if number <= previous:
                    raise FileProblem(say.rows_out_of_order(number, previous))
                if number > max_rows:
                    raise FileProblem("__rows__")
                continue
            elif tag == _SHEET_DATA and sheet_data is None:
                sheet_data = element
            if row is not None:
                row_elements += 1
                if row_elements > ROW_MAX_ELEMENTS:
                    raise FileProblem(say.row_too_deep(number, ROW_MAX_ELEMENTS))
        if row is not None and root[-1] is not sheet_data:  # the sheet data is over
            yield from _finished(book, sheet_data, row, number, limit)
            row = None
        node = root  # drop what has been read, down to the sheet data or the row
        while node is not None and node is not sheet_data and node is not row and len(node):
            del node[:-1]
            node = node[-1]
    if row is not None:
        yield from _finished(book, sheet_data, row, number, limit)


def _finished(book: _Book, sheet_data, row, number: int, limit: int) -> Iterator[tuple[int, tuple]]:
    """A row read to its end: its values (if any), then the row is dropped."""
    children = sheet_data if sheet_data is not None else ()
    index = next((i for i, child in enumerate(children) if child is row), None)
    if index is None:  # a row outside the sheet data
        raise FileProblem(str(say.NOT_EXCEL))
    values = _values(book, row, number)
    del sheet_data[: index + 1]
    if values:
        if number > limit:
            raise FileProblem("__rows__")
        yield number, values


def _values(book: _Book, row: ElementTree.Element, number: int) -> tuple:
    """The values of a row's non-blank cells, placed in their columns; a cell past
    ROW_MAX_CELLS (even blank) refuses the file, a value past MAX_COLUMNS too."""
    values = {}
    column = 0
    for element in row:
        if element.tag != _CELL:
            continue
        ref = element.get("r")
        if ref:
            letters = ref.rstrip(_DIGITS)
            column = _COLUMNS.get(letters) or _COLUMNS.get(letters.upper(), 0)
            if not column:
                raise FileProblem(_row_too_wide(number, ref))
        else:
            column += 1
            if column > ROW_MAX_CELLS:
                raise FileProblem(_row_too_wide(number, None))
        if not len(element):  # no value: a blank (perhaps formatted) cell
            continue
        value = _value(element, book)
        if is_blank(value):
            continue
        if column > MAX_COLUMNS:
            raise FileProblem(too_wide(f"{get_column_letter(column)}{number}"))
        values[column] = value
    if not values:
        return ()
    return tuple(values.get(i) for i in range(1, max(values) + 1))
