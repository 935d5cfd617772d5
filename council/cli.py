"""The ``council`` command: the Flask CLI of the council side, with ``council platform …`` beneath it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from council import create_app


def _create(_info=None):
    """Build the app for a command; a refusal to start is a message naming the fix, not a traceback."""
    from council.config import ConfigError

    try:
        return create_app()
    except ConfigError as error:
        _fail(str(error))


@click.group(cls=FlaskGroup, create_app=_create, add_default_commands=False, add_version_option=False)
def cli():
    """council: case coordination for a 孤独・孤立対策地域協議会."""


def main():
    cli(prog_name="council")


def _fail(message: str):
    click.secho(message, fg="red", err=True)
    sys.exit(1)


@cli.command("init", with_appcontext=False)
@click.option("--quiet", is_flag=True, help="Say nothing when everything already exists.")
def init_command(quiet: bool):
    """Create the instance folder (0700), keys (0600) and both databases (0600), and migrate them.

    Never overwrites a key; tightens the modes of a folder or database that others can read.
    """
    from council.config import ConfigError
    from council.core.db import sqlite_files
    from council.core.keyfiles import create_private_folder, make_private
    from council.instance import create_keys, instance_path
    from council.platform.setup import initialise as initialise_platform

    folder = instance_path()
    tightened = [create_private_folder(folder)]
    created = [f"created {name}" for name in create_keys(folder)]
    try:
        app = create_app({"CREATE_DATABASE": True})  # creating the app migrates the council database
        tightened += [make_private(path) for path in sqlite_files(app.config["DATABASE_URL"])]
        done = created + [f"tightened {line}" for line in tightened if line] + initialise_platform()
    except (ConfigError, RuntimeError) as error:
        _fail(str(error))
    if done or not quiet:
        click.echo(f"Instance folder: {folder}")
        for line in done:
            click.echo(f"  {line}")
        click.echo("The council and platform databases are at the newest migration.")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve_command(host: str, port: int):
    """Serve both apps for local use (platform under /platform)."""
    from council.application import serve_both
    from council.auth.services import admin_exists, issue_first_admin_link
    from council.core.links import external_link
    from council.core.serving import serve
    from council.database import db
    from council.platform.config import PlatformConfigError

    try:
        both = serve_both(current_app._get_current_object())
    except PlatformConfigError as error:
        _fail(str(error))
    address = f"http://{host}:{port}"
    if not admin_exists():
        token = issue_first_admin_link()
        click.secho("No administrator exists yet. Open this one-time link to create the first one:", fg="yellow")
        click.secho(f"  {external_link(current_app, 'auth.first_admin', base_url=address, token=token)}", bold=True)
    db.remove()  # end the check's transaction: on SQLite it holds the write lock while it is open
    click.echo(f"Council:  {address}/")
    click.echo(f"Platform: {address}/platform/")
    serve(both, host=host, port=port)


@cli.command("first-admin-link")
def first_admin_link_command():
    """Print a new one-time link for creating the first administrator, in full (core.links says how)."""
    from council.auth.services import admin_exists, issue_first_admin_link
    from council.core.links import external_link

    if admin_exists():
        _fail("An administrator exists already; they create further accounts.")
    click.echo(external_link(current_app, "auth.first_admin", token=issue_first_admin_link()))


def _council(name: str | None):
    from council.auth.models import Council
    from council.database import db

    councils = list(db.session.scalars(select(Council).order_by(Council.id)))
    if name:
        match = [c for c in councils if c.name == name] or [c for c in councils if str(c.id) == name]
        if not match:
            _fail(f"No council named {name}. Create it with `council create-council NAME`.")
        return match[0]
    if len(councils) != 1:
        _fail(f"Say which council with --council NAME: {', '.join(c.name for c in councils)}." if councils else
              "No council exists yet. Create one with `council create-council NAME`.")
    return councils[0]


@cli.command("create-council")
@click.argument("name")
def create_council_command(name: str):
    """Create a council (協議会)."""
    from council.auth.services import AdminError, create_council

    try:
        council = create_council(name)
    except AdminError as error:
        _fail(str(error))
    click.echo(f"Created council {council.name} (id {council.id}).")


_TYPE_NAMES = "行政, 社協, 地域包括, NPO法人, 社会福祉法人, 医療, 学校, 警察, その他"


@cli.command("create-institution")
@click.argument("name")
@click.option("--type", "kind", required=True, help=_TYPE_NAMES)
@click.option("--coordinator", is_flag=True, help="This is the council's 調整機関.")
@click.option("--council", "council_name", help="Needed when the deployment hosts several councils.")
def create_institution_command(name: str, kind: str, coordinator: bool, council_name: str | None):
    """Add a member institution (構成機関) to a council."""
    from council.auth.admin import create_institution
    from council.auth.models import InstitutionType
    from council.auth.services import AdminError

    try:
        parsed = InstitutionType.parse(kind)
    except ValueError:
        _fail(f"Unknown type {kind}. Use one of: {_TYPE_NAMES}.")
    try:
        institution = create_institution(actor=None, council=_council(council_name), name=name, kind=parsed.value,
                                         is_coordinator=coordinator)
    except AdminError as error:
        _fail(str(error))
    click.echo(f"Created institution {institution.name} ({parsed.label}).")


@cli.command("create-user")
@click.argument("username")
@click.option("--institution", "institution_name", required=True)
@click.option("--role", required=True, type=click.Choice(["caseworker", "supervisor", "coordinator", "member",
                                                          "auditor", "admin"]))
@click.option("--name", "display_name", default="", help="Name shown to colleagues.")
@click.option("--council", "council_name")
def create_user_command(username: str, institution_name: str, role: str, display_name: str,
                        council_name: str | None):
    """Create an account and print its one-time setup link."""
    from council.auth.admin import create_user
    from council.auth.models import Institution
    from council.auth.services import AdminError
    from council.core.links import external_link
    from council.database import db

    council = _council(council_name)
    institution = db.session.scalar(select(Institution).where(Institution.council_id == council.id,
                                                              Institution.name == institution_name))
    if institution is None:
        _fail(f"No institution named {institution_name} in {council.name}.")
    try:
        user, token = create_user(actor=None, institution=institution, username=username,
                                  display_name=display_name, role=role)
    except AdminError as error:
        _fail(str(error))
    click.echo(f"Created {user.username}. One-time setup link (expires): "
               f"{external_link(current_app, 'account.setup', token=token)}")


@cli.group("audit")
def audit_group():
    """The audit trail."""


@audit_group.command("verify")
@click.option("--checkpoint", "checkpoints", multiple=True, type=click.File("r", encoding="utf-8"),
              help="audit-checkpoints.jsonl (every line is checked), lines copied from approved minutes, or a file "
                   "of an older `council audit checkpoint --out`; detects a cut-off or rewritten chain.")
@with_appcontext
def audit_verify_command(checkpoints):
    """Re-walk the hash chain: exit 0 when intact, 1 with the first bad sequence number otherwise."""
    from council.audit.services import chain_length
    from council.audit.verification import verify_chain

    texts = [(handle.name, handle.read()) for handle in checkpoints]
    with click.progressbar(length=chain_length(), label="Verifying", file=sys.stderr) as bar:
        run = verify_chain(checkpoints=texts, progress=bar.update)
    if not run.chain.intact:
        _fail(f"Audit chain broken at sequence {run.first_bad_seq}: {run.chain.explanation}.")
    for checked in run.checkpoints:
        if checked.present:
            click.echo(f"Checkpoint {checked.source}: event {checked.seq} signed {checked.signed_at} is present.")
        elif checked.first_bad_seq:
            _fail(f"Audit chain broken at sequence {checked.first_bad_seq}: {checked.problem}")
        else:
            _fail(f"{checked.source}: {checked.problem}")
    click.echo(f"Audit chain intact: {run.checked} events.")


@audit_group.command("checkpoint")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Append to this file instead of audit-checkpoints.jsonl in the instance folder.")
@with_appcontext
def audit_checkpoint_command(out):
    """Append a signed checkpoint of the chain head (Ed25519) to audit-checkpoints.jsonl; keep copies off this
    server (see docs/operations.md)."""
    from council.audit.checkpoints import append_checkpoint, instance_checkpoint_file

    path = out or instance_checkpoint_file()
    try:
        body = append_checkpoint(path)
    except OSError as error:
        _fail(f"Cannot write {path}: {error.strerror}.")
    click.echo(f"Checkpoint of event {body['seq']} appended to {path}.")


def _backup_passphrase(*, confirm: bool) -> str:
    """COUNCIL_BACKUP_PASSPHRASE (for cron), else asked for without echo."""
    return os.environ.get("COUNCIL_BACKUP_PASSPHRASE") or \
        click.prompt("Backup passphrase", hide_input=True, confirmation_prompt=confirm)


@cli.command("backup")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The backup file to write (it must not exist); keep it off this server.")
@click.option("--include-keks", is_flag=True,
              help="Also put the key-encryption keys in it: whoever has the file and the passphrase reads every case.")
@with_appcontext
def backup_command(out_path: str, include_keks: bool):
    """Write an encrypted, signed backup of both databases and the instance's keys (KEKs only when asked)."""
    from council.backups.archive import BackupError
    from council.backups.services import create_backup

    if include_keks:
        click.echo("Warning: this backup will hold the key-encryption keys. With it and its passphrase every case "
                   "can be read, and cases purged later can be read again. Keep it no longer than retention allows.",
                   err=True)
    passphrase = _backup_passphrase(confirm=True)
    try:
        # Created 0600 and never over an existing file: it holds every case's wrapped key.
        with os.fdopen(os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            header = create_backup(out, passphrase=passphrase, include_keks=include_keks)
    except FileExistsError:
        _fail(f"{out_path} exists already; choose a new name.")
    except BackupError as error:
        Path(out_path).unlink(missing_ok=True)
        _fail(str(error))
    click.echo(f"Backup written to {out_path}: council and platform databases, {len(header.key_files)} key files, "
               f"checkpoint at event {header.checkpoint['seq']}. Restoring needs KEK version(s) "
               f"{', '.join(map(str, header.kek_versions)) or 'none'}"
               f"{' (included)' if include_keks else ' (kept apart: not in this file)'}.")


@cli.command("restore", with_appcontext=False)
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--check-only", is_flag=True, help="Decrypt and check the backup; write nothing.")
@click.option("--public-key", "public_key", type=click.File("rb"),
              help="The council's public key (`council stats public-key`) to check who signed the backup.")
def restore_command(path: str, check_only: bool, public_key):
    """Restore a backup into a new, empty instance (COUNCIL_INSTANCE_PATH, its databases), then verify it."""
    from council.backups.archive import BackupError
    from council.backups.services import open_backup, read_file, restore_backup

    passphrase = _backup_passphrase(confirm=False)
    pem = public_key.read() if public_key else None
    try:
        if check_only:
            opened = open_backup(read_file(path), passphrase=passphrase, public_key_pem=pem)
            click.echo(f"Backup of {opened.header.created_at} is intact and signed: {len(opened.members)} members.")
            return
        restored = restore_backup(read_file(path), passphrase=passphrase, public_key_pem=pem)
    except BackupError as error:
        _fail(str(error))
    click.echo(f"Restored. Audit chain intact ({restored.events} events) and holds the backup's checkpoint (event "
               f"{restored.checkpoint_seq}); {restored.cases_checked} sampled case keys unwrap.")


@cli.group("db")
def db_group():
    """Database administration."""


@db_group.command("grant-app-role")
@click.argument("role")
@with_appcontext
def grant_app_role_command(role: str):
    """PostgreSQL: let ROLE run the app with only SELECT and INSERT on the audit table.

    Run it as the owner (COUNCIL_MIGRATION_DATABASE_URL) after every upgrade; then point
    COUNCIL_DATABASE_URL at ROLE.
    """
    from council.audit.roles import grant_app_role
    from council.core.db import make_engine

    engine = make_engine(current_app.config["MIGRATION_DATABASE_URL"])
    try:
        grant_app_role(engine, role)
    except ValueError as error:
        _fail(str(error))
    finally:
        engine.dispose()
    click.echo(f"{role} may now read and write the app's tables, and only read and append audit events.")


@cli.group("keys")
def keys_group():
    """Key-encryption keys of the case data keys."""


@keys_group.command("status")
@with_appcontext
def keys_status_command():
    """Which key-encryption key versions exist and how many data keys (of cases, incidents, meetings) each wraps."""
    from council.cases.keys import key_usage_by_kind

    for version, kinds in key_usage_by_kind().items():
        parts = ", ".join(f"{kind} {count}" for kind, count in kinds.items() if count)
        click.echo(f"  version {version}: {sum(kinds.values())} data keys" + (f" ({parts})" if parts else ""))


@keys_group.command("rotate")
@with_appcontext
def keys_rotate_command():
    """Make a new key-encryption key and re-wrap every case data key with it (data is not re-encrypted)."""
    from council.cases.keys import cases_to_rewrap, rotate

    with click.progressbar(length=cases_to_rewrap(), label="Re-wrapping", file=sys.stderr) as bar:
        version, count = rotate(progress=bar.update)
    click.echo(f"Key version {version} now wraps {count} case keys. Back up the new key file; after 10 minutes "
               "`council keys retire` deletes versions nothing uses any more.")


@keys_group.command("retire")
@with_appcontext
def keys_retire_command():
    """Delete key-encryption key versions that wrap no case key (not within 10 minutes of a rotation)."""
    from council.cases.keys import KeyRetireTooSoon, remove_unused_versions

    try:
        removed = remove_unused_versions()
    except KeyRetireTooSoon as error:
        _fail(f"Too soon after the last rotation: {error}.")
    click.echo(f"Removed key version(s): {', '.join(map(str, removed))}." if removed else "Nothing to remove.")


@cli.command("purge-expired")
@with_appcontext
def purge_expired_command():
    """Crypto-shred closed cases past their retention: destroy their data keys (audited)."""
    from council.cases.lifecycle import purge_expired

    purged = purge_expired()
    click.echo(f"Purged {len(purged)} case(s){': ' + ', '.join(purged) if purged else ''}.")


@cli.command("import-cases")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--institution", "institution_name", help="Lead institution for rows whose 担当機関 is empty.")
@click.option("--allow-duplicates", is_flag=True, help="Import rows whose person already has a case.")
@click.option("--council", "council_name")
@with_appcontext
def import_cases_command(path: str, institution_name: str | None, council_name: str | None, allow_duplicates: bool):
    """Import the council's ledger (CSV in UTF-8 or CP932, or .xlsx; at most 10 MB and 50,000 rows): all rows
    or none. The file is read into memory (after its size is checked) and nothing of it is written elsewhere."""
    from council.cases.importer import LedgerInvalid, check_ledger, write_ledger
    from council.cases.ledger_import import ImportFileError, LedgerFile

    council = _council(council_name)
    try:
        checked = check_ledger(LedgerFile.from_path(path), council=council, actor=None,
                               default_institution=institution_name, allow_duplicates=allow_duplicates)
        with click.progressbar(length=checked.rows, label="Importing", file=sys.stderr) as bar:
            result = write_ledger(checked, progress=bar.update)
    except LedgerInvalid as invalid:
        for error in invalid.errors:
            click.echo(f"row {error.row}, {error.column}: {error.message}" if error.row else str(error.message),
                       err=True)
        _fail(f"Nothing was imported: {len(invalid.errors)} error(s).")
    except (ImportFileError, ValueError) as error:
        _fail(f"Nothing was imported: {error}")
    click.echo(f"Imported {result.imported} case(s): {result.first_number} … {result.last_number}.")


@cli.group("stats")
def stats_group():
    """Aggregate statistics for the platform: counts only, small cells suppressed, signed."""


@stats_group.command("export")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="The file to write (mode 0644); hand it to the platform's operator.")
@click.option("--council", "council_name", help="Name or id; needed when the deployment hosts several councils.")
@click.option("--k", default=5, show_default=True, type=int,
              help='Counts below k are shown as "<k". At least 5: it may be raised, never lowered.')
