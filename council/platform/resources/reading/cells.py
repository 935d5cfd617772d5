"""Spreadsheet cells as they display: a number shown through its number format.

A phone number typed into Excel loses its leading zero and is stored as 9012345678; a number format such
as ``000-0000-0000`` shows it as 090-1234-5678 again, and that is what every reader of the sheet sees. A
birth date is stored as a serial number (23456) shown as 1964/3/21. The guard must read what is shown, so
numbers are rendered through their cell's format: digit placeholders (``0 # ?``), literal text (quoted,
escaped or plain separators) and dates. Anything else (fractions, exponents, percentages) shows the number
as stored, which hides nothing.
"""

from __future__ import annotations

import datetime as dt
import re

from council.core.archives import OfficeFile, XmlHandlers
from council.platform.resources.reading.collected import Collected
from council.platform.resources.reading.xmltext import handlers, local

#: Excel's built-in date formats (14-17, 22) and the Japanese locale's (27-36, 50-58).
BUILTIN_DATES = frozenset({14, 15, 16, 17, 22, *range(27, 37), *range(50, 59)})
#: Cell types whose value is not a number shown through a format: shared string index, boolean, error, text.
NOT_NUMBERS = frozenset({"s", "b", "e", "str", "inlineStr"})
_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's 1900 leap-year bug is after day 60)
_SECTIONS = re.compile(r'"[^"]*"|\\.|;|[^";\\]+')
_BRACKETS = re.compile(r"\[[^\]]*\]")
_CONDITION = re.compile(r"\[(<=|>=|<>|<|>|=)\s*(-?[\d.]+)\]")
_TOKENS = re.compile(r'"([^"]*)"|\\(.)|_.|\*.|([0#?])|(.)')


def number_formats(office: OfficeFile) -> dict[int, str]:
    """Cell style index -> its format code ("" for General), from the workbook's styles part."""
    styles = next((name for name in office.archive.namelist() if name.startswith("xl/") and
                   name.endswith("styles.xml")), None)
    if styles is None:
        return {}
    codes: dict[int, str] = {}
    formats: dict[int, str] = {}
    inside = []

    def start(name: str, attributes: dict[str, str]) -> None:
        element = local(name)
        if element == "numFmt":
            codes[_integer(attributes.get("numFmtId"))] = attributes.get("formatCode", "")
        elif element in {"cellXfs", "cellStyleXfs"}:
            inside.append(element)
        elif element == "xf" and inside == ["cellXfs"]:
            identifier = _integer(attributes.get("numFmtId"))
            formats[len(formats)] = codes.get(identifier) or ("yyyy/m/d" if identifier in BUILTIN_DATES else "")

    def end(name: str) -> None:
        if local(name) in {"cellXfs", "cellStyleXfs"} and inside:
            inside.pop()

    office.parse(styles, XmlHandlers(start=start, end=end))
    return formats


def sheet_handlers(collected: Collected, formats: dict[int, str]) -> XmlHandlers:
    """``xmltext.handlers`` for a worksheet, with numbers rendered through their cell's format."""
    cell: dict[str, str] = {}
    value: list[str] = []

    def formatted() -> bool:
        return cell.get("t", "n") not in NOT_NUMBERS and bool(formats.get(_integer(cell.get("s"))))

    base = handlers(collected, skip=lambda element, _attributes: element == "v" and (
        formatted() or cell.get("t") in {"s", "b", "e"}))

    def start(name: str, attributes: dict[str, str]) -> None:
        element = local(name)
        if element == "c":
            cell.clear()
            cell.update(attributes)
        elif element == "v":
            value.clear()
        base.start(name, attributes)

    def text(data: str) -> None:
        value.append(data)
        base.text(data)

    def end(name: str) -> None:
        if local(name) == "v" and formatted():
            collected.line(display("".join(value), formats[_integer(cell.get("s"))]))
        base.end(name)

    return XmlHandlers(start=start, end=end, text=text)


def display(value: str, code: str) -> str:
    """``value`` (a number as stored) as the format ``code`` shows it; ``value`` itself when unsure."""
    try:
        number = float(value)
    except ValueError:
        return value
    section = _section(_sections(code), number)
    bare = _BRACKETS.sub("", re.sub(r'"[^"]*"|\\.', "", section)).lower()
    if "@" in bare or bare.strip() == "general":
        return value
    if any(mark in bare for mark in "ymdhsg"):
        return _date(number)
    if any(mark in bare for mark in ".%e/"):
        return value  # decimals, percentages, exponents and fractions hide no digits
    return _digits(abs(round(number)), _BRACKETS.sub("", section))


def _section(sections: list[str], number: float) -> str:
    """The section that shows ``number``: the first whose condition holds (Japan's 電話番号 format is
    ``[<=99999999]####-####;(00) ####-####``), else by sign (positive; negative; zero; text)."""
    conditions = [_CONDITION.search(section) for section in sections]
    if any(conditions):
        for section, condition in zip(sections, conditions, strict=True):
            if condition is None or _holds(number, condition.group(1), float(condition.group(2))):
                return section
        return sections[-1]
    if number < 0 and len(sections) > 1:
        return sections[1]
    if number == 0 and len(sections) > 2:
        return sections[2]
    return sections[0]


def _holds(number: float, operator: str, limit: float) -> bool:
    return {"<": number < limit, "<=": number <= limit, ">": number > limit, ">=": number >= limit,
            "=": number == limit, "<>": number != limit}[operator]


def _sections(code: str) -> list[str]:
    sections, current = [], []
    for match in _SECTIONS.finditer(code):
        if match.group() == ";":
            sections.append("".join(current))
            current = []
        else:
            current.append(match.group())
    return [*sections, "".join(current)]


def _date(serial: float) -> str:
    if not 0 < serial < 2_958_466:  # up to 9999-12-31
        return str(serial)
    day = _EPOCH + dt.timedelta(days=int(serial))
    return f"{day.year}年{day.month}月{day.day}日"


def _digits(number: int, section: str) -> str:
    """Fill the section's digit placeholders from the right; extra digits go before the first one."""
    tokens = []  # (placeholder or None, literal)
    for match in _TOKENS.finditer(section):
        quoted, escaped, placeholder, plain = match.groups()
        if placeholder:
            tokens.append((placeholder, ""))
        elif quoted is not None or escaped is not None:
            tokens.append((None, quoted if quoted is not None else escaped))
        elif plain is not None and plain != ",":
            tokens.append((None, plain))
    digits = list(str(number))
    placeholders = [index for index, (placeholder, _) in enumerate(tokens) if placeholder]
    if not placeholders:
        return "".join(literal for _, literal in tokens) or str(number)
    out = [literal for _, literal in tokens]
    for index in reversed(placeholders):
        if digits:
            out[index] = digits.pop()
        else:
            out[index] = {"0": "0", "?": " "}.get(tokens[index][0], "")
    out[placeholders[0]] = "".join(digits) + out[placeholders[0]]
    return "".join(out)


def _integer(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        return -1
