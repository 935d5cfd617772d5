"""Key rotation: a new key-encryption key re-wraps every case data key; the data itself is untouched.

Features that hold data keys of their own under the same KEKs (an incident's, ``council.incidents``) register a
key holder on their blueprint (``key_holder``): rotation re-wraps their keys too, and retiring a KEK version counts
them, so that no version is deleted while anything still needs it. Cases never import those features.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, current_app
from sqlalchemy import func, select

from council.audit.events import AuditTag, record
from council.audit.models import AuditEvent
from council.cases.models import Case
from council.cases.vault import vault
from council.core.db import utcnow
from council.database import db


class KeyRetireTooSoon(Exception):
    """Old key versions may not be deleted yet; ``not_before`` says when."""

    def __init__(self, not_before: dt.datetime):
        super().__init__(f"wait until {not_before:%Y-%m-%d %H:%M} UTC")
        self.not_before = not_before


_HOLDERS = "keys.holders"


@dataclass(frozen=True)
class KeyHolder:
    """Data keys of a feature's own rows, wrapped by the KEKs like a case's."""

    #: What they are ("incident"), for messages.
    name: str
    #: KEK version → how many of its keys that version wraps.
    usage: Callable[[], dict[int, int]]
    #: Re-wrap every key not yet under the given version with the current KEK (audited, committed); how many.
    rewrap: Callable[[int], int]


def key_holder(blueprint: Blueprint, holder: KeyHolder) -> None:
    """Let rotation and retiring reach ``holder``'s keys in every app that registers ``blueprint``."""
    blueprint.record_once(lambda state: _register(state.app.extensions.setdefault(_HOLDERS, {}), holder))


def _register(holders: dict, holder: KeyHolder) -> None:
    holders[holder.name] = holder


def key_holders() -> list[KeyHolder]:
    """The registered key holders besides cases, by name."""
    return sorted(current_app.extensions.get(_HOLDERS, {}).values(), key=lambda holder: holder.name)


def rewrap_rows(keys, version: int, *, tag, noun: str) -> int:
    """A key holder's rotation: re-wrap every data key of ``keys`` (a ``crypto.owned.RowKeys``) not yet under KEK
    ``version``, one audit event per council naming the rows (``version 3, meetings 4,7``). Commits; how many."""
    rows = keys.rewrap(db.session, version)
    for council_id in sorted({row.council_id for row in rows}):
        ids = [str(row.id) for row in rows if row.council_id == council_id]
        record(tag=tag, council_id=council_id, reason=f"version {version}, {noun} {','.join(ids)}")
    db.session.commit()
    return len(rows)


def key_usage() -> dict[int, int]:
    """KEK version → number of data keys it wraps, the cases' and the key holders' (0 for versions present but
    unused)."""
    return {version: sum(kinds.values()) for version, kinds in key_usage_by_kind().items()}


def key_usage_by_kind() -> dict[int, dict[str, int]]:
    """KEK version → {"case": n, and each key holder's name ("incident", "meeting"): n} — the data keys it wraps."""
    usage = {version: {"case": 0} for version in vault().keyring.provider.versions()}
    rows = db.session.execute(select(Case.key_version, func.count()).where(Case.wrapped_key.is_not(None))
                              .group_by(Case.key_version))
    for version, count in rows:
        usage.setdefault(version, {"case": 0})["case"] = count
    for holder in key_holders():
        for version, count in holder.usage().items():
            usage.setdefault(version, {"case": 0})[holder.name] = count
    return usage


def check_key_versions() -> None:
    """Unwrap one case key of every KEK version in use. Raises KeyUnavailable when a version's file is missing or
    unreadable, DecryptionFailed (naming the file and the fix) when it is not the key that wrapped them."""
    from council.crypto.errors import DecryptionFailed

    oldest = select(Case.key_version, func.min(Case.id)).where(Case.wrapped_key.is_not(None)) \
        .group_by(Case.key_version)
    for version, case_id in db.session.execute(oldest).all():
        case = db.session.get(Case, case_id)
        try:
            vault().keyring.unwrap(case.wrapped_key, version=version, case_id=case.id)
        except DecryptionFailed:
            raise DecryptionFailed(f"Key-encryption key version {version} (kek-{version:04d}.key) does not open the "
                                   "case keys it wrapped: it is not the right key file. Restore the right one from "
                                   "your key backup; `council keys status` lists the versions in use.") from None


def cases_to_rewrap() -> int:
    return db.session.scalar(select(func.count()).select_from(Case).where(Case.wrapped_key.is_not(None))) or 0


def rotate(*, progress=None, batch: int = 500) -> tuple[int, int]:
    """Create the next KEK version and re-wrap every data key with it, committing in batches.

    Safe to interrupt and run again: cases already on the new version are skipped on the next run, and old
    versions stay until `--remove-unused` finds them unused. Returns (new version, keys re-wrapped).
    """
    keyring = vault().keyring
    version = keyring.provider.create()
    done = 0
    while True:
        cases = list(db.session.scalars(select(Case).where(Case.wrapped_key.is_not(None), Case.key_version != version)
                                        .order_by(Case.id).limit(batch)))
        if not cases:
            break
        for case in cases:
            data_key = keyring.unwrap(case.wrapped_key, version=case.key_version, case_id=case.id)
            case.wrapped_key, case.key_version = keyring.wrap(data_key, case_id=case.id)
        # Each batch's events name its cases (side table), one per council so that each council's auditors find
        # them, and commit with them: a case's history shows every re-wrap of its key, and an interrupted
        # rotation leaves events for exactly what it did.
        for council_id in sorted({case.council_id for case in cases}):
            record(tag=AuditTag.CASE_KEYS_REWRAPPED, council_id=council_id, reason=f"version {version}",
                   cases=[case for case in cases if case.council_id == council_id])
        db.session.commit()
        done += len(cases)
        if progress:
            progress(len(cases))
    others = "".join(f", {holder.rewrap(version)} {holder.name} keys" for holder in key_holders())
    record(tag=AuditTag.KEYS_ROTATED, reason=f"version {version}, {done} case keys{others}")
    db.session.commit()
    return version, done


#: How long after a rotation old versions must stay: a case opened just before the rotation may still be
#: committing a data key wrapped by the old version, which the usage count cannot see yet.
RETIRE_GRACE = dt.timedelta(minutes=10)


def remove_unused_versions() -> list[int]:
    """Delete KEK versions that wrap no case key any more (never the current one).

    Refuses (returns []) within RETIRE_GRACE of the last rotation, found in the audit trail.
    """
    last = db.session.scalar(select(AuditEvent.occurred_at).where(AuditEvent.tag == str(AuditTag.KEYS_ROTATED))
                             .order_by(AuditEvent.seq.desc()).limit(1))
    if last is not None and utcnow() - last < RETIRE_GRACE:
        raise KeyRetireTooSoon(last + RETIRE_GRACE)
    usage, current = key_usage(), vault().keyring.current_version
    removed = [v for v, count in usage.items() if count == 0 and v != current]
    for version in removed:
        vault().keyring.provider.remove(version)
    record(tag=AuditTag.KEYS_RETIRED, reason=",".join(map(str, removed)) or "none")
    db.session.commit()
    return removed
