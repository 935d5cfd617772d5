"""E-mail notices: a user's own setting on their account page, and ``council inbox notify`` sending through a
real SMTP conversation (a small server in this file) one mail per user that says only how many items are new."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import socketserver
import threading

import pytest
from sqlalchemy import select, update

from council.audit.models import AuditEvent
from council.auth.models import User
from council.core import clock
from council.database import db
from council.inbox.models import InboxMailSetting
from tests.conftest import english, fresh


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough of RFC 5321 for smtplib: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 test.invalid ESMTP")
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.decode("ascii").strip()
            verb = command.split(" ", 1)[0].split(":", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250-test.invalid")
                self.reply("250 8BITMIME")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                address = re.search(r"<([^>]*)>", command).group(1)
                if address in self.server.refuse:
                    self.reply("550 no such mailbox")
                else:
                    recipients.append(address)
                    self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 go ahead")
                data = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.mails.append((recipients, email.message_from_bytes(data, policy=email.policy.default)))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:  # RSET, NOOP
                self.reply("250 OK")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    server.mails, server.refuse = [], set()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def mail_app(app, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.server_address[1], MAIL_USE_TLS=False,
                      MAIL_FROM="council@city.example.lg.jp", TRUSTED_HOSTS=["council.city.example.lg.jp", "localhost"],
                      PREFERRED_URL_SCHEME="https")
    return app


def _opt_in(app, user, address: str) -> None:
    with app.app_context():
        db.session.add(InboxMailSetting(user_id=user.id, address=address, enabled=True))
        db.session.commit()


def _overdue_case(make_case, worker, **kwargs):
    return make_case(worker, next_review_date=clock.japan_today() - dt.timedelta(days=2),
                     first_record_at=clock.utcnow() - dt.timedelta(hours=1), **kwargs)


def _notify(app):
    return app.test_cli_runner().invoke(args=["inbox", "notify"])


def test_one_mail_per_user_with_only_the_number_of_new_items_and_a_second_run_sends_nothing(
        mail_app, smtp_server, make_user, make_case):
    worker = make_user("caseworker")
    cases = [_overdue_case(make_case, worker, name="秘密 花子", kana="ヒミツ ハナコ") for _ in range(2)]
    _opt_in(mail_app, worker, "worker@city.example.lg.jp")
    result = _notify(mail_app)
    assert result.exit_code == 0, result.output
    [(recipients, mail)] = smtp_server.mails
    assert recipients == ["worker@city.example.lg.jp"]
    body = mail.get_body().get_content()
    assert "新しい未対応が 2 件あります。" in body
    assert "https://council.city.example.lg.jp/inbox" in body
    everything = mail.as_string() + body + str(mail["Subject"])
    for secret in ("秘密", "ヒミツ", "花子", "見直し", "overdue", "/cases", *[case.number for case in cases]):
        assert secret not in everything
    assert mail["From"] == "council@city.example.lg.jp" and "新しい未対応" in str(mail["Subject"])

    assert _notify(mail_app).exit_code == 0 and len(smtp_server.mails) == 1  # nothing new: no mail
    _overdue_case(make_case, worker)
    assert _notify(mail_app).exit_code == 0
    assert "新しい未対応が 1 件あります。" in smtp_server.mails[-1][1].get_body().get_content()
    with mail_app.app_context():
        sent = db.session.scalars(select(AuditEvent).where(AuditEvent.tag == "account:inbox_mail:sent")).all()
        assert [(event.reason, event.target_id) for event in sent] == [("new:2", str(worker.id)),
                                                                        ("new:1", str(worker.id))]


def test_what_the_user_has_seen_on_the_inbox_page_is_not_mailed(mail_app, smtp_server, client, login, make_user,
                                                                  make_case):
    worker = make_user("caseworker")
    _overdue_case(make_case, worker)
    _opt_in(mail_app, worker, "worker@city.example.lg.jp")
    login(worker)
    client.get("/inbox")
    assert _notify(mail_app).exit_code == 0 and smtp_server.mails == []


def test_only_opted_in_active_users_with_something_new_get_a_mail(mail_app, smtp_server, make_user, make_case):
    with_items, quiet, opted_out, disabled = (make_user("caseworker") for _ in range(4))
    for user in (with_items, opted_out, disabled):
        _overdue_case(make_case, user)
    for user in (with_items, quiet, disabled):
        _opt_in(mail_app, user, f"{user.username}@city.example.lg.jp")
    administrator = make_user("admin")
    _opt_in(mail_app, administrator, "admin@city.example.lg.jp")  # no inbox for the role: never a mail
    with mail_app.app_context():
        db.session.execute(update(User).where(User.id == disabled.id).values(disabled_at=clock.utcnow()))
        db.session.commit()
    result = _notify(mail_app)
    assert result.exit_code == 0 and "sent 1 mail" in result.output
    assert [recipients for recipients, _mail in smtp_server.mails] == [[f"{with_items.username}@city.example.lg.jp"]]


def test_a_refused_mail_fails_the_run_and_is_tried_again(mail_app, smtp_server, make_user, make_case):
    worker = make_user("caseworker")
    _overdue_case(make_case, worker)
    _opt_in(mail_app, worker, "gone@city.example.lg.jp")
    smtp_server.refuse.add("gone@city.example.lg.jp")
    result = _notify(mail_app)
    assert result.exit_code == 1 and f"user ids {worker.id}" in result.output
    smtp_server.refuse.clear()
    assert _notify(mail_app).exit_code == 0 and len(smtp_server.mails) == 1


def test_without_a_mail_server_the_command_says_so_and_fails(app, make_user):
    result = _notify(app)
    assert result.exit_code == 1 and "MAIL_SERVER" in result.output


def test_an_unreachable_server_fails_the_run_and_nothing_counts_as_sent(mail_app, smtp_server, make_user,
                                                                        make_case):
    worker = make_user("caseworker")
    _overdue_case(make_case, worker)
    _opt_in(mail_app, worker, "worker@city.example.lg.jp")
    port = smtp_server.server_address[1]
    smtp_server.shutdown()
    smtp_server.server_close()
    mail_app.config["MAIL_PORT"] = port
    result = _notify(mail_app)
    assert result.exit_code == 1 and "could not be used" in result.output
    assert fresh(mail_app, InboxMailSetting, worker.id).last_sent_at is None


# -- the setting, on the account page ------------------------------------------------------------------


def test_a_user_switches_notices_on_from_their_account_page(app, client, login, make_user):
    worker = make_user("caseworker")
    login(worker)
    account = client.get("/account").get_data(as_text=True)
    assert "メール通知" in account and "オフ：" in account and 'href="/inbox/mail"' in account
    response = client.post("/inbox/mail", data={"address": "worker@city.example.lg.jp", "enabled": "y",
                                                "version": "0"})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    account = client.get("/account").get_data(as_text=True)
    assert "オン：" in account and "worker@city.example.lg.jp" in account
    stored = fresh(app, InboxMailSetting, worker.id)
    assert (stored.address, stored.enabled, stored.version) == ("worker@city.example.lg.jp", True, 1)
    with app.app_context():
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.tag == "account:inbox_mail:changed")).all()
        assert event.reason == "on" and "example" not in repr(vars(event))
    assert client.post("/inbox/mail", data={"address": "worker@city.example.lg.jp", "version": "1"}).status_code == 302
    assert fresh(app, InboxMailSetting, worker.id).enabled is False


@pytest.mark.parametrize(("data", "problem"), [
    ({"address": "worker at city", "enabled": "y"}, "Enter an e-mail address such as name@city.example.lg.jp."),
    ({"address": "", "enabled": "y"}, "Give an address to receive notices at."),
])
def test_a_refused_setting_keeps_what_was_typed_and_says_why(app, client, login, make_user, data, problem):
    worker = make_user("caseworker")
    english(client)
    login(worker)
    response = client.post("/inbox/mail", data={**data, "version": "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'data-testid="error-summary"' in page and problem in page
    assert f'value="{data["address"]}"' in page if data["address"] else True
    assert fresh(app, InboxMailSetting, worker.id) is None


def test_a_setting_saved_in_another_tab_is_not_overwritten(app, client, login, make_user):
    worker = make_user("caseworker")
    english(client)
    login(worker)
    assert client.post("/inbox/mail", data={"address": "first@city.example.lg.jp", "enabled": "y",
                                            "version": "0"}).status_code == 302
    response = client.post("/inbox/mail", data={"address": "second@city.example.lg.jp", "version": "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Someone else saved this page" in page
    assert 'value="second@city.example.lg.jp"' in page and "first@city.example.lg.jp" in page  # typed, stored
    assert fresh(app, InboxMailSetting, worker.id).address == "first@city.example.lg.jp"
