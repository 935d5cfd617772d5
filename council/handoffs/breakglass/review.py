"""The auditor's review of break-glass: the list of a council's uses and the judgement of each.

Auditors never read case content: the list shows who, which case number, the risk code, when, until when, whether
it was ended early and how many audit events were recorded under it (basis ``break_glass:<id>``), never the sealed
reason. Reading the list is itself audited, naming the cases it showed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from council.audit.events import AuditTag, record
from council.audit.models import AuditEvent
from council.auth.models import User
from council.cases.models import Case
from council.cases.services import institution_names
from council.core.clock import utcnow
from council.core.db import lock_for_update
from council.core.i18n import gettext as _
from council.core.web import page_offset
from council.database import db
from council.handoffs.breakglass.models import BreakGlass, ReviewOutcome
from council.handoffs.breakglass.services import BreakGlassRefused

PAGE_SIZE = 50


@dataclass
class Use:
    """One break-glass as the auditor sees it: metadata only."""

    row: BreakGlass
    case_number: str
    user: User
    institution: str
    #: Audit events recorded under its basis (reads, writes, its grant …).
    events: int
    reviewer: str = ""


def uses(*, actor: User, page: int = 1) -> tuple[list[Use], bool]:
    """One page of the break-glass uses of ``actor``'s council, unreviewed first, then newest first; and whether
    more follow. Records the reading (the cases shown) and commits."""
    rows = list(db.session.execute(
        select(BreakGlass, Case.number).join(Case, Case.id == BreakGlass.case_id)
        .where(BreakGlass.council_id == actor.council_id)
        .order_by(BreakGlass.reviewed_at.is_not(None), BreakGlass.opened_at.desc(), BreakGlass.id.desc())
        .offset(page_offset(page, PAGE_SIZE)).limit(PAGE_SIZE + 1)).all())
    rows, more = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
    listed = _described(actor, rows)
    record(tag=AuditTag.BREAK_GLASS_LISTED, actor=actor, target_type="break_glass",
           cases=sorted({use.row.case_id for use in listed}))
    db.session.commit()
    return listed, more


def one(*, actor: User, break_glass_id: int) -> Use:
    """One use of ``actor``'s council, for its review page. Raises NotFound for another council's or none."""
    row = db.session.get(BreakGlass, break_glass_id)
    if row is None or row.council_id != actor.council_id:
        raise NotFound()
    return _described(actor, [(row, db.session.get(Case, row.case_id).number)])[0]


def review(*, actor: User, row: BreakGlass, outcome: ReviewOutcome | str, note: str) -> None:
    """Record the auditor's judgement of ``row``, with its event (the outcome code; the note stays on the row).
    Commits. Raises BreakGlassRefused when it was reviewed already (by someone else, a moment ago)."""
    lock_for_update(db.session, row)
    if row.reviewed_at is not None:
        raise BreakGlassRefused(_("This emergency access has already been reviewed."))
    outcome = ReviewOutcome(outcome)
    row.reviewed_at, row.reviewed_by = utcnow(), actor.id
    row.review_outcome, row.review_note = outcome.value, (note or "").strip() or None
    record(tag=AuditTag.BREAK_GLASS_REVIEWED, actor=actor, target=row, case=db.session.get(Case, row.case_id),
           reason=f"break_glass {row.id}: {outcome.value}")
    db.session.commit()


def _described(actor: User, rows: list[tuple[BreakGlass, str]]) -> list[Use]:
    """Names and event counts for the rows: one query each, on the events' (council, case) index."""
    if not rows:
        return []
    bases = {row.basis for row, _number in rows}
    counts = dict(db.session.execute(
        select(AuditEvent.basis, func.count()).where(
            AuditEvent.council_id == actor.council_id, AuditEvent.case_id.in_({row.case_id for row, _ in rows}),
            AuditEvent.basis.in_(bases)).group_by(AuditEvent.basis)).all())
    people = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(
        {row.user_id for row, _ in rows} | {row.reviewed_by for row, _ in rows if row.reviewed_by})))}
    institutions = institution_names(row.institution_id for row, _ in rows)
    return [Use(row=row, case_number=number, user=people[row.user_id],
                institution=institutions.get(row.institution_id, ""), events=counts.get(row.basis, 0),
                reviewer=people[row.reviewed_by].display_name if row.reviewed_by else "")
            for row, number in rows]
