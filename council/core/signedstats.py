"""The signed statistics file that crosses from the council to the platform (format ``council-stats/1``).

Neutral on purpose: the council writes these files and the platform reads them, and both must agree on
every byte that is signed and on what a valid payload is. So signing, verification and the strict payload
check live here once; neither side has its own copy.

A file is JSON::

    {"format": "council-stats/1", "payload": "<canonical JSON text>", "signature": "<base64 Ed25519>",
     "public_key_fingerprint": "<sha256 hex of the raw 32-byte public key>"}

The signature is over the UTF-8 bytes of ``payload`` exactly as written, so the verifier never has to
re-serialise anything before checking it. The payload names its own format too: the same council key signs
audit checkpoints, and a checkpoint's signed text must never pass for statistics (or the other way round).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FORMAT = "council-stats/1"
#: The smallest suppression threshold anyone may use; a council may only raise it.
MIN_K = 5
#: Files larger than this are refused before they are parsed (a real export is a few kilobytes).
MAX_FILE_BYTES = 2 * 1024 * 1024
#: The longest period a file may cover (it lists every month of it).
MAX_YEARS = 100

#: Case numbers look like 2026-0042; no string in a payload may contain anything shaped like one.
CASE_NUMBER = re.compile(r"\d{4}-\d{4}")
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")

#: Label sets of the closed dimensions, in display order. The council's enums must match them (a test checks).
STATUSES = ("intake", "assessment", "support", "monitoring", "closed")
RISKS = ("high", "medium", "low")
AGE_BANDS = ("under_20", "20s", "30s", "40s", "50s", "60s", "70s", "80_and_over", "unknown")

PAYLOAD_KEYS = frozenset({"format", "council", "generated_at", "k", "period", "total", "dimensions"})
PERIOD_KEYS = frozenset({"from", "to"})
CELL_KEYS = frozenset({"label", "count"})


@dataclass(frozen=True)
class Dimension:
    """How one dimension's labels look, and whether its cells add up to the total.

    ``fixed`` lists every label in order (all must be present, so a missing label cannot say "zero");
    without it, labels are the council's own words (category names) checked for shape only.
    ``partition``: every counted case falls in exactly one cell, so the cells sum to the total and one
    suppressed cell alone could be recovered by subtraction.
    """

    fixed: tuple[str, ...] | None
    partition: bool


#: Every dimension of format 1. Meetings held and handoffs by kind will join as further entries (with
#: their own fixed label sets) once the council side has them; a platform that does not know a dimension
#: refuses the file rather than guess.
DIMENSIONS = {
    "status": Dimension(fixed=STATUSES, partition=True),
    "risk": Dimension(fixed=RISKS, partition=True),
    "category": Dimension(fixed=None, partition=False),
    "age_band": Dimension(fixed=AGE_BANDS, partition=True),
    "intake_month": Dimension(fixed=None, partition=True),
}


class StatisticsFileError(ValueError):
    """The file is not a genuine, well-formed statistics export.

    ``kind`` is a short, content-free word for the audit trail (format, fingerprint, signature, payload);
    the message may be shown to the operator and never quotes counts or labels.
    """

    def __init__(self, message: str, *, kind: str):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class VerifiedPayload:
    payload: dict
    #: The signed text, byte for byte.
    text: str
    #: SHA-256 hex of the signed text: the same statistics however the file around them was formatted.
    sha256: str


def suppressed(k: int) -> str:
    """What a cell below ``k`` shows instead of its count."""
    return f"<{k}"


def canonical(payload: dict) -> str:
    """The one text form of a payload: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """SHA-256 hex of the raw 32-byte public key: short enough to compare by eye on both sides."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM; raises ValueError for anything else (another key type included)."""
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def sign(payload: dict, private_key: Ed25519PrivateKey) -> dict:
    """The file body for ``payload`` signed with ``private_key``. Raises StatisticsFileError if invalid.

    The payload is checked with the same rules the platform applies, so the council never signs a file
    the platform would refuse.
    """
    validate_payload(payload)
    text = canonical(payload)
    return {"format": FORMAT, "payload": text,
            "signature": base64.b64encode(private_key.sign(text.encode())).decode(),
            "public_key_fingerprint": fingerprint(private_key.public_key())}


def verify(data: bytes, public_key: Ed25519PublicKey) -> VerifiedPayload:
    """Check a file against ``public_key`` and the payload rules; raises StatisticsFileError saying why."""
    if len(data) > MAX_FILE_BYTES:
        raise StatisticsFileError("The file is too large to be a statistics export.", kind="format")
    try:
        body = json.loads(data.decode("utf-8"), object_pairs_hook=_refuse_duplicate_keys)
    except (UnicodeDecodeError, ValueError):
        raise StatisticsFileError("The file is not a statistics export (not UTF-8 JSON).", kind="format") from None
    if not isinstance(body, dict) or set(body) != {"format", "payload", "signature", "public_key_fingerprint"} \
            or body["format"] != FORMAT or not isinstance(body["payload"], str):
        raise StatisticsFileError(f"The file is not a {FORMAT} export.", kind="format")
    expected = fingerprint(public_key)
    if body["public_key_fingerprint"] != expected:
        raise StatisticsFileError(f"The file was signed by another key (fingerprint "
                                  f"{str(body['public_key_fingerprint'])[:64]}), not the configured council key "
                                  f"({expected}).", kind="fingerprint")
    try:
        public_key.verify(base64.b64decode(body["signature"], validate=True), body["payload"].encode())
    except (InvalidSignature, binascii.Error, TypeError, ValueError):
        raise StatisticsFileError("The signature does not match the statistics: the file was altered or not "
                                  "signed by the council.", kind="signature") from None
    try:
        payload = json.loads(body["payload"], object_pairs_hook=_refuse_duplicate_keys)
    except ValueError:
        raise StatisticsFileError("The signed statistics are not valid JSON.", kind="payload") from None
    if not isinstance(payload, dict) or canonical(payload) != body["payload"]:
        raise StatisticsFileError("The signed statistics are not in canonical form.", kind="payload")
    validate_payload(payload)
    return VerifiedPayload(payload=payload, text=body["payload"],
                           sha256=hashlib.sha256(body["payload"].encode()).hexdigest())


