"""The backup file: a plaintext header (nothing personal), then the members — the databases' dumps and key files —
encrypted in 1 MiB chunks with AES-256-GCM under a key derived from the operator's passphrase (Argon2id), then an
Ed25519 signature by the council's audit signing key over everything before it.

Each chunk's associated data binds it to the header and to its position, and the last chunk says it is the last:
a chunk swapped, dropped or appended, or a file cut short, fails to decrypt. The passphrase never touches the disk,
and neither does any plaintext: the members are framed and encrypted in memory as they are written.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

MAGIC = b"COUNCIL-BACKUP/1\n"
FORMAT = "council-backup/1"
CHUNK = 1 << 20
#: Argon2id's cost for the passphrase: about a second, once per backup or restore (RFC 9106's second choice).
KDF = {"iterations": 3, "lanes": 4, "memory_cost": 64 * 1024}
#: A header is a few hundred bytes; anything far larger is not one of ours.
MAX_HEADER = 64 * 1024
MIN_PASSPHRASE = 12


class BackupError(Exception):
    """The backup cannot be written or read; the message says why (never with anything from inside it)."""


@dataclass
class Header:
    """What the backup says about itself in plaintext: when, which databases, which keys, which checkpoint."""

    created_at: str
    council_backend: str
    platform_backend: str
    #: The key files it holds (names only), and whether key-encryption keys are among them.
    key_files: list[str]
    includes_keks: bool
    #: The KEK versions that wrap the case keys in it: restoring needs these.
    kek_versions: list[int]
    #: A signed audit checkpoint taken just before the dump: the restored chain must still hold it.
    checkpoint: dict
    salt: str = field(default_factory=lambda: base64.b64encode(os.urandom(16)).decode())
    nonce_prefix: str = field(default_factory=lambda: base64.b64encode(os.urandom(4)).decode())
    kdf: dict = field(default_factory=lambda: dict(KDF))
    format: str = FORMAT

    def to_bytes(self) -> bytes:
        return json.dumps(self.__dict__, sort_keys=True, ensure_ascii=False).encode()


def _key(passphrase: str, header: Header) -> bytes:
    return Argon2id(salt=base64.b64decode(header.salt), length=32, **header.kdf).derive(passphrase.encode())


def _nonce(header: Header, index: int) -> bytes:
    return base64.b64decode(header.nonce_prefix) + struct.pack(">Q", index)


def _aad(header_digest: bytes, index: int, last: bool) -> bytes:
    return header_digest + struct.pack(">Q?", index, last)


def check_passphrase(passphrase: str) -> None:
    """Raise BackupError for a passphrase too short to protect a copy of every case's wrapped key."""
    if len(passphrase or "") < MIN_PASSPHRASE:
        raise BackupError(f"The passphrase must be at least {MIN_PASSPHRASE} characters.")


def _frames(members: list[tuple[str, bytes]]) -> Iterator[bytes]:
    """The plaintext stream: per member its name, its length and its SHA-256, then its bytes."""
    for name, data in members:
        meta = json.dumps({"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}).encode()
        yield struct.pack(">I", len(meta)) + meta
        yield data
    yield struct.pack(">I", 0)


def _chunks(stream: Iterator[bytes]) -> Iterator[tuple[bytes, bool]]:
    """Cut the stream into CHUNK-sized pieces, each with whether it is the last (the last may be empty)."""
    buffer = bytearray()
    for piece in stream:
        buffer += piece
        while len(buffer) > CHUNK:
            yield bytes(buffer[:CHUNK]), False
            del buffer[:CHUNK]
    yield bytes(buffer), True


def write(out: BinaryIO, *, header: Header, members: list[tuple[str, bytes]], passphrase: str,
          signing_key: Ed25519PrivateKey) -> None:
    """Write the backup of ``members`` to ``out``."""
    check_passphrase(passphrase)
    cipher = AESGCM(_key(passphrase, header))
    raw_header = header.to_bytes()
    digest = hashlib.sha256(raw_header).digest()
    signed = hashlib.sha256()

    def emit(data: bytes) -> None:
        signed.update(data)
        out.write(data)

    emit(MAGIC + struct.pack(">I", len(raw_header)) + raw_header)
    for index, (chunk, last) in enumerate(_chunks(_frames(members))):
        sealed = cipher.encrypt(_nonce(header, index), chunk, _aad(digest, index, last))
        emit(struct.pack(">I", len(sealed)) + sealed)
    out.write(signing_key.sign(signed.digest()))


def read_header(source: BinaryIO) -> tuple[Header, bytes]:
    """The header of a backup file, and its raw bytes; BackupError when it is not one."""
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("This is not a council backup file.")
    (length,) = struct.unpack(">I", _exactly(source, 4))
    if length > MAX_HEADER:
        raise BackupError("The backup's header is damaged.")
    raw = _exactly(source, length)
    try:
        body = json.loads(raw)
        if body.get("format") != FORMAT:
            raise BackupError(f"This backup's format {body.get('format')!r} is not one this version reads.")
        return Header(**body), raw
    except (ValueError, TypeError):
        raise BackupError("The backup's header is damaged.") from None


def _exactly(source: BinaryIO, size: int) -> bytes:
    data = source.read(size)
    if len(data) != size:
        raise BackupError("The backup file is cut short.")
    return data


@dataclass
class Opened:
    header: Header
    members: dict[str, bytes]
    signature: bytes
    #: SHA-256 of everything the signature covers.
    signed_digest: bytes

    def check_signature(self, public_key: Ed25519PublicKey) -> None:
        """Raise BackupError unless the backup was signed with the private half of ``public_key``."""
        try:
            public_key.verify(self.signature, self.signed_digest)
        except InvalidSignature:
            raise BackupError("The backup's signature is not this council's.") from None


def read(source: BinaryIO, *, passphrase: str) -> Opened:
    """Decrypt and check a whole backup: every chunk, every member's digest and the end (its signature is checked
    by ``Opened.check_signature``). Raises BackupError naming what is wrong."""
    header, raw_header = read_header(source)
    signed = hashlib.sha256(MAGIC + struct.pack(">I", len(raw_header)) + raw_header)
    cipher = AESGCM(_key(passphrase, header))
    digest = hashlib.sha256(raw_header).digest()
    plain, index, last = bytearray(), 0, False
    while not last:
        size_bytes = _exactly(source, 4)
        (size,) = struct.unpack(">I", size_bytes)
        if size > CHUNK + 16:
            raise BackupError("The backup file is damaged.")
        sealed = _exactly(source, size)
        signed.update(size_bytes + sealed)
        for last in (False, True):
            try:
                plain += cipher.decrypt(_nonce(header, index), sealed, _aad(digest, index, last))
                break
            except InvalidTag:
                continue
        else:
            raise BackupError("The passphrase is wrong, or the backup was altered (chunk "
                              f"{index} does not authenticate).")
        index += 1
    signature = source.read(65)
    if len(signature) != 64:
        raise BackupError("The backup file's signature is missing or followed by extra data.")
    return Opened(header, _members(bytes(plain)), signature, signed.digest())


def _members(plain: bytes) -> dict[str, bytes]:
    members, at = {}, 0
    while True:
        (length,) = struct.unpack(">I", plain[at:at + 4])
        at += 4
        if length == 0:
            return members
        meta = json.loads(plain[at:at + length])
        at += length
        data = plain[at:at + meta["size"]]
        at += meta["size"]
        if len(data) != meta["size"] or hashlib.sha256(data).hexdigest() != meta["sha256"]:
            raise BackupError(f"The member {meta['name']} of the backup is damaged.")
        members[meta["name"]] = data
