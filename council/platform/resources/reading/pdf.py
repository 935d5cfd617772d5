"""Everything in a PDF a person could see or a program could take out: the pages' text, the document
information (/Author, /Subject, /Keywords…), XMP metadata, annotations (sticky notes, their authors and
rich text), form fields and their values, bookmarks, and the alternative text of tagged content.

Refused, because they cannot be checked: encryption, embedded files (/EmbeddedFiles, file attachment
annotations, portfolios), XFA forms (an XML form the page text does not show) and JavaScript. Pages,
objects and text are bounded (``collected``); pypdf bounds decompression itself.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from council.core.archives import UploadError, parse_xml
from council.core.i18n import gettext as _
from council.platform.resources.reading.collected import MAX_OBJECTS, MAX_PAGES, Collected, UnreadableFile
from council.platform.resources.reading.xmltext import handlers

#: Annotation kinds that carry a file or media rather than text.
EMBEDDING_ANNOTATIONS = frozenset({"/FileAttachment", "/Sound", "/Movie", "/RichMedia", "/Screen", "/3D"})
#: Keys of annotations, form fields and tagged elements that hold text. (An annotation's /T is its author.)
TEXT_KEYS = ("/Contents", "/Subj", "/TU", "/TM", "/V", "/DV", "/CA", "/Alt", "/ActualText", "/E", "/Title")


def read_pdf(content: bytes) -> Collected:
    """All the text of a PDF. Raises UnreadableFile."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise UnreadableFile(_("Encrypted PDFs cannot be checked for personal data. Share it unencrypted."))
        root = reader.trailer["/Root"].get_object()
        _refuse_what_cannot_be_checked(root)
        if len(reader.pages) > MAX_PAGES:
            raise UnreadableFile(_("This file has more than %(count)d pages. Share a shorter document.",
                                   count=MAX_PAGES))
        collected = Collected()
        budget = _Budget()
        _read_information(reader, collected)
        _read_xmp(root, collected)
        page_text = False
        for page in reader.pages:
            collected.check_time()
            text = page.extract_text() or ""
            page_text = page_text or bool(text.strip())
            collected.line(text)
            for annotation in _array(page.get("/Annots"), budget):
                _read_annotation(annotation, collected)
        _read_fields(root, collected, budget)
        _read_tree(root.get("/Outlines"), ("/First", "/Next"), collected, budget)
        _read_tree(root.get("/StructTreeRoot"), ("/K",), collected, budget)
        if not page_text:
            raise UnreadableFile(_("This file has no text that can be checked (a scanned document?). Share a "
                                   "PDF, Word or Excel file with the text in it instead."))
        return collected
    except UnreadableFile:
        raise
    except UploadError as error:
        raise UnreadableFile(str(error)) from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError):
        raise UnreadableFile(_("The PDF could not be read.")) from None


class _Budget:
    """Counts the objects read beyond the pages, so a PDF of a million annotations is refused."""

    def __init__(self) -> None:
        self.used = 0

    def spend(self) -> None:
        self.used += 1
        if self.used > MAX_OBJECTS:
            raise UnreadableFile(_("This file has more annotations, form fields or bookmarks than a document "
                                   "shared here can have. Share a shorter document."))


def _refuse_embedded() -> UnreadableFile:
    return UnreadableFile(_("This PDF contains an embedded file, which cannot be checked for personal data. "
                            "Remove the attachment, or share it as a file of its own."))


def _refuse_what_cannot_be_checked(root) -> None:
    names = _dictionary(root.get("/Names"))
    if "/EmbeddedFiles" in names or "/Collection" in root:
        raise _refuse_embedded()
    if "/XFA" in _dictionary(root.get("/AcroForm")):
        raise UnreadableFile(_("This PDF holds an XFA form, which cannot be checked for personal data. Print it "
                               "to a new PDF and share that."))
    open_action = _dictionary(root.get("/OpenAction"))
    if "/JavaScript" in names or "/JS" in open_action or "/AA" in root:
        raise UnreadableFile(_("This PDF contains scripts, which cannot be checked for personal data. Print it "
                               "to a new PDF and share that."))


