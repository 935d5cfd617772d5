"""Postal codes and street addresses down to the block (丁目・番地・号, or 1234-5 forms).

An area name alone (市原市, 五井地区, 駅前二丁目の公園) is ordinary platform text: a municipality, district
or landmark identifies no one. What identifies a household is the block number after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from council.platform.guard.findings import Finding
from council.platform.guard.normalise import View

DETECTOR = "address"

_NUMBER = r"(?:[0-9]+|[一二三四五六七八九十〇]+)"
_HYPHEN = r"[-‐‑‒–—―−ー─]"
_MUNICIPALITY = r"(?:東京都|北海道|京都府|大阪府|[一-龥]{2,3}県)?(?:[一-龥ヶ]{1,5}?|[ぁ-ん]{2,5})[市区町村郡]"
#: A town or district name after the municipality: ends in a kanji or katakana, so no particle ("市で1-2月").
_TOWN = r"(?:[一-龥ァ-ヶぁ-ん]{0,7}[一-龥ァ-ヶ])?"
_CHOME = rf"{_NUMBER}丁目"
_BANCHI = rf"{_NUMBER}番地?(?:{_NUMBER}号?|の{_NUMBER})?"
_BLOCK_NUMBERS = rf"[0-9]+(?:{_HYPHEN}[0-9]+){{1,3}}(?![0-9])"
_STRONG_BLOCK = (
    rf"(?:{_CHOME}(?:{_BANCHI}|{_BLOCK_NUMBERS}|[0-9]+)|{_NUMBER}番地(?:の?{_NUMBER}号?)?|{_NUMBER}番{_NUMBER}号)"
)

_PATTERNS = (
    # 〒290-0081, 郵便番号 2900081
    re.compile(rf"(?:〒|郵便番号[:：]?)\s*[0-9]{{3}}{_HYPHEN}?[0-9]{{4}}(?![0-9])"),
    # 市原市五井1234-5, 新宿区西新宿二丁目, 千葉県市原市国分寺台中央1丁目1-1
    re.compile(rf"{_MUNICIPALITY}{_TOWN}(?:{_STRONG_BLOCK}|{_CHOME}|{_BLOCK_NUMBERS})"),
    # 千葉県市原市山田橋123: a bare lot number after a municipality and a town name
    re.compile(rf"{_MUNICIPALITY}(?:[一-龥ァ-ヶぁ-ん]{{0,7}}[一-龥ァ-ヶ])[0-9]{{1,5}}(?![0-9年月日時分回号室階名人円歳代%.:])"),
    # 西新宿二丁目8番1号, 五井1234番地: a block number strong enough without the municipality
    re.compile(rf"(?:[一-龥ァ-ヶ]{{1,8}}){_STRONG_BLOCK}"),
)


def detect(text: str, view: View) -> Iterator[Finding]:
    """Postal codes, and addresses that reach a block number."""
    for pattern in _PATTERNS:
        for match in pattern.finditer(view.text):
            start, end = view.span(match.start(), match.end())
            yield Finding("address", start, end, DETECTOR)
