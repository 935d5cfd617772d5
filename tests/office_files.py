"""Office files built in the test, well-formed or hostile: real .docx and .xlsx packages (manifest, relationships,
main part), other zips (jar, OpenDocument, macro-enabled), and the hostile shapes the security review used."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

CT = "application/vnd.openxmlformats-officedocument"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEADER = ["氏名", "フリガナ", "生年月日", "性別", "住所", "電話番号", "相談内容", "分類", "担当機関", "受付日"]


def zip_of(parts: dict[str, str | bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _types(main: str, main_type: str, extra: str = "") -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{main}" ContentType="{main_type}"/>{extra}</Types>')


def _root_relationships(main: str) -> str:
    return (f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="{main}"/>'
            "</Relationships>")


def docx(*paragraphs: str, main_type: str = f"{CT}.wordprocessingml.document.main+xml",
         extra: dict[str, str | bytes] | None = None) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    return zip_of({"[Content_Types].xml": _types("word/document.xml", main_type),
                   "_rels/.rels": _root_relationships("word/document.xml"),
                   "word/document.xml": f'<w:document xmlns:w="{WORD}"><w:body>{body}</w:body></w:document>',
                   **(extra or {})})


def xlsx(sheet: str, *, strings: str | None = None, main_type: str = f"{CT}.spreadsheetml.sheet.main+xml",
         extra: dict[str, str | bytes] | None = None) -> bytes:
    """A workbook whose first sheet's XML is ``sheet`` (and shared strings ``strings``, if given)."""
    relationships = f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": _types("xl/workbook.xml", main_type,
                                      f'<Override PartName="/xl/worksheets/sheet1.xml" '
                                      f'ContentType="{CT}.spreadsheetml.worksheet+xml"/>'),
        "_rels/.rels": _root_relationships("xl/workbook.xml"),
        "xl/workbook.xml": (f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="台帳" sheetId="1" '
                            'r:id="rId1"/></sheets></workbook>'),
        "xl/worksheets/sheet1.xml": sheet,
    }
    if strings is not None:
        relationships += f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        parts["xl/sharedStrings.xml"] = strings
    parts["xl/_rels/workbook.xml.rels"] = f'<Relationships xmlns="{PKG}">{relationships}</Relationships>'
    return zip_of({**parts, **(extra or {})})


def cells(number: int, values: list[str]) -> str:
    """One sheet row of inline strings."""
    columns = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return (f'<row r="{number}">' + "".join(f'<c r="{columns[index]}{number}" t="inlineStr"><is><t>{escape(value)}'
                                            f'</t></is></c>' for index, value in enumerate(values) if value)
            + "</row>")


def sheet(rows: str, *, before: str = "") -> str:
    return f'<worksheet xmlns="{MAIN}">{before}<sheetData>{rows}</sheetData></worksheet>'


def ledger_xlsx(rows: list[list[str]], *, start: int = 2) -> bytes:
    return xlsx(sheet(cells(1, HEADER) + "".join(cells(number, row) for number, row in enumerate(rows, start))))


BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">'
                            for n in range(1, 10))
                  + ']><sst xmlns="' + MAIN + '"><si><t>&lol9;</t></si></sst>')
EXTERNAL_ENTITY = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
                   f'<sst xmlns="{MAIN}"><si><t>&secret;</t></si></sst>')


# -- hostile Word and Excel files (issue 14: files that hide personal data) ----------------------------

WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
CORE = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">{}</cp:coreProperties>')


def docx_xml(body: str, *, extra: dict[str, str | bytes] | None = None, relationships: str = "") -> bytes:
    """A .docx whose body is the raw WordprocessingML ``body`` (and its relationships, if any)."""
    parts: dict[str, str | bytes] = {**(extra or {})}
    if relationships:
        parts["word/_rels/document.xml.rels"] = f'<Relationships xmlns="{PKG}">{relationships}</Relationships>'
    content = docx("", extra=parts)
    return _replace_part(content, "word/document.xml",
                         f'<w:document xmlns:w="{WORD}" xmlns:wp="{WP}"><w:body>{body}</w:body></w:document>')


def _replace_part(content: bytes, name: str, data: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts: dict[str, str | bytes] = {entry: archive.read(entry) for entry in archive.namelist()}
    parts[name] = data
    return zip_of(parts)


def runs(*texts: str) -> str:
    """One Word paragraph of several runs, each with its own formatting (as Word splits a retyped number)."""
    return "<w:p>" + "".join(f"<w:r><w:rPr><w:b/></w:rPr><w:t>{escape(text)}</w:t></w:r>" for text in texts) + "</w:p>"


def styled_xlsx(rows: str, *, formats: dict[int, str], cell_formats: list[int], strings: str | None = None,
                extra: dict[str, str | bytes] | None = None) -> bytes:
    """A workbook with number formats (id -> code) and cell styles (style index -> format id)."""
    codes = "".join(f'<numFmt numFmtId="{identifier}" formatCode="{escape(code, {chr(34): "&quot;"})}"/>'
                    for identifier, code in formats.items())
    styles = (f'<styleSheet xmlns="{MAIN}"><numFmts count="{len(formats)}">{codes}</numFmts>'
              '<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
              f'<cellXfs count="{len(cell_formats)}">'
              + "".join(f'<xf numFmtId="{identifier}" applyNumberFormat="1"/>' for identifier in cell_formats)
              + "</cellXfs></styleSheet>")
    return xlsx(sheet(rows), strings=strings, extra={"xl/styles.xml": styles, **(extra or {})})


def jpeg(*, description: str = "", windows_comment: str = "", gps: bool = False) -> bytes:
    """A small JPEG photo with EXIF text (ImageDescription, XPComment) and, if asked, a GPS position."""
    from PIL import Image

    exif = Image.Exif()
    if description:
        exif[0x010E] = description
    if windows_comment:
        exif[0x9C9C] = windows_comment.encode("utf-16-le") + b"\x00\x00"
    if gps:
        exif.get_ifd(0x8825).update({1: "N", 2: (35.0, 30.0, 0.0), 3: "E", 4: (140.0, 5.0, 0.0)})
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png(**texts: str) -> bytes:
    """A small PNG with text chunks (iTXt for non-Latin text, as Pillow writes them)."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    for key, value in texts.items():
        info.add_itxt(key, value, zip=len(value) > 20)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()
