"""What auditors review first (issue 12), in a bounded Japan-date range, newest first:

- break-glass uses (緊急アクセス): reviewed through their own review (council.handoffs.breakglass), which records a
  judgement and a note; the list shows whether that review exists, from the log itself;
- shares made on the emergency legal basis (緊急);
- refused attempts (any event with the outcome "refused": case requests, sign-ins, setup links …);
- accounts an administrator created that read a case within a day of their creation (an administrator could
  create a supervisor account at any institution and finish its setup link himself).

Each list is an index walk on (council, tag, seq) or (council, outcome, seq) between the range's seq bounds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, select

from council.audit.filters import LogFilter, filtered
from council.audit.models import AuditEvent
from council.audit.rows import EventRow
from council.audit.rows import describe as describe_rows
from council.audit.tags import AuditTag
from council.database import db
from council.security.auditchain import Outcome

#: Rows shown per list (the range is narrowed for more).
LIST_LIMIT = 100
#: How soon after its creation an account's first case reads are worth a look.
NEW_ACCOUNT_WINDOW = dt.timedelta(days=1)

LIST_KEYS = ("break_glass", "emergency_shares", "refusals", "new_accounts")


@dataclass(frozen=True)
class Listed:
    """One list: its events in words, whether more matched than are shown, and per event what the list adds."""

    key: str
    rows: list[EventRow]
    more: bool
    #: break_glass: seq -> the break-glass id (its review page); new_accounts: seq -> (user id, case events).
    extra: dict


def review_lists(*, council_id: int, log_filter: LogFilter) -> list[Listed]:
    """The four lists over the bounded range of ``log_filter`` (``period.bounded``)."""
    return [_break_glass(council_id, log_filter), _emergency_shares(council_id, log_filter),
            _refusals(council_id, log_filter), _new_accounts(council_id, log_filter)]


def _page(council_id: int, log_filter: LogFilter, *where) -> tuple[list[AuditEvent], bool]:
    query = filtered(council_id, log_filter).where(*where).order_by(AuditEvent.seq.desc()).limit(LIST_LIMIT + 1)
    events = list(db.session.scalars(query))
    return events[:LIST_LIMIT], len(events) > LIST_LIMIT


def _break_glass(council_id: int, log_filter: LogFilter) -> Listed:
    events, more = _page(council_id, log_filter, AuditEvent.tag == AuditTag.BREAK_GLASS_OPENED)
    ids = {e.seq: int(e.target_id) for e in events if (e.target_id or "").isdigit()}
    # Reviewed = the break-glass review's own event exists, whenever it was made (after the range, too).
    reviewed = set(db.session.scalars(select(AuditEvent.target_id).where(
        AuditEvent.council_id == council_id, AuditEvent.tag == AuditTag.BREAK_GLASS_REVIEWED,
        AuditEvent.target_type == "break_glass", AuditEvent.target_id.in_([str(i) for i in ids.values()]))))
    extra = {seq: {"id": id_, "reviewed": str(id_) in reviewed} for seq, id_ in ids.items()}
    return Listed("break_glass", describe_rows(events), more, extra)


def _emergency_shares(council_id: int, log_filter: LogFilter) -> Listed:
    # A break-glass's own grant rests on 緊急 too; it is reviewed with its break-glass, in the list above.
    events, more = _page(council_id, log_filter, AuditEvent.tag == AuditTag.GRANT_CREATED,
                         AuditEvent.reason.contains("; emergency;"),
                         ~AuditEvent.basis.startswith("break_glass:", autoescape=True))
    return Listed("emergency_shares", describe_rows(events), more, {})


def _refusals(council_id: int, log_filter: LogFilter) -> Listed:
    events, more = _page(council_id, log_filter, AuditEvent.outcome == Outcome.DENIED)
    return Listed("refusals", describe_rows(events), more, {})


def _new_accounts(council_id: int, log_filter: LogFilter) -> Listed:
    """Accounts created by an administrator in the range (the creation event), kept when the new account acted on a
    case within NEW_ACCOUNT_WINDOW of it: one query for the creations, one count per creation (index on actor)."""
    created = list(db.session.scalars(filtered(council_id, log_filter).where(
        AuditEvent.tag == AuditTag.USER_CREATED, AuditEvent.actor_user_id.is_not(None),
        AuditEvent.target_type == "user_account").order_by(AuditEvent.seq.desc()).limit(10 * LIST_LIMIT)))
    kept, extra = [], {}
    for event in created:
        if not (event.target_id or "").isdigit():
            continue
        user_id = int(event.target_id)
        reads = db.session.scalar(select(func.count()).select_from(AuditEvent).where(and_(
            AuditEvent.council_id == council_id, AuditEvent.actor_user_id == user_id, AuditEvent.seq > event.seq,
            AuditEvent.case_id.is_not(None), AuditEvent.occurred_at < event.occurred_at + NEW_ACCOUNT_WINDOW)))
        if reads:
            kept.append(event)
            extra[event.seq] = {"user_id": user_id, "case_events": reads}
    return Listed("new_accounts", describe_rows(kept[:LIST_LIMIT]), len(kept) > LIST_LIMIT, extra)
