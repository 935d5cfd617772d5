"""Versioned key-encryption keys (KEKs) and the keyring that wraps per-case data keys with them.

A provider holds the KEK versions (files under ``instance/keys``, environment variables, or later a KMS);
the keyring wraps a data key with the newest version and unwraps with whichever version a case records.
Rotation (``council keys rotate``) is: ``provider.create()``, re-wrap every data key, then
``provider.remove(old)`` once no data key uses the old version.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from council.core.keyfiles import KeyFileError, create_key_file, read_key_file
from council.crypto import aad
from council.crypto.errors import DecryptionFailed, KeyUnavailable

__all__ = [
    "DecryptionFailed",
    "EnvironmentKeyProvider",
    "FileKeyProvider",
    "KEY_BYTES",
    "KeyProvider",
    "KeyUnavailable",
    "Keyring",
]

#: Length of every KEK and data key: AES-256.
KEY_BYTES = 32
#: GCM nonce length (96 bits, the size GCM is designed for).
NONCE_BYTES = 12
#: GCM tag length.
TAG_BYTES = 16
#: Domain label in the associated data of a wrapped data key, so it can never pass for a field value.
WRAP_LABEL = b"council/dek"
#: KEK file names: kek-0001.key, kek-0002.key, … (four digits at least, as ``council init`` names version 1).
_FILE_NAME = re.compile(r"kek-(\d{4,})\.key")
#: Environment variable names: COUNCIL_KEK_1, COUNCIL_KEK_2, … (no leading zeros, one name per version).
_ENV_NAME = re.compile(r"COUNCIL_KEK_([1-9]\d*)")


class KeyProvider(Protocol):
    """Where the KEK versions live. Versions are positive integers; a version's key never changes."""

    def versions(self) -> list[int]:
        """The available versions, ascending (empty when there is none)."""
        ...

    def get(self, version: int) -> bytes:
        """The 32-byte KEK of ``version``; raises KeyUnavailable (naming the fix) if missing or malformed."""
        ...

    def create(self) -> int:
        """Make a new random KEK one above the highest version and return its version."""
        ...

    def remove(self, version: int) -> None:
        """Destroy ``version``; raises KeyUnavailable if it does not exist (or cannot be removed here)."""
        ...


