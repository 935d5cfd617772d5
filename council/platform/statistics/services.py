"""Importing the council's signed statistics, and reading the snapshots back for the dashboard."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from council.core import signedstats
from council.platform.audit import PlatformTag, record
from council.platform.database import db
from council.platform.statistics.models import StatisticsSnapshot
from council.security.auditchain import Outcome

SETTING = "COUNCIL_PUBLIC_KEY"


class StatisticsRefused(Exception):
    """The file was not imported. The message is for the operator; ``kind`` is the content-free word audited."""

    def __init__(self, message: str, *, kind: str):
        super().__init__(message)
        self.kind = kind


def import_statistics(data: bytes) -> StatisticsSnapshot:
    """Verify a `council stats export` file and store it as a snapshot. Commits; audits import or refusal.

    Raises StatisticsRefused when no council key is configured, the file is not genuine (fingerprint,
    signature), the payload breaks a rule of the format (a small count not suppressed, an unknown key, a
    label shaped like a case number …), or the same statistics were imported before.
    """
    file_sha256 = hashlib.sha256(data).hexdigest()
    try:
        public_key = council_public_key()
        snapshot = _store(signedstats.verify(data, public_key), key_fingerprint=signedstats.fingerprint(public_key))
    except StatisticsRefused as refused:
        _record_refusal(kind=refused.kind, file_sha256=file_sha256)
        raise
    except signedstats.StatisticsFileError as error:
        _record_refusal(kind=error.kind, file_sha256=file_sha256)
        raise StatisticsRefused(str(error), kind=error.kind) from None
    return snapshot


def council_public_key() -> Ed25519PublicKey:
    """The configured council public key; raises StatisticsRefused naming the setting when it is unusable."""
    setting = current_app.config.get(SETTING)
    if not setting:
        raise StatisticsRefused(f"No council public key is configured. Set {SETTING} in the platform's "
                                f"config.py (or PLATFORM_{SETTING}) to the file printed by "
                                "`council stats public-key`.", kind="no key")
    path = Path(current_app.config["INSTANCE_PATH"]) / setting  # an absolute setting replaces the folder
    try:
        return signedstats.load_public_key(path.read_bytes())
    except (OSError, ValueError):
        raise StatisticsRefused(f"{SETTING} ({path}) is not a readable Ed25519 public key in PEM form.",
                                kind="bad key") from None


def _store(verified: signedstats.VerifiedPayload, *, key_fingerprint: str) -> StatisticsSnapshot:
    if db.session.scalar(select(StatisticsSnapshot.id).where(StatisticsSnapshot.sha256 == verified.sha256)):
        raise StatisticsRefused("These statistics were already imported.", kind="duplicate")
    payload = verified.payload
    snapshot = StatisticsSnapshot(
        council_name=payload["council"], k=payload["k"], payload=verified.text, sha256=verified.sha256,
        generated_at=dt.datetime.strptime(payload["generated_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC),
        key_fingerprint=key_fingerprint)
    db.session.add(snapshot)
    try:
        db.session.flush()
    except IntegrityError:  # the same file imported at the same moment by someone else
        db.session.rollback()
        raise StatisticsRefused("These statistics were already imported.", kind="duplicate") from None
    record(tag=PlatformTag.STATISTICS_IMPORTED, target=snapshot, reason=f"payload sha256 {verified.sha256}")
    db.session.commit()
    return snapshot


def _record_refusal(*, kind: str, file_sha256: str) -> None:
    # Only the kind of refusal and the file's hash: a refused file's content is not trusted with any space.
    db.session.rollback()
    record(tag=PlatformTag.STATISTICS_REFUSED, outcome=Outcome.DENIED, target_type="statistics_snapshot",
           reason=f"{kind}; file sha256 {file_sha256}")
    db.session.commit()


def snapshots() -> list[StatisticsSnapshot]:
    """Every imported snapshot, newest export first."""
    return list(db.session.scalars(select(StatisticsSnapshot).order_by(StatisticsSnapshot.generated_at.desc(),
                                                                       StatisticsSnapshot.id.desc())))


def snapshot_payload(snapshot: StatisticsSnapshot) -> dict:
    """The snapshot's statistics (checked when imported)."""
    return json.loads(snapshot.payload)
