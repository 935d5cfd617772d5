"""``council inbox notify``: the notification mails, for cron."""

from __future__ import annotations

import smtplib
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from council.inbox.mail import MailNotConfigured, notify_all


@click.command("notify")
@with_appcontext
def notify_command():
    """Mail every opted-in user who has new items: one mail each, saying only how many.

    Exit 0 when every mail due went out (or none was due), 1 when no mail server is configured, the server
    cannot be reached, or it refused a mail (those users get theirs on the next run).
    """
    try:
        report = notify_all(current_app._get_current_object())
    except MailNotConfigured as error:
        _fail(str(error))
    except (OSError, smtplib.SMTPException) as error:
        _fail(f"The mail server could not be used ({type(error).__name__}: {error}). Nothing was recorded as sent.")
    click.echo(f"sent {report.sent} mail(s)")
    if report.failed:
        _fail(f"{len(report.failed)} mail(s) refused by the server (user ids {', '.join(map(str, report.failed))}); "
              "they are tried again on the next run.")


def _fail(message: str):
    click.secho(message, fg="red", err=True)
    sys.exit(1)
