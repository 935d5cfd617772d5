"""The inbox in ``make demo``: one user with e-mail notices on, one who has already looked at their inbox."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from council.auth.models import User
from council.database import db
from council.inbox import services
from council.inbox.models import InboxMailSetting

#: Whose notices are switched on (a reserved example domain: nothing is ever delivered there).
MAIL_USER, MAIL_ADDRESS = "demo-caseworker", "demo-caseworker@example.invalid"
#: Who has opened their inbox once, so that it shows its items without 新着 until something new comes.
SEEN_USER = "demo-supervisor"


def create_inbox_demo() -> None:
    """Notices on for ``MAIL_USER``; ``SEEN_USER``'s items as they are now marked seen. Everyone else's items
    are new, as for a user who never opened the inbox."""
    users = {user.username: user for user in db.session.scalars(
        select(User).where(User.username.in_((MAIL_USER, SEEN_USER))))}
    if MAIL_USER in users:
        db.session.add(InboxMailSetting(user_id=users[MAIL_USER].id, address=MAIL_ADDRESS, enabled=True))
        db.session.commit()
    if SEEN_USER in users:
        with current_app.test_request_context():  # providers build their links with url_for
            user = db.session.get(User, users[SEEN_USER].id)
            inbox = services.read_inbox(user)
            if inbox is not None:
                services.mark_shown(user, inbox)
