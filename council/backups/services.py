"""Making, checking and restoring backups (``council backup`` / ``council restore``).

A backup holds both databases (the council's, with every case's wrapped data key; the platform's) and the
instance's key files — key-encryption keys (KEKs) only when asked: with them, whoever has the file and its
passphrase reads every case. Without them, the KEKs are kept apart (as they should be), and a restore needs them
in the new instance's key folder first.

**A restore never brings back a case purged after the backup was taken**, as long as KEK versions are retired:
purging destroys the case's data key in the database, but a backup made before still holds it, wrapped by the KEK
version of that time. `council keys rotate` re-wraps every live case key with a new version and `council keys
retire` deletes the old one; from then on no backup made before the rotation can unwrap any case key — the purged
case's included. So: after `council purge-expired`, rotate, take a new backup, and retire (docs/operations.md).
A backup made with ``--include-keks`` carries its own KEKs and defeats this: keep such backups only as long as
the retention period allows, which is why the command warns.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.hazmat.primitives import serialization
from flask import Config, current_app

from council import instance as instance_files
from council.audit.checkpoints import CheckpointError, check_checkpoint, create_checkpoint
from council.audit.events import AuditTag, record
from council.backups import archive, databases
from council.backups.archive import BackupError
from council.core.clock import utcnow
from council.core.keyfiles import create_key_file
from council.database import db

COUNCIL_DB, PLATFORM_DB = "council.db", "platform.db"
KEYS, PLATFORM_KEYS = "keys/", "platform-keys/"


@dataclass
class Places:
    """Where an instance keeps its databases and keys (read from the environment and the instances' config.py,
    without starting an app: a new instance has no database yet)."""

    council_url: str
    council_keys: Path
    platform_url: str
    platform_folder: Path

    @classmethod
    def from_environment(cls) -> Places:
        import os

        from council.platform import config as platform_config

        council_folder, platform_folder = instance_files.instance_path(), platform_config.instance_path()
        urls = []
        for folder, variable, default in ((council_folder, "COUNCIL_MIGRATION_DATABASE_URL", "council.db"),
                                          (platform_folder, "PLATFORM_DATABASE_URL", "platform.db")):
            config = Config(str(folder))
            config.from_pyfile(str(folder / "config.py"), silent=True)
            fallback = os.environ.get("COUNCIL_DATABASE_URL") if variable.startswith("COUNCIL") else None
            urls.append(os.environ.get(variable) or fallback or config.get("MIGRATION_DATABASE_URL")
                        or config.get("DATABASE_URL") or f"sqlite:///{folder / default}")
        return cls(urls[0], instance_files.keys_dir(council_folder), urls[1], platform_folder)


def _key_files(folder: Path, *, keks: bool) -> list[Path]:
    return sorted(path for path in folder.glob("*") if path.is_file() and not path.name.endswith((".db", "-wal",
                  "-shm", "-writer", ".py")) and (keks or not path.name.startswith("kek-")))


def create_backup(out: BinaryIO, *, passphrase: str, include_keks: bool = False,
                  places: Places | None = None) -> archive.Header:
    """Write a backup of this instance (``places``: the app's database and keys, the platform's from the
    environment) to ``out``, audited, a signed checkpoint first. Raises BackupError."""
    from council.cases.keys import key_usage

    archive.check_passphrase(passphrase)
    keys_folder = instance_files.keys_dir(current_app.config["INSTANCE_PATH"])
    if places is None:
        places = Places.from_environment()
        places.council_url, places.council_keys = current_app.config["MIGRATION_DATABASE_URL"], keys_folder
    record(tag=AuditTag.BACKUP_CREATED, reason=f"council {databases.backend(places.council_url)}, platform "
           f"{databases.backend(places.platform_url)}, {'with' if include_keks else 'without'} KEKs")
    db.session.commit()
    # The checkpoint is taken before the dump, so the restored chain must hold it: a restore that lost events
    # (or a dump of another chain) is caught.
    checkpoint = create_checkpoint()
    members = [(COUNCIL_DB, databases.dump(places.council_url)), (PLATFORM_DB, databases.dump(places.platform_url))]
    members += [(f"{KEYS}{path.name}", path.read_bytes()) for path in _key_files(keys_folder, keks=include_keks)]
    members += [(f"{PLATFORM_KEYS}{path.name}", path.read_bytes())
                for path in _key_files(places.platform_folder, keks=False)]
    header = archive.Header(
        created_at=utcnow().isoformat(timespec="seconds"), council_backend=databases.backend(places.council_url),
        platform_backend=databases.backend(places.platform_url), key_files=[name for name, _ in members[2:]],
        includes_keks=include_keks, kek_versions=sorted(v for v, n in key_usage().items() if n),
        checkpoint=checkpoint)
    archive.write(out, header=header, members=members, passphrase=passphrase,
                  signing_key=instance_files.signing_key(current_app.config["INSTANCE_PATH"]))
    return header


def open_backup(source: BinaryIO, *, passphrase: str, public_key_pem: bytes | None = None) -> archive.Opened:
    """Decrypt and check a backup without writing anything. The signature is checked against ``public_key_pem``
    (the council's, `council stats public-key`) when given, else against the signing key the backup carries."""
    opened = archive.read(source, passphrase=passphrase)
    if public_key_pem:
        opened.check_signature(serialization.load_pem_public_key(public_key_pem))
    else:
        pem = opened.members[f"{KEYS}{instance_files.AUDIT_SIGNING_KEY}"]
        opened.check_signature(serialization.load_pem_private_key(pem, password=None).public_key())
    return opened


@dataclass
class Restored:
    events: int
    checkpoint_seq: int
    cases_checked: int


def restore_backup(source: BinaryIO, *, passphrase: str, public_key_pem: bytes | None = None) -> Restored:
    """Restore a backup into this (empty) instance, then prove it: the audit chain verifies and holds the backup's
    checkpoint, and sample case keys unwrap. Raises BackupError before writing anything when the backup is bad, a
    target database is not empty, a key file there differs, or a KEK version it needs is missing."""
    opened = open_backup(source, passphrase=passphrase, public_key_pem=public_key_pem)
    places = Places.from_environment()
    _check_targets(opened, places)
    for name, data in opened.members.items():
        if name.startswith((KEYS, PLATFORM_KEYS)):
            folder = places.council_keys if name.startswith(KEYS) else places.platform_folder
            create_key_file(folder / name.split("/", 1)[1], data)
    databases.load(places.council_url, opened.members[COUNCIL_DB])
    databases.load(places.platform_url, opened.members[PLATFORM_DB])
    return _prove(opened)


def _check_targets(opened: archive.Opened, places: Places) -> None:
    for url in (places.council_url, places.platform_url):
        if not databases.is_empty(url):
            raise BackupError("The target database is not empty: restore only into a new instance "
                              "(a new instance folder and new, empty databases).")
    for name, data in opened.members.items():
        if name.startswith((KEYS, PLATFORM_KEYS)):
            folder = places.council_keys if name.startswith(KEYS) else places.platform_folder
            existing = folder / name.split("/", 1)[1]
            if existing.exists() and existing.read_bytes() != data:
                raise BackupError(f"{existing} differs from the backup's: restore into a new instance folder.")
    missing = [version for version in opened.header.kek_versions
               if f"{KEYS}kek-{version:04d}.key" not in opened.members
               and not (places.council_keys / f"kek-{version:04d}.key").exists()]
    if missing:
        names = ", ".join(f"kek-{version:04d}.key" for version in missing)
        raise BackupError(f"The backup's case keys are wrapped by {names}, which it does not hold: copy them from "
                          f"your key backup into {places.council_keys} (mode 0600) first.")


def _prove(opened: archive.Opened) -> Restored:
    """Start the restored instance and check it: the chain, the checkpoint, a sample of case keys."""
    from sqlalchemy import select

    from council import create_app
    from council.audit.verification import verify_chain
    from council.cases.models import Case
    from council.cases.vault import vault

    app = create_app()
    with app.app_context():
        result = verify_chain(source="restore")
        if not result.intact:
            raise BackupError(f"The restored audit chain is broken at sequence {result.first_bad_seq}.")
        try:
            checked = check_checkpoint(opened.header.checkpoint)
        except CheckpointError as error:
            raise BackupError(f"The restored audit chain does not hold the backup's checkpoint: {error}") from None
        sample = db.session.scalars(select(Case).where(Case.wrapped_key.is_not(None)).order_by(Case.id).limit(20))
        cases = 0
        for case in sample:
            vault().keyring.unwrap(case.wrapped_key, version=case.key_version, case_id=case.id)
            cases += 1
        record(tag=AuditTag.BACKUP_RESTORED, reason=f"backup of {opened.header.created_at}; checkpoint seq "
               f"{checked.seq}; {cases} case keys unwrap")
        db.session.commit()
        return Restored(result.checked, checked.seq, cases)


def read_file(path: str) -> io.BytesIO:
    """The backup at ``path``, in memory (its plaintext never is written anywhere)."""
    try:
        return io.BytesIO(Path(path).read_bytes())
    except OSError as error:
        raise BackupError(f"Cannot read {path}: {error.strerror}.") from None
