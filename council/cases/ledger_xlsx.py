"""The first worksheet of an .xlsx ledger, streamed and bounded.

Only what the import needs is read, each part streamed through the bounded XML reader of
``council.core.archives`` (no document type declarations, limited elements; no tree is built): the workbook
(which sheet comes first, the 1904 date system), its relationships (where that sheet, the shared strings and the
styles are), the styles (which cells hold dates), the shared-string table and the sheet itself. Cell values are
converted as openpyxl converts them (with its date helpers), reading the values Excel last calculated rather
than formulas.

Excel writes only rows that hold something, so row numbers are taken from the file: a file claiming row
40,000,000 costs nothing to skip, and is refused once a row number passes the limit. A workbook stores every
distinct text once, in the shared-string table, which is kept in memory compactly (UTF-8 in one buffer); its
size is bounded by the zip limits, as the upload itself is.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from array import array
from collections.abc import Iterator

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

from council.core.archives import XLSX, OfficeFile, XmlHandlers
from council.core.i18n import lazy_gettext as _l

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_RELATIONSHIP = "http://purl.oclc.org/ooxml/officeDocument/relationships"
#: Excel's own limits: columns in a sheet, characters in a cell, distinct cell formats in a workbook.
MAX_COLUMNS = 16_384
MAX_CELL_CHARS = 32_767
MAX_CELL_FORMATS = 65_000
MAX_SHEETS = 255
#: A workbook relates to its sheets, styles, strings, theme and a few more parts.
MAX_RELATIONSHIPS = 1_000
#: Number formats built into Japanese Excel that show dates (和暦 included) and are not in openpyxl's list.
_JAPANESE_DATE_FORMATS = frozenset(range(27, 37)) | frozenset(range(50, 59))
_REFERENCE = re.compile(r"\$?([A-Z]{1,3})?\$?([0-9]{1,10})?")


class SheetError(ValueError):
    """The workbook cannot be read, or passes a limit; the message (a lazy string) says which."""


#: The elements read here, by their names as expat gives them (``"namespace-uri local-name"``), in either
#: spreadsheet namespace: a dictionary lookup per element, as a sheet has over a million of them.
_ELEMENTS = {f"{namespace} {local}".lstrip(): local
             for namespace in ("", MAIN, STRICT_MAIN)
             for local in ("c", "v", "t", "is", "row", "rPh", "si", "dimension", "sheet", "workbookPr", "numFmt",
                           "xf", "cellXfs")}
#: Column letters -> column numbers, A to XFD.
_COLUMNS = {get_column_letter(number): number for number in range(1, MAX_COLUMNS + 1)}


def _attribute(attributes: dict[str, str], local: str) -> str | None:
    """A relationship attribute (``r:id``) whatever its prefix."""
    return attributes.get(f"{RELATIONSHIP} {local}", attributes.get(f"{STRICT_RELATIONSHIP} {local}"))


class Strings:
    """Excel's shared-string table, kept in memory compactly: UTF-8 in one buffer, and offsets."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._offsets = array("Q", [0])

    def append(self, text: str) -> None:
        self._data += text.encode("utf-8")
        self._offsets.append(len(self._data))

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < len(self._offsets) - 1:
            raise SheetError(_l("The .xlsx workbook is damaged and cannot be read to the end."))
        return self._data[self._offsets[index]:self._offsets[index + 1]].decode("utf-8")


