"""The text of any XML part as a person or a program would read it: character data, and the attributes that
carry text (an image's alternative text, a sheet's name, a comment's author, a validation prompt).

Text runs are joined as they display — ``<w:r><w:t>090-</w:t></w:r><w:r><w:t>1234-5678</w:t></w:r>`` is one
number — while paragraphs, cells and every other element that held text end a line, so that words of
different cells or properties are never glued into one number.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from council.core.archives import XmlHandlers
from council.platform.resources.reading.collected import Collected

#: Elements whose text continues the line (runs, their text, tracked insertions and deletions, links).
RUNS = frozenset({"r", "t", "delText", "instrText", "ins", "del", "hyperlink", "smartTag", "fldSimple", "sdt",
                  "sdtContent", "customXml", "moveFrom", "moveTo", "fld"})
#: Empty elements that end a line (breaks) or stand for a space (tabs).
BREAKS = frozenset({"br", "cr", "p", "tc", "tr", "si", "c", "row", "rPh", "comment", "txbxContent", "li"})
SPACES = frozenset({"tab", "ptab", "noBreakHyphen"})
#: Attributes that hold words people wrote (alternative text, titles, names, prompts, authors, values).
TEXT_ATTRIBUTES = frozenset({"descr", "title", "name", "tooltip", "alt", "author", "initials", "prompt",
                             "promptTitle", "error", "errorTitle", "display", "displayText", "value", "v",
                             "caption", "label", "text", "userName", "creator", "lastModifiedBy"})
#: Elements and attributes that name who wrote the file or a comment in it (``Collected.author``).
AUTHOR_ELEMENTS = frozenset({"creator", "lastModifiedBy", "author", "Author"})
AUTHOR_ATTRIBUTES = frozenset({"author", "initials", "displayName"})
#: Attributes that name fonts: Japanese font names (ＭＳ 明朝) are not anyone's words.
FONT_ATTRIBUTES = frozenset({"eastAsia", "ascii", "hAnsi", "cs", "typeface", "panose", "pitchFamily", "charset",
                             "font", "altName", "ea", "sym", "latin"})
#: ASCII values outside TEXT_ATTRIBUTES still read: an e-mail address, or digits long enough to be a phone.
_LOOKS_PERSONAL = re.compile(r"@|\d[\d\-‐ ().]{7,}\d")


def local(name: str) -> str:
    """``w:t`` and ``"namespace t"`` -> ``t``."""
    return name.rpartition(":")[2].rpartition(" ")[2]


def carries_text(attribute: str, value: str) -> bool:
    name = local(attribute)
    if name in FONT_ATTRIBUTES or attribute.startswith("xmlns") or not value.strip():
        return False
    return name in TEXT_ATTRIBUTES or not value.isascii() or bool(_LOOKS_PERSONAL.search(value))


def handlers(collected: Collected, *, skip: Callable[[str, dict[str, str]], bool] | None = None) -> XmlHandlers:
    """Handlers that add a part's text to ``collected``. ``skip(local name, attributes)`` may leave out the
    character data of an element (a spreadsheet's numbers are read through their format instead)."""
    # Per open element: did it hold text directly, and is its text skipped?
    stack: list[list[bool]] = []
    # Inside an author element (dc:creator, and the rdf:li inside it in XMP): its text, gathered.
    author: list[str] = []
    author_depth = 0

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal author_depth
        element = local(name)
        if element == "rPh":
            collected.end_line()  # a reading (furigana) is a line of its own, not glued to the word
        for attribute, value in attributes.items():
            if local(attribute) in AUTHOR_ATTRIBUTES:
                collected.author(value)
            elif carries_text(attribute, value):
                collected.line(value)
        if author_depth or element in AUTHOR_ELEMENTS:
            author_depth += 1
        stack.append([False, skip is not None and skip(element, attributes)])

    def text(data: str) -> None:
        if stack and stack[-1][1]:
            return
        if author_depth:
            author.append(data)
            return
        if stack:
            stack[-1][0] = True
        collected.add(data)

    def end(name: str) -> None:
        nonlocal author_depth
        element = local(name)
        held_text, _skipped = stack.pop() if stack else (False, False)
        if author_depth:
            author_depth -= 1
            if author_depth == 0 or element == "li":
                collected.author("".join(author))
                author.clear()
            return
        if element in SPACES:
            collected.add(" ")
        elif element in BREAKS or (held_text and element not in RUNS):
            collected.end_line()

    return XmlHandlers(start=start, end=end, text=text)
