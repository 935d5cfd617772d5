"""Events as the auditor reads them: who (name, username, institution at the time, role at the time, former
users marked), which case (number), what happened and on what basis in words, the outcome.

A page's people, institutions and grants are looked up once for the whole page (a handful of queries whatever
its length). Nothing here opens a case: an auditor sees case numbers, never case content.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select, tuple_

from council.access.models import CaseGrant
from council.access.permissions import Role
from council.access.scopes import Scope
from council.audit.describe import GrantFacts, basis_kind, basis_words, outcome_label, tag_label
from council.audit.models import AuditEvent, AuditEventCase
from council.audit.reasons import name_the_people, reason_words
from council.audit.tags import AuditTag
from council.auth.models import Institution, User
from council.database import db

_GRANT_KINDS = ("referral", "transfer", "consent", "request")


@dataclass(frozen=True)
class Actor:
    """Who acted, as the auditor reads it."""

    user_id: int | None
    name: str
    username: str
    institution: str
    role: str
    #: Disabled since, or removed: the account no longer works.
    former: bool


@dataclass(frozen=True)
class EventRow:
    seq: int
    occurred_at: dt.datetime
    tag: str
    what: str
    actor: Actor | None
    case_number: str | None
    #: The id a refused request asked for when it is no case of this council (no number to show).
    case_id: int | None
    #: How many cases a list, search or check showed (its side-table rows).
    cases_shown: int
    basis: str
    basis_code: str
    outcome: str
    outcome_label: str
    reason: str
    client_ip: str


def describe(events: list[AuditEvent]) -> list[EventRow]:
    """The page's events in words (one query per kind of thing looked up, not per event)."""
    if events:
        name_the_people([e.reason for e in events], council_id=events[0].council_id)
    actors = _actors(events)
    grants = grant_facts({(e.case_id, e.basis) for e in events})
    shown = cases_concerned(events)
    return [EventRow(seq=e.seq, occurred_at=e.occurred_at, tag=e.tag, what=tag_label(e.tag),
                     actor=actors.get((e.actor_user_id, e.actor_institution_id)) if e.actor_user_id else None,
                     case_number=e.case_number, case_id=e.case_id, cases_shown=shown.get(e.seq, 0),
                     basis=basis_words(e.basis, grants.of_event(e)), basis_code=e.basis or "",
                     outcome=e.outcome, outcome_label=outcome_label(e.outcome), reason=reason_words(e.tag, e.reason),
                     client_ip=e.client_ip or "") for e in events]


def cases_concerned(events: list[AuditEvent]) -> dict[int, int]:
    """How many cases each event's side-table rows name (lists, searches, checks), by event seq."""
    if not events:
        return {}
    rows = db.session.execute(select(AuditEventCase.event_seq, func.count()).where(
        AuditEventCase.event_seq.in_([e.seq for e in events])).group_by(AuditEventCase.event_seq))
    return dict(rows.all())


def actor(user: User, *, institution: Institution | None = None, role: str | None = None) -> Actor:
    """``user`` as the auditor reads them; ``institution`` and ``role`` at the time of an event, where known."""
    institution = institution or user.institution
    return Actor(user_id=user.id, name=user.display_name, username=user.username, institution=institution.name,
                 role=str(Role(role or user.role).label), former=user.disabled_at is not None)


def _actors(events: Iterable[AuditEvent]) -> dict[tuple[int, int | None], Actor]:
    """By (user id, institution id at the time): the users, their institution then, and their role then."""
    events = [e for e in events if e.actor_user_id]
    user_ids = {e.actor_user_id for e in events}
    if not user_ids:
        return {}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    institution_ids = {e.actor_institution_id for e in events if e.actor_institution_id}
    institutions = {i.id: i for i in db.session.scalars(select(Institution).where(
        Institution.id.in_(institution_ids)))} if institution_ids else {}
    changes = _role_changes(users.values())
    found = {}
    for event in events:
        key, user = (event.actor_user_id, event.actor_institution_id), users.get(event.actor_user_id)
        if key in found:
            continue
        if user is None:  # no such account any more: the id is all the trail knows
            found[key] = Actor(user_id=event.actor_user_id, name="", username=f"#{event.actor_user_id}",
                               institution=getattr(institutions.get(event.actor_institution_id), "name", ""),
                               role="", former=True)
            continue
        found[key] = actor(user, institution=institutions.get(event.actor_institution_id),
                           role=_role_then(changes.get(user.id, []), event.seq))
    return found


