"""Linked cases: cases of one household (the son's at the welfare office, the mother's at the community support
centre), linked so that each case's readers know the other exists and whom to ask.

A link opens nothing. Each reader sees, of the other case, what their own reach allows: its number as a link to it
when they may open it; otherwise only 「関連するケースが○○にあります」 with the holding institution and no number
(they ask that institution, which sees the link from its side); and nothing at all when the other case is 要配慮 and
they do not reach it, so that a link never tells where a protected person is supported.

Linking needs a reach to both cases: the case it is made from may be edited by the user, the other read in full
(own institution or a full grant) — someone who links two cases has seen both persons. Ending a link needs only
the right to edit either case: it discloses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from werkzeug.exceptions import NotFound

from council.access.policy import Access, Action, authorize
from council.audit.events import AuditTag, record
from council.auth.models import Institution, User
from council.cases.errors import CaseError
from council.cases.models import Case, CaseLink, LinkReason, UnlinkReason
from council.cases.records import require_open
from council.core.db import lock_for_update, utcnow
from council.core.i18n import gettext as _
from council.database import db


def _reaches(actor: User, action: Action, case: Case) -> bool:
    try:
        authorize(actor, action, case)
    except NotFound:
        return False
    return True


def _standing(case_id: int, other_id: int | None = None):
    """Links in force of ``case_id`` (with ``other_id`` only: between the two), as a WHERE clause on CaseLink."""
    ends = or_(CaseLink.case_a_id == case_id, CaseLink.case_b_id == case_id)
    if other_id is not None:
        ends = or_(and_(CaseLink.case_a_id == case_id, CaseLink.case_b_id == other_id),
                   and_(CaseLink.case_a_id == other_id, CaseLink.case_b_id == case_id))
    return and_(ends, CaseLink.ended_at.is_(None))


def link_cases(*, actor: User, case: Case, access: Access, number: str, reason: str) -> CaseLink:
    """Link ``case`` to the case of the council numbered ``number``, for ``reason`` (a LinkReason code). Commits with
    one audit event naming both cases.

    Raises CaseError for a closed case, an unknown reason, the case itself, a number the user may not read in full
    (the same words whether it exists or not) and a pair already linked."""
    require_open(case)
    try:
        code = LinkReason(reason)
    except ValueError:
        raise CaseError(_("Choose how the cases are related.")) from None
    other = db.session.scalar(select(Case).where(Case.council_id == case.council_id, Case.number == number.strip()))
    if other is not None and other.id == case.id:
        raise CaseError(_("A case cannot be linked to itself."))
    if other is None or not _reaches(actor, Action.READ_FULL, other):
        raise CaseError(_("No case you may read has the number %(number)s.", number=number.strip()))
    lock_for_update(db.session, case)  # two people linking the same pair at once make one link
    if db.session.scalar(select(CaseLink.id).where(_standing(case.id, other.id))) is not None:
        db.session.rollback()
        raise CaseError(_("These cases are linked already."))
    link = CaseLink(case_a_id=case.id, case_b_id=other.id, reason=code.value, created_by=actor.id, created_at=utcnow())
    db.session.add(link)
    db.session.flush()
    record(tag=AuditTag.CASE_LINKED, actor=actor, target=link, case=case, cases=[case, other], basis=access.basis,
           reason=code.value)
    db.session.commit()
    return link


def end_link(*, actor: User, case: Case, access: Access, link_id, reason: str) -> None:
    """End the link ``link_id`` of ``case`` for ``reason`` (an UnlinkReason code). Commits with the audit event.

    Raises CaseError for a link that is not one of this case's links in force, or an unknown reason."""
    try:
        code = UnlinkReason(reason)
    except ValueError:
        raise CaseError(_("Choose why the link ends.")) from None
    link = db.session.get(CaseLink, _int(link_id))
    if link is None or case.id not in (link.case_a_id, link.case_b_id) or link.ended_at is not None:
        raise CaseError(_("This link does not exist or has ended already."))
    lock_for_update(db.session, link)
    if link.ended_at is not None:
        db.session.rollback()
        raise CaseError(_("This link does not exist or has ended already."))
    link.ended_at, link.ended_by, link.end_reason = utcnow(), actor.id, code.value
    other = db.session.get(Case, link.other(case.id))
    record(tag=AuditTag.CASE_UNLINKED, actor=actor, target=link, case=case, cases=[case, other], basis=access.basis,
           reason=code.value)
    db.session.commit()


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@dataclass
class LinkedCase:
    """One case linked to the case on the page, as far as its reader may know it."""

    link: CaseLink
    #: Who holds the other case (shown to every reader the link is shown to).
    institution: Institution
    #: The other case, when the reader may open it (its number is then shown and linked); else None.
    case: Case | None


def any_link(case_id: int):
    """Whether the case has a link in force (the case page asks before listing them)."""
    return select(CaseLink.id).where(_standing(case_id)).exists()


def linked_cases(*, actor: User, case: Case) -> list[LinkedCase]:
    """The links in force of ``case`` that ``actor`` may know of, oldest first: every one whose other case they may
    open, and the others by institution only — except a 要配慮 case they do not reach, which is left out."""
    links = db.session.scalars(select(CaseLink).where(_standing(case.id)).order_by(CaseLink.id))
    shown = []
    for link in links:
        other = db.session.get(Case, link.other(case.id))
        if other.purged_at is not None:
            continue
        opens = _reaches(actor, Action.READ_SUMMARY, other)
        if other.restricted and not opens:
            continue
        shown.append(LinkedCase(link=link, institution=db.session.get(Institution, other.lead_institution_id),
                                case=other if opens else None))
    return shown
