"""What the guard reports: findings, their kinds, and the text cut into pieces for highlighting."""

from __future__ import annotations

from dataclasses import dataclass

#: Every kind of personal data the guard refuses, in the order a form lists them.
KINDS = ("phone", "email", "messenger_id", "my_number", "address", "birth_date", "honorific_name", "person_name",
         "narrative")

#: Kinds an organisation's public contact field may hold (its own phone, e-mail, messenger account, address
#: and contact person).
CONTACT_ALLOWED = frozenset({"phone", "email", "messenger_id", "address", "honorific_name", "person_name"})
#: Kinds that are a person's name.
NAME_KINDS = frozenset({"honorific_name", "person_name"})


@dataclass(frozen=True)
class Finding:
    """One span of ``text[start:end]`` that looks like personal data of kind ``kind``, found by ``detector``."""

    kind: str
    start: int
    end: int
    detector: str

    def sort_key(self) -> tuple[int, int, int, str]:
        """Order by position, then the order of ``KINDS``, then detector: stable output for forms and tests."""
        return self.start, self.end, KINDS.index(self.kind), self.detector


def segments(text: str, findings: list[Finding]) -> list[tuple[str, Finding | None]]:
    """Cut ``text`` into consecutive pieces, each with the finding that covers it (or ``None``).

    Overlapping findings are merged into one piece, which carries the first of them (by start). The pieces
    joined give ``text`` back, so a template can render them in order and mark the flagged ones.
    """
    pieces: list[tuple[str, Finding | None]] = []
    position = 0
    for start, end, finding in _merged(findings, len(text)):
        if start > position:
            pieces.append((text[position:start], None))
        pieces.append((text[start:end], finding))
        position = end
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces


def _merged(findings: list[Finding], length: int) -> list[tuple[int, int, Finding]]:
    merged: list[tuple[int, int, Finding]] = []
    for finding in sorted(findings, key=Finding.sort_key):
        start, end = max(0, finding.start), min(length, finding.end)
        if start >= end:
            continue
        if merged and start < merged[-1][1]:
            first_start, first_end, first = merged[-1]
            merged[-1] = (first_start, max(first_end, end), first)
        else:
            merged.append((start, end, finding))
    return merged