@with_appcontext
def stats_export_command(out: str, council_name: str | None, k: int):
    """Write the council's case counts, signed with its Ed25519 key, for `council platform import-stats`.

    Counts cases that are not purged by status, risk, category, age band and month of intake. No case
    numbers, names or dates finer than a month; every count below k shows as "<k".
    """
    from pathlib import Path

    from council.stats.counting import case_count
    from council.stats.errors import StatisticsError
    from council.stats.services import export_statistics

    if k < 5:
        _fail(f"k={k} is refused: it must be at least 5 (it may be raised, never lowered).")
    council = _council(council_name)
    try:
        with click.progressbar(length=case_count(council.id), label="Counting", file=sys.stderr) as bar:
            result = export_statistics(council=council, out=Path(out), k=k, progress=bar.update)
    except StatisticsError as error:
        _fail(f"Nothing was exported: {error}")
    click.echo(f"Statistics of {result.total} case(s) written to {result.path} ({result.suppressed_cells} "
               f"cell(s) shown as \"<{k}\"). SHA-256 {result.file_sha256}.")


@stats_group.command("public-key")
@with_appcontext
def stats_public_key_command():
    """Print the council's public key (PEM) for the platform's COUNCIL_PUBLIC_KEY setting."""
    from council.stats.services import public_key_pem

    pem, fingerprint = public_key_pem()
    click.echo(pem, nl=False)
    click.echo(f"Fingerprint (SHA-256 of the raw key): {fingerprint}", err=True)


@cli.command("demo")
def demo_command():
    """Create a fictitious council with users of every role and print their logins."""
    from council.demo import create_demo

    for line in create_demo():
        click.echo(line)


def _register_platform():
    from council.platform.cli import platform_group

    cli.add_command(platform_group)


_register_platform()
