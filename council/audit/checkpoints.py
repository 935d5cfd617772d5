"""Signed checkpoints of the audit chain head.

The chain alone shows edits, removals and insertions before its head, but not a cut-off tail or a
whole table rewritten from scratch. A checkpoint — (seq, head hash, time) signed with the council's
Ed25519 key and kept outside the database — catches both: the chain must still contain that event with
that hash, and nobody without the key can make a new checkpoint that matches a rewritten chain.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app
from sqlalchemy import select

from council import instance
from council.audit.events import AuditTag, record
from council.audit.models import AuditEvent
from council.core.db import utcnow
from council.database import db

FORMAT = "council-audit-checkpoint/1"

#: The instance folder's checkpoint file: ``council audit checkpoint`` appends one line per run.
CHECKPOINT_FILE = "audit-checkpoints.jsonl"


class CheckpointError(Exception):
    """The checkpoint file is unreadable, forged, or does not match the chain; the message says which."""

    def __init__(self, message: str, first_bad_seq: int | None = None, *, line: int | None = None):
        super().__init__(message)
        self.first_bad_seq = first_bad_seq
        #: The line of the text that is not a checkpoint (reading a text), if one is to blame.
        self.line = line


def _signing_key() -> Ed25519PrivateKey:
    return instance.signing_key(current_app.config["INSTANCE_PATH"])


#: What the signature covers.
_SIGNED = ("format", "seq", "hash", "signed_at")


def _payload(body: dict) -> bytes:
    return json.dumps({k: body[k] for k in _SIGNED}, sort_keys=True, separators=(",", ":")).encode()


def create_checkpoint() -> dict:
    """Sign the current head of the chain; record that a checkpoint was made. Commits."""
    body = sign_head()
    db.session.commit()
    return body


def instance_checkpoint_file() -> Path:
    """Where ``council audit checkpoint`` appends when no ``--out`` is given: ``audit-checkpoints.jsonl`` in the
    instance folder."""
    return Path(current_app.config["INSTANCE_PATH"]) / CHECKPOINT_FILE


def append_checkpoint(path: Path) -> dict:
    """Sign the chain head, commit that a checkpoint was made, and append its line to ``path`` (created if
    missing), flushed to disk. The file is opened first, so a path that cannot be written (OSError) leaves
    neither a line nor an event; a line is only ever appended, never rewritten, so copies shipped off the host
    stay prefixes of the file."""
    with open(path, "a", encoding="utf-8") as handle:
        body = create_checkpoint()
        handle.write(checkpoint_line(body) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return body


def sign_head(*, council_id: int | None = None) -> dict:
    """Sign the head of the chain as this transaction sees it (its own events included) and record that a
    checkpoint was made, inside the caller's transaction: approved minutes (council.meetings.minutes) carry the
    checkpoint of their own approval, committed with it or not at all. The caller commits."""
    head = db.session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    body = {"format": FORMAT, "seq": head.seq if head else 0, "hash": head.hash if head else "",
            "signed_at": utcnow().isoformat(timespec="seconds")}
    body["signature"] = base64.b64encode(_signing_key().sign(_payload(body))).decode()
    record(tag=AuditTag.AUDIT_CHECKPOINT_CREATED, reason=f"seq {body['seq']}", council_id=council_id)
    return body


def checkpoint_line(body: dict) -> str:
    """``body`` as one line of ``audit-checkpoints.jsonl``: what approved minutes print and their QR code holds."""
    return json.dumps({key: body[key] for key in (*_SIGNED, "signature")}, sort_keys=True, separators=(",", ":"))


def read_checkpoints(text: str) -> list[dict]:
    """The checkpoints of a file: one JSON object (``council audit checkpoint --out``, indented), or one per line
    (``audit-checkpoints.jsonl``, lines copied or decoded from the QR code of approved minutes). Blank lines are
    skipped. Raises CheckpointError when the text holds no checkpoint or a line is not JSON."""
    try:
        whole = json.loads(text)
    except ValueError:
        whole = None
    if isinstance(whole, dict):
        return [whole]
    bodies = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            body = json.loads(line)
        except ValueError:
            raise CheckpointError(f"Line {number} is not a checkpoint.", line=number) from None
        if not isinstance(body, dict):
            raise CheckpointError(f"Line {number} is not a checkpoint.", line=number)
        bodies.append(body)
    if not bodies:
        raise CheckpointError("Not an audit checkpoint file.")
    return bodies


@dataclass
class CheckedCheckpoint:
    seq: int
    signed_at: str


def check_checkpoint(body: dict, public_key: Ed25519PublicKey | None = None) -> CheckedCheckpoint:
    """Raise CheckpointError unless ``body`` is genuinely signed and the chain still holds its head."""
    public_key = public_key or _signing_key().public_key()
    try:
        if body.get("format") != FORMAT:
            raise CheckpointError("Not an audit checkpoint file.")
        public_key.verify(base64.b64decode(body["signature"]), _payload(body))
    except (KeyError, ValueError, TypeError, InvalidSignature):
        raise CheckpointError("The checkpoint's signature is not valid for this council's key.") from None
    if body["seq"] == 0:
        return CheckedCheckpoint(0, body["signed_at"])
    stored = db.session.get(AuditEvent, body["seq"])
    if stored is None:
        head = db.session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)) or 0
        raise CheckpointError(f"Event {body['seq']} signed at {body['signed_at']} is missing.", head + 1)
    if stored.hash != body["hash"]:
        raise CheckpointError(f"Event {body['seq']} differs from the one signed at {body['signed_at']}.",
                              body["seq"])
    return CheckedCheckpoint(body["seq"], body["signed_at"])
