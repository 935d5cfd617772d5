"""The text gathered from a file, one line per piece (a paragraph, a cell, a metadata value…), bounded."""

from __future__ import annotations

import time

from council.core.i18n import gettext as _

#: More text than this (about a hundred dense pages) is not a flyer, a handout or minutes; refused rather
#: than checked for many seconds (the guard reads about 30,000 characters a second on one core).
MAX_TEXT = 200_000
#: More pages than this are not a flyer or a handout either (pages without text cost time too).
MAX_PAGES = 500
#: Most annotations, form fields, bookmarks and tagged elements read from one PDF (a handout has a few).
MAX_OBJECTS = 20_000

#: Longest a file may take to read, checked between pages and parts: a PDF can make each page cost a second
#: (a font's ToUnicode map is parsed again on every page), and the upload holds a worker meanwhile.
MAX_SECONDS = 30


class UnreadableFile(ValueError):
    """The file's text cannot be read or checked, so it cannot be shared; the message says why."""


class Collected:
    """Text gathered piece by piece. Raises UnreadableFile once it passes ``limit`` characters, so a hostile
    file never makes the reader hold more than that.

    Who wrote the file — its author and last editor, a comment's or a tracked change's author — is kept
    apart (``authors``): like a form's name field, it may hold a staff member's name and nothing else
    personal, so the name of its writer does not make a flyer a list of people.
    """

    def __init__(self, limit: int = MAX_TEXT, seconds: float | None = None):
        self.limit = limit
        self.size = 0
        self.deadline = time.monotonic() + (MAX_SECONDS if seconds is None else seconds)
        self._pieces: list[str] = []
        self.authors: list[str] = []

    def check_time(self) -> None:
        """Raise UnreadableFile once reading has taken longer than allowed."""
        if time.monotonic() > self.deadline:
            raise UnreadableFile(_("This file takes too long to read to be checked. Share a shorter or simpler "
                                   "document."))

    def add(self, text: str) -> None:
        """Add ``text`` to the current line."""
        self.size += len(text)
        if self.size > self.limit:
            raise UnreadableFile(_("This file holds too much text to be checked. Share a shorter document."))
        self._pieces.append(text)

    def line(self, text: str = "") -> None:
        """Add ``text`` (if any) as a line of its own."""
        if text:
            self.end_line()
            self.add(text)
        self.end_line()

    def end_line(self) -> None:
        if self._pieces and not self._pieces[-1].endswith("\n"):
            self._pieces.append("\n")

    def author(self, name: str) -> None:
        """Add who wrote or edited the file (or a comment in it)."""
        if name.strip():
            self.size += len(name)
            if self.size > self.limit:
                raise UnreadableFile(_("This file holds too much text to be checked. Share a shorter document."))
            self.authors.append(name.strip())

    def text(self) -> str:
        return "".join(self._pieces)