def _role_changes(users: Iterable[User]) -> dict[int, list[tuple[int, str]]]:
    """Each user's role changes, oldest first: (seq, the role before it), from their council's administrators'
    events (one index walk on council and tag). The reason of a role change reads ``caseworker@3 -> supervisor@3``."""
    users = list(users)
    user_ids = {u.id for u in users}
    if not users:
        return {}
    council_ids = {u.council_id for u in users}
    rows = db.session.execute(select(AuditEvent.target_id, AuditEvent.seq, AuditEvent.reason).where(
        AuditEvent.council_id.in_(council_ids), AuditEvent.tag == AuditTag.USER_ROLE_CHANGED,
        AuditEvent.target_type == "user_account",
        AuditEvent.target_id.in_([str(i) for i in user_ids])).order_by(AuditEvent.seq))
    changes: dict[int, list[tuple[int, str]]] = {}
    for target_id, seq, reason in rows:
        before = (reason or "").split("@", 1)[0]
        if before in set(Role):
            changes.setdefault(int(target_id), []).append((seq, before))
    return changes


def _role_then(changes: list[tuple[int, str]], seq: int) -> str | None:
    """The role before the first change after event ``seq``; None (the current role) when none followed."""
    return next((before for changed_at, before in changes if changed_at > seq), None)


#: A grant's own events (made, ended, moved) carry the grant's basis and name the grant first in their reason.
_GRANT_TAGS = (AuditTag.GRANT_CREATED, AuditTag.GRANT_ENDED, AuditTag.GRANT_MOVED)
_NAMED_GRANT = re.compile(r"^grant ([0-9]+):")


@dataclass(frozen=True)
class _Grant:
    id: int
    user_id: int | None
    institution_id: int | None
    starts_at: dt.datetime
    #: When it stopped counting (ended or expired, the earlier); None while it lasts.
    until: dt.datetime | None
    facts: GrantFacts

    def held_by(self, user_id: int | None, institution_id: int | None) -> bool:
        return (self.user_id is not None and self.user_id == user_id) or \
            (self.institution_id is not None and self.institution_id == institution_id)

    def in_force_between(self, since: dt.datetime, until: dt.datetime) -> bool:
        return self.starts_at <= until and (self.until is None or self.until > since)


class GrantsNamed:
    """The grants some (case, basis) pairs name, and which of them an event rests on.

    Several grants may share a basis: a transfer's pending view for the receiver and the former lead's close-out
    (both ``transfer:7``), a referral's pending view and its accepted share (both ``referral:3``, in two scopes).
    An event rests on the one its actor held — by name or through their institution at the time — when it was
    recorded; a grant's own events (made, ended, moved) on the grant they name. None when nothing says which."""

    def __init__(self, grants: dict[tuple[int, str], list[_Grant]]):
        self._grants = grants

    def get(self, case_id: int | None, basis: str | None, *, user_id: int | None = None,
            institution_id: int | None = None, since: dt.datetime | None = None, until: dt.datetime | None = None,
            grant_id: int | None = None) -> GrantFacts | None:
        """What the grant says that an event (or a user's events between ``since`` and ``until``) rested on."""
        candidates = self._grants.get((case_id, basis), [])
        named = [g for g in candidates if g.id == grant_id]
        if named:
            return named[0].facts
        held = [g for g in candidates if g.held_by(user_id, institution_id)]
        if since is not None and until is not None:
            held = [g for g in held if g.in_force_between(since, until)] or held
        if held:  # a grant to them by name before their institution's, then the newest
            return max(held, key=lambda g: (g.user_id is not None, g.id)).facts
        return candidates[0].facts if len(candidates) == 1 else None

    def of_event(self, event: AuditEvent) -> GrantFacts | None:
        named = _NAMED_GRANT.match(event.reason or "") if event.tag in _GRANT_TAGS else None
        return self.get(event.case_id, event.basis, user_id=event.actor_user_id,
                        institution_id=event.actor_institution_id, since=event.occurred_at, until=event.occurred_at,
                        grant_id=int(named.group(1)) if named else None)


def grant_facts(pairs: set[tuple[int | None, str | None]]) -> GrantsNamed:
    """The grants (case id, basis) pairs name (``referral:17`` on case 5): to whom, in which scope. Pairs of no
    grant's basis (``assigned``, a list's kinds, no case) are skipped."""
    pairs = {(case_id, basis) for case_id, basis in pairs
             if case_id and basis and "," not in basis and basis_kind(basis) in _GRANT_KINDS}
    if not pairs:
        return GrantsNamed({})
    rows = db.session.scalars(select(CaseGrant).where(tuple_(CaseGrant.case_id, CaseGrant.basis).in_(pairs))
                              .order_by(CaseGrant.id))
    found: dict[tuple[int, str], list[_Grant]] = {}
    for grant in rows:
        recipient = db.session.get(Institution, grant.institution_id) if grant.institution_id else \
            db.session.get(User, grant.user_id)
        name = recipient.name if isinstance(recipient, Institution) else getattr(recipient, "display_name", "")
        stops = [at for at in (grant.ended_at, grant.expires_at) if at is not None]
        found.setdefault((grant.case_id, grant.basis), []).append(_Grant(
            id=grant.id, user_id=grant.user_id, institution_id=grant.institution_id, starts_at=grant.starts_at,
            until=min(stops) if stops else None, facts=GrantFacts(recipient=name, scope=Scope(grant.scope).label)))
    return GrantsNamed(found)
