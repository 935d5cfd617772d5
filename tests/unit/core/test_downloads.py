"""Download names in Content-Disposition: the real name survives (RFC 6266 / 5987), nothing can break the header."""

from urllib.parse import unquote

import pytest

from council.core.downloads import clean_filename, content_disposition, with_extension


def filename_star(header: str) -> str:
    """What a browser takes from ``filename*=UTF-8''…``."""
    value = header.split("filename*=", 1)[1]
    charset, _language, encoded = value.split("'", 2)
    assert charset == "UTF-8"
    return unquote(encoded, encoding="utf-8", errors="strict")


def test_a_japanese_name_survives_and_old_clients_get_the_server_name():
    header = content_disposition("山田太郎_診断書.pdf", fallback="2026-0001-3.pdf")
    assert header.startswith('attachment; filename="2026-0001-3.pdf"; filename*=UTF-8\'\'')
    assert filename_star(header) == "山田太郎_診断書.pdf"
    assert header.isascii()


def test_an_ascii_name_is_its_own_fallback():
    header = content_disposition("plan 2026.xlsx", fallback="x.zip")
    assert 'filename="plan 2026.xlsx"' in header and filename_star(header) == "plan 2026.xlsx"


@pytest.mark.parametrize("name", [
    "report\r\nSet-Cookie: a=b.pdf",
    "report\nX-Injected: 1.pdf",
    "rep\x00ort\x7f\x85.pdf",
    "invoice\u202efdp.exe",  # right-to-left override: would display as "invoiceexe.pdf"
    "a\u2066b\u2069\u200b\ufeff.pdf",
    "line\u2028para\u2029.pdf",
])
def test_control_and_format_characters_are_stripped(name):
    header = content_disposition(name, fallback="2026-0001-1.pdf")
    shown = filename_star(header)
    assert "\r" not in header and "\n" not in header and header.isascii()
    assert all(ch.isprintable() and ch not in "\u202e\u2066\u2069\u200b\ufeff" for ch in shown), repr(shown)
    assert shown.endswith(".pdf") or shown.endswith("exe")


def test_crlf_name_keeps_its_visible_text():
    assert clean_filename("report\r\nSet-Cookie: a=b.pdf") == "reportSet-Cookie: a=b.pdf"


@pytest.mark.parametrize(("name", "expected"), [
    ("../../etc/passwd", "etcpasswd"),
    ("C:\\Users\\me\\計画書.docx", "C:Usersme計画書.docx"),
    ("..", ""),
    (".bashrc", "bashrc"),
    ("   ", ""),
])
def test_path_separators_and_leading_dots_go(name, expected):
    assert clean_filename(name) == expected


def test_an_empty_or_emptied_name_falls_back_to_the_server_name():
    assert content_disposition("\r\n/", fallback="2026-0001-2.png") == \
        "attachment; filename=\"2026-0001-2.png\"; filename*=UTF-8''2026-0001-2.png"


def test_quotes_and_percent_signs_cannot_close_or_fake_the_plain_name():
    header = content_disposition('a"b%22c.pdf', fallback="f.pdf")
    assert 'filename="f.pdf"' in header and filename_star(header) == 'a"b%22c.pdf'


def test_long_names_are_cut_keeping_the_extension():
    cleaned = clean_filename("長" * 300 + ".xlsx")
    assert len(cleaned) == 200 and cleaned.endswith(".xlsx")


@pytest.mark.parametrize(("name", "expected"), [
    ("診断書.pdf", "診断書.pdf"), ("診断書.PDF", "診断書.PDF"), ("診断書", "診断書.pdf"),
    ("page.html", "page.html.pdf"),
])
def test_the_name_ends_in_the_real_type(name, expected):
    assert with_extension(name, extension="pdf") == expected


def test_other_suffixes_of_the_same_type_are_kept():
    assert with_extension("写真.jpeg", extension="jpg", also=frozenset({"jpeg"})) == "写真.jpeg"
