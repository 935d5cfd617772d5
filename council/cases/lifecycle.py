"""Status changes, closure with a retention period, reopening, and crypto-shredding expired cases."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import Integer, Row, bindparam, delete, select

from council.access.policy import Access
from council.audit.events import AuditTag, record
from council.auth.models import Institution, User
from council.cases.errors import CaseError, StaleCase
from council.cases.models import TRANSITIONS, Case, CaseAssignment, CaseStatus, CaseStatusChange
from council.cases.vault import vault
from council.core.clock import japan_today
from council.core.db import flush_freed_pages, prepared, utcnow
from council.core.editing import lock_and_bump, lock_for_edit
from council.core.i18n import gettext as _
from council.database import db


def retention_years() -> int:
    return int(current_app.config.get("CASE_RETENTION_YEARS", 5))


def change_status(*, actor: User, case: Case, access: Access, to: str, reason: str, version) -> None:
    """Move ``case`` to status ``to``; closing needs a reason and sets the purge date. Commits.

    Raises StaleCase when the case changed since the form was opened, CaseError when the change is not
    allowed (e.g. reopening after the retention period).
    """
    target = CaseStatus(to)
    # A stale form is refused first: its choice was made on a status that is no longer the case's.
    lock_for_edit(case, version, stale=StaleCase,
                  message=_("Someone else changed this case while you were looking at it. Reload and try again."))
    problem = _refusal(case, target, reason)
    if problem:
        db.session.rollback()  # the version was bumped under the lock; nothing may be written
        raise CaseError(problem)
    if target == CaseStatus.CLOSED:
        case.closed_on = japan_today()
        case.purge_after = _years_later(case.closed_on, retention_years())
        vault().seal(case, "closure_reason", reason, access=access)
    elif case.status == CaseStatus.CLOSED:
        case.closed_on = case.purge_after = None
    change = CaseStatusChange(case_id=case.id, from_status=case.status, to_status=target.value, changed_by=actor.id,
                              changed_at=utcnow())
    db.session.add(change)
    db.session.flush()
    vault().seal(change, "reason", reason, access=access)
    if target == CaseStatus.CLOSED:
        case.next_review_date = None  # nothing left to review: a closed case is never overdue
    previous, case.status = case.status, target.value
    # The free-text reason may describe the person, so the audit trail records only the transition.
    record(tag=AuditTag.CASE_STATUS_CHANGED, actor=actor, target=case, basis=access.basis,
           reason=f"{previous} -> {target}")
    db.session.commit()


def _refusal(case: Case, target: CaseStatus, reason: str) -> str | None:
    """Why ``case`` cannot move to ``target`` with ``reason``, or None."""
    if target not in TRANSITIONS[CaseStatus(case.status)]:
        return _("A case cannot go from %(a)s to %(b)s.", a=CaseStatus(case.status).label, b=target.label)
    if not reason.strip():
        return _("Say why the status changes; it is kept with the case.")
    if case.status == CaseStatus.CLOSED and case.purge_after and japan_today() > case.purge_after:
        return _("The retention period has ended; this case can no longer be reopened.")
    return None


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def change_lead(*, actor: User, case: Case, institution: Institution, basis: str, assigned: list[User] = ()) -> None:
    """Make ``institution`` the case's lead (主担当機関), on ``basis`` (e.g. ``transfer:17``), inside the caller's
    transaction (a transfer's acceptance, which also makes the former lead's close-out grant). The case keeps its
    number; the former lead's assignments are removed, because the institution's own reach of the case ends here
    and an assignment would be a door left open. Records the event; the caller commits.

    Raises CaseError when ``institution`` is of another council or leads the case already."""
    if institution.council_id != case.council_id:
        raise CaseError(_("Cases are handed over only within their council."))
    if institution.id == case.lead_institution_id:
        raise CaseError(_("This institution already leads the case."))
    lock_and_bump(case)
    previous = case.lead_institution_id
    former_staff = select(User.id).where(User.institution_id == previous)
    db.session.execute(delete(CaseAssignment).where(CaseAssignment.case_id == case.id,
                                                    CaseAssignment.user_id.in_(former_staff)))
    db.session.expire(case, ["assignments"])
    case.lead_institution_id = institution.id
    for user in assigned:
        if user.institution_id != institution.id:
            raise CaseError(_("Only staff of the lead institution are assigned to a case."))
        db.session.add(CaseAssignment(case_id=case.id, user_id=user.id))
    record(tag=AuditTag.CASE_LEAD_CHANGED, actor=actor, target=case, basis=basis,
           reason=f"institution {previous} -> institution {institution.id}")


def purge_expired(*, today: dt.date | None = None, progress=None) -> list[str]:
    """Destroy the data keys of closed cases past their purge date (crypto-shredding); return their numbers.

    The rows stay as unreadable ciphertext and the audit trail keeps every event, by case id and number.
    """
    today = today or japan_today()
    due = list(db.session.scalars(select(Case).where(Case.status == CaseStatus.CLOSED, Case.purged_at.is_(None),
                                                     Case.purge_after < today)))
    for case in due:
        case.wrapped_key, case.key_version, case.purged_at = None, None, utcnow()
        vault().forget(case)
        # Blind indexes would still let someone confirm that a known person had a case: clear them too.
        for person in case.persons:
            person.name_kana_index = person.name_kanji_index = None
            person.surname_kana_birth_index = person.phone_index = None
        record(tag=AuditTag.CASE_PURGED, target=case, council_id=case.council_id)
        db.session.commit()
        if progress:
            progress(1)
    if due:
        _flush_old_pages()
    return [case.number for case in due]


def _flush_old_pages() -> None:
    """Best effort to push the deleted keys out of the database files the app controls."""
    db.session.close()
    flush_freed_pages(db.engine, ("case_file",))


#: Built once (building a statement cost more than running it, issue 13); of the table's columns, plain rows: the
#: page shows them and changes nothing, and loading mapped objects took longer than the statement (cases.page).
_CHANGES = CaseStatusChange.__table__
_HISTORY = prepared(select(_CHANGES).where(_CHANGES.c.case_id == bindparam("case_id", type_=Integer))
                    .order_by(_CHANGES.c.id))


def status_history(case: Case) -> list[tuple[Row, str]]:
    """Every status change of ``case`` (a row of ``case_status_change``'s columns) with its decrypted reason, oldest
    first (the caller recorded the read)."""
    texts = vault().texts
    return [(row, texts(row, ("reason",), table=_CHANGES.name)["reason"])
            for row in db.session.execute(_HISTORY, {"case_id": case.id})]
