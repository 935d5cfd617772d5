"""Japanese names in Latin letters: Yamada Taro-san, MIORI SHIGIHARA, KOJIMA Yuki, Ms. Noriko Ebihara.

A word is Japanese romaji when it can be read as a sequence of Hepburn syllables (ya-ma-da, shi-gi-ha-ra,
ma-tsu-ba-ra) — which English words mostly cannot (Zoom, Network, City, Saturday). A name is then:
- a romaji word with a hyphenated honorific (Takeuchi-san, Yuta-kun, Shimizu-sama; -sensei reads as a name);
- two romaji words in a row, each capitalised or in capitals (Kenji Morita, TANAKA Hanako), unless one is an
  ordinary Japanese word or place name used in organisation names (Kodomo Shokudo, Ichihara Ibasho Network)
  or the pair runs on into more capitalised English words (an organisation's name);
- any capitalised word after Mr./Ms./Mrs./Dr.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from council.platform.guard.findings import Finding
from council.platform.guard.normalise import View

DETECTOR = "romaji"

_CONSONANT = r"(?:kk|ss|tt|pp|cch|tch|ssh|kky|ppy|ky|gy|sh|ch|ts|ny|hy|by|py|my|ry|jy|[kgsztdnhbpmyrwfj])"
_SYLLABLE = rf"(?:{_CONSONANT}?[aiueo](?:h(?![aiueo]))?|n(?![aiueoy])|m(?=[bpm]))"
_ROMAJI = re.compile(rf"(?:{_SYLLABLE})+", re.IGNORECASE)
_WORD = r"[A-Z][a-z]+|[A-Z]{2,}"
_HONORIFIC = re.compile(rf"\b({_WORD})-(san|sama|kun|chan|dono|sensei|senpai|shi)\b")
_TITLE = re.compile(r"\b(?:Mr|Ms|Mrs|Miss|Dr|Prof)\.?\s+(?:[A-Z][a-z]+|[A-Z]{2,})(?:\s+(?:[A-Z][a-z]+|[A-Z]{2,}))?")
_PREVIOUS_WORD = re.compile(r"([A-Z][A-Za-z]*)[ \t]+$")
_NEXT_WORD = re.compile(r"[ \t]+([A-Z][A-Za-z]*)")

#: Romaji words that are ordinary Japanese words or place names, as organisations and events use them.
NOT_NAMES = frozenset({
    "kodomo", "shokudo", "shokudou", "ibasho", "hiroba", "kosodate", "tsunagu", "tsunagari", "kai", "kyokai",
    "matsuri", "salon", "sakaba", "mirai", "egao", "hidamari", "nakama", "machi", "machizukuri", "chiiki",
    "shakai", "fukushi", "kyogikai", "shakyo", "shien", "sodan", "soudan", "center", "kominkan", "toshokan",
    "ichihara", "chiba", "tokyo", "osaka", "kyoto", "japan", "nippon", "nihon", "goi", "anesaki", "yawata",
    "sodegaura", "kisarazu", "kamogawa", "tateyama", "hokkaido", "okinawa", "kanto", "kansai", "kobe", "yokohama",
    "nagoya", "sapporo", "fukuoka", "sendai", "hiroshima", "kyushu", "shikoku", "honshu", "tohoku", "chuo",
    "sushi", "ramen", "sake", "karaoke", "karate", "judo", "kendo", "aikido", "origami", "ikebana", "manga",
    "anime", "kimono", "yukata", "taiko", "bento", "onigiri", "mochi", "tanabata", "obon", "bon", "odori",
    "hanami", "zen", "no", "to", "wa", "ga", "de", "ni", "mo", "ya", "o", "a", "i", "in", "on", "go", "so", "do",
    "be", "he", "me", "we", "yo", "hi", "oh", "ok", "see", "you", "tea", "time", "name", "home", "come", "made",
    "take", "make", "june", "july", "date", "gate", "note", "same", "game", "hope", "more", "sure", "one",
    "nine", "none", "ride", "side", "wide", "wine", "fine", "mine", "line", "kite", "site", "bike", "hike",
    "joke", "tone", "zone", "rope", "pine", "dine", "tune", "dune", "rune", "here", "there", "where", "were",
    "age", "use", "ate", "are", "dear", "near", "year", "idea", "area", "data", "media", "radio", "piano",
    "photo", "video", "studio", "taxi", "menu", "tofu", "emoji", "kawaii", "wasabi", "tempura", "teriyaki",
})


def detect(text: str, view: View) -> Iterator[Finding]:
    """Romaji names, by their shape."""
    for match in _HONORIFIC.finditer(view.text):
        if _is_romaji(match.group(1)) and match.group(1).lower() not in NOT_NAMES:
            kind = "honorific_name" if match.group(2) in {"san", "sama", "kun", "chan", "dono"} else "person_name"
            yield Finding(kind, *view.span(match.start(), match.end()), DETECTOR)
    for start, end in _pairs(view.text):
        yield Finding("person_name", *view.span(start, end), DETECTOR)
    for match in _TITLE.finditer(view.text):
        yield Finding("person_name", *view.span(match.start(), match.end()), DETECTOR)


def _pairs(text: str) -> Iterator[tuple[int, int]]:
    """Spans of two romaji words in a row that are not part of a longer run of capitalised words."""
    words = [(match.start(), match.end(), match.group()) for match in re.finditer(r"[A-Za-z]+(?:-[a-z]+)?", text)]
    for (start, first_end, first), (second_start, end, second) in zip(words, words[1:], strict=False):
        gap = text[first_end:second_start]
        if not gap.isspace() or "\n" in gap:
            continue
        if not (_capitalised(first) and _capitalised(second)):
            continue
        if not (_name_word(first) and _name_word(second)):
            continue
        previous = _PREVIOUS_WORD.search(text[:start])
        following = _NEXT_WORD.match(text[end:])
        if previous and not _name_word(previous.group(1)) or following and not _name_word(following.group(1)):
            continue  # "… Ibasho Network", "Welcome to the …": part of a longer capitalised name
        yield start, end


def _capitalised(word: str) -> bool:
    return re.fullmatch(_WORD, word.split("-")[0]) is not None


def _name_word(word: str) -> bool:
    word = word.split("-")[0]
    return len(word) >= 2 and word.lower() not in NOT_NAMES and _is_romaji(word)


def is_romaji_name_word(word: str) -> bool:
    """Could ``word`` be a Japanese name in romaji (Hirose, SHIGIHARA)? Not an English or listed word."""
    return _capitalised(word) and _name_word(word)


def _is_romaji(word: str) -> bool:
    return _ROMAJI.fullmatch(word) is not None
