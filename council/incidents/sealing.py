"""Sealing an incident's free text under a data key of its own.

An incident is not one case: a lost USB stick may concern twenty cases, or people who have none. Sealing its text
under one of those cases' keys would make it unreadable when that case is purged (crypto-shred) and readable to
whoever reaches that case; sealing it under no key would leave descriptions of people in plaintext. So each
incident gets its own random data key, wrapped by the council's KEK exactly as a case's is, but under its own label
(``council/incident-dek``) so that incident 7's wrapped key can never pass for case 7's (``council.crypto.owned``,
shared with the meetings' minutes). Values are bound to (``incident``, column, id, key version) by the field
cipher, like a case's. ``council keys rotate`` re-wraps these
keys with the case keys (``rewrap``, registered as a key holder in the blueprint), and ``council keys retire``
counts them before deleting an old KEK (``usage``), so that a rotation can never orphan an incident.

Who may open it is decided before: the incidents views let only the holders of ``INCIDENTS_MANAGE`` of the
incident's council reach it (auditors and the coordinator), and every change is audited.
"""

from __future__ import annotations

from flask import g

from council.audit.events import AuditTag
from council.cases.keys import rewrap_rows
from council.cases.vault import vault
from council.crypto.owned import RowKeys
from council.database import db
from council.incidents.models import Incident

#: The label of an incident's wrapped data key in its associated data.
WRAP_LABEL = b"council/incident-dek"
#: The sealed columns (each ``<name>_enc`` on Incident).
SEALED = ("summary", "cause", "secondary_harm", "notices", "publication", "prevention")


def _cache() -> dict:
    """Unwrapped incident keys live for one request (or one CLI command) only."""
    if "incident_ciphers" not in g:
        g.incident_ciphers = {}
    return g.incident_ciphers


KEYS = RowKeys(model=Incident, label=WRAP_LABEL, columns=SEALED, keyring=lambda: vault().keyring, cache=_cache)


def new_key(incident: Incident) -> None:
    """Give a new (flushed) incident its own data key, wrapped by the current KEK. Raises KeyUnavailable."""
    KEYS.new_key(incident)


def seal(incident: Incident, column: str, value: str | None) -> None:
    """Encrypt ``value`` into ``incident``'s sealed ``column`` ("" and None store NULL)."""
    KEYS.seal(incident, column, value)


def open_text(incident: Incident, column: str) -> str:
    """The plaintext of ``incident``'s sealed ``column`` ("" when empty). Raises KeyUnavailable, DecryptionFailed."""
    return KEYS.open_text(incident, column)


def texts(incident: Incident) -> dict[str, str]:
    """Every sealed column of ``incident``, opened."""
    return {column: open_text(incident, column) for column in SEALED}


# -- key rotation (council.cases.keys calls these through its key holders) ------------------------------------------


def usage() -> dict[int, int]:
    """KEK version → number of incident data keys it wraps."""
    return KEYS.usage(db.session)


def rewrap(version: int) -> int:
    """Re-wrap every incident data key not yet under KEK ``version`` (``cases.keys.rewrap_rows``). Commits."""
    return rewrap_rows(KEYS, version, tag=AuditTag.INCIDENT_KEYS_REWRAPPED, noun="incidents")
