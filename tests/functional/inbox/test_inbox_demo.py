"""``make demo`` shows the inbox in its states: a user with e-mail notices on, one who has seen their items, and
everyone else's items new; and ``council inbox notify`` is a command of the real ``council`` CLI."""

from __future__ import annotations

from sqlalchemy import select

from council.auth.models import User
from council.cli import cli
from council.database import db
from council.inbox.demo import MAIL_ADDRESS, MAIL_USER, SEEN_USER
from council.inbox.models import InboxMailSetting, InboxSeen
from council.inbox.services import read_inbox


def test_the_demo_has_notices_on_for_one_user_and_seen_items_for_another(app, runner):
    assert runner.invoke(cli, ["demo"]).exit_code == 0
    with app.test_request_context():
        users = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_((MAIL_USER,
                                                                                                   SEEN_USER))))}
        setting = db.session.get(InboxMailSetting, users[MAIL_USER].id)
        assert (setting.address, setting.enabled) == (MAIL_ADDRESS, True)
        seen, fresh = read_inbox(users[SEEN_USER]), read_inbox(users[MAIL_USER])
        assert seen.total > 0 and seen.new == 0  # 200 demo cases: some are always overdue
        assert fresh.new == fresh.total > 0
        assert db.session.scalar(select(InboxSeen.key).where(InboxSeen.user_id == users[MAIL_USER].id)) is None


def test_notify_is_a_command_of_the_council_cli(app, runner):
    result = runner.invoke(cli, ["inbox", "notify"])
    assert result.exit_code == 1 and "MAIL_SERVER" in result.output
