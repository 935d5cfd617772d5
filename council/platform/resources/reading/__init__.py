"""Everything a person could see in an uploaded file, or a program could take out of it, as plain text.

One module per format: ``pdf`` (page text, metadata, XMP, annotations, form fields, bookmarks, tagged
alternative text) and ``office`` (every part of a .docx or .xlsx: body, headers, footers, notes, comments,
glossary, document properties, text-carrying attributes such as an image's alternative text, link
targets, and spreadsheet cells as they display through their number format). What cannot be read or
checked — embedded files and objects, custom XML data, macros, encryption, scripts — is refused with a
reason (``UnreadableFile``). All reading is bounded: by the limits of ``council.core.archives`` for zips and
XML, and here by pages, objects and the amount of text (``collected``).
"""

from council.platform.resources.reading.collected import MAX_OBJECTS, MAX_PAGES, MAX_TEXT, Collected, UnreadableFile

__all__ = ["MAX_OBJECTS", "MAX_PAGES", "MAX_TEXT", "Collected", "UnreadableFile"]
