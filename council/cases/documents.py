"""Consent, the assessment and support plan, and attachments of a case. Audited; content encrypted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from council.audit.events import AuditTag, record
from council.auth.models import User
from council.cases.errors import CaseError, StaleCase
from council.cases.models import Attachment, Case, CasePlan, Consent, ConsentState
from council.cases.records import require_open
from council.cases.vault import vault
from council.core.clock import japan_today
from council.core.db import lock_for_update, utcnow
from council.core.files import UploadError, accepted_kind, extension_of
from council.database import db

# -- consent ----------------------------------------------------------------------------------------


@dataclass
class ConsentView:
    id: int
    state: str
    purpose: str
    recipients: str
    scope: str
    obtained_on: dt.date | None
    obtained_how: str
    obtained_by: int | None
    withdrawn_on: dt.date | None
    version: int


def consents(case: Case) -> list[ConsentView]:
    """The case's consents, decrypted (the caller has recorded the read of the case)."""
    cipher = vault().cipher(case)

    def opened(row, column):
        return cipher.decrypt(getattr(row, f"{column}_enc"), table="consent", column=column, row_id=row.id) or ""

    rows = db.session.scalars(select(Consent).where(Consent.case_id == case.id).order_by(Consent.id))
    return [ConsentView(id=r.id, state=r.state, purpose=opened(r, "purpose"), recipients=opened(r, "recipients"),
                        scope=opened(r, "scope"), obtained_on=r.obtained_on, obtained_how=r.obtained_how or "",
                        obtained_by=r.obtained_by, withdrawn_on=r.withdrawn_on, version=r.version) for r in rows]


def record_consent(*, actor: User, case: Case, basis: str, purpose: str, recipients: str, scope: str,
                   obtained_on: dt.date, obtained_how: str) -> Consent:
    """Record consent obtained from the person. Commits. Raises CaseError when a field is missing."""
    require_open(case)
    if not (purpose.strip() and recipients.strip() and scope.strip()):
        raise CaseError(_("Purpose, recipients and scope of the consent are all needed."))
    if obtained_on > japan_today():
        raise CaseError(_("Consent cannot be obtained in the future."))
    consent = Consent(case_id=case.id, state=ConsentState.OBTAINED, obtained_on=obtained_on,
                      obtained_how=obtained_how, obtained_by=actor.id)
    db.session.add(consent)
    db.session.flush()
    cipher = vault().cipher(case)
    for column, value in (("purpose", purpose), ("recipients", recipients), ("scope", scope)):
        setattr(consent, f"{column}_enc", cipher.encrypt(value, table="consent", column=column, row_id=consent.id))
    record(tag=AuditTag.CONSENT_RECORDED, actor=actor, target=consent, basis=basis, reason=f"case {case.number}")
    db.session.commit()
    return consent


def withdraw_consent(*, actor: User, case: Case, basis: str, consent: Consent, version) -> None:
    """Mark consent as withdrawn today; from now on it allows nothing. Commits."""
    if consent.case_id != case.id:
        raise CaseError(_("Only consent that is in force can be withdrawn."))
    lock_for_update(db.session, consent)
    if consent.state != ConsentState.OBTAINED:
        raise CaseError(_("Only consent that is in force can be withdrawn."))
    if str(version) != str(consent.version):
        raise StaleCase(_("Someone changed this consent meanwhile. Reload and check it."))
    consent.state, consent.withdrawn_on, consent.withdrawn_by = ConsentState.WITHDRAWN, japan_today(), actor.id
    consent.version += 1
    record(tag=AuditTag.CONSENT_WITHDRAWN, actor=actor, target=consent, basis=basis, reason=f"case {case.number}")
    db.session.commit()


# -- plan -------------------------------------------------------------------------------------------


@dataclass
class PlanView:
    version: int
    assessment: str
    plan: str
    goals: str
    written_by: int | None
    written_at: dt.datetime | None


def current_plan(case: Case) -> PlanView:
    """The newest plan version, decrypted; version 0 and empty texts when none was written yet."""
    row = db.session.scalar(select(CasePlan).where(CasePlan.case_id == case.id).order_by(CasePlan.version.desc())
                            .limit(1))
    if row is None:
        return PlanView(0, "", "", "", None, None)
    cipher = vault().cipher(case)

    def opened(column):
        return cipher.decrypt(getattr(row, f"{column}_enc"), table="case_plan", column=column, row_id=row.id) or ""

    return PlanView(row.version, opened("assessment"), opened("plan"), opened("goals"), row.written_by, row.written_at)


