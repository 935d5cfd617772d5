"""Reading and validating the council's existing case ledger (CSV or .xlsx) before anything is imported.

Two steps, both free of database access:

1. ``read_rows(path)`` streams the file: CSV in UTF-8 (with or without BOM) or CP932, or .xlsx opened with
   openpyxl in read-only mode. It checks the header and yields ``(row_number, {header: text})`` one row at a
   time, so its memory does not grow with the file. Row numbers are the ones Excel shows: the header is row 1,
   the first data row is row 2; empty rows are skipped but still counted. (For .xlsx, Excel's shared-string
   table, which holds most of the text, goes to an anonymous temporary file; see ``_DiskStrings``.)
2. ``checked_rows(rows, ...)`` checks every row and reports every error (each naming the row number and the
   Japanese column name) instead of stopping at the first one; the caller imports all rows or none.

Excel turns a telephone number typed into a cell that is not formatted as text into a number and drops its
leading 0 (``09012345678`` becomes ``9012345678``). Japanese numbers always start with 0 and have 10 or 11
digits, so a 9- or 10-digit number in 電話番号 gets its 0 back: for .xlsx when the cell holds a number, for CSV
when the cell is nothing but ASCII digits (what Excel writes for such a cell when it saves as CSV).

Messages never repeat personal values from the file (names, dates of birth, telephone numbers), only row,
column and non-personal values such as category and institution names, so they are safe to log.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import re
import struct
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from openpyxl.utils import get_column_letter

from council.cases.dates import DateParseError, parse_date, today

NAME = "氏名"
KANA = "フリガナ"
BIRTH_DATE = "生年月日"
SEX = "性別"
ADDRESS = "住所"
PHONE = "電話番号"
SUMMARY = "相談内容"
CATEGORIES = "分類"
INSTITUTION = "担当機関"
INTAKE_DATE = "受付日"
HEADER: tuple[str, ...] = (
    NAME,
    KANA,
    BIRTH_DATE,
    SEX,
    ADDRESS,
    PHONE,
    SUMMARY,
    CATEGORIES,
    INSTITUTION,
    INTAKE_DATE,
)
#: Key under which ``read_rows`` puts the column letter of the first non-empty cell right of the header.
EXTRA_CELLS = "__extra__"
MAX_ERRORS = 200
#: Longest accepted values, as on the intake form.
MAX_LENGTHS = {NAME: 100, KANA: 100, ADDRESS: 300}
_CHUNK = 1 << 16

SEXES = ("female", "male", "other", "unknown")
_SEX_WORDS = {
    "女": "female",
    "女性": "female",
    "f": "female",
    "female": "female",
    "男": "male",
    "男性": "male",
    "m": "male",
    "male": "male",
    "その他": "other",
    "other": "other",
    "不明": "unknown",
    "unknown": "unknown",
    "": "unknown",
}
_CATEGORY_SEPARATORS = re.compile(r"([、,・/\s]+)")
_HIRAGANA = re.compile(r"[\u3041-\u3096\u309d\u309e]")
#: Katakana (ァ–ヺ, ー, ヽ, ヾ), hiragana (ぁ–ゖ, ゝ, ゞ), the middle dot and spaces, after NFKC.
_KANA_ONLY = re.compile(r"[\u30a1-\u30fa\u30fc\u30fd\u30fe\u3041-\u3096\u309d\u309e・ ]+")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, wrong encoding, wrong header).

    ``messages`` are user-facing lazy strings; ``str()`` joins them.
    """

    def __init__(self, *messages):
        super().__init__(*messages)
        self.messages = list(messages)

    def __str__(self) -> str:
        return " ".join(str(message) for message in self.messages)


@dataclass(frozen=True)
class RowError:
    """One problem in one cell. ``row`` is the Excel row number; ``column`` the Japanese header name (or a
    column letter for cells right of the header). The entry that says how many errors were left out has
    row 0 and an empty column."""

    row: int
    column: str
    message: object  # a lazy string; str() it to render


@dataclass
class LedgerRow:
    name: str
    kana: str
    birth_date: dt.date | None
    sex: str
    address: str
    phone: str
    summary: str
    categories: list[str]
    institution: str
    intake_date: dt.date
    #: The row number in the file, for progress and for the audit trail of each imported case.
    row: int = 0