class Workbook:
    """What the sheet's cells need: shared strings, which styles are dates, the date system."""

    def __init__(self, office: OfficeFile, *, max_rows: int) -> None:
        if office.content_type != XLSX:
            raise SheetError(_l("The file is not a readable .xlsx workbook."))
        self.office, self.max_rows = office, max_rows
        sheets, self.epoch = self._read_workbook()
        relationships = self._relationships()
        # The first worksheet (a chart sheet may come before it).
        worksheets = [relationships[sheet][1] for sheet in sheets
                      if sheet in relationships and relationships[sheet][0].endswith("/worksheet")]
        if not worksheets or worksheets[0] not in office.archive.namelist():
            raise SheetError(_l("The workbook has no worksheet."))
        self.sheet = worksheets[0]
        by_type = {kind.rpartition("/")[2]: target for kind, target in relationships.values()}
        self.date_styles, self.timedelta_styles = self._read_styles(by_type.get("styles"))
        self.strings = self._read_strings(by_type.get("sharedStrings"))

    def _read_workbook(self) -> tuple[list[str], dt.datetime]:
        """The relationship ids of the workbook's sheets in order (Excel allows 255 at most), the date system."""
        sheets: list[str] = []
        epoch = [CALENDAR_WINDOWS_1900]

        def start(name, attributes):
            local = _ELEMENTS.get(name)
            if local == "sheet" and len(sheets) < MAX_SHEETS:
                sheets.append(_attribute(attributes, "id") or "")
            elif local == "workbookPr" and attributes.get("date1904", "").lower() in ("1", "true"):
                epoch[0] = CALENDAR_MAC_1904

        self.office.parse(self.office.main_part, XmlHandlers(start=start), namespaces=True)
        return sheets, epoch[0]

    def _relationships(self) -> dict[str, tuple[str, str]]:
        """The workbook's relationships: id -> (type, part name in the zip)."""
        folder, name = posixpath.split(self.office.main_part)
        found: dict[str, tuple[str, str]] = {}

        def start(element, attributes):
            if element.rpartition(" ")[2] != "Relationship":
                return
            if len(found) >= MAX_RELATIONSHIPS:
                raise SheetError(_l("The .xlsx workbook is damaged and cannot be read to the end."))
            if attributes.get("TargetMode", "Internal") == "Internal":
                target = attributes.get("Target", "")
                part = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                found[attributes.get("Id", "")] = (attributes.get("Type", ""), posixpath.normpath(part))

        self.office.parse(posixpath.join(folder, "_rels", f"{name}.rels"), XmlHandlers(start=start), namespaces=True)
        return found

    def _read_styles(self, part: str | None) -> tuple[set[int], set[int]]:
        """Indexes of the cell formats that show dates, and of those that show durations."""
        if part is None or part not in self.office.archive.namelist():
            return set(), set()
        custom: dict[int, str] = {}
        formats: list[int] = []
        within = []

        def start(name, attributes):
            local = _ELEMENTS.get(name)
            if local == "numFmt" and len(custom) < MAX_CELL_FORMATS:
                custom[_number(attributes.get("numFmtId"))] = attributes.get("formatCode", "")
            elif local == "xf" and within and within[-1] == "cellXfs":
                if len(formats) >= MAX_CELL_FORMATS:
                    raise SheetError(_l("The workbook has more cell formats than Excel allows."))
                formats.append(_number(attributes.get("numFmtId", "0")))
            within.append(local)

        def end(_name):
            within.pop()

        self.office.parse(part, XmlHandlers(start=start, end=end), namespaces=True)
        dates, durations = set(), set()
        for index, number in enumerate(formats):
            code = custom.get(number, BUILTIN_FORMATS.get(number))
            if is_date_format(code) or (code is None and number in _JAPANESE_DATE_FORMATS):
                dates.add(index)
            if is_timedelta_format(code):
                durations.add(index)
        return dates, durations

    def _read_strings(self, part: str | None) -> Strings:
        strings = Strings()
        if part is None or part not in self.office.archive.namelist():
            return strings
        # The text of an entry is its <t> elements, directly or in rich-text runs (<r>), but not those of the
        # phonetic guide (<rPh>) that Japanese Excel keeps beside what was typed.
        current: list[str] = []
        state = {"in_text": False, "phonetic": 0, "length": 0}

        def start(name, _attributes):
            local = _ELEMENTS.get(name)
            if local == "si":
                current.clear()
                state["length"] = 0
            elif local == "rPh":
                state["phonetic"] += 1
            elif local == "t" and not state["phonetic"]:
                state["in_text"] = True

        def end(name):
            local = _ELEMENTS.get(name)
            if local == "si":
                strings.append("".join(current).replace("x005F_", ""))  # as openpyxl reads Excel's escapes
            elif local == "rPh":
                state["phonetic"] -= 1
            elif local == "t":
                state["in_text"] = False

        def text(data):
            if state["in_text"]:
                state["length"] += len(data)
                if state["length"] > MAX_CELL_CHARS:
                    raise SheetError(_l("A text in the workbook is longer than %(count)d characters, more than an "
                                        "Excel cell can hold.", count=MAX_CELL_CHARS))
                current.append(data)

        self.office.parse(part, XmlHandlers(start=start, end=end, text=text), namespaces=True)
        return strings

    def rows(self) -> Iterator[tuple[int, dict[int, object]]]:
        """``(row number, {column number: value})`` for each row the sheet holds, in order; empty cells left out."""
        reader = _SheetReader(self)
        for _chunk in self.office.iterparse(self.sheet, reader.handlers(), namespaces=True):
            yield from reader.finished
            reader.finished.clear()


