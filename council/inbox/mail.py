"""The optional notification mail: "N new items wait", sent by ``council inbox notify`` (run it from cron).

A mail leaves the closed network the council runs in, so it says nothing but a count and a link: no name, no
case number, no kind of item (「移管の承認」 next to a date can identify a person to someone who knows them).
Whoever follows the link signs in with their second factor like everywhere else.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid

from flask import Flask, current_app
from flask_babel import force_locale
from sqlalchemy import select

from council.audit.events import record
from council.audit.tags import AuditTag
from council.auth.models import User
from council.core.clock import utcnow
from council.core.i18n import gettext as _
from council.core.links import external_base, external_link
from council.database import db
from council.inbox.models import InboxMailSetting, SeenVia
from council.inbox.services import mark_shown, read_inbox


class MailNotConfigured(RuntimeError):
    """No SMTP server is configured; the message says which settings to give."""


@dataclass(frozen=True)
class MailSettings:
    """Where and how to send: ``MAIL_*`` in instance/config.py, overridden by ``COUNCIL_MAIL_*`` in the
    environment; the SMTP account's name and password are read from the environment only, so that they are
    never in a file the instance's backups copy."""

    server: str
    port: int
    sender: str
    use_tls: bool
    username: str | None
    password: str | None

    @classmethod
    def from_config(cls, config) -> MailSettings:
        env = os.environ
        server = env.get("COUNCIL_MAIL_SERVER") or config.get("MAIL_SERVER")
        sender = env.get("COUNCIL_MAIL_FROM") or config.get("MAIL_FROM")
        if not server or not sender:
            raise MailNotConfigured("No mail server is configured: set MAIL_SERVER and MAIL_FROM in "
                                    "instance/config.py (or COUNCIL_MAIL_SERVER and COUNCIL_MAIL_FROM). "
                                    "Nothing was sent.")
        use_tls = env.get("COUNCIL_MAIL_USE_TLS", str(config.get("MAIL_USE_TLS", True)))
        return cls(server=server, port=int(env.get("COUNCIL_MAIL_PORT") or config.get("MAIL_PORT") or 25),
                   sender=sender, use_tls=use_tls.strip().lower() not in ("0", "false", "no", "off", ""),
                   username=env.get("COUNCIL_MAIL_USERNAME") or None,
                   password=env.get("COUNCIL_MAIL_PASSWORD") or None)


@dataclass
class NotifyReport:
    """What one run did: how many users were mailed, and the user ids whose mail was refused."""

    sent: int = 0
    failed: list[int] = field(default_factory=list)


def notify_all(app: Flask) -> NotifyReport:
    """Send every opted-in, active user who has items they have not been told of (on the page or in an earlier
    mail) one mail with their number; remember what each mail counted, so the next run sends only for what
    is new again. Raises MailNotConfigured before looking at anyone without a server, and lets a failure to
    reach the server propagate (nothing is recorded as sent then)."""
    settings = MailSettings.from_config(app.config)
    report = NotifyReport()
    with app.app_context():
        recipients = db.session.execute(
            select(User.id, InboxMailSetting.address).join(InboxMailSetting, InboxMailSetting.user_id == User.id)
            .where(InboxMailSetting.enabled, InboxMailSetting.address != "", User.disabled_at.is_(None))
            .order_by(User.id)).all()
    if not recipients:
        return report
    with _connect(settings) as smtp:
        for user_id, address in recipients:
            # A request context per user: providers build their links with url_for, as on the page.
            with app.test_request_context(base_url=external_base(app.config)):
                outcome = _notify_one(app, smtp, settings, user_id, address)
            if outcome == "sent":
                report.sent += 1
            elif outcome == "refused":
                report.failed.append(user_id)
    return report


def _notify_one(app: Flask, smtp, settings: MailSettings, user_id: int, address: str) -> str:
    """Mail one user if something is new to them: ``sent``, ``nothing`` (nothing new) or ``refused`` (the server
    refused this mail; it is tried again on the next run)."""
    user = db.session.get(User, user_id)
    inbox = read_inbox(user, via=SeenVia.MAIL)
    if inbox is None or inbox.new == 0:
        return "nothing"
    try:
        smtp.send_message(compose(app, to=address, sender=settings.sender, new=inbox.new))
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
        current_app.logger.warning("inbox mail to user %d refused: %s", user_id, type(error).__name__)
        return "refused"
    db.session.get(InboxMailSetting, user_id).last_sent_at = utcnow()
    record(tag=AuditTag.INBOX_MAIL_SENT, actor=None, target=user, reason=f"new:{inbox.new}")
    mark_shown(user, inbox, via=SeenVia.MAIL)  # commits the event and the setting with it
    return "sent"


def compose(app: Flask, *, to: str, sender: str, new: int) -> EmailMessage:
    """The mail: a count and the inbox's link, in Japanese (the council's language), nothing else."""
    with force_locale("ja"):
        message = EmailMessage()
        message["Subject"] = _("New items in your inbox (council)")
        message["From"] = sender
        message["To"] = to
        message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
        message.set_content("\n".join([
            _("You have %(num)d new items.", num=new), "",
            _("Open your inbox (sign in first):"), external_link(app, "inbox.page"), "",
            _("This mail says nothing but the number, on purpose. To stop these mails, switch them off under "
              "“E-mail notices” on your account page."),
        ]) + "\n")
    return message


def _connect(settings: MailSettings) -> smtplib.SMTP:
    """An SMTP session, upgraded to TLS (certificate checked) when configured, signed in when an account is
    given. Raises OSError / smtplib.SMTPException when the server cannot be reached or refuses."""
    smtp = smtplib.SMTP(settings.server, settings.port, timeout=30)
    try:
        if settings.use_tls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp
