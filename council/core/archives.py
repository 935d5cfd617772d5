"""Zip archives and XML from users, bounded before and while anything reads them (both sides use this).

Office files (.docx, .xlsx) are zip archives of XML parts, and each layer can be made to cost far more than
the file's size: a few kilobytes of zip can unpack to gigabytes, an XML document type declaration can define
entities that expand a billionfold, and millions of tiny elements can fill the memory of a parser that builds
a tree. A ledger built like that once pinned a CPU for minutes while the import held the database's write
lock. So every archive a user hands in — a ledger to import, a case attachment, a platform resource — goes
through the same limits (``LIMITS``):

- the zip's own directory is checked before any entry is unpacked: number of entries, each entry's size once
  unpacked, the total, and the ratio of unpacked to packed size; encrypted entries and compression methods
  Office does not use are refused;
- XML is read by a streaming parser (expat) that refuses any document type declaration — Office never writes
  one, and without one no entity can be declared, so nothing can expand — and counts elements as they
  arrive, so a part is refused as soon as it passes the limit and nothing unbounded is ever built.

Messages say which limit was passed, never what the file contains.
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO
from xml.parsers import expat

from council.core.i18n import lazy_gettext as _l

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The bounds every uploaded file is held to. One set for ledgers, attachments and resources."""

    #: Largest file accepted (also the case attachments' and platform resources' limit).
    file_bytes: int = 10 * MB
    #: Most entries in a zip; an Office file has a few dozen.
    zip_entries: int = 1_000
    #: Largest entry once unpacked, and all entries together (a 50,000-row ledger's sheet is about 30 MB).
    entry_bytes: int = 64 * MB
    total_bytes: int = 128 * MB
    #: Largest ratio of unpacked to packed size, for entries above ``ratio_grace`` (XML packs 5-30 times).
    ratio: int = 100
    ratio_grace: int = 1 * MB
    #: Most elements in one XML part (a 50,000-row ledger has about 1.2 million in its sheet).
    xml_elements: int = 4_000_000


LIMITS = Limits()


class UploadError(ValueError):
    """The file is empty, too large, unreadable or of a kind not accepted; the message says which."""


class UnsafeFile(UploadError):
    """The file passes a limit that protects the server (size, unpacked size, XML structure)."""


def _mb(size: int) -> int:
    return size // MB


def check_size(size: int, *, limits: Limits = LIMITS) -> None:
    """Raise UploadError for an empty file, UnsafeFile for one larger than ``limits.file_bytes``."""
    if size == 0:
        raise UploadError(_l("The file is empty."))
    if size > limits.file_bytes:
        raise UnsafeFile(_l("Files may be at most %(mb)d MB.", mb=_mb(limits.file_bytes)))


# -- zip ----------------------------------------------------------------------------------------------

_END_OF_DIRECTORY = b"PK\x05\x06"
_END_RECORD = struct.Struct("<4s4H2LH")  # signature, disk numbers, entries here, entries total, size, offset, comment


def _declared_entries(content: bytes) -> int | None:
    """The number of entries the zip's end record declares, read before zipfile builds one object per entry."""
    tail = content[-(_END_RECORD.size + 0xFFFF):]  # the end record, and the archive comment after it
    position = tail.rfind(_END_OF_DIRECTORY)
    if position < 0 or len(tail) - position < _END_RECORD.size:
        return None
    fields = _END_RECORD.unpack_from(tail, position)
    return max(fields[3], fields[4])  # 0xFFFF means "see the zip64 record": more than any limit here


def open_zip(content: bytes, *, limits: Limits = LIMITS) -> zipfile.ZipFile:
    """The zip archive in ``content``, after its directory was checked against ``limits``.

    Raises UploadError when it is not a readable zip, UnsafeFile when it passes a limit. Reading an entry
    (``open_entry``) cannot produce more than the size the directory declares (zipfile stops there and checks
    the CRC), so these checks bound everything unpacked later.
    """
    check_size(len(content), limits=limits)
    declared = _declared_entries(content)
    if declared is not None and declared > limits.zip_entries:
        raise UnsafeFile(_l("The file holds more than %(count)d parts.", count=limits.zip_entries))
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise UploadError(_l("The file is damaged or not an Office file.")) from None
    if len(entries) > limits.zip_entries:
        raise UnsafeFile(_l("The file holds more than %(count)d parts.", count=limits.zip_entries))
    names, total = set(), 0
    for entry in entries:
        if entry.filename in names:
            raise UploadError(_l("The file is damaged or not an Office file."))
        names.add(entry.filename)
        if entry.flag_bits & 0x1:
            raise UploadError(_l("Encrypted or password-protected files are not accepted."))
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UploadError(_l("The file is damaged or not an Office file."))
        total += entry.file_size
        if entry.file_size > limits.entry_bytes:
            raise UnsafeFile(_l("A part of the file unpacks to more than %(mb)d MB.", mb=_mb(limits.entry_bytes)))
        if total > limits.total_bytes:
            raise UnsafeFile(_l("The file unpacks to more than %(mb)d MB.", mb=_mb(limits.total_bytes)))
        if entry.file_size > limits.ratio_grace and entry.file_size > limits.ratio * max(entry.compress_size, 1):
            raise UnsafeFile(_l("The file is packed more than %(ratio)d times, as no Office file is.",
                                ratio=limits.ratio))
    return archive


def open_entry(archive: zipfile.ZipFile, name: str) -> IO[bytes]:
    """A stream of one entry (UploadError when it is missing or damaged)."""
    try:
        return archive.open(name)
    except (KeyError, zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError):
        raise UploadError(_l("The file is damaged or not an Office file.")) from None


# -- XML ----------------------------------------------------------------------------------------------

_CHUNK = 1 << 16


@dataclass
class XmlHandlers:
    """What a caller wants from a part: called with (name, attributes), (name) and text, names as written."""

    start: Callable[[str, dict[str, str]], None] | None = None
    end: Callable[[str], None] | None = None
    text: Callable[[str], None] | None = None


def parse_xml(stream: IO[bytes], handlers: XmlHandlers | None = None, *, limits: Limits = LIMITS,
              namespaces: bool = False) -> None:
    """Stream ``stream`` through expat, calling ``handlers``; nothing is kept.

    Raises UnsafeFile at a document type declaration (so no entity can be declared, hence none expanded) or
    at more than ``limits.xml_elements`` elements; UploadError when
    the XML is malformed (an undefined entity included). A handler may raise to stop early. With
    ``namespaces``, names are given as ``"namespace-uri local-name"`` whatever prefix the file uses.
    """
    for _chunk in iterparse_xml(stream, handlers, limits=limits, namespaces=namespaces):
        pass


def iterparse_xml(stream: IO[bytes], handlers: XmlHandlers | None = None, *, limits: Limits = LIMITS,
                  namespaces: bool = False) -> Iterator[None]:
    """``parse_xml`` a chunk at a time: yields after each chunk, so that the caller can pass on what the
    handlers gathered (a worksheet's rows) while the part is still being read."""
    handlers = handlers or XmlHandlers()
    parser = expat.ParserCreate(namespace_separator=" " if namespaces else None)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    elements, maximum, on_start = 0, limits.xml_elements, handlers.start

    def refuse_declaration(*_args):
        raise UnsafeFile(_l("The file contains an XML document type declaration, which Office files never do."))

    # Every element costs a call into Python, so their number bounds the time a part can take. (Nesting costs
    # nothing here: expat does not recurse, and nothing is kept.)
    def start(name, attributes):
        nonlocal elements
        elements += 1
        if elements > maximum:
            raise UnsafeFile(_l("The file has more XML elements than any Office file."))
        if on_start is not None:
            on_start(name, attributes)

    parser.StartDoctypeDeclHandler = refuse_declaration
    parser.EntityDeclHandler = refuse_declaration
    parser.StartElementHandler = start
    if handlers.end is not None:
        parser.EndElementHandler = handlers.end
    if handlers.text is not None:
        parser.buffer_text = True
        parser.CharacterDataHandler = handlers.text
    try:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
            yield
        parser.Parse(b"", True)
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError):
        raise UploadError(_l("The file is damaged or not an Office file.")) from None
    yield


# -- Office files -------------------------------------------------------------------------------------

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The content type of an Office file's main part -> (the file's content type, its extension). Macro-enabled
#: files (.docm, .xlsm), templates and OpenDocument files have other main parts and are refused.
OFFICE_KINDS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (DOCX, "docx"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (XLSX, "xlsx"),
}
_CONTENT_TYPES = "[Content_Types].xml"
_ROOT_RELATIONSHIPS = "_rels/.rels"


@dataclass
class OfficeFile:
    """An Office file whose zip directory and manifest were checked: its kind and the path of its main part."""

    archive: zipfile.ZipFile
    content_type: str
    extension: str
    main_part: str
    limits: Limits

    def open(self, name: str) -> IO[bytes]:
        return open_entry(self.archive, name)

    def parse(self, name: str, handlers: XmlHandlers | None = None, *, namespaces: bool = False) -> None:
        """Stream one XML part through ``handlers`` under the limits (see ``parse_xml``)."""
        with self.open(name) as stream:
            parse_xml(stream, handlers, limits=self.limits, namespaces=namespaces)

    def iterparse(self, name: str, handlers: XmlHandlers, *, namespaces: bool = False) -> Iterator[None]:
        """``parse`` a chunk at a time (see ``iterparse_xml``)."""
        with self.open(name) as stream:
            yield from iterparse_xml(stream, handlers, limits=self.limits, namespaces=namespaces)

    def check_parts(self) -> None:
        """Stream every XML part under the limits: no declaration, no entity, bounded elements."""
        for name in self.archive.namelist():
            if name.lower().endswith((".xml", ".rels")):
                self.parse(name)


def _not_office():
    return UploadError(_l("Only Word (.docx) and Excel (.xlsx) files are accepted among zip files (not macro-enabled "
                          "files, templates, OpenDocument files or other archives)."))


def open_office(content: bytes, *, limits: Limits = LIMITS) -> OfficeFile:
    """Open a .docx or .xlsx: the zip is checked (``open_zip``), then its manifest must name a Word document or an
    Excel workbook as main part and that part must exist. Raises UploadError (``UnsafeFile`` for a limit)."""
    archive = open_zip(content, limits=limits)
    names = set(archive.namelist())
    if _CONTENT_TYPES not in names or _ROOT_RELATIONSHIPS not in names:
        raise _not_office()
    if any(posixpath.basename(name).lower() == "vbaproject.bin" for name in names):
        raise _not_office()
    main = _main_part(archive, limits)
    if main is None or main not in names:
        raise _not_office()
    kind = OFFICE_KINDS.get(_content_type_of(archive, main, limits))
    if kind is None:
        raise _not_office()
    return OfficeFile(archive, kind[0], kind[1], main, limits)


def _main_part(archive: zipfile.ZipFile, limits: Limits) -> str | None:
    """The package's main part (the target of its officeDocument relationship), as a name in the zip."""
    found = []

    def start(name, attributes):
        if name.rpartition(":")[2] == "Relationship" and attributes.get("Type", "").endswith("/officeDocument") \
                and attributes.get("TargetMode", "Internal") == "Internal":
            found.append(attributes.get("Target", ""))
            if len(found) > 1:
                raise _not_office()

    with open_entry(archive, _ROOT_RELATIONSHIPS) as stream:
        parse_xml(stream, XmlHandlers(start=start), limits=limits)
    if len(found) != 1:
        return None
    return posixpath.normpath(found[0].lstrip("/"))


def _content_type_of(archive: zipfile.ZipFile, part: str, limits: Limits) -> str | None:
    overrides, defaults = {}, {}

    def start(name, attributes):
        local = name.rpartition(":")[2]
        if len(overrides) + len(defaults) > 2 * limits.zip_entries:  # one entry per part, one per extension
            raise _not_office()
        if local == "Override":
            overrides[attributes.get("PartName", "").lower()] = attributes.get("ContentType", "")
        elif local == "Default":
            defaults[attributes.get("Extension", "").lower()] = attributes.get("ContentType", "")

    with open_entry(archive, _CONTENT_TYPES) as stream:
        parse_xml(stream, XmlHandlers(start=start), limits=limits)
    extension = posixpath.splitext(part)[1].lstrip(".").lower()
    return overrides.get("/" + part.lower(), defaults.get(extension))
