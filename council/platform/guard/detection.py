"""Runs the detectors over one text and applies the contact-field rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from council.platform.guard import address, birth_date, email, honorific, my_number, narrative, person_name, phone
from council.platform.guard.findings import CONTACT_ALLOWED, Finding
from council.platform.guard.normalise import View, nfkc

Detector = Callable[[str, View], Iterator[Finding]]

#: Every detector by name, with the kinds it reports. The order is the order they run in.
DETECTORS: dict[str, tuple[Detector, frozenset[str]]] = {
    phone.DETECTOR: (phone.detect, frozenset({"phone"})),
    email.DETECTOR: (email.detect, frozenset({"email"})),
    my_number.DETECTOR: (my_number.detect, frozenset({"my_number"})),
    address.DETECTOR: (address.detect, frozenset({"address"})),
    birth_date.DETECTOR: (birth_date.detect, frozenset({"birth_date"})),
    honorific.DETECTOR: (honorific.detect, frozenset({"honorific_name"})),
    person_name.DETECTOR: (person_name.detect, frozenset({"person_name"})),
    narrative.DETECTOR: (narrative.detect, frozenset({"narrative"})),
}


def check(text: str, contact: bool = False) -> list[Finding]:
    """Every span of ``text`` that looks like personal data, sorted by start.

    ``contact=True`` is for an organisation's public contact field, where its phone numbers, e-mail
    addresses, postal address and contact person's name belong; My Number, birth dates and narratives are
    refused there too. Pure: no database, no app context, no logging of the text; safe from any thread.
    """
    return run(text, contact=contact, detectors=DETECTORS)


def check_document(text: str) -> list[Finding]:
    """``check`` for the text inside an uploaded file, without the NER: GiNZA takes about a millisecond per
    character, minutes for a document, while lists of people — what a document most often leaks — carry
    phone numbers, addresses, birth dates or honorifics, which the other detectors find in microseconds."""
    return run(text, contact=False, detectors=[name for name in DETECTORS if name != person_name.DETECTOR])


def run(text: str, *, contact: bool, detectors: Iterable[str]) -> list[Finding]:
    """``check`` with a chosen set of detectors (the benchmark measures each detector's contribution)."""
    view = nfkc(text)
    findings: list[Finding] = []
    for name in detectors:
        detect, kinds = DETECTORS[name]
        if contact and kinds <= CONTACT_ALLOWED:
            continue
        findings.extend(_joined(detect(text, view)))
    if contact:
        findings = [finding for finding in findings if finding.kind not in CONTACT_ALLOWED]
    return sorted(findings, key=Finding.sort_key)


def _joined(findings: Iterable[Finding]) -> list[Finding]:
    """One detector's overlapping findings of one kind become one (two address patterns on one address)."""
    joined: list[Finding] = []
    for finding in sorted(findings, key=Finding.sort_key):
        if joined and joined[-1].kind == finding.kind and finding.start < joined[-1].end:
            last = joined[-1]
            joined[-1] = Finding(last.kind, last.start, max(last.end, finding.end), last.detector)
        else:
            joined.append(finding)
    return joined
