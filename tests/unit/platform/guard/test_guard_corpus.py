"""The whole corpus (tests/data/pii): every refuse text refused with its kinds, every pass text passed.

A few texts are out of reach without losing the other side; they are listed here by corpus line and in
docs/pii-guard.md. Any other miss fails, and so does a drop below the floors.
"""

import json
from pathlib import Path

import pytest

from council.platform.guard import check
from council.platform.guard.findings import CONTACT_ALLOWED

CORPUS = Path(__file__).resolve().parents[4] / "tests" / "data" / "pii"

#: Refuse texts the guard lets through: none since issue 14 (kana, spaced and romaji names are read now).
KNOWN_LET_THROUGH: set[int] = set()
#: Pass texts the guard refuses: none since 佐藤錦 (a cherry, 姓 + 名 to Sudachi) is among the named things.
KNOWN_REFUSED: set[int] = set()
#: Refused texts in which a secondary kind is not reported (the text is refused for another kind).
KNOWN_KIND_MISSES = {85, 94, 108, 110, 163, 185, 284, 300}


def load(name: str) -> list[tuple[int, dict]]:
    with (CORPUS / name).open(encoding="utf-8") as lines:
        return [(number, json.loads(line)) for number, line in enumerate(lines, start=1) if line.strip()]


def findings_of(entry: dict):
    return check(entry["text"], contact=entry["field"] == "contact")


@pytest.fixture(scope="module")
def refuse():
    return [(number, entry, findings_of(entry)) for number, entry in load("refuse.jsonl")]


@pytest.fixture(scope="module")
def passing():
    return [(number, entry, findings_of(entry)) for number, entry in load("pass.jsonl")]


def test_corpus_is_the_size_the_brief_asks_for(refuse, passing):
    assert len(refuse) >= 150 and len(passing) >= 150


def test_refuse_texts_are_refused(refuse):
    let_through = {number for number, _, findings in refuse if not findings}
    assert let_through <= KNOWN_LET_THROUGH, f"newly let through: {sorted(let_through - KNOWN_LET_THROUGH)}"
    assert 1 - len(let_through) / len(refuse) >= 0.98


def test_pass_texts_pass(passing):
    refused = {number: [(f.kind, f.detector) for f in findings] for number, _, findings in passing if findings}
    assert set(refused) <= KNOWN_REFUSED, f"newly refused: { {n: refused[n] for n in set(refused) - KNOWN_REFUSED} }"
    assert 1 - len(refused) / len(passing) >= 0.99


def test_expected_kinds_are_reported(refuse):
    missing = {}
    for number, entry, findings in refuse:
        expected = set(entry.get("kinds", []))
        if entry["field"] == "contact":
            expected -= CONTACT_ALLOWED  # allowed there, so not reported
        if findings and not expected <= {f.kind for f in findings}:
            missing[number] = sorted(expected - {f.kind for f in findings})
    new = {number: kinds for number, kinds in missing.items() if number not in KNOWN_KIND_MISSES}
    assert not new, f"newly missing kinds: {new}"


def test_findings_point_inside_their_texts(refuse):
    for _, entry, findings in refuse:
        for finding in findings:
            assert 0 <= finding.start < finding.end <= len(entry["text"])
