"""Bare person names (山田太郎 with no honorific), found by GiNZA's named-entity recogniser.

The spaCy pipeline takes ~1-2 s and a few hundred MB to load, so it is loaded on first use, once per
process; importing the guard stays cheap. spaCy pipelines are not documented as safe to call from several
threads at once, so calls are serialised by a lock (one text takes tens of milliseconds).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from council.platform.guard.findings import Finding
from council.platform.guard.normalise import View

DETECTOR = "ginza"
MODEL = "ja_ginza"

_load_lock = threading.Lock()
_call_lock = threading.Lock()
_pipeline = None


def detect(text: str, view: View) -> Iterator[Finding]:
    """Entities labelled ``Person`` that contain a word Sudachi lists as a personal name.

    GiNZA's NER alone also tags place names (市原市五井) and job titles as persons; requiring a 人名 word
    inside the entity removes most of those while keeping real names, known or unusual.
    """
    pipeline = load()
    with _call_lock:
        document = pipeline(view.text)
    for entity in document.ents:
        if entity.label_ == "Person" and _looks_like_a_person(entity, view.text):
            start, end = view.span(entity.start_char, entity.end_char)
            yield Finding("person_name", start, end, DETECTOR)


def _looks_like_a_person(entity, text: str) -> bool:
    """Drop what the corpus showed GiNZA calls a person but is a place: 五井公民館, 菊間・八幡・五井の3地区."""
    tags = [token.tag_ for token in entity]
    if not any("人名" in tag for tag in tags):
        return False
    if any("地名" in tag or tag.startswith("補助記号") for tag in tags) or "普通名詞" in tags[-1]:
        return False  # a place name, a list of places, or a facility (…公民館)
    if len(tags) == 1 and tags[0].endswith("姓"):
        # A lone surname that is also an area name stands in a list of areas: 五井・姉崎, （例：五井、姉崎）
        before = text[entity.start_char - 1:entity.start_char]
        after = text[entity.end_char:entity.end_char + 1]
        if before in "・、" and before or after in "・、" and after:
            return False
    return True


def load():
    """The GiNZA pipeline, loaded on first use (thread-safe, once per process)."""
    global _pipeline
    if _pipeline is None:
        with _load_lock:
            if _pipeline is None:
                import spacy

                _pipeline = spacy.load(MODEL, exclude=["compound_splitter", "bunsetu_recognizer"])
    return _pipeline


def loaded() -> bool:
    """Has the pipeline been loaded in this process? (For tests and the benchmark.)"""
    return _pipeline is not None
