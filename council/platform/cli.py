"""``council platform …``: platform commands. They build the platform app only; no council key is read."""

from __future__ import annotations

import functools
import sys

import click

from council.platform.config import PlatformConfigError

#: Port of `council platform serve` (the platform alone, for development).
STANDALONE_PORT = 5001


def _fail(message: str):
    click.secho(message, fg="red", err=True)
    sys.exit(1)


def with_platform_app(command):
    """Run ``command`` inside an app context of the platform app."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from council.platform import create_app

        try:
            app = create_app()
        except PlatformConfigError as error:
            _fail(str(error))
        with app.app_context():
            return command(*args, **kwargs)

    return wrapper


@click.group("platform")
def platform_group():
    """The 官民連携プラットフォーム (separate database, accounts and keys)."""


@platform_group.command("init")
def init_command():
    """Create the platform's instance folder (0700), keys (secret key, TOTP sealing key; 0600) and database (0600).

    Never overwrites a key."""
    from council.platform.setup import initialise

    try:
        done = initialise()
    except PlatformConfigError as error:
        _fail(str(error))
    for line in done:
        click.echo(line)
    click.echo("The platform database is at the newest migration.")


@platform_group.command("create-admin")
@click.argument("username")
@click.option("--name", "display_name", default="", help="Name shown to others.")
@with_platform_app
def create_admin_command(username: str, display_name: str):
    """Create a platform administrator and print the one-time setup link (TOTP is mandatory for admins)."""
    from flask import current_app

    from council.core.links import external_link
    from council.platform.accounts import PlatformAccountError, create_admin

    try:
        user, token = create_admin(username=username, display_name=display_name)
    except PlatformAccountError as error:
        _fail(str(error))
    # Without PLATFORM_TRUSTED_HOSTS this is a local installation: `make run` serves the platform under
    # /platform, `council platform serve` alone on its own port. Both links work; name both.
    link = external_link(current_app, "account.setup", local_root="/platform", token=token)
    click.echo(f"Created platform administrator {user.username}. One-time setup link (expires): {link}")
    if not current_app.config.get("TRUSTED_HOSTS"):
        alone = external_link(current_app, "account.setup", base_url=f"http://127.0.0.1:{STANDALONE_PORT}",
                              token=token)
        click.echo(f"  (the platform served alone by `council platform serve`: {alone})")


@platform_group.command("demo")
@with_platform_app
def demo_command():
    """Create invented member organisations, places, a project, board topics and consultation windows."""
    from flask import current_app

    from council.platform.demo import create_demo

    with current_app.test_request_context():  # services build setup links with the request's host
        for line in create_demo():
            click.echo(line)


@platform_group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=STANDALONE_PORT, show_default=True, type=int)
@with_platform_app
def serve_command(host: str, port: int):
    """Serve the platform alone (development). In production: gunicorn 'council.platform:create_app()'."""
    from flask import current_app

    from council.core.serving import serve

    serve(current_app._get_current_object(), host=host, port=port)


@platform_group.command("check-text")
@click.option("--contact", is_flag=True, help="Apply the rules of an organisation's public contact field.")
def check_text_command(contact: bool):
    """Read text on stdin (UTF-8) and list what the PII guard refuses: exit 1 if anything, 0 if nothing.

    Needs no database, instance folder or app: the guard is pure.
    """
    from council.platform.guard import check

    data = sys.stdin.buffer.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        _fail(f"stdin is not UTF-8 (byte {error.start}).")
    findings = check(text, contact=contact)
    for finding in findings:
        line, column = _line_and_column(text, finding.start)
        click.echo(f"{line}:{column} {finding.kind} ({finding.detector}) {_masked(text[finding.start:finding.end])}")
    if findings:
        kinds = ", ".join(dict.fromkeys(finding.kind for finding in findings))
        click.echo(f"{len(findings)} finding(s): {kinds}. The platform would refuse this text.")
        sys.exit(1)
    click.echo("No personal data found.")


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``offset``."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _masked(span: str, shown: int = 12) -> str:
    """First and last character only, so the terminal (and any log of it) does not repeat the data."""
    span = " ".join(span.split())
    if len(span) <= 2:
        return "*" * len(span)
    middle = "*" * min(len(span) - 2, shown)
    return f"{span[0]}{middle}{span[-1]}"


@platform_group.group("audit")
def audit_group():
    """The platform's own audit trail."""


@audit_group.command("verify")
@with_platform_app
def audit_verify_command():
    """Re-walk the platform's hash chain: exit 0 when intact, 1 with the first bad sequence number."""
    from council.platform.audit import verify_chain

    result = verify_chain()
    if result.intact:
        click.echo(f"Platform audit chain intact: {result.checked} events.")
        return
    click.secho(f"Platform audit chain broken at sequence {result.first_bad_seq}: {result.explanation}.", fg="red")
    sys.exit(1)


@platform_group.command("import-stats")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_platform_app
def import_stats_command(path: str):
    """Import a `council stats export` file: only if signed by COUNCIL_PUBLIC_KEY and shaped as the format says."""
    from pathlib import Path

    from council.platform.statistics.services import StatisticsRefused, import_statistics

    try:
        snapshot = import_statistics(Path(path).read_bytes())
    except StatisticsRefused as refused:
        _fail(f"Refused: {refused}")
    click.echo(f"Imported the statistics of {snapshot.council_name} exported {snapshot.generated_at:%Y-%m-%d %H:%M} "
               "UTC; they are on /statistics.")
