"""Every part of a .docx or .xlsx, read as text: nothing in the package is left unread or unchecked.

A Word or Excel file is a zip of parts. A person sees the body, headers, footers, notes, comments and
text boxes; a program also finds document properties (docProps/core.xml: author, subject, keywords; app
and custom properties), the glossary (word/glossary/: building blocks), tracked deletions, an image's
alternative text, sheet names, validation prompts, link targets (mailto:) and pivot caches. So every XML
part is read (``xmltext``), not a list of named ones, and spreadsheet numbers through their format
(``cells``). A picture's metadata is read (``images``: EXIF, PNG text, XMP; a photo with its location is
refused) and its alternative text from the part that places it; fonts carry no text. Everything else is
refused, because it cannot be checked: embedded files and objects (a spreadsheet inside a document, OLE
objects), ActiveX controls, macros (refused when the file is opened, ``council.core.archives.open_office``),
custom XML data, and any part of an unknown kind.
"""

from __future__ import annotations

import posixpath
from urllib.parse import unquote

from council.core.archives import XLSX, OfficeFile, UploadError, XmlHandlers, open_office
from council.core.i18n import gettext as _
from council.platform.resources.reading import cells
from council.platform.resources.reading.collected import Collected, UnreadableFile
from council.platform.resources.reading.images import read_image
from council.platform.resources.reading.xmltext import handlers, local

#: Parts read as XML (VML is the legacy drawing format of comments and shapes; SVG images are XML too).
XML_PARTS = (".xml", ".rels", ".vml", ".svg")
#: Parts that hold pictures or fonts: no text a reader shows, except through the part that places them.
MEDIA_PARTS = (".png", ".jpeg", ".jpg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".wdp", ".jfif",
               ".odttf", ".ttf", ".fntdata")
#: Pictures whose metadata is read (``images``); the others (EMF, WMF, GIF…) carry none a program shows.
PICTURES = (".png", ".jpeg", ".jpg", ".jfif")
#: Folders whose parts are embedded files or objects (Word and Excel put them there; the review embedded an
#: .xlsx of names in a .docx).
EMBEDDING_FOLDERS = ("embeddings/", "activeX/", "oleObjects/")


def read_office(content: bytes) -> Collected:
    """The text of every part of a .docx or .xlsx. Raises UnreadableFile."""
    try:
        office = open_office(content)
        _refuse_what_cannot_be_checked(office)
        collected = Collected()
        formats = cells.number_formats(office) if office.content_type == XLSX else {}
        for name in sorted(office.archive.namelist()):
            if name.lower().endswith(XML_PARTS):
                collected.check_time()
                _read_part(office, name, collected, formats)
            elif name.lower().endswith(PICTURES):
                with office.open(name) as stream:
                    read_image(stream.read(), collected)
    except UploadError as error:
        raise UnreadableFile(str(error)) from None
    return collected


def _refuse_what_cannot_be_checked(office: OfficeFile) -> None:
    for name in office.archive.namelist():
        lowered = name.lower()
        if any(f"/{folder.lower()}" in f"/{lowered}" for folder in EMBEDDING_FOLDERS):
            raise UnreadableFile(_("This file contains an embedded file or object (for example a spreadsheet "
                                   "inside a document), which cannot be checked for personal data. Remove it, "
                                   "or share it as a file of its own."))
        if lowered.startswith("customxml/") and lowered.endswith(".xml") and _holds_text(office, name):
            raise UnreadableFile(_("This file contains custom XML data, which cannot be checked for personal "
                                   "data. Save a copy without it (for example by copying the text into a new "
                                   "document) and share that."))
        if name.endswith("/") or lowered.endswith(XML_PARTS + MEDIA_PARTS) or _printer_settings(lowered):
            continue
        raise UnreadableFile(_("This file contains parts that cannot be checked for personal data (macros, "
                               "controls or another program's data). Save it as a plain Word or Excel file "
                               "and share that."))


def _printer_settings(name: str) -> bool:
    """Excel and Word keep the printer's settings (a fixed binary structure) next to the sheet."""
    return posixpath.dirname(name).endswith("printersettings") and name.endswith(".bin")


def _holds_text(office: OfficeFile, name: str) -> bool:
    """Custom XML with character data. Word adds an empty bibliography store (attributes only) to many
    documents, and its item properties name schemas: those are not data and need not be refused."""
    found = []

    def text(data: str) -> None:
        if data.strip():
            found.append(True)

    office.parse(name, XmlHandlers(text=text))
    return bool(found)


def _read_part(office: OfficeFile, name: str, collected: Collected, formats: dict[int, str]) -> None:
    if name.endswith(".rels"):
        office.parse(name, _link_targets(collected))
    elif formats and posixpath.dirname(name) == "xl/worksheets":
        office.parse(name, cells.sheet_handlers(collected, formats))
    else:
        office.parse(name, handlers(collected))
    collected.end_line()


def _link_targets(collected: Collected) -> XmlHandlers:
    """Targets outside the package: a mailto: link, a web address, the path of the template a document was
    made from (C:\\Users\\<name>\\…). Targets inside the package are part names, already read as parts."""

    def start(name: str, attributes: dict[str, str]) -> None:
        if local(name) == "Relationship" and attributes.get("TargetMode") == "External":
            collected.line(unquote(attributes.get("Target", "")))

    return XmlHandlers(start=start)
