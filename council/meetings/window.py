"""The material window (資料の閲覧期間): a meeting's participants read its agenda cases' briefs from
``MEETING_WINDOW_BEFORE_DAYS`` days before it starts until ``MEETING_WINDOW_AFTER_HOURS`` hours after it ends.

Each (participant × agenda case) is one ``brief`` grant (``access.grants``) with basis ``meeting:<id>`` on
協議会内の情報共有: a user participant's to the user, an institution participant's to the institution. The grants
follow the meeting: ``sync`` makes what is missing, ends what is no longer on it and moves the rest to the
meeting's window, inside the caller's transaction (scheduling, rescheduling, changing participants or agenda);
``end_all`` ends them when it is cancelled. Expiry is checked in SQL, so the window closes on time by itself.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import select

from council.access import grants
from council.access.models import CaseGrant, LegalBasis
from council.access.scopes import Scope
from council.auth.models import Institution, User
from council.cases.models import Case
from council.database import db
from council.meetings.models import Meeting, MeetingKind

#: End reasons (codes): why a meeting's grant ended before its window did.
REMOVED = "meeting_changed"
CANCELLED = "meeting_cancelled"


def basis_of(meeting: Meeting) -> str:
    """The basis of the meeting's grants, of its brief reads and of the decisions it writes."""
    return f"meeting:{meeting.id}"


def window_of(meeting: Meeting) -> tuple[dt.datetime, dt.datetime]:
    """[opens, closes) of the meeting's material window, in UTC (the settings)."""
    before = dt.timedelta(days=int(current_app.config["MEETING_WINDOW_BEFORE_DAYS"]))
    after = dt.timedelta(hours=int(current_app.config["MEETING_WINDOW_AFTER_HOURS"]))
    return meeting.starts_at - before, meeting.ends_at + after


def grants_of(meeting: Meeting) -> list[CaseGrant]:
    """The meeting's grants that have not been ended (in force, still to open, or run out)."""
    return list(db.session.scalars(select(CaseGrant).where(CaseGrant.basis == basis_of(meeting),
                                                           CaseGrant.ended_at.is_(None)).order_by(CaseGrant.id)))


def wanted(meeting: Meeting) -> set[tuple[str, int, int]]:
    """(``user``/``institution``, its id, case id) for every participant × agenda case that needs a grant. The lead
    institution holds its case already (and may not be granted it); a representatives' meeting has no case."""
    if not MeetingKind(meeting.kind).has_cases:
        return set()
    cases = {item.case_id: db.session.get(Case, item.case_id) for item in meeting.items if item.case_id}
    result = set()
    for case_id, case in cases.items():
        for p in meeting.participants:
            if p.user_id is not None:
                result.add(("user", p.user_id, case_id))
            elif p.institution_id != case.lead_institution_id:
                result.add(("institution", p.institution_id, case_id))
    return result


def _key(row: CaseGrant) -> tuple[str, int, int]:
    return ("user", row.user_id, row.case_id) if row.user_id else ("institution", row.institution_id, row.case_id)


def sync(*, actor: User, meeting: Meeting) -> None:
    """Make the meeting's grants match its participants, agenda and window (one audit event per grant made, moved
    or ended). Inside the caller's transaction. Raises GrantRefused (a MeetingError's sibling: a CaseError) when a
    grant may not be made, e.g. to an auditor."""
    opens, closes = window_of(meeting)
    need = wanted(meeting)
    for row in grants_of(meeting):
        key = _key(row)
        if key not in need:
            grants.end(actor=actor, grant=row, reason=REMOVED)
            continue
        need.discard(key)
        if (row.starts_at, row.expires_at) != (opens, closes):
            grants.move(actor=actor, grant=row, starts_at=opens, expires_at=closes)
    for kind, principal_id, case_id in sorted(need):
        principal = {"user": db.session.get(User, principal_id)} if kind == "user" else \
            {"institution": db.session.get(Institution, principal_id)}
        grants.grant(actor=actor, case=db.session.get(Case, case_id), scope=Scope.BRIEF, basis=basis_of(meeting),
                     legal_basis=LegalBasis.COUNCIL_SHARING, starts_at=opens, expires_at=closes, **principal)


def end_all(*, actor: User, meeting: Meeting, reason: str = CANCELLED) -> None:
    """End every grant of the meeting not ended yet (its cancellation). Inside the caller's transaction."""
    for row in grants_of(meeting):
        grants.end(actor=actor, grant=row, reason=reason)
