"""Support records (経過記録): add, edit with history, soft delete. Each change is audited and committed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from council.access.policy import Access
from council.access.reads import record_read
from council.audit.events import AuditTag, record
from council.auth.models import User
from council.cases.errors import CaseError, StaleCase
from council.cases.models import Case, CaseStatus, RecordKind, SupportRecord, SupportRecordRevision
from council.cases.vault import vault
from council.core.clock import in_japan, japan_date
from council.core.db import utcnow
from council.core.editing import lock_for_edit
from council.core.i18n import gettext as _
from council.database import db

#: How far ahead of the server's clock a record may be dated: a caseworker's watch may run a little fast,
#: and a form takes time to send. Anything later has not happened yet.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


def require_open(case: Case) -> None:
    """Raise CaseError when ``case`` is closed: it is read-only until reopened."""
    if case.status == CaseStatus.CLOSED:
        raise CaseError(_("The case is closed. Reopen it (change its status) before writing records."))


def check_not_future(occurred_at: dt.datetime) -> None:
    """Raise CaseError when ``occurred_at`` (aware) is more than FUTURE_TOLERANCE after now.

    A record dated in the future would make the case's last contact lie ahead and its days since last
    contact negative, on the case page, the list and the coordinator's ledger."""
    if occurred_at > utcnow() + FUTURE_TOLERANCE:
        raise CaseError(_("This time is in the future: it is now %(now)s in Japan. A record says what has "
                          "happened; enter when it happened.",
                          now=in_japan(utcnow()).strftime("%Y-%m-%d %H:%M")))


def _touch_contact(case: Case, occurred_at: dt.datetime) -> None:
    """Days since last contact drive 見守り: the newest record date (in Japan) becomes the last contact."""
    day = japan_date(occurred_at)
    if case.last_contact_date is None or day > case.last_contact_date:
        case.last_contact_date = day


def refresh_last_contact(case: Case) -> None:
    """Derive the last contact again from the records that remain (deleted ones do not count).

    The intake itself is a contact, so the date never falls before the intake date. Called in the
    transaction of every edit and deletion, so the date is never stale."""
    db.session.flush()
    newest = db.session.scalar(select(func.max(SupportRecord.occurred_at))
                               .where(SupportRecord.case_id == case.id, SupportRecord.deleted_at.is_(None)))
    days = [day for day in (case.intake_date, newest and japan_date(newest)) if day]
    case.last_contact_date = max(days, default=None)


def new_record(case: Case, *, actor: User | None, access: Access, occurred_at: dt.datetime, kind: str, body: str,
               institution_id: int | None = None) -> SupportRecord:
    """Write a record inside the caller's transaction (no audit event: the caller records its own).

    ``actor`` is None for records imported from the ledger; they carry the lead institution instead."""
    return _add_record(case, actor=actor, access=access, occurred_at=occurred_at, kind=kind, body=body,
                       institution_id=institution_id)


def _add_record(case: Case, *, actor: User | None, access: Access, occurred_at: dt.datetime, kind: str, body: str,
                institution_id: int | None = None) -> SupportRecord:
    row = SupportRecord(case_id=case.id, occurred_at=occurred_at, kind=RecordKind(kind).value,
                        author_id=actor.id if actor else None,
                        institution_id=institution_id or actor.institution_id)
    db.session.add(row)
    db.session.flush()
    vault().seal(row, "body", body, access=access)
    _touch_contact(case, occurred_at)
    return row


def _refuse_ledger_kind(kind: str) -> None:
    """「台帳から取込」 says the record came from the old ledger, with no author: nobody writes one by hand."""
    if kind == RecordKind.LEDGER:
        raise CaseError(_("Only the ledger import writes records of this kind. Choose the kind of contact."))


def add_record(*, actor: User, case: Case, access: Access, occurred_at: dt.datetime, kind: str,
               body: str) -> SupportRecord:
    """Add a support record to an authorised case. Commits.

    Raises CaseError for an empty body, a closed case or a time in the future (see FUTURE_TOLERANCE)."""
    require_open(case)
    if not body.strip():
        raise CaseError(_("Write what happened."))
    check_not_future(occurred_at)
    _refuse_ledger_kind(kind)
    row = _add_record(case, actor=actor, access=access, occurred_at=occurred_at, kind=kind, body=body)
    record(tag=AuditTag.RECORD_CREATED, actor=actor, target=row, case=case, basis=access.basis)
    db.session.commit()
    return row


def edit_record(*, actor: User, case: Case, access: Access, row: SupportRecord, version: int,
                occurred_at: dt.datetime, kind: str, body: str) -> None:
    """Replace a record's text, keeping the previous version; the last contact is derived again. Commits.

    Raises StaleCase when someone saved it since, CaseError for an empty body or a time in the future."""
    require_open(case)
    if row.case_id != case.id or row.deleted_at is not None:
        raise CaseError(_("This record cannot be edited."))
    if not body.strip():
        raise CaseError(_("Write what happened."))
    check_not_future(occurred_at)
    if kind != row.kind:
        _refuse_ledger_kind(kind)
    # Two editors with the same version: the second waits for the first's commit, then is refused.
    lock_for_edit(row, version, stale=StaleCase, message=_(
        "Someone else changed this record while you were editing. Your text is kept below; compare it with the "
        "current version and save again."))
    db.session.add(SupportRecordRevision(record_id=row.id, case_id=case.id, revision=row.version - 1,
                                         occurred_at=row.occurred_at, kind=row.kind, body_enc=row.body_enc,
                                         replaced_by=actor.id, replaced_at=utcnow()))
    # The old ciphertext moves as is: it stays bound to this record's row id, so it decrypts only as this
    # record's history.
    row.occurred_at, row.kind, row.updated_at = occurred_at, RecordKind(kind).value, utcnow()
    vault().seal(row, "body", body, access=access)
    refresh_last_contact(case)  # moving the newest record back in time moves the last contact back too
    record(tag=AuditTag.RECORD_EDITED, actor=actor, target=row, case=case, basis=access.basis)
    db.session.commit()


def delete_record(*, actor: User, case: Case, access: Access, row: SupportRecord, reason: str) -> None:
    """Soft-delete a record with a reason; the text stays (encrypted) for the history. Commits.

    The last contact is derived again from the records that remain."""
    require_open(case)
    if row.case_id != case.id or row.deleted_at is not None:
        raise CaseError(_("This record cannot be deleted."))
    if not reason.strip():
        raise CaseError(_("Say why the record is deleted."))
    row.deleted_at, row.deleted_by = utcnow(), actor.id
    vault().seal(row, "delete_reason", reason, access=access)
    refresh_last_contact(case)
    record(tag=AuditTag.RECORD_DELETED, actor=actor, target=row, case=case, basis=access.basis)
    db.session.commit()


def history(*, actor: User, case: Case, access: Access,
            row: SupportRecord) -> list[tuple[SupportRecordRevision, str]]:
    """Earlier versions of a record, newest first, decrypted; the read is audited. Commits."""
    record_read(tag=AuditTag.CASE_VIEWED, actor=actor, case=case, access=access, target=row, reason="history")
    revisions = db.session.scalars(select(SupportRecordRevision).where(SupportRecordRevision.record_id == row.id)
                                   .order_by(SupportRecordRevision.revision.desc()))
    return [(rev, vault().text(rev, "body")) for rev in revisions]


def record_text(*, actor: User, case: Case, access: Access, row: SupportRecord) -> str:
    """The current text of one record, for editing; the read is audited. Commits."""
    record_read(tag=AuditTag.CASE_VIEWED, actor=actor, case=case, access=access, target=row)
    return vault().text(row, "body")
