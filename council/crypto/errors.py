"""Exceptions of the crypto package (re-exported by ``keyring`` and ``envelope``)."""

from __future__ import annotations


class KeyUnavailable(Exception):
    """A needed key, or key version, is missing, unreadable or malformed; the message names the fix."""


class DecryptionFailed(Exception):
    """Authenticated decryption failed: wrong key, a value moved to another row, column or table, or damage.

    The message names where the value came from (table, column, row id), never any key or plaintext. ``case_id``
    is the case the value belongs to, when the one who opened it knows (the vault does): the failure is audited
    against that case.
    """

    case_id: int | None = None