def _number(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        raise SheetError(_l("The .xlsx workbook is damaged and cannot be read to the end.")) from None


def _reference(text: str) -> tuple[int | None, int | None]:
    """(column, row) of a cell reference such as ``B12`` (either may be missing)."""
    match = _REFERENCE.fullmatch(text or "")
    if match is None:
        raise SheetError(_l("The .xlsx workbook is damaged and cannot be read to the end."))
    letters, digits = match.groups()
    return (_COLUMNS.get(letters) if letters else None), (int(digits) if digits else None)


class _SheetReader:
    """Gathers the rows of a sheet as expat reports its elements; ``finished`` holds the rows read so far."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.last_row_allowed = workbook.max_rows + 1  # the header is row 1
        self.finished: list[tuple[int, dict[int, object]]] = []
        self.row_number = 0
        self.in_row = False
        self.cells: dict[int, object] = {}
        self.column = 0
        self.cell: tuple[str, int] | None = None  # type and style of the open cell
        self.value: list[str] = []
        self.length = 0
        self.collecting = False
        self.phonetic = 0

    def handlers(self) -> XmlHandlers:
        return XmlHandlers(start=self.start, end=self.end, text=self.text)

    def _check_row(self, number: int) -> None:
        if number > self.last_row_allowed:
            raise SheetError(_l("The sheet has rows beyond row %(row)d: at most %(count)d rows can be imported at "
                                "once. Delete the empty rows below the table (or split the file).",
                                row=self.last_row_allowed, count=self.workbook.max_rows))

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = _ELEMENTS.get(name)
        if local == "c" and self.in_row:
            reference = attributes.get("r")
            # Excel writes every reference; the column is its letters (None if they are not a column).
            column = _COLUMNS.get(reference.rstrip("0123456789")) if reference else self.column + 1
            if column is None or column <= self.column:
                raise SheetError(_l("The .xlsx workbook is damaged and cannot be read to the end."))
            self.column = column
            self.cell = (attributes.get("t", "n"), _number(attributes.get("s", "0")))
            self.value, self.length = [], 0
        elif local == "row":
            number = _number(attributes.get("r")) if attributes.get("r") else self.row_number + 1
            if number <= self.row_number:  # a row repeated or going backwards: not written by Excel
                raise SheetError(_l("The .xlsx workbook is damaged and cannot be read to the end."))
            self._check_row(number)
            self.row_number, self.cells, self.column, self.in_row = number, {}, 0, True
        elif local in ("v", "t") and self.cell is not None and not self.phonetic:
            self.collecting = True
        elif local == "rPh":
            self.phonetic += 1
        elif local == "dimension":
            _column, last = _reference(attributes.get("ref", "").rpartition(":")[2])
            if last is not None:
                self._check_row(last)

    def end(self, name: str) -> None:
        local = _ELEMENTS.get(name)
        if local in ("v", "t"):
            self.collecting = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "c" and self.cell is not None:
            value = self._value("".join(self.value))
            if value is not None:
                self.cells[self.column] = value
            self.cell = None
        elif local == "row" and self.in_row:
            self.finished.append((self.row_number, self.cells))
            self.in_row = False

    def text(self, data: str) -> None:
        if self.collecting:
            self.length += len(data)
            if self.length > MAX_CELL_CHARS:
                raise SheetError(_l("Row %(row)d has a cell longer than %(count)d characters, more than an Excel cell "
                                    "can hold.", row=self.row_number, count=MAX_CELL_CHARS))
            self.value.append(data)

    def _value(self, text: str) -> object:
        """The cell's value as openpyxl gives it in read-only, values-only mode."""
        kind, style = self.cell
        if kind == "inlineStr":
            return text.replace("x005F_", "")
        if not text:
            return None
        try:
            if kind == "s":
                return self.workbook.strings[int(text)]
            if kind == "b":
                return bool(int(text))
            if kind in ("str", "e"):
                return text
            if kind == "d":
                return from_ISO8601(text)
            number = float(text) if any(mark in text for mark in ".Ee") else int(text)
        except ValueError:
            raise SheetError(_l("The .xlsx workbook is damaged and cannot be read to the end.")) from None
        if style in self.workbook.date_styles:
            try:
                return from_excel(number, self.workbook.epoch, timedelta=style in self.workbook.timedelta_styles)
            except (OverflowError, ValueError):
                return "#VALUE!"  # as openpyxl: a date serial outside the calendar is an error value
        return number