# ---------------------------------------------------------------------------------------------------------
# Reading


def _normalise_header(cell: str) -> str:
    return "".join(unicodedata.normalize("NFKC", cell).split())


def check_header(cells: Iterable[object]) -> None:
    """Raise ImportFileError unless ``cells`` are the ten ledger columns in order.

    Spaces and full-width/half-width variants (NFKC) are tolerated; trailing empty cells are ignored.
    Missing and unknown columns are named.
    """
    names = [_normalise_header(_text(cell)) for cell in cells]
    while names and not names[-1]:
        names.pop()
    if list(HEADER) == names:
        return
    if not names:
        raise ImportFileError(
            _l("The first row must be the header: %(header)s.", header=",".join(HEADER)),
        )
    problems = []
    missing = [name for name in HEADER if name not in names]
    unknown = [name for name in names if name and name not in HEADER]
    if missing:
        problems.append(_l("Missing column(s): %(names)s.", names=", ".join(missing)))
    if unknown:
        problems.append(_l("Unknown column(s): %(names)s.", names=", ".join(unknown)))
    for index, name in enumerate(names):
        if not name:
            problems.append(_l("Column %(letter)s has no name.", letter=get_column_letter(index + 1)))
    duplicates = sorted({name for name in names if name and names.count(name) > 1}, key=HEADER.index)
    if duplicates:
        problems.append(_l("Column(s) given more than once: %(names)s.", names=", ".join(duplicates)))
    if not problems:
        problems.append(_l("The columns are in the wrong order."))
    problems.append(_l("The first row must be exactly: %(header)s.", header=",".join(HEADER)))
    raise ImportFileError(*problems)