class FileKeyProvider(KeyProvider):
    """KEKs as files ``kek-0001.key``, ``kek-0002.key`` … in ``folder`` (mode 0600, see core.keyfiles)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def __repr__(self) -> str:
        return f"FileKeyProvider({str(self.folder)!r})"

    def path(self, version: int) -> Path:
        """The file that holds ``version`` (whether or not it exists)."""
        return self.folder / f"kek-{version:04d}.key"

    def versions(self) -> list[int]:
        """Versions with a file in the folder, ascending; [] when the folder does not exist."""
        if not self.folder.is_dir():
            return []
        found = []
        for entry in self.folder.iterdir():
            match = _FILE_NAME.fullmatch(entry.name)
            # Only canonical names count: "kek-00001.key" would parse as 1 but is not the file get(1) reads.
            if match and int(match[1]) >= 1 and self.path(int(match[1])).name == entry.name:
                found.append(int(match[1]))
        return sorted(found)

    def get(self, version: int) -> bytes:
        """Read and check the key file of ``version``.

        Raises KeyUnavailable when it is missing, readable by group or others, unreadable, or not 32 bytes.
        """
        path = self.path(version)
        if version < 1 or not path.exists():
            raise self._missing(version)
        try:
            data = read_key_file(path, fix="council init")
        except (FileNotFoundError, KeyFileError) as error:
            if not path.exists():  # removed between the check above and the read
                raise self._missing(version) from None
            raise KeyUnavailable(str(error)) from error
        except OSError as error:
            raise KeyUnavailable(
                f"Key file {path} cannot be read ({error.strerror}). Run council as the user that owns it."
            ) from error
        if len(data) != KEY_BYTES:
            raise KeyUnavailable(
                f"Key file {path} holds {len(data)} bytes, not {KEY_BYTES}: it is damaged or not a council key. "
                "Restore it from your key backup."
            )
        return data

    def _missing(self, version: int) -> KeyUnavailable:
        path = self.path(version)
        if version == 1 and not self.versions():
            return KeyUnavailable(f"Key-encryption key {path} is missing. Run `council init` to create it.")
        return KeyUnavailable(
            f"Key-encryption key version {version} ({path}) is missing. Restore it from your key backup: "
            "data keys wrapped with it cannot be read without it."
        )

    def create(self) -> int:
        """Write a new random KEK file one above the highest version (mode 0600) and return its version.

        Raises KeyUnavailable if that file appeared meanwhile (another rotation running at the same time).
        """
        version = max(self.versions(), default=0) + 1
        if not create_key_file(self.path(version), secrets.token_bytes(KEY_BYTES)):
            raise KeyUnavailable(
                f"Key file {self.path(version)} appeared while creating it: is another `council keys rotate` "
                "running? Let it finish, then check `council keys status`."
            )
        return version

    def remove(self, version: int) -> None:
        """Delete the key file of ``version``; raises KeyUnavailable if there is none.

        Deleting cannot scrub copies (backups, SSD wear levelling); the caller must first have re-wrapped
        every data key that used this version.
        """
        path = self.path(version)
        if version < 1 or not path.exists():
            raise KeyUnavailable(f"Key-encryption key version {version} ({path}) does not exist; nothing to remove.")
        path.unlink()


class EnvironmentKeyProvider(KeyProvider):
    """KEKs from ``COUNCIL_KEK_1``, ``COUNCIL_KEK_2`` … each the standard base64 of 32 bytes.

    The environment is managed outside council (container secrets, systemd credentials), so ``create`` and
    ``remove`` only say what to change there.
    """

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        # os.environ itself (not a copy), so a variable set later in this process is seen.
        self._environ: Mapping[str, str] = os.environ if environ is None else environ

    def __repr__(self) -> str:
        return "EnvironmentKeyProvider()"

    @staticmethod
    def name(version: int) -> str:
        """The variable that holds ``version``."""
        return f"COUNCIL_KEK_{version}"

    def versions(self) -> list[int]:
        """Versions with a (non-empty) variable set, ascending."""
        return sorted(
            int(match[1])
            for key, value in self._environ.items()
            if (match := _ENV_NAME.fullmatch(key)) and value.strip()
        )

    def get(self, version: int) -> bytes:
        """Decode ``COUNCIL_KEK_<version>``; raises KeyUnavailable when unset, not base64, or not 32 bytes."""
        name = self.name(version)
        value = self._environ.get(name, "").strip() if version >= 1 else ""
        fix = f"Set {name} to the base64 of 32 random bytes (`openssl rand -base64 32`)"
        if not value:
            raise KeyUnavailable(
                f"{name} is not set. {fix}; if data keys were wrapped with version {version}, "
                "it must be the same key as before (restore it from your key backup)."
            )
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as error:
            raise KeyUnavailable(f"{name} is not valid base64. {fix}.") from error
        if len(data) != KEY_BYTES:
            raise KeyUnavailable(f"{name} decodes to {len(data)} bytes, not {KEY_BYTES}. {fix}.")
        return data

    def create(self) -> int:
        """Always raises KeyUnavailable: the next version must be added to the environment by its owner."""
        version = max(self.versions(), default=0) + 1
        raise KeyUnavailable(
            f"Keys from the environment are managed outside council: add {self.name(version)} "
            "(base64 of 32 random bytes, `openssl rand -base64 32`), keep the existing variables, and restart."
        )

    def remove(self, version: int) -> None:
        """Always raises KeyUnavailable: the variable must be removed from the environment by its owner."""
        raise KeyUnavailable(
            f"Keys from the environment are managed outside council: remove {self.name(version)} from the "
            "environment (and from wherever it is defined) and restart."
        )


class Keyring:
    """Wraps and unwraps per-case data keys with the provider's KEKs (AES-256-GCM).

    KEKs are cached in memory per Keyring, so each version is read once. A version removed from the
    provider stays usable by a Keyring that has already loaded it, until that Keyring is discarded.
    """

    def __init__(self, provider: KeyProvider) -> None:
        self.provider = provider
        # version -> AESGCM: the cipher object holds the key; building it once also saves the key schedule.
        # Racing threads may both load a version; both store the same key, so no lock is needed.
        self._ciphers: dict[int, AESGCM] = {}

    @property
    def current_version(self) -> int:
        """The highest KEK version; raises KeyUnavailable when the provider has none.

        Asked of the provider each time (not cached), so a rotation by another process is picked up.
        """
        versions = self.provider.versions()
        if not versions:
            raise KeyUnavailable(
                f"No key-encryption key in {self.provider!r}. Run `council init` to create one "
                "(or, with keys from the environment, set COUNCIL_KEK_1)."
            )
        return versions[-1]

    def _cipher(self, version: int) -> AESGCM:
        cipher = self._ciphers.get(version)
        if cipher is None:
            key = self.provider.get(version)
            if len(key) != KEY_BYTES:  # a third-party provider could get this wrong; never use a short key
                raise KeyUnavailable(f"{self.provider!r} returned a {len(key)}-byte key for version {version}.")
            cipher = self._ciphers[version] = AESGCM(key)
        return cipher

    @staticmethod
    def _associated_data(owner_id: int, version: int, label: bytes = WRAP_LABEL) -> bytes:
        if isinstance(owner_id, bool) or not isinstance(owner_id, int):  # "7" would bind differently from 7
            name = "case_id" if label == WRAP_LABEL else "owner_id"
            raise TypeError(f"{name} must be an int, not {type(owner_id).__name__}")
        return aad.encode(label, owner_id, version)

    def wrap(self, data_key: bytes, *, case_id: int) -> tuple[bytes, int]:
        """Encrypt ``data_key`` for case ``case_id`` with the current KEK; return (nonce + ciphertext, version).

        Raises ValueError if the data key is not 32 bytes, KeyUnavailable if the current KEK cannot be read.
        """
        return self.wrap_for(data_key, label=WRAP_LABEL, owner_id=case_id)

    def unwrap(self, wrapped: bytes, *, version: int, case_id: int) -> bytes:
        """The data key of case ``case_id`` from ``wrapped`` (as returned by ``wrap``) and its KEK ``version``.

        Raises KeyUnavailable when that KEK version is missing or unreadable, and DecryptionFailed when the
        wrapped key does not verify (damaged, another case's, or recorded with the wrong version).
        """
        return self.unwrap_for(wrapped, label=WRAP_LABEL, owner_id=case_id, version=version)

    def wrap_for(self, data_key: bytes, *, label: bytes, owner_id: int) -> tuple[bytes, int]:
        """``wrap`` for a data key that is not a case's (an incident's, council.incidents): ``label`` names the
        kind of owner in the associated data, so a wrapped key of incident 7 never unwraps as case 7's."""
        if len(data_key) != KEY_BYTES:
            raise ValueError(f"a data key is {KEY_BYTES} bytes, not {len(data_key)}")
        version = self.current_version
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._cipher(version).encrypt(nonce, bytes(data_key), self._associated_data(owner_id, version, label))
        return nonce + sealed, version

    def unwrap_for(self, wrapped: bytes, *, label: bytes, owner_id: int, version: int) -> bytes:
        """``unwrap`` for a data key wrapped by ``wrap_for`` with the same ``label`` and ``owner_id``."""
        cipher = self._cipher(version)
        wrapped = bytes(wrapped)
        owner = "case" if label == WRAP_LABEL else label.decode("ascii", "replace")
        if len(wrapped) != NONCE_BYTES + KEY_BYTES + TAG_BYTES:
            raise DecryptionFailed(
                f"wrapped data key of {owner} {owner_id} has the wrong length ({len(wrapped)} bytes)")
        try:
            return cipher.decrypt(
                wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], self._associated_data(owner_id, version, label)
            )
        except InvalidTag:
            raise DecryptionFailed(
                f"wrapped data key of {owner} {owner_id} (KEK version {version}) does not verify: "
                f"wrong key, another {owner}'s key, or damaged"
            ) from None