def _refuse_duplicate_keys(pairs):
    keys = [key for key, _value in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)


# -- the payload rules ------------------------------------------------------------------------------------


def _invalid(message: str):
    raise StatisticsFileError(message, kind="payload")


def validate_payload(payload) -> None:
    """Refuse (StatisticsFileError) anything but known keys, counts ≥ k or "<k", and labels of known shapes."""
    if not isinstance(payload, dict) or set(payload) != PAYLOAD_KEYS:
        _invalid("The statistics have missing or unknown keys.")
    if payload["format"] != FORMAT:
        _invalid(f"The statistics are not in format {FORMAT}.")
    k = payload["k"]
    if type(k) is not int or k < MIN_K:
        _invalid(f"The threshold k must be a whole number of at least {MIN_K}.")
    _check_text(payload["council"], "council", longest=200)
    generated = payload["generated_at"]
    if not isinstance(generated, str) or not TIMESTAMP.fullmatch(generated):
        _invalid("generated_at is not a UTC timestamp (YYYY-MM-DDTHH:MM:SSZ).")
    try:
        dt.datetime.strptime(generated, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        _invalid("generated_at is not a real date and time.")
    period = payload["period"]
    if not isinstance(period, dict) or set(period) != PERIOD_KEYS \
            or not all(isinstance(v, str) and MONTH.fullmatch(v) for v in period.values()) \
            or period["from"] > period["to"] or int(period["to"][:4]) - int(period["from"][:4]) > MAX_YEARS:
        _invalid(f"The period must be two months YYYY-MM, the first not after the second, at most {MAX_YEARS} "
                 "years apart.")
    total = _check_count(payload["total"], k, "total")
    dimensions = payload["dimensions"]
    if not isinstance(dimensions, dict) or set(dimensions) != set(DIMENSIONS):
        _invalid("The statistics have missing or unknown dimensions.")
    for name, spec in DIMENSIONS.items():
        expected = months_between(period["from"], period["to"]) if name == "intake_month" else spec.fixed
        _check_dimension(name, spec, dimensions[name], k=k, total=total, expected=expected)


def _check_dimension(name: str, spec: Dimension, cells, *, k: int, total, expected) -> None:
    if not isinstance(cells, list) or not all(isinstance(c, dict) and set(c) == CELL_KEYS for c in cells):
        _invalid(f"Dimension {name} is not a list of {{label, count}} cells.")
    labels = [cell["label"] for cell in cells]
    if expected is not None and labels != list(expected):
        _invalid(f"Dimension {name} does not have exactly the expected labels, in order.")
    for label in labels:
        _check_text(label, f"a label of {name}", longest=40)
    if len(set(labels)) != len(labels):
        _invalid(f"Dimension {name} repeats a label.")
    counts = [_check_count(cell["count"], k, f"a count of {name}") for cell in cells]
    hidden = [c for c in counts if c is None]
    if total is not None and any(c is not None and c > total for c in counts):
        _invalid(f"A count of {name} is larger than the total.")
    if total is not None and len(hidden) == 1:
        # A lone hidden cell next to a published total could be worked out; categories are held to it too
        # (a council whose cases each carry one category would make them add up).
        _invalid(f"Dimension {name} hides exactly one cell: it could be recovered from the total.")
    published = sum(c for c in counts if c is not None)
    if spec.partition and total is not None and (published > total or not hidden and published != total):
        _invalid(f"The counts of {name} do not add up to the total.")


def _check_count(value, k: int, where: str) -> int | None:
    """The count as an int, or None when it is the suppressed marker; refuses small or malformed counts."""
    if value == suppressed(k):
        return None
    if type(value) is not int:
        _invalid(f"{where.capitalize()} is neither a whole number nor \"{suppressed(k)}\".")
    if value < k:
        _invalid(f"{where.capitalize()} is below k={k} but not suppressed.")
    return value


def _check_text(value, where: str, *, longest: int) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > longest \
            or any(not ch.isprintable() for ch in value):
        _invalid(f"{where.capitalize()} is not a short line of text.")
    if CASE_NUMBER.search(value):
        _invalid(f"{where.capitalize()} contains something shaped like a case number.")


def months_between(first: str, last: str) -> list[str]:
    """Every month YYYY-MM from ``first`` to ``last``, both included."""
    year, month = map(int, first.split("-"))
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
