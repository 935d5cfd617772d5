"""How audit events are written down for hashing: format versions, the canonical form, the hash.

Shared by the recorder (council.security.auditchain) and verification (council.security.auditverify).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS_HASH = "0" * 64

#: What every chain hashed in format version 1: the mixin's columns (each side adds its own columns).
MIXIN_V1_FIELDS = ("seq", "occurred_at", "tag", "actor_user_id", "target_type", "target_id", "outcome", "basis",
                   "reason", "request_id", "client_ip", "prev_hash")


@dataclass(frozen=True)
class ChainFormat:
    """One format version: which fields an event's hash covers, and how they are written down for hashing.

    Format 1 is what events were hashed over before versions existed: a JSON object of the fields, keys
    sorted (``as_object``). Later formats hash a JSON array of the values in ``fields`` order: just as
    unambiguous (the order is fixed here, with the version), and half the work when the chain is verified.
    Either way: no spaces, UTF-8, timestamps as UTC ISO 8601 with microseconds.
    """

    fields: tuple[str, ...]
    as_object: bool = False


#: One encoder for every event: building a JSONEncoder per call costs more than the encoding itself.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


_ZERO = dt.timedelta(0)


def _canonical_value(value):
    if isinstance(value, dt.datetime):
        if value.utcoffset() != _ZERO:
            value = value.astimezone(dt.UTC)
        return value.isoformat(timespec="microseconds")
    return value


def event_hash(prev_hash: str, fields: dict, chain_format: ChainFormat | None = None) -> str:
    """SHA-256 over the previous hash, a newline, and the canonical JSON of ``fields`` (the hashed fields).

    Without ``chain_format``: a JSON object with sorted keys (format 1). With one: as that format says.
    """
    if chain_format is None or chain_format.as_object:
        return digest(prev_hash, {key: _canonical_value(fields[key]) for key in sorted(fields)})
    return digest(prev_hash, [_canonical_value(fields[key]) for key in chain_format.fields])


def digest(prev_hash: str, canonical: dict | list) -> str:
    """The hash of an event whose canonical values are already built (verify() builds them from rows)."""
    return hashlib.sha256(f"{prev_hash}\n{_ENCODER.encode(canonical)}".encode()).hexdigest()


def canonical_ids(ids: Iterable[int]) -> str:
    """How a format hashes an event's side-table ids: sorted, distinct, joined by commas ("" for none)."""
    return ",".join(map(str, sorted(set(ids))))
