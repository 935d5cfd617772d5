"""A proof that the duplicate check showed a user a case they cannot see.

The check at intake tells a caseworker only that a person "appears in a case held by" another institution. To ask
that institution something about it (a referral request, an information request) the caseworker must name the case
without being able to open it. The link carries a **hit token** instead of a case id a user could change: signed
with the app's secret key, bound to the user it was shown to, and valid for an hour — so a request about a case
exists only because the council's own duplicate check disclosed that case to that user (and the check's audit
event names it). The token holds two ids and nothing personal.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

_SALT = "council.cases.duplicate-hit"

#: How long a hit may be acted on after the check showed it, in seconds.
HIT_VALID_FOR = 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def issue_hit_token(case_id: int, user) -> str:
    """A token saying the duplicate check showed ``user`` the case ``case_id``."""
    return _serializer().dumps({"case": int(case_id), "user": int(user.id)})


class HitRefused(Exception):
    """A genuine hit token (its signature holds) that ``user`` may not act on: another user's, or (see
    ``cases.search.case_of_hit``) naming a case the check would no longer disclose. Unlike a forged or expired
    token it names a case, so the page records the refusal (``audit.events.record_denial``) before answering as
    it answers a forged one."""

    def __init__(self, case_id: int):
        super().__init__(case_id)
        self.case_id = case_id


def read_hit_token(token: str | None, user) -> int | None:
    """The case id of a hit token issued to ``user`` within the last hour; None for a missing, forged, garbled or
    expired one (nothing to record: it names no case anyone was shown). Raises HitRefused for a genuine token of
    another user (a link passed on or replayed)."""
    if not token:
        return None
    try:
        payload = _serializer().loads(token, max_age=HIT_VALID_FOR)
    except BadSignature:  # also SignatureExpired
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("case"), int):
        return None
    if payload.get("user") != user.id:
        raise HitRefused(payload["case"])
    return payload["case"]