def plan_versions(case: Case) -> list[PlanView]:
    """Every version of the plan, newest first, decrypted (the caller has recorded the read)."""
    cipher = vault().cipher(case)
    rows = db.session.scalars(select(CasePlan).where(CasePlan.case_id == case.id).order_by(CasePlan.version.desc()))

    def opened(row, column):
        return cipher.decrypt(getattr(row, f"{column}_enc"), table="case_plan", column=column, row_id=row.id) or ""

    return [PlanView(r.version, opened(r, "assessment"), opened(r, "plan"), opened(r, "goals"), r.written_by,
                     r.written_at) for r in rows]


def save_plan(*, actor: User, case: Case, basis: str, based_on: int, assessment: str, plan: str, goals: str) -> int:
    """Save a new plan version on top of ``based_on``; return its number. Commits.

    Raises StaleCase when someone saved a newer version meanwhile (nothing is overwritten).
    """
    require_open(case)
    lock_for_update(db.session, case)  # serialises plan saves of this case, so two cannot both be "newest + 1"
    newest = db.session.scalar(select(func.max(CasePlan.version)).where(CasePlan.case_id == case.id)) or 0
    if int(based_on or 0) != newest:
        raise StaleCase(_("Someone saved a newer plan while you were writing. Your text is kept below; compare "
                          "it with the current plan and save again."))
    row = CasePlan(case_id=case.id, version=newest + 1, written_by=actor.id, written_at=utcnow())
    db.session.add(row)
    db.session.flush()
    cipher = vault().cipher(case)
    for column, value in (("assessment", assessment), ("plan", plan), ("goals", goals)):
        setattr(row, f"{column}_enc", cipher.encrypt(value or None, table="case_plan", column=column, row_id=row.id))
    record(tag=AuditTag.PLAN_SAVED, actor=actor, target=case, basis=basis, reason=f"version {row.version}")
    db.session.commit()
    return row.version


# -- attachments ------------------------------------------------------------------------------------


def add_attachment(*, actor: User, case: Case, basis: str, filename: str, content: bytes) -> Attachment:
    """Store an encrypted file. Commits. Raises CaseError for an empty, too large or unaccepted file."""
    require_open(case)
    try:
        content_type, _extension = accepted_kind(content)
    except UploadError as error:
        raise CaseError(str(error)) from None
    row = Attachment(case_id=case.id, content_type=content_type, size=len(content), content_enc=b"",
                     uploaded_by=actor.id, uploaded_at=utcnow())
    db.session.add(row)
    db.session.flush()
    cipher = vault().cipher(case)
    row.content_enc = cipher.encrypt(content, table="attachment", column="content", row_id=row.id)
    row.filename_enc = cipher.encrypt(filename[:200] or None, table="attachment", column="filename", row_id=row.id)
    record(tag=AuditTag.ATTACHMENT_ADDED, actor=actor, target=row, basis=basis, reason=f"case {case.number}")
    db.session.commit()
    return row


@dataclass
class AttachmentInfo:
    id: int
    filename: str
    content_type: str
    size: int
    uploaded_by: int
    uploaded_at: dt.datetime


def attachments(case: Case) -> list[AttachmentInfo]:
    cipher = vault().cipher(case)
    rows = db.session.scalars(select(Attachment).where(Attachment.case_id == case.id, Attachment.deleted_at.is_(None))
                              .order_by(Attachment.id))
    return [AttachmentInfo(r.id, cipher.decrypt(r.filename_enc, table="attachment", column="filename", row_id=r.id)
                           or "", r.content_type, r.size, r.uploaded_by, r.uploaded_at) for r in rows]


def download(*, actor: User, case: Case, basis: str, attachment: Attachment) -> tuple[bytes, str, str]:
    """(content, content type, safe download name); the download is audited first (fail closed)."""
    if attachment.case_id != case.id or attachment.deleted_at is not None:
        raise CaseError(_("No such file."))
    record(tag=AuditTag.ATTACHMENT_DOWNLOADED, actor=actor, target=attachment, basis=basis,
           reason=f"case {case.number}")
    db.session.commit()
    content = vault().cipher(case).decrypt(attachment.content_enc, table="attachment", column="content",
                                           row_id=attachment.id)
    # The stored name may hold personal data; the browser gets a neutral one.
    return content, attachment.content_type, f"{case.number}-{attachment.id}.{extension_of(attachment.content_type)}"
