"""What a program can take out of a picture inside a document without looking at its pixels: EXIF text
(description, artist, copyright, Windows' title, comment, author, keywords and subject fields, the user
comment), PNG text chunks, a JPEG comment and XMP. A photo that records where it was taken (GPS) is refused:
whose place it shows cannot be checked.

Pixels are never decoded (that is what costs memory and time, and text in them would need OCR): JPEG
headers are read by Pillow up to the image data, PNG chunks are walked here, compressed text chunks are
unpacked with a bound.
"""

from __future__ import annotations

import io
import struct
import zlib

from council.core.archives import parse_xml
from council.core.i18n import gettext as _
from council.platform.resources.reading.collected import Collected, UnreadableFile
from council.platform.resources.reading.xmltext import handlers

#: EXIF tags holding text: ImageDescription, Artist, Copyright; Windows' XPTitle, XPComment, XPAuthor,
#: XPKeywords, XPSubject (UTF-16); the Exif IFD's UserComment.
TEXT_TAGS = (0x010E, 0x013B, 0x8298)
WINDOWS_TAGS = (0x9C9B, 0x9C9C, 0x9C9D, 0x9C9E, 0x9C9F)
EXIF_IFD, GPS_IFD, USER_COMMENT = 0x8769, 0x8825, 0x9286
#: Largest text chunk unpacked from a PNG (a caption is a few hundred bytes).
MAX_CHUNK_TEXT = 1 << 20
_PNG = b"\x89PNG\r\n\x1a\n"


def read_image(data: bytes, collected: Collected) -> None:
    """Add the text of the picture's metadata to ``collected``. Raises UnreadableFile for a located photo."""
    if data.startswith(_PNG):
        _read_png(data, collected)
    elif data.startswith(b"\xff\xd8\xff"):
        _read_jpeg(data, collected)


def _refuse_location() -> UnreadableFile:
    return UnreadableFile(_("A photo in this file records where it was taken (GPS). Remove the location from "
                            "the photo, or the photo, and share the file again."))


def _read_jpeg(data: bytes, collected: Collected) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            _read_exif(image.getexif(), collected)
            comment = image.info.get("comment")
            if isinstance(comment, bytes):
                collected.line(comment.decode("utf-8", "replace"))
            xmp = image.info.get("xmp")
            if isinstance(xmp, bytes):
                parse_xml(io.BytesIO(xmp), handlers(collected))
    except UnreadableFile:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, struct.error):
        return  # not a picture Pillow can open: no metadata it could show either


def _read_exif(exif, collected: Collected) -> None:
    if exif.get_ifd(GPS_IFD):
        raise _refuse_location()
    for tag in TEXT_TAGS:
        if isinstance(exif.get(tag), str):
            collected.line(exif[tag])
    for tag in WINDOWS_TAGS:
        value = exif.get(tag)
        if isinstance(value, bytes | tuple):
            collected.line(bytes(value).decode("utf-16-le", "replace").rstrip("\x00"))
    comment = exif.get_ifd(EXIF_IFD).get(USER_COMMENT)
    if isinstance(comment, bytes):
        collected.line(comment[8:].decode("utf-16-le" if comment.startswith(b"UNICODE") else "utf-8",
                                          "replace").rstrip("\x00"))
    elif isinstance(comment, str):
        collected.line(comment)


def _read_png(data: bytes, collected: Collected) -> None:
    """Walk the chunks: tEXt, zTXt and iTXt hold text; eXIf holds EXIF (checked for a location and text)."""
    position = len(_PNG)
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        position += 12 + length
        if kind == b"tEXt":
            collected.line(body.replace(b"\x00", b" ").decode("latin-1"))
        elif kind == b"zTXt":
            keyword, _null, rest = body.partition(b"\x00")
            collected.line(keyword.decode("latin-1") + " " + _inflate(rest[1:]).decode("latin-1"))
        elif kind == b"iTXt":
            keyword, _null, rest = body.partition(b"\x00")
            compressed, rest = rest[:1], rest[2:]
            _language, _null, rest = rest.partition(b"\x00")
            translated, _null, text = rest.partition(b"\x00")
            text = _inflate(text) if compressed == b"\x01" else text
            collected.line(" ".join(part.decode("utf-8", "replace") for part in (keyword, translated, text)))
        elif kind == b"eXIf":
            from PIL import Image

            exif = Image.Exif()
            try:
                exif.load(body)
            except (OSError, ValueError, SyntaxError, struct.error):
                continue
            _read_exif(exif, collected)
        elif kind == b"IEND":
            break


def _inflate(data: bytes) -> bytes:
    """Unpack at most MAX_CHUNK_TEXT bytes; a chunk that unpacks to more is refused as no caption is."""
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(data, MAX_CHUNK_TEXT)
    except zlib.error:
        return b""
    if inflater.unconsumed_tail:
        raise UnreadableFile(_("This file holds too much text to be checked. Share a shorter document."))
    return text