def _read_information(reader, collected: Collected) -> None:
    information = reader.trailer.get("/Info")
    for key, value in _dictionary(information).items():
        if key == "/Author":
            collected.author(_text(value))
        else:
            collected.line(_text(value))


def _read_xmp(root, collected: Collected) -> None:
    metadata = root.get("/Metadata")
    if metadata is None:
        return
    data = metadata.get_object().get_data()
    parse_xml(io.BytesIO(data), handlers(collected))


def _read_annotation(annotation, collected: Collected) -> None:
    annotation = _dictionary(annotation)
    if annotation.get("/Subtype") in EMBEDDING_ANNOTATIONS or "/FS" in annotation:
        raise _refuse_embedded()
    if "/JS" in _dictionary(annotation.get("/A")):
        raise UnreadableFile(_("This PDF contains scripts, which cannot be checked for personal data. Print it "
                               "to a new PDF and share that."))
    _read_keys(annotation, collected)
    if "/T" in annotation:
        if annotation.get("/Subtype") == "/Widget":
            collected.line(_text(annotation["/T"]))  # a form field's name
        else:
            collected.author(_text(annotation["/T"]))  # who wrote the note
    rich_text = annotation.get("/RC")
    if rich_text is not None:
        data = rich_text.get_object()
        data = data.get_data() if hasattr(data, "get_data") else _text(data).encode()
        parse_xml(io.BytesIO(data), handlers(collected))
    uri = _dictionary(annotation.get("/A")).get("/URI")
    if uri is not None:
        collected.line(_text(uri))


def _read_fields(root, collected: Collected, budget: _Budget) -> None:
    """Form fields and their kids (a field's value, its name and tooltip, the choices it offers)."""
    pending = list(_array(_dictionary(root.get("/AcroForm")).get("/Fields"), budget))
    while pending:
        field = _dictionary(pending.pop())
        _read_keys(field, collected)
        if "/T" in field:
            collected.line(_text(field["/T"]))  # a field's name
        for choice in _array(field.get("/Opt"), budget):
            collected.line(_text(choice))
        pending.extend(_array(field.get("/Kids"), budget))


def _read_tree(node, links: tuple[str, ...], collected: Collected, budget: _Budget) -> None:
    """Walk bookmarks (/First, /Next) or the structure tree (/K), reading text keys; each node once."""
    seen: set[int] = set()
    pending = [node] if node is not None else []
    while pending:
        item = pending.pop()
        reference = getattr(item, "idnum", None)
        if reference is not None:
            if reference in seen:
                continue
            seen.add(reference)
        item = item.get_object()
        budget.spend()
        if isinstance(item, list):
            pending.extend(item)
            continue
        if not hasattr(item, "get"):
            continue
        _read_keys(item, collected)
        if "/T" in item:
            collected.line(_text(item["/T"]))  # a tagged element's title
        for link in links:
            if link in item:
                pending.append(item.raw_get(link))


def _read_keys(dictionary, collected: Collected) -> None:
    for key in TEXT_KEYS:
        value = dictionary.get(key)
        if value is not None and not hasattr(value.get_object(), "keys"):
            collected.line(_text(value))


def _dictionary(value) -> dict:
    value = value.get_object() if value is not None else None
    return value if hasattr(value, "keys") else {}


def _array(value, budget: _Budget) -> Iterator:
    value = value.get_object() if value is not None else None
    if not isinstance(value, list):
        return
    for item in value:
        budget.spend()
        yield item


def _text(value) -> str:
    value = value.get_object() if hasattr(value, "get_object") else value
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, list):
        return " ".join(_text(item) for item in value)
    return str(value)
