"""The council's instance folder: where its keys and (with SQLite) its database live."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from council.core.keyfiles import create_key_file, read_key_file
from council.security import sealing

#: Flask's secret for signing the session cookie and CSRF tokens.
SECRET_KEY = "secret_key"  # noqa: S105  (a file name)
#: Key-encryption key, version 1 (wraps per-case data keys).
KEK_V1 = "kek-0001.key"
#: Root of the blind-index keys (HKDF derives one key per index).
INDEX_KEY = "index.key"
#: Ed25519 key that signs audit checkpoints and statistics exports.
AUDIT_SIGNING_KEY = "audit_signing.pem"
#: Seals the users' TOTP secrets in the database (council.security.sealing).
TOTP_KEY = sealing.KEY_FILE


def instance_path() -> Path:
    return Path(os.environ.get("COUNCIL_INSTANCE_PATH", "instance")).resolve()


def keys_dir(instance: Path) -> Path:
    return instance / "keys"


def create_keys(instance: Path) -> list[str]:
    """Create every missing key file (mode 0600); return the names created. Never overwrites."""
    keys = keys_dir(instance)
    signing = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    wanted = {SECRET_KEY: secrets.token_bytes(32), INDEX_KEY: secrets.token_bytes(32), AUDIT_SIGNING_KEY: signing,
              TOTP_KEY: secrets.token_bytes(32)}
    if not any(keys.glob("kek-*.key")):
        # Only a brand-new instance gets version 1; after a rotation retired it, re-creating it would produce
        # an unrelated key under the old name.
        wanted[KEK_V1] = secrets.token_bytes(32)
    return [name for name, data in wanted.items() if create_key_file(keys / name, data)]


def signing_key(instance: Path) -> Ed25519PrivateKey:
    """The council's Ed25519 signing key (audit checkpoints, statistics exports).

    Raises KeyFileError naming the fix when the file is missing or readable by others.
    """
    pem = read_key_file(keys_dir(instance) / AUDIT_SIGNING_KEY, fix="council init")
    return serialization.load_pem_private_key(pem, password=None)
