"""Runs the detectors over one text and applies the contact-field rules."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping

from council.platform.guard import (
    address,
    birth_date,
    email,
    honorific,
    locating,
    messenger,
    my_number,
    name_parts,
    narrative,
    person_name,
    phone,
    romaji,
    spoken_phone,
    well_known,
)
from council.platform.guard.findings import CONTACT_ALLOWED, NAME_KINDS, Finding
from council.platform.guard.normalise import View, nfkc
from council.platform.guard.spacing import despaced

Detector = Callable[[str, View], Iterator[Finding]]

#: Every detector by name, with the kinds it reports. The order is the order they run in.
DETECTORS: dict[str, tuple[Detector, frozenset[str]]] = {
    phone.DETECTOR: (phone.detect, frozenset({"phone"})),
    spoken_phone.DETECTOR: (spoken_phone.detect, frozenset({"phone"})),
    email.DETECTOR: (email.detect, frozenset({"email"})),
    messenger.DETECTOR: (messenger.detect, frozenset({"messenger_id"})),
    my_number.DETECTOR: (my_number.detect, frozenset({"my_number"})),
    address.DETECTOR: (address.detect, frozenset({"address"})),
    birth_date.DETECTOR: (birth_date.detect, frozenset({"birth_date"})),
    honorific.DETECTOR: (honorific.detect, frozenset({"honorific_name"})),
    name_parts.DETECTOR: (name_parts.detect, frozenset({"person_name"})),
    romaji.DETECTOR: (romaji.detect, frozenset({"person_name", "honorific_name"})),
    person_name.DETECTOR: (person_name.detect, frozenset({"person_name"})),
    narrative.DETECTOR: (narrative.detect, frozenset({"narrative"})),
    locating.DETECTOR: (locating.detect, frozenset({"narrative"})),
}


def check(text: str, contact: bool = False) -> list[Finding]:
    """Every span of ``text`` that looks like personal data, sorted by start.

    ``contact=True`` is for an organisation's public contact field, where its phone numbers, e-mail
    addresses, postal address and contact person's name belong; My Number, birth dates and narratives are
    refused there too. Pure: no database, no app context, no logging of the text; safe from any thread.
    """
    return run(text, contact=contact, detectors=DETECTORS)


def check_document(text: str) -> list[Finding]:
    """``check`` for the text inside an uploaded file, without the bare-name detectors: GiNZA takes about a
    millisecond per character, minutes for a document, and a document may name its own lecturer or author
    where a post may not; the resources package decides about names in documents itself (lists of people,
    ``council/platform/resources/names.py``). Names with an honorific are still refused."""
    return run(text, contact=False, detectors=[name for name in DETECTORS if name not in BARE_NAME_DETECTORS])


#: Detectors of names without an honorific, which documents apply their own rules to.
BARE_NAME_DETECTORS = frozenset({person_name.DETECTOR, name_parts.DETECTOR, romaji.DETECTOR})

#: How the fields of one form are joined for reading them together.
FIELD_SEPARATOR = "\n"
#: The detector name of a finding that only reading a form's fields together revealed ("fields:phonenumbers").
JOINT = "fields:"


def check_fields(texts: Mapping[str, str], *, contact: Collection[str] = (),
                 names: Collection[str] = ()) -> dict[str, list[Finding]]:
    """``check`` for the fields of one form: each field alone, and all of them read together.

    People split what they should not post over two fields — a phone number's first digits at the end of the
    title, the rest at the start of the body; a person in the title, their circumstances in the body. So the
    fields (in ``texts`` order, joined by line breaks) are also read as one text, and a finding of that
    reading which no field's own check reports is returned in each field it touches, with its detector
    prefixed ``fields:``. ``contact`` names fields with the contact rules (they are read alone: a public
    number there is allowed and must not combine with the body); ``names`` names fields that hold a staff
    member's own name (a name is allowed there). The joint reading skips the NER: a name is not split over
    fields, and the model is the slow part.
    """
    found: dict[str, list[Finding]] = {}
    for name, text in texts.items():
        findings = check(text, contact=name in contact)
        found[name] = [f for f in findings if f.kind not in NAME_KINDS] if name in names else findings
    joint = [(name, text) for name, text in texts.items() if name not in contact and text]
    if len(joint) < 2:
        return found
    starts, position = [], 0
    for _, text in joint:
        starts.append(position)
        position += len(text) + len(FIELD_SEPARATOR)
    joined = FIELD_SEPARATOR.join(text for _, text in joint)
    for finding in run(joined, contact=False, detectors=[d for d in DETECTORS if d != person_name.DETECTOR]):
        for (name, text), start in zip(joint, starts, strict=True):
            first, last = max(finding.start, start) - start, min(finding.end, start + len(text)) - start
            if first >= last or name in names and finding.kind in NAME_KINDS:
                continue
            if any(f.kind == finding.kind and f.start < last and first < f.end for f in found[name]):
                continue  # the field's own check already reports it
            found[name].append(Finding(finding.kind, first, last, JOINT + finding.detector))
    return {name: sorted(findings, key=Finding.sort_key) for name, findings in found.items()}


def run(text: str, *, contact: bool, detectors: Iterable[str]) -> list[Finding]:
    """``check`` with a chosen set of detectors (the benchmark measures each detector's contribution)."""
    view = despaced(nfkc(text), text)
    findings: list[Finding] = []
    for name in detectors:
        detect, kinds = DETECTORS[name]
        if contact and kinds <= CONTACT_ALLOWED:
            continue
        findings.extend(_joined(detect(text, view)))
    if contact:
        findings = [finding for finding in findings if finding.kind not in CONTACT_ALLOWED]
    findings = _without_well_known_people(findings, view)
    return sorted(findings, key=Finding.sort_key)


def _without_well_known_people(findings: list[Finding], view: View) -> list[Finding]:
    """Drop name findings inside the name of a well-known person (夏目漱石の『こころ』を読む会)."""
    if not any(finding.kind in NAME_KINDS for finding in findings):
        return findings
    famous = [view.span(start, end) for start, end in well_known.spans(view.text)]
    return [finding for finding in findings
            if finding.kind not in NAME_KINDS or not well_known.covers(famous, finding.start, finding.end)]


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
