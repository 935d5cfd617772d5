"""TOTP secrets sealed at rest: AES-256-GCM under an instance key of each side.

A copy of the database (a backup, a dump, a stolen disk) must not give away anyone's second factor, so
the secrets are stored sealed under a key that lives in the instance folder, not in the database:
``instance/keys/totp.key`` on the council side, ``instance/platform/totp.key`` on the platform's
(``council init`` / ``council platform init`` create them, 0600, and never overwrite them). The associated
data is the column's ``table.column``, so a sealed value cannot be moved to another column.

Models declare such a column with :class:`SealedSecret`; code reads and assigns the plaintext as before,
and sealing happens when the value is written. :func:`seal_plaintext_secrets` seals the values written
before this existed, at start-up.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from sqlalchemy import MetaData, String, column, select, table, update
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

#: Marks a sealed value (and its format: 96-bit nonce, ciphertext, 128-bit tag, URL-safe base64).
PREFIX = "sealed-v1:"
#: Key file name, in each side's key folder.
KEY_FILE = "totp.key"
#: The longest secret accepted (the width of the plaintext column it replaces).
MAX_PLAINTEXT = 64
#: Room for a sealed MAX_PLAINTEXT secret: prefix + base64 of 12 + 64 + 16 bytes.
SEALED_LENGTH = 160
#: The app config key that holds the side's SecretBox.
CONFIG_KEY = "TOTP_SECRET_BOX"


class SealError(RuntimeError):
    """A stored secret is not sealed, or does not open with this instance's key; names the column, never a value."""


class SecretBox:
    """Seals and opens short secrets with one 256-bit key."""

    def __init__(self, key: bytes):
        if len(key) != 32:
            raise ValueError("the TOTP sealing key must be 32 bytes")
        self._aead = AESGCM(key)

    def __repr__(self) -> str:
        return "SecretBox(<key hidden>)"

    def seal(self, plaintext: str, *, aad: str) -> str:
        if len(plaintext) > MAX_PLAINTEXT:
            raise ValueError(f"a secret for {aad} is longer than {MAX_PLAINTEXT} characters")
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), aad.encode())
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, sealed: str, *, aad: str) -> str:
        """The plaintext; raises SealError when ``sealed`` is not sealed or not by this key for ``aad``."""
        if not is_sealed(sealed):
            raise SealError(f"{aad} holds a value that is not sealed; restart the app so that it seals it")
        try:
            raw = base64.urlsafe_b64decode(sealed.removeprefix(PREFIX))
            return self._aead.decrypt(raw[:12], raw[12:], aad.encode()).decode()
        except (InvalidTag, ValueError):
            raise SealError(f"{aad} does not open with this instance's TOTP key (wrong or replaced totp.key?)") \
                from None


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def _box() -> SecretBox:
    # The app in whose context the row is read or written: the council and the platform have different keys.
    return current_app.config[CONFIG_KEY]


class SealedSecret(TypeDecorator):
    """A short secret stored sealed under the current app's key; Python code sees the plaintext."""

    impl = String(SEALED_LENGTH)
    cache_ok = True

    def __init__(self, aad: str):
        super().__init__()
        #: ``table.column``, bound to the ciphertext as associated data.
        self.aad = aad

    def load_dialect_impl(self, dialect):
        # SQLite does not enforce VARCHAR lengths, and widening the column there would mean recreating the user
        # table, which others reference with ON DELETE CASCADE: on SQLite the column keeps its first width.
        return dialect.type_descriptor(String(MAX_PLAINTEXT) if dialect.name == "sqlite" else String(SEALED_LENGTH))

    def process_bind_param(self, value, dialect):
        return None if value is None else _box().seal(value, aad=self.aad)

    def process_result_value(self, value, dialect):
        return None if value is None else _box().open(value, aad=self.aad)


def sealed_columns(metadata: MetaData) -> list[tuple[str, str, str, str]]:
    """(table, primary key column, secret column, associated data) of every SealedSecret column in ``metadata``."""
    found = []
    for each in metadata.sorted_tables:
        for secret in each.columns:
            if isinstance(secret.type, SealedSecret):
                (primary_key,) = each.primary_key.columns
                found.append((each.name, primary_key.name, secret.name, secret.type.aad))
    return found


def seal_plaintext_secrets(engine: Engine, metadata: MetaData, box: SecretBox) -> int:
    """Seal every secret still stored in plaintext (written before sealing existed); return how many.

    Idempotent, and safe when several workers start at once: a row is updated only while it still holds
    the plaintext that was read. Runs at start-up, after the migrations.
    """
    count = 0
    with engine.begin() as connection:
        for table_name, key_name, secret_name, aad in sealed_columns(metadata):
            key, secret = column(key_name), column(secret_name, String)
            raw = table(table_name, key, secret)
            rows = connection.execute(select(key, secret).where(secret.is_not(None))).all()
            for row_id, value in rows:
                if is_sealed(value):
                    continue
                sealed = box.seal(value, aad=aad)
                connection.execute(update(raw).where(key == row_id, secret == value).values({secret_name: sealed}))
                count += 1
    return count
