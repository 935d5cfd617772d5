"""The header's count, kept for a minute in the user's session cookie.

Counting is cheap per provider, but not free: at 100,000 cases the cases' own two COUNT queries over everything a
caseworker may see cost more than the rest of a page (docs/performance.md), and every feature adds its own. So
the count is computed at most once a minute per browser session, and again at once after anything the user
does (any request that is not a GET or HEAD: accepting a referral, answering a request …; but a search, whose
POST only reads, keeps it: ``core.web.changes_nothing``) and whenever the inbox
page builds the full list anyway, so that what they just did shows at once. What others do shows within
``DEFAULT_MAX_AGE`` seconds — as a mail client polls. The cookie holds the user's id, the number and when it was
counted: nothing about anyone supported.
"""

from __future__ import annotations

from flask import current_app, session

from council.core.clock import utcnow
from council.core.web import request_may_change
from council.inbox.registry import count_for

#: Seconds a count is shown before it is counted again (``INBOX_COUNT_MAX_AGE`` overrides it; 0 counts every page).
DEFAULT_MAX_AGE = 60
_KEY = "inbox_count"


def current_count(user) -> int | None:
    """The count for ``user``: the remembered one while it is young enough, else counted now and remembered."""
    stored = session.get(_KEY)
    max_age = current_app.config.get("INBOX_COUNT_MAX_AGE", DEFAULT_MAX_AGE)
    if stored and stored.get("user") == user.id and 0 <= utcnow().timestamp() - stored["at"] < max_age:
        return stored["count"]
    count = count_for(user)
    remember(user, count)
    return count


def remember(user, count: int | None) -> None:
    """Keep ``count`` as ``user``'s count from now (the inbox page passes the total it built)."""
    session[_KEY] = {"user": user.id, "count": count, "at": utcnow().timestamp()}


def forget_after_changes() -> None:
    """Before a request that may change something, drop the remembered count: the page after it counts afresh."""
    if request_may_change():
        session.pop(_KEY, None)
