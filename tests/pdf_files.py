"""PDFs built in the test, ordinary or hostile: Japanese text on pages (a Type0 font whose character codes
are the text's UTF-16 code units, with a ToUnicode map, so any text extracts as written), then metadata,
XMP, annotations, form fields, bookmarks, embedded files and encryption added with pypdf."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject


def _to_unicode(text: str) -> bytes:
    """A ToUnicode map of the characters used (as a PDF writer subsets its fonts), 100 to a block."""
    codes = sorted({ord(character) for character in text})
    blocks = "".join(f"{len(block)} beginbfchar\n" + "".join(f"<{code:04X}> <{code:04X}>\n" for code in block)
                     + "endbfchar\n" for block in (codes[start:start + 100] for start in range(0, len(codes), 100)))
    return ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Adobe-Identity-UCS def "
            "/CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            f"{blocks}endcmap CMapName currentdict /CMap defineresource pop end end").encode()


def pdf_pages(*pages: str | list[str]) -> bytes:
    """A PDF whose pages show the given lines (a string is one line; a page may be empty: a scan)."""
    pages_lines = [[page] if isinstance(page, str) else page for page in pages]
    every = "".join("".join(lines) for lines in pages_lines) or " "
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    font = 3
    objects += [b"<< /Type /Font /Subtype /Type0 /BaseFont /Test /Encoding /Identity-H "
                b"/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
                b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Test /CIDSystemInfo << /Registry (Adobe) "
                b"/Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
                _stream(_to_unicode(every))]
    kids = []
    for lines in pages_lines:
        shown = "".join(f"<{line.encode('utf-16-be').hex().upper()}> Tj 0 -16 Td " for line in lines if line)
        content = f"BT /F1 12 Tf 72 720 Td {shown}ET".encode()
        objects.append(_stream(content))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (len(objects), font))
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % kid for kid in kids),
                                                                len(kids))
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def edited(content: bytes, change) -> bytes:
    """``content`` after ``change(writer)`` (pypdf's PdfWriter on a copy of it)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(content)))
    change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def with_metadata(content: bytes, **values: str) -> bytes:
    return edited(content, lambda writer: writer.add_metadata({f"/{key}": value for key, value in values.items()}))


def with_xmp(content: bytes, xml: str) -> bytes:
    def change(writer):
        from pypdf.generic import StreamObject

        stream = StreamObject()
        stream.set_data(xml.encode())
        stream.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
        writer.root_object[NameObject("/Metadata")] = writer._add_object(stream)

    return edited(content, change)


def with_attachment(content: bytes, name: str, data: bytes) -> bytes:
    return edited(content, lambda writer: writer.add_attachment(name, data))


def with_annotation(content: bytes, **entries: str) -> bytes:
    """A sticky note (/Text annotation) on the first page, with text entries (Contents, T, Subj…)."""
    def change(writer):
        from pypdf.annotations import Text

        annotation = Text(rect=(50, 550, 200, 650), text=entries.pop("Contents", ""))
        for key, value in entries.items():
            annotation[NameObject(f"/{key}")] = TextStringObject(value)
        writer.add_annotation(page_number=0, annotation=annotation)

    return edited(content, change)


def with_file_annotation(content: bytes) -> bytes:
    """A file attachment annotation (the paper-clip icon) on the first page."""
    def change(writer):
        annotation = DictionaryObject({NameObject("/Type"): NameObject("/Annot"),
                                       NameObject("/Subtype"): NameObject("/FileAttachment"),
                                       NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (0, 0, 20, 20)])})
        writer.add_annotation(page_number=0, annotation=annotation)

    return edited(content, change)


def with_text_field(content: bytes, name: str, value: str) -> bytes:
    """An AcroForm text field on the first page holding ``value``."""
    def change(writer):
        field = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"):
                                  NameObject("/Widget"), NameObject("/FT"): NameObject("/Tx"),
                                  NameObject("/T"): TextStringObject(name), NameObject("/V"): TextStringObject(value),
                                  NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (72, 600, 300, 620)])})
        reference = writer._add_object(field)
        page = writer.pages[0]
        page[NameObject("/Annots")] = ArrayObject([reference])
        writer.root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"):
                                                                        ArrayObject([reference])})

    return edited(content, change)


def with_bookmark(content: bytes, title: str) -> bytes:
    return edited(content, lambda writer: writer.add_outline_item(title=title, page_number=0))


def with_javascript(content: bytes) -> bytes:
    """A document-level script (/Names /JavaScript), as a form's calculation scripts are stored."""
    def change(writer):
        action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                   NameObject("/JS"): TextStringObject("app.alert('x');")})
        names = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"),
                                                                     writer._add_object(action)])})
        writer.root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): names})

    return edited(content, change)


def encrypted(content: bytes) -> bytes:
    return edited(content, lambda writer: writer.encrypt(user_password="", owner_password="owner"))