def _text(value: object) -> str:
    """A cell value as text: dates as ISO (a time of day is dropped), whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _restore_phone(text: str) -> str:
    """Put back the leading 0 that Excel drops from a telephone number stored as a number."""
    if text.isascii() and text.isdigit() and len(text) in (9, 10) and not text.startswith("0"):
        return "0" + text
    return text


def _rows_from_cells(rows: Iterator[tuple[list[str], bool]]) -> Iterator[tuple[int, dict[str, str]]]:
    """Header check, then ``(row_number, {header: text})`` for each non-empty row.

    ``rows`` yields each row's cells as text, and whether the 電話番号 cell was a number (xlsx) or plain
    digits (CSV) — see the module docstring."""
    try:
        header, _ = next(rows)
    except StopIteration:
        raise ImportFileError(_l("The file is empty.")) from None
    check_header(header)
    for number, (cells, phone_was_number) in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = dict(zip(HEADER, cells, strict=False))
        for name in HEADER[len(cells) :]:
            values[name] = ""
        if phone_was_number:
            values[PHONE] = _restore_phone(values[PHONE].strip())
        for index in range(len(HEADER), len(cells)):
            if cells[index].strip():
                values[EXTRA_CELLS] = get_column_letter(index + 1)
                break
        yield number, values


def _detect_encoding(path: Path) -> str:
    """``utf-8-sig`` if the whole file is UTF-8 (BOM optional), else ``cp932`` if it is that; read in chunks."""
    for encoding in ("utf-8-sig", "cp932"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ImportFileError(
        _l(
            "The file is neither UTF-8 nor Shift_JIS (CP932) text. In Excel, save it as “CSV UTF-8” or as an "
            ".xlsx workbook."
        )
    )


def _csv_cells(path: Path) -> Iterator[tuple[list[str], bool]]:
    encoding = _detect_encoding(path)
    phone_index = HEADER.index(PHONE)
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        record = 0
        try:
            for record, cells in enumerate(reader, start=1):  # noqa: B007 — used in the error below
                phone = cells[phone_index] if len(cells) > phone_index else ""
                yield cells, phone.isascii() and phone.isdigit()
        except csv.Error as exc:
            raise ImportFileError(
                _l("Row %(row)d cannot be read as CSV (%(reason)s).", row=record + 1, reason=str(exc))
            ) from None


class _DiskStrings:
    """Excel's shared-string table, kept in two anonymous temporary files instead of a list.

    Excel stores every distinct text of a workbook once, in a table that cells refer to by number, so the
    table holds most of a ledger's content; openpyxl keeps it in memory even in read-only mode. Here only a
    small cache is in memory. The files have no name and disappear when closed, like the spooled upload the
    ledger itself is read from.
    """

    _ENTRY = struct.Struct("<QI")  # offset and length in the data file

    def __init__(self) -> None:
        self._data = tempfile.TemporaryFile()  # noqa: SIM115 — closed by close()
        self._index = tempfile.TemporaryFile()  # noqa: SIM115
        self._end = 0
        self._count = 0
        self._cached = functools.lru_cache(maxsize=256)(self._read)

    def append(self, text: str) -> None:
        raw = text.encode("utf-8")
        self._data.write(raw)
        self._index.write(self._ENTRY.pack(self._end, len(raw)))
        self._end += len(raw)
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> str:
        return self._cached(index)

    def _read(self, index: int) -> str:
        if not 0 <= index < self._count:
            raise IndexError(index)
        self._index.seek(index * self._ENTRY.size)
        offset, length = self._ENTRY.unpack(self._index.read(self._ENTRY.size))
        self._data.seek(offset)
        return self._data.read(length).decode("utf-8")

    def close(self) -> None:
        self._data.close()
        self._index.close()


def _open_xlsx(path: Path) -> tuple[Iterator[Sequence[object]], Callable[[], None]]:
    """The first worksheet's rows as lists of cell values, and a function that releases the file.

    openpyxl's public read-only mode streams the rows, but its memory still grows with the file: it keeps
    Excel's shared-string table in a list, leaves every finished row attached to the XML tree (about 80 bytes a
    row) and, when the sheet does not record its dimension, parses the whole sheet once just to look for it.
    So, with openpyxl 3.1's reader parts, only the parts needed here are read (manifest, workbook, styles for
    the date formats), the shared strings go to ``_DiskStrings`` and each row is dropped from the tree once
    read. Should those parts move in a future openpyxl, the public read-only API is used instead: correct, but
    no longer flat in memory, which ``test_reading_memory_does_not_grow_with_the_file`` would report.
    """
    try:
        from openpyxl.cell.text import Text
        from openpyxl.reader.excel import ExcelReader
        from openpyxl.styles.stylesheet import apply_stylesheet
        from openpyxl.worksheet._reader import DATA_TAG, ROW_TAG, WorkSheetParser
        from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
        from openpyxl.xml.functions import iterparse
    except ImportError:  # pragma: no cover — depends on the openpyxl version
        return _open_xlsx_public(path)

    class RowParser(WorkSheetParser):
        """openpyxl's sheet parser reduced to rows; a finished row is removed from the tree."""

        def parse(self):
            sheet_data = None
            for event, element in iterparse(self.source, events=("start", "end")):
                if event == "start":
                    if element.tag == DATA_TAG:
                        sheet_data = element
                elif element.tag == ROW_TAG:
                    row = self.parse_row(element)
                    self.row_dimensions.clear()
                    if sheet_data is not None:
                        sheet_data.clear()
                    yield row

    # data_only: a formula gives the value Excel last calculated, not its text.
    reader = ExcelReader(path, read_only=True, keep_vba=False, data_only=True, keep_links=False)
    strings = _DiskStrings()

    def close() -> None:
        reader.archive.close()
        strings.close()

    try:
        reader.read_manifest()
        part = reader.package.find(SHARED_STRINGS)
        if part is not None:
            string_tag = f"{{{SHEET_MAIN_NS}}}si"
            with reader.archive.open(part.PartName[1:]) as source:
                root = None
                for event, element in iterparse(source, events=("start", "end")):
                    if root is None:
                        root = element  # <sst>, the first start event
                    elif event == "end" and element.tag == string_tag:
                        # As openpyxl's read_string_table; then the entry is dropped from the tree.
                        strings.append(Text.from_tree(element).content.replace("x005F_", ""))
                        root.clear()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)  # date formats: which numbers are dates
        sheet_paths = [
            rel.target
            for _, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        ]
    except BaseException:
        close()
        raise
    if not sheet_paths:
        close()
        raise ImportFileError(_l("The workbook has no worksheet."))
    workbook = reader.wb

    def rows() -> Iterator[Sequence[object]]:
        with reader.archive.open(sheet_paths[0]) as source:
            parser = RowParser(
                source,
                strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            expected = 1
            for number, cells in parser.parse():
                while expected < number:  # a row Excel did not write: empty
                    expected += 1
                    yield ()
                if number < expected:  # a row number repeated or going backwards: not from Excel
                    raise ValueError("rows out of order")
                expected += 1
                values: list[object] = [None] * max((cell["column"] for cell in cells), default=0)
                for cell in cells:
                    values[cell["column"] - 1] = cell["value"]
                yield values

    return rows(), close


def _open_xlsx_public(path: Path) -> tuple[Iterator[Sequence[object]], Callable[[], None]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    if not workbook.worksheets:
        workbook.close()
        raise ImportFileError(_l("The workbook has no worksheet."))
    sheet = workbook.worksheets[0]
    # The dimension recorded in the file may be wrong (files written by other programs); without it
    # openpyxl returns each row as long as its last cell instead of cutting rows to the recorded width.
    sheet.reset_dimensions()
    return sheet.iter_rows(values_only=True), workbook.close


def _xlsx_cells(path: Path) -> Iterator[tuple[list[str], bool]]:
    from xml.etree.ElementTree import ParseError

    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = (InvalidFileException, zipfile.BadZipFile, ParseError, KeyError, OSError, ValueError, TypeError)
    try:
        rows, close = _open_xlsx(path)
    except unreadable:
        raise ImportFileError(_l("The file is not a readable .xlsx workbook.")) from None
    phone_index = HEADER.index(PHONE)
    try:
        while True:
            try:
                values = next(rows)
            except StopIteration:
                break
            except unreadable:
                raise ImportFileError(_l("The .xlsx workbook is damaged and cannot be read to the end.")) from None
            phone = values[phone_index] if len(values) > phone_index else None
            is_number = isinstance(phone, int | float) and not isinstance(phone, bool)
            yield [_text(value) for value in values], is_number
    finally:
        if hasattr(rows, "close"):
            rows.close()  # a generator: leaves its ``with`` for the sheet before the archive closes
        close()


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Stream the ledger at ``path`` (.csv or .xlsx): ``(row_number, {header: text})`` per non-empty row.

    The header row (row 1) is checked first; ImportFileError for an unreadable file, an unknown encoding or
    a wrong header. Cell texts are as in the file (not stripped), except for the 電話番号 fix described in the
    module docstring. A non-empty cell right of the header puts its column letter under ``EXTRA_CELLS``
    (in a CSV file this usually means a comma inside an unquoted value).

    This is a generator: every ImportFileError (including a missing file) is raised while iterating, so one
    ``try`` around the consumer (``validate``) catches them all. A CSV file is read twice (once to detect its
    encoding, in chunks), an .xlsx file once; neither is held in memory.
    """
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(_l("The file does not exist."))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        cells = _csv_cells(path)
    elif suffix == ".xlsx":
        cells = _xlsx_cells(path)
    elif suffix == ".xls":
        raise ImportFileError(_l("Old .xls workbooks cannot be read; save the file as .xlsx or CSV in Excel."))
    else:
        raise ImportFileError(_l("Only .csv and .xlsx files can be imported."))
    yield from _rows_from_cells(cells)


# ---------------------------------------------------------------------------------------------------------
# Validating


def digits_only(text: str) -> str:
    """The ASCII digits of ``text`` after NFKC (so full-width digits count); everything else is dropped."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text or "") if "0" <= ch <= "9")


def normalise_kana(text: str) -> str:
    """NFKC (half-width katakana become full-width), hiragana turned into katakana, spaces collapsed."""
    normalised = " ".join(unicodedata.normalize("NFKC", text).split())
    return _HIRAGANA.sub(lambda match: chr(ord(match.group()) + 0x60), normalised)


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def split_categories(text: str, allowed: dict[str, str]) -> tuple[list[str], list[str]]:
    """Split a 分類 cell on 、 , ・ / and spaces into known categories and unknown words.

    ``allowed`` maps normalised names (``_key``) to the configured spelling. A configured name that itself
    contains a separator (``DV・虐待``) is recognised: at each position the longest run of words that forms a
    configured name wins, so ``DV・虐待・ひきこもり`` is two categories and ``DV`` alone is unknown.
    """
    parts = _CATEGORY_SEPARATORS.split(_key(text))
    # parts alternates word, separator, word, ...; words may be empty at the ends.
    words = parts[0::2]
    separators = parts[1::2]
    found: list[str] = []
    unknown: list[str] = []
    index = 0
    while index < len(words):
        if not words[index]:
            index += 1
            continue
        for end in range(len(words), index, -1):
            candidate = "".join(
                words[position] + (separators[position] if position < end - 1 else "") for position in range(index, end)
            ).strip()
            if candidate in allowed:
                if allowed[candidate] not in found:
                    found.append(allowed[candidate])
                index = end
                break
        else:
            if words[index] not in unknown:
                unknown.append(words[index])
            index += 1
    return found, unknown


def _parse_past_date(text: str, *, on: dt.date) -> tuple[dt.date | None, object | None]:
    try:
        value = parse_date(text)
    except DateParseError as exc:
        return None, exc.message
    if value > on:
        return None, _l("The date is in the future.")
    return value, None


@dataclass(frozen=True)
class _Rules:
    on: dt.date
    categories: dict[str, str]
    category_names: str
    institutions: dict[str, str]
    default_institution: str | None


def _check_row(number: int, values: dict[str, str], rules: _Rules) -> tuple[LedgerRow | None, list[RowError]]:
    errors: list[RowError] = []

    def error(column: str, message: object) -> None:
        errors.append(RowError(number, column, message))

    def cell(column: str) -> str:
        return (values.get(column) or "").strip()

    if letter := values.get(EXTRA_CELLS):
        error(
            letter,
            _l(
                "This row has a value right of the last column (%(column)s). In a CSV file, a comma inside a "
                "value that is not in double quotes splits it.",
                column=HEADER[-1],
            ),
        )

    name = cell(NAME)
    if not name:
        error(NAME, _l("The name is required."))

    kana = normalise_kana(cell(KANA))
    if not kana:
        error(KANA, _l("The reading (フリガナ) is required."))
    elif not _KANA_ONLY.fullmatch(kana):
        error(KANA, _l("Use only katakana or hiragana (spaces, ー and ・ are allowed)."))

    intake_date = None
    if not cell(INTAKE_DATE):
        error(INTAKE_DATE, _l("The intake date is required."))
    else:
        intake_date, problem = _parse_past_date(cell(INTAKE_DATE), on=rules.on)
        if problem is not None:
            error(INTAKE_DATE, problem)

    birth_date = None
    if cell(BIRTH_DATE):
        birth_date, problem = _parse_past_date(cell(BIRTH_DATE), on=rules.on)
        if problem is not None:
            error(BIRTH_DATE, problem)
        elif intake_date is not None and birth_date > intake_date:
            error(BIRTH_DATE, _l("The date of birth is after the intake date."))

    sex = _SEX_WORDS.get(_key(cell(SEX)).lower())
    if sex is None:
        error(SEX, _l("Enter 女, 男, その他 or 不明 (or leave it empty)."))

    phone = ""
    if cell(PHONE):
        raw = _key(cell(PHONE))
        phone = digits_only("0" + raw[3:] if raw.startswith("+81") else raw)
        if not (len(phone) in (10, 11) and phone.startswith("0")):
            error(PHONE, _l("A telephone number has 10 or 11 digits and starts with 0."))

    categories, unknown = split_categories(cell(CATEGORIES), rules.categories)
    if unknown:
        error(
            CATEGORIES,
            _l(
                "Unknown category: %(names)s. Known categories: %(known)s.",
                names=", ".join(unknown),
                known=rules.category_names,
            ),
        )

    if cell(INSTITUTION):
        institution = rules.institutions.get(_key(cell(INSTITUTION)))
        if institution is None:
            error(INSTITUTION, _l("Unknown institution: %(name)s.", name=_key(cell(INSTITUTION))))
    else:
        institution = rules.default_institution
        if institution is None:
            error(INSTITUTION, _l("The institution is required (or give a default institution for the import)."))

    for column, limit in MAX_LENGTHS.items():
        if len(cell(column)) > limit:
            error(column, _l("At most %(limit)d characters.", limit=limit))

    if errors:
        return None, errors
    row = LedgerRow(
        name=name,
        kana=kana,
        birth_date=birth_date,
        sex=sex,
        address=cell(ADDRESS),
        phone=phone,
        summary=cell(SUMMARY),
        categories=categories,
        institution=institution,
        intake_date=intake_date,
        row=number,
    )
    return row, []


def checked_rows(
    rows: Iterable[tuple[int, dict[str, str]]],
    *,
    allowed_categories: set[str],
    institutions: set[str],
    default_institution: str | None,
    on: dt.date | None = None,
) -> Iterator[tuple[LedgerRow | None, list[RowError]]]:
    """Check each row of ``rows`` (from ``read_rows``) as it streams by: yield ``(row, [])`` for a valid row and
    ``(None, errors)`` for an invalid one. Nothing is kept, so memory does not grow with the file.

    Import only when no row had an error: all rows or none (``RowErrors`` collects them, capped). Within a
    row, errors come in column order except that a value right of the header comes first. ``on`` is "today"
    for the not-in-the-future checks (default: today in Japan).

    The import reads the file twice — once to check every row, once to write — rather than holding the rows in
    between. ImportFileError from ``read_rows`` propagates. Raises ValueError (at the first row) if
    ``default_institution`` is not one of ``institutions``.

    Rules: 氏名 required; フリガナ required, kana only (stored as katakana); 生年月日 optional, 西暦 or 和暦, not
    in the future nor after 受付日; 性別 女/女性/F/female, 男/男性/M/male, その他/other, 不明/unknown or
    empty (unknown); 電話番号 optional, 10 or 11 digits starting with 0 (full-width digits, hyphens, spaces,
    parentheses and +81 accepted); 分類 optional, each in ``allowed_categories``; 担当機関 one of
    ``institutions``, or empty with ``default_institution``; 受付日 required, not in the future; 氏名, フリガナ and
    住所 no longer than on the intake form (``MAX_LENGTHS``). Names, addresses and summaries are kept as typed
    (only surrounding spaces removed; no NFKC, which would change some kanji variants used in names).
    """
    known_institutions = {_key(name): name for name in institutions}
    default = None
    if default_institution is not None:
        default = known_institutions.get(_key(default_institution))
        if default is None:
            raise ValueError(f"default institution {default_institution!r} is not one of the council's institutions")
    rules = _Rules(
        on=on or today(),
        categories={_key(name): name for name in allowed_categories},
        category_names=", ".join(sorted(allowed_categories)),
        institutions=known_institutions,
        default_institution=default,
    )

    for number, values in rows:
        yield _check_row(number, values, rules)


class RowErrors:
    """Errors of a whole file, in row order: the first ``MAX_ERRORS`` are kept, then one entry (row 0) says how
    many more there were."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.omitted = 0

    def add(self, errors: list[RowError]) -> None:
        room = max(0, MAX_ERRORS - len(self.errors))
        self.errors.extend(errors[:room])
        self.omitted += len(errors) - len(errors[:room])

    def __bool__(self) -> bool:
        return bool(self.errors)

    def listed(self) -> list[RowError]:
        errors = sorted(self.errors, key=lambda error: error.row)
        if self.omitted:
            errors.append(RowError(0, "", _l("%(count)d more errors are not listed (only the first %(max)d are).",
                                             count=self.omitted, max=MAX_ERRORS)))
        return errors


def validate(rows: Iterable[tuple[int, dict[str, str]]], **rules) -> tuple[list[LedgerRow], list[RowError]]:
    """All valid rows and every error of ``rows`` (see ``checked_rows``; this one keeps the rows: for tests and
    small files)."""
    valid, errors = [], RowErrors()
    for row, row_errors in checked_rows(rows, **rules):
        if row is not None:
            valid.append(row)
        else:
            errors.add(row_errors)
    return valid, errors.listed()
