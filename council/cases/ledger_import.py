"""Reading and validating the council's existing case ledger (CSV or .xlsx) before anything is imported.

Two steps, both free of database access:

1. ``read_rows(source)`` streams the file, held in memory (``LedgerFile``; an upload is never written to disk):
   CSV in UTF-8 (with or without BOM) or CP932, or .xlsx (``council.cases.ledger_xlsx``). It checks the header
   and yields ``(row_number, {header: text})`` one row at a time. Row numbers are the ones Excel shows: the
   header is row 1, the first data row is row 2; empty rows are skipped but still counted.
2. ``checked_rows(rows, ...)`` checks every row and reports every error (each naming the row number and the
   Japanese column name) instead of stopping at the first one; the caller imports all rows or none.

A ledger is untrusted input, bounded before it costs anything: at most ``LIMITS.file_bytes`` (10 MB) and
``MAX_ROWS`` rows; the zip and XML limits of ``council.core.archives`` for .xlsx; no cell longer than Excel
allows (``MAX_CELL_CHARS``) and, for CSV, no line longer than ``MAX_LINE_CHARS``. A file passing a limit is
refused as a whole (ImportFileError) as soon as the limit is reached.

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
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils import get_column_letter

from council.cases.dates import DateParseError, parse_date, today
from council.cases.ledger_xlsx import MAX_CELL_CHARS, MAX_COLUMNS, SheetError, Workbook
from council.core.archives import UnsafeFile, UploadError, check_size, open_office
from council.core.i18n import lazy_gettext as _l
from council.core.japanese import compact, digits_only, is_kana_name, katakana_reading

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
#: Most data rows in one file (a council's ledger has hundreds or a few thousand).
MAX_ROWS = 50_000
#: Longest line of a CSV file: ten cells as long as Excel allows, with room for quotes.
MAX_LINE_CHARS = (len(HEADER) + 2) * MAX_CELL_CHARS
#: Longest accepted values, as on the intake form.
MAX_LENGTHS = {NAME: 100, KANA: 100, ADDRESS: 300, SUMMARY: 20_000}
#: Longest value of any other column; longer is not a date, a category or an institution.
MAX_OTHER_LENGTH = 200
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


@dataclass(frozen=True)
class LedgerFile:
    """A ledger held in memory: its kind (the file name's ending, ``.csv`` or ``.xlsx``) and its bytes."""

    suffix: str
    content: bytes

    @classmethod
    def from_path(cls, path: Path) -> LedgerFile:
        """Read a file given on the command line; ImportFileError if it is missing or too large (checked before
        reading it)."""
        path = Path(path)
        if not path.is_file():
            raise ImportFileError(_l("The file does not exist."))
        try:
            check_size(path.stat().st_size)
        except UploadError as error:
            raise ImportFileError(error.args[0]) from None
        return cls(path.suffix.lower(), path.read_bytes())


def _normalise_header(cell: str) -> str:
    return compact(cell).replace(" ", "")


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
    unknown = [_shown(name) for name in names if name and name not in HEADER]
    if missing:
        problems.append(_l("Missing column(s): %(names)s.", names=", ".join(missing)))
    if unknown:
        problems.append(_l("Unknown column(s): %(names)s.", names=", ".join(unknown[:20])))
    for index, name in enumerate(names[:100]):
        if not name:
            problems.append(_l("Column %(letter)s has no name.", letter=get_column_letter(index + 1)))
    duplicates = sorted({name for name in names if name in HEADER and names.count(name) > 1}, key=HEADER.index)
    if duplicates:
        problems.append(_l("Column(s) given more than once: %(names)s.", names=", ".join(duplicates)))
    if not problems:
        problems.append(_l("The columns are in the wrong order."))
    problems.append(_l("The first row must be exactly: %(header)s.", header=",".join(HEADER)))
    raise ImportFileError(*problems)


def _shown(text: str, limit: int = 40) -> str:
    """A value from the file as a message may repeat it: shortened, so a message stays a message."""
    return text if len(text) <= limit else text[:limit] + "…"


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


def _too_many_rows() -> ImportFileError:
    return ImportFileError(_l("The file has more than %(count)d rows: at most %(count)d rows can be imported at "
                              "once. Split the file.", count=MAX_ROWS))


#: One row as the readers give it: its number, its cells as text (at least the ten columns; the header row in
#: full), whether the 電話番号 cell was a number, and the column letter of the first value right of the table.
_RawRow = tuple[int, list[str], bool, str | None]


def _rows_from_cells(rows: Iterator[_RawRow]) -> Iterator[tuple[int, dict[str, str]]]:
    """Header check, then ``(row_number, {header: text})`` for each non-empty row."""
    first = next(rows, None)
    if first is None:
        raise ImportFileError(_l("The file is empty."))
    number, header, _phone, _extra = first
    check_header(header if number == 1 else ())
    for number, cells, phone_was_number, extra in rows:
        if not extra and not any(cell.strip() for cell in cells[: len(HEADER)]):
            continue
        values = dict(zip(HEADER, cells, strict=False))
        for name in HEADER[len(cells) :]:
            values[name] = ""
        if phone_was_number:
            values[PHONE] = _restore_phone(values[PHONE].strip())
        if extra:
            values[EXTRA_CELLS] = extra
        yield number, values


def _detect_encoding(content: bytes) -> str:
    """``utf-8-sig`` if the whole file is UTF-8 (BOM optional), else ``cp932`` if it is that; decoded in chunks."""
    view = memoryview(content)
    for encoding in ("utf-8-sig", "cp932"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for offset in range(0, len(view), _CHUNK):
                decoder.decode(view[offset : offset + _CHUNK])
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


def _csv_lines(handle: io.TextIOBase, record: list[int]) -> Iterator[str]:
    """The file's lines, each read with a bound, so one endless line cannot fill the memory."""
    while line := handle.readline(MAX_LINE_CHARS + 1):
        if len(line) > MAX_LINE_CHARS:
            raise ImportFileError(_l("Row %(row)d is longer than %(count)d characters.", row=record[0] + 1,
                                     count=MAX_LINE_CHARS))
        yield line


def _csv_cells(content: bytes) -> Iterator[_RawRow]:
    encoding = _detect_encoding(content)
    phone_index = HEADER.index(PHONE)
    handle = io.TextIOWrapper(io.BytesIO(content), encoding=encoding, newline="")
    record = [0]
    try:
        for cells in csv.reader(_csv_lines(handle, record)):
            record[0] += 1
            if record[0] > MAX_ROWS + 1:
                raise _too_many_rows()
            if len(cells) > MAX_COLUMNS:
                raise ImportFileError(_l("Row %(row)d has more than %(count)d columns.", row=record[0],
                                         count=MAX_COLUMNS))
            for index, cell in enumerate(cells):
                if len(cell) > MAX_CELL_CHARS:
                    raise ImportFileError(_l("Row %(row)d, column %(column)s: more than %(count)d characters, more "
                                             "than an Excel cell can hold.", row=record[0],
                                             column=HEADER[index] if index < len(HEADER) else
                                             get_column_letter(index + 1), count=MAX_CELL_CHARS))
            phone = cells[phone_index] if len(cells) > phone_index else ""
            extra = next((get_column_letter(index + 1) for index in range(len(HEADER), len(cells))
                          if cells[index].strip()), None)
            yield record[0], cells, phone.isascii() and phone.isdigit(), extra
    except csv.Error as exc:
        raise ImportFileError(
            _l("Row %(row)d cannot be read as CSV (%(reason)s).", row=record[0] + 1, reason=str(exc))
        ) from None


def _xlsx_cells(content: bytes) -> Iterator[_RawRow]:
    try:
        workbook = Workbook(open_office(content), max_rows=MAX_ROWS)
    except (UnsafeFile, SheetError) as error:
        raise ImportFileError(error.args[0]) from None
    except UploadError:
        raise ImportFileError(_l("The file is not a readable .xlsx workbook.")) from None
    phone_column = HEADER.index(PHONE) + 1
    rows = workbook.rows()
    while True:
        try:
            number, cells = next(rows)
        except StopIteration:
            break
        except (UnsafeFile, SheetError) as error:
            raise ImportFileError(error.args[0]) from None
        except UploadError:
            raise ImportFileError(_l("The .xlsx workbook is damaged and cannot be read to the end.")) from None
        width = max(cells, default=0) if number == 1 else len(HEADER)  # the header row in full, for its check
        texts = [_text(cells.get(column)) for column in range(1, width + 1)]
        extra = next((get_column_letter(column) for column in sorted(cells)
                      if column > len(HEADER) and _text(cells[column]).strip()), None)
        phone = cells.get(phone_column)
        yield number, texts, isinstance(phone, int | float) and not isinstance(phone, bool), extra


def read_rows(source: Path | LedgerFile) -> Iterator[tuple[int, dict[str, str]]]:
    """Stream the ledger (a ``LedgerFile``, or a path read into one): ``(row_number, {header: text})`` per
    non-empty row.

    The header row (row 1) is checked first; ImportFileError for an unreadable file, an unknown encoding, a
    wrong header or a file passing a limit (see the module docstring). Cell texts are as in the file (not
    stripped), except for the 電話番号 fix described in the module docstring. A non-empty cell right of the
    header puts its column letter under ``EXTRA_CELLS`` (in a CSV file this usually means a comma inside an
    unquoted value).

    This is a generator: every ImportFileError (including a missing file) is raised while iterating, so one
    ``try`` around the consumer (``validate``) catches them all.
    """
    ledger = source if isinstance(source, LedgerFile) else LedgerFile.from_path(source)
    try:
        check_size(len(ledger.content))
    except UploadError as error:
        raise ImportFileError(error.args[0]) from None
    if ledger.suffix == ".csv":
        cells = _csv_cells(ledger.content)
    elif ledger.suffix == ".xlsx":
        cells = _xlsx_cells(ledger.content)
    elif ledger.suffix == ".xls":
        raise ImportFileError(_l("Old .xls workbooks cannot be read; save the file as .xlsx or CSV in Excel."))
    else:
        raise ImportFileError(_l("Only .csv and .xlsx files can be imported."))
    yield from _rows_from_cells(cells)


# ---------------------------------------------------------------------------------------------------------
# Validating


def split_categories(text: str, allowed: dict[str, str]) -> tuple[list[str], list[str]]:
    """Split a 分類 cell on 、 , ・ / and spaces into known categories and unknown words.

    ``allowed`` maps normalised names (``_key``) to the configured spelling. A configured name that itself
    contains a separator (``DV・虐待``) is recognised: at each position the longest run of words that forms a
    configured name wins, so ``DV・虐待・ひきこもり`` is two categories and ``DV`` alone is unknown.
    """
    parts = _CATEGORY_SEPARATORS.split(compact(text))
    # parts alternates word, separator, word, ...; words may be empty at the ends.
    words = parts[0::2]
    separators = parts[1::2]
    found: list[str] = []
    unknown: list[str] = []
    # No configured name spans more words than the longest one has, so no longer run is tried: the work stays
    # proportional to the cell's length.
    span = max((len(_CATEGORY_SEPARATORS.split(name)[0::2]) for name in allowed), default=1)
    index = 0
    while index < len(words):
        if not words[index]:
            index += 1
            continue
        for end in range(min(len(words), index + span), index, -1):
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
    #: The one institution rows may be for (a supervisor's own), or None for any of the council's.
    only_institution: str | None = None


def _check_row(number: int, values: dict[str, str], rules: _Rules) -> tuple[LedgerRow | None, list[RowError]]:
    errors: list[RowError] = []

    def error(column: str, message: object) -> None:
        errors.append(RowError(number, column, message))

    # A value longer than its column allows is reported and not looked at further (parsing a 30,000-character
    # 分類 would only waste time): ``cell`` gives "" for it.
    too_long = {column for column in HEADER
                if len((values.get(column) or "").strip()) > MAX_LENGTHS.get(column, MAX_OTHER_LENGTH)}

    def cell(column: str) -> str:
        return "" if column in too_long else (values.get(column) or "").strip()

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
    if not name and NAME not in too_long:
        error(NAME, _l("The name is required."))

    kana = katakana_reading(cell(KANA))
    if KANA in too_long:
        pass
    elif not kana:
        error(KANA, _l("The reading (フリガナ) is required."))
    elif not is_kana_name(kana):
        error(KANA, _l("Use only katakana or hiragana (spaces, ー and ・ are allowed)."))

    intake_date = None
    if INTAKE_DATE in too_long:
        pass
    elif not cell(INTAKE_DATE):
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

    sex = _SEX_WORDS.get(compact(cell(SEX)).lower())
    if sex is None:
        error(SEX, _l("Enter 女, 男, その他 or 不明 (or leave it empty)."))

    phone = ""
    if cell(PHONE):
        raw = compact(cell(PHONE))
        phone = digits_only("0" + raw[3:] if raw.startswith("+81") else raw)
        if not (len(phone) in (10, 11) and phone.startswith("0")):
            error(PHONE, _l("A telephone number has 10 or 11 digits and starts with 0."))

    categories, unknown = split_categories(cell(CATEGORIES), rules.categories)
    if unknown:
        error(
            CATEGORIES,
            _l(
                "Unknown category: %(names)s. Known categories: %(known)s.",
                names=", ".join(_shown(word) for word in unknown[:10]),
                known=rules.category_names,
            ),
        )

    if INSTITUTION in too_long:
        institution = None
    elif cell(INSTITUTION):
        institution = rules.institutions.get(compact(cell(INSTITUTION)))
        if institution is None:
            error(INSTITUTION, _l("%(name)s is not a member institution of this council.",
                                  name=_shown(compact(cell(INSTITUTION)))))
    else:
        institution = rules.default_institution
        if institution is None:
            error(INSTITUTION, _l("The institution is required (or give a default institution for the import)."))
    if institution is not None and rules.only_institution is not None and institution != rules.only_institution:
        error(INSTITUTION, _l("You may import only into your own institution (%(own)s); this row is for %(other)s.",
                              own=rules.only_institution, other=institution))

    for column in HEADER:
        if column in too_long:
            error(column, _l("At most %(limit)d characters.", limit=MAX_LENGTHS.get(column, MAX_OTHER_LENGTH)))

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
    only_institution: str | None = None,
    on: dt.date | None = None,
) -> Iterator[tuple[LedgerRow | None, list[RowError]]]:
    """Check each row of ``rows`` (from ``read_rows``) as it streams by: yield ``(row, [])`` for a valid row and
    ``(None, errors)`` for an invalid one. Nothing is kept, so memory does not grow with the file.

    Import only when no row had an error: all rows or none (``RowErrors`` collects them, capped). Within a
    row, errors come in column order except that a value right of the header comes first. ``on`` is "today"
    for the not-in-the-future checks (default: today in Japan).

    The import reads the file again to write rather than holding the rows in between. ImportFileError from
    ``read_rows`` propagates. Raises ValueError (at the first row) if ``default_institution`` or
    ``only_institution`` is not one of ``institutions``.

    Rules: 氏名 required; フリガナ required, kana only (stored as katakana); 生年月日 optional, 西暦 or 和暦, not
    in the future nor after 受付日; 性別 女/女性/F/female, 男/男性/M/male, その他/other, 不明/unknown or
    empty (unknown); 電話番号 optional, 10 or 11 digits starting with 0 (full-width digits, hyphens, spaces,
    parentheses and +81 accepted); 分類 optional, each in ``allowed_categories``; 担当機関 one of
    ``institutions``, or empty with ``default_institution``, and ``only_institution`` when given (a supervisor
    imports into their own institution only); 受付日 required, not in the future; 氏名, フリガナ, 住所 and 相談内容 no
    longer than on the intake form (``MAX_LENGTHS``), every other column at most ``MAX_OTHER_LENGTH``. Names,
    addresses and summaries are kept as typed (only surrounding spaces removed; no NFKC, which would change
    some kanji variants used in names).
    """
    known_institutions = {compact(name): name for name in institutions}
    default = None
    if default_institution is not None:
        default = known_institutions.get(compact(default_institution))
        if default is None:
            raise ValueError(f"default institution {default_institution!r} is not one of the council's institutions")
    rules = _Rules(
        on=on or today(),
        categories={compact(name): name for name in allowed_categories},
        category_names=", ".join(sorted(allowed_categories)),
        institutions=known_institutions,
        default_institution=default,
        only_institution=None if only_institution is None else known_institutions.get(compact(only_institution)),
    )
    if only_institution is not None and rules.only_institution is None:
        raise ValueError(f"institution {only_institution!r} is not one of the council's institutions")

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
