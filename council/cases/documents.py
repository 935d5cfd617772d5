"""Consent, the assessment and support plan, and attachments of a case. Audited; content encrypted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Integer, bindparam, func, select

from council.access.grants import end_for_consent
from council.access.policy import Access
from council.access.reads import record_read
from council.access.scopes import Scope, may_open
from council.audit.events import AuditTag, record
from council.auth.models import Institution, User
from council.cases.errors import CaseError, StaleCase
from council.cases.models import (
    Attachment,
    Case,
    CasePlan,
    Consent,
    ConsentGiver,
    ConsentPurpose,
    ConsentRecipient,
    ConsentState,
)
from council.cases.records import require_open
from council.cases.vault import vault
from council.core.clock import japan_today
from council.core.db import lock_for_update, prepared, utcnow
from council.core.downloads import clean_filename, with_extension
from council.core.editing import lock_for_edit
from council.core.files import UploadError, accepted_kind, extension_of
from council.core.i18n import gettext as _
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
    #: One of ConsentGiver ("" for consents recorded before it was asked) and, for a representative, how
    #: they are related to the person.
    given_by: str = ""
    representative_relationship: str = ""
    #: One of ConsentPurpose ("" for consents recorded before it was asked).
    purpose_code: str = ""
    #: The member institutions the consent names as recipients (ids; a share on it may go to these only).
    recipient_institution_ids: list[int] = field(default_factory=list)


#: Built once (building a statement cost more than running it, issue 13), of the tables' columns: plain rows, which the
#: page only shows (mapped objects took longer to load than the statement ran); the recipients in one more statement
#: when there are consents, not one per consent.
_CONSENT, _RECIPIENT = Consent.__table__, ConsentRecipient.__table__
_CONSENTS = prepared(select(_CONSENT).where(_CONSENT.c.case_id == bindparam("case_id", type_=Integer))
                     .order_by(_CONSENT.c.id))
_RECIPIENTS = (select(_RECIPIENT.c.consent_id, _RECIPIENT.c.institution_id)
               .where(_RECIPIENT.c.consent_id.in_(bindparam("consent_ids", expanding=True)))
               .order_by(_RECIPIENT.c.institution_id))
_CONSENT_COLUMNS = ("purpose", "recipients", "scope", "representative_relationship")


def consents(case: Case) -> list[ConsentView]:
    """The case's consents, decrypted (the caller has recorded the read of the case)."""
    texts, rows = vault().texts, db.session.execute(_CONSENTS, {"case_id": case.id}).all()
    recipients: dict[int, list[int]] = {r.id: [] for r in rows}
    if rows:
        for consent_id, institution_id in db.session.execute(_RECIPIENTS, {"consent_ids": list(recipients)}):
            recipients[consent_id].append(institution_id)
    return [ConsentView(id=r.id, state=r.state, obtained_on=r.obtained_on, obtained_how=r.obtained_how or "",
                        obtained_by=r.obtained_by, withdrawn_on=r.withdrawn_on, version=r.version,
                        given_by=r.given_by or "", purpose_code=r.purpose_code or "",
                        recipient_institution_ids=recipients[r.id], **texts(r, _CONSENT_COLUMNS, table=_CONSENT.name))
            for r in rows]


def record_consent(*, actor: User, case: Case, access: Access, purpose_code: str, purpose: str, recipients: str,
                   scope: str, obtained_on: dt.date, obtained_how: str, given_by: str,
                   recipient_institution_ids: list[int] = (), representative_relationship: str = "") -> Consent:
    """Record consent obtained from the person or their representative (``given_by``, a ConsentGiver; a
    representative's relationship to the person is then required). Commits.

    ``purpose_code`` (a ConsentPurpose) and ``recipient_institution_ids`` (member institutions of the case's council
    other than its lead) are what a share can rest on (``access.grants``); the free texts keep the person's words.
    Raises CaseError when a field is missing, an institution is not a member of the council, or the date is in
    the future."""
    require_open(case)
    if not (purpose.strip() and recipients.strip() and scope.strip()):
        raise CaseError(_("Purpose, recipients and scope of the consent are all needed."))
    try:
        purpose_code = ConsentPurpose(purpose_code)
    except ValueError:
        raise CaseError(_("Choose what the sharing is for.")) from None
    recipient_ids = _member_institutions(case, recipient_institution_ids)
    giver = ConsentGiver(given_by)
    relationship = representative_relationship.strip() if giver == ConsentGiver.REPRESENTATIVE else ""
    if giver == ConsentGiver.REPRESENTATIVE and not relationship:
        raise CaseError(_("Say how the representative is related to the person (e.g. 母, 成年後見人)."))
    if obtained_on > japan_today():
        raise CaseError(_("Consent cannot be obtained in the future."))
    consent = Consent(case_id=case.id, state=ConsentState.OBTAINED, obtained_on=obtained_on,
                      obtained_how=obtained_how, obtained_by=actor.id, given_by=giver.value,
                      purpose_code=purpose_code.value,
                      recipient_rows=[ConsentRecipient(institution_id=i) for i in recipient_ids])
    db.session.add(consent)
    db.session.flush()
    for column, value in (("purpose", purpose), ("recipients", recipients), ("scope", scope),
                          ("representative_relationship", relationship)):
        vault().seal(consent, column, value, access=access)
    record(tag=AuditTag.CONSENT_RECORDED, actor=actor, target=consent, case=case, basis=access.basis)
    db.session.commit()
    return consent


def _member_institutions(case: Case, ids) -> list[int]:
    """``ids``, once each is known to be a member institution of the case's council other than its lead."""
    wanted = sorted({int(i) for i in ids})
    members = set(db.session.scalars(select(Institution.id).where(Institution.id.in_(wanted),
                                                                  Institution.council_id == case.council_id)))
    if set(wanted) - members or case.lead_institution_id in members:
        raise CaseError(_("Recipients are member institutions of the council other than the lead institution."))
    return wanted


def consent_recipient_choices(case: Case) -> list[tuple[int, str]]:
    """The member institutions a consent of ``case`` may name: the council's, but the lead institution."""
    return [(i.id, i.name) for i in db.session.scalars(
        select(Institution).where(Institution.council_id == case.council_id,
                                  Institution.id != case.lead_institution_id).order_by(Institution.name))]


def withdraw_consent(*, actor: User, case: Case, access: Access, consent: Consent, version) -> int:
    """Mark consent as withdrawn today; from now on it allows nothing: every share resting on it ends in the same
    transaction, each with its event (``access.grants.end_for_consent``). Commits; returns how many shares ended.

    Raises CaseError when the consent is not in force, StaleCase when it changed since the page was shown."""
    if consent.case_id != case.id:
        raise CaseError(_("Only consent that is in force can be withdrawn."))
    if consent.state != ConsentState.OBTAINED:
        raise CaseError(_("Only consent that is in force can be withdrawn."))
    lock_for_edit(consent, version, stale=StaleCase,
                  message=_("Someone changed this consent meanwhile. Reload and check it."))
    consent.state, consent.withdrawn_on, consent.withdrawn_by = ConsentState.WITHDRAWN, japan_today(), actor.id
    record(tag=AuditTag.CONSENT_WITHDRAWN, actor=actor, target=consent, case=case, basis=access.basis)
    ended = end_for_consent(actor=actor, consent=consent)
    db.session.commit()
    return len(ended)


# -- plan -------------------------------------------------------------------------------------------


@dataclass
class PlanView:
    version: int
    assessment: str
    plan: str
    goals: str
    written_by: int | None
    written_at: dt.datetime | None


#: Built once (building a statement cost more than running it, issue 13).
_PLANS = CasePlan.__table__
# Of the table's columns, a plain row: the page only shows it, and a mapped object took longer to load (cases.page).
_NEWEST_PLAN = prepared(select(_PLANS).where(_PLANS.c.case_id == bindparam("case_id", type_=Integer))
                        .order_by(_PLANS.c.version.desc()).limit(1))


def current_plan(case: Case, *, scope: Scope = Scope.FULL) -> PlanView:
    """The newest plan version, decrypted as far as ``scope`` reads it (a summary: the plan itself, not the
    assessment or the goals); version 0 and empty texts when none was written yet. The caller has recorded the
    read."""
    row = db.session.execute(_NEWEST_PLAN, {"case_id": case.id}).first()
    return _plan_view(row, scope) if row is not None else PlanView(0, "", "", "", None, None)


def _plan_view(row, scope: Scope = Scope.FULL) -> PlanView:
    """``row``: a CasePlan, or a plain row of its table's columns."""
    opened = vault().texts(row, [c for c in ("assessment", "plan", "goals") if may_open(scope, "case_plan", c)],
                           table=_PLANS.name)
    return PlanView(row.version, opened.get("assessment", ""), opened.get("plan", ""), opened.get("goals", ""),
                    row.written_by, row.written_at)


def read_plan(*, actor: User, case: Case, access: Access) -> PlanView:
    """The newest plan, for revising it; the read is audited. Commits."""
    record_read(tag=AuditTag.CASE_VIEWED, actor=actor, case=case, access=access, reason="plan")
    return current_plan(case)


def plan_versions(*, actor: User, case: Case, access: Access) -> list[PlanView]:
    """Every version of the plan, newest first, decrypted; the read is audited. Commits."""
    record_read(tag=AuditTag.CASE_VIEWED, actor=actor, case=case, access=access, reason="plan history")
    rows = db.session.scalars(select(CasePlan).where(CasePlan.case_id == case.id).order_by(CasePlan.version.desc()))
    return [_plan_view(r) for r in rows]


def _newest_plan(case: Case) -> int:
    return db.session.scalar(select(func.max(CasePlan.version)).where(CasePlan.case_id == case.id)) or 0


def save_plan(*, actor: User, case: Case, access: Access, based_on: int, assessment: str, plan: str,
              goals: str) -> int:
    """Save a new plan version on top of ``based_on``; return its number. Commits.

    Raises StaleCase when someone saved a newer version meanwhile (nothing is overwritten).
    """
    require_open(case)
    # The case's lock serialises plan saves of this case, so two cannot both be "newest + 1".
    lock_for_edit(case, based_on or 0, stale=StaleCase, newest=lambda: _newest_plan(case), message=_(
        "Someone saved a newer plan while you were writing. Your text is kept below; compare it with the current "
        "plan and save again."))
    row = CasePlan(case_id=case.id, version=_newest_plan(case) + 1, written_by=actor.id, written_at=utcnow())
    db.session.add(row)
    db.session.flush()
    for column, value in (("assessment", assessment), ("plan", plan), ("goals", goals)):
        vault().seal(row, column, value, access=access)
    record(tag=AuditTag.PLAN_SAVED, actor=actor, target=case, basis=access.basis, reason=f"version {row.version}")
    db.session.commit()
    return row.version


# -- attachments ------------------------------------------------------------------------------------


def add_attachment(*, actor: User, case: Case, access: Access, filename: str, content: bytes) -> Attachment:
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
    vault().seal(row, "content", content, access=access)
    vault().seal(row, "filename", filename[:200], access=access)
    record(tag=AuditTag.ATTACHMENT_ADDED, actor=actor, target=row, case=case, basis=access.basis)
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


def any_attachment(case_id: int):
    """Whether the case has a file that was not removed (the case page asks before listing them)."""
    return select(Attachment.id).where(Attachment.case_id == case_id, Attachment.deleted_at.is_(None)).exists()


def attachments(case: Case) -> list[AttachmentInfo]:
    """The case's files that were not removed, with their names decrypted (the caller has recorded the read)."""
    rows = db.session.scalars(select(Attachment).where(Attachment.case_id == case.id, Attachment.deleted_at.is_(None))
                              .order_by(Attachment.id))
    return [_info(row) for row in rows]


def _info(row: Attachment) -> AttachmentInfo:
    return AttachmentInfo(row.id, vault().text(row, "filename"), row.content_type, row.size, row.uploaded_by,
                          row.uploaded_at)


def attachment_info(*, actor: User, case: Case, access: Access, attachment: Attachment) -> AttachmentInfo:
    """One file's name (decrypted), type, size and upload, for the page that removes it; the read is audited.
    Commits."""
    record_read(tag=AuditTag.CASE_VIEWED, actor=actor, case=case, access=access, target=attachment)
    return _info(attachment)


#: Suffixes a file of a content type may keep besides extension_of's (a .docx is a zip file, a JPEG a .jpeg).
_ALSO_SUFFIXES = {"image/jpeg": frozenset({"jpeg"}), "application/zip": frozenset({"docx", "xlsx"})}


@dataclass
class Download:
    content: bytes
    content_type: str
    #: The uploaded name, cleaned (no control or format characters, no path), ending in the real type's suffix.
    filename: str
    #: A server-made ASCII name (case number and file id) for clients that cannot take the real one.
    fallback_name: str


def download(*, actor: User, case: Case, access: Access, attachment: Attachment) -> Download:
    """The decrypted file and its names; the download is audited first (fail closed). CaseError when removed."""
    if attachment.case_id != case.id or attachment.deleted_at is not None:
        raise CaseError(_("No such file."))
    record_read(tag=AuditTag.ATTACHMENT_DOWNLOADED, actor=actor, case=case, access=access, target=attachment)
    content = vault().open(attachment, "content")
    extension = extension_of(attachment.content_type)
    fallback = f"{case.number}-{attachment.id}.{extension}"
    stored = vault().open(attachment, "filename")
    # The type was decided from the content: a PDF uploaded as "x.html" is saved as "x.html.pdf", so that it
    # opens on the user's computer as what it is.
    name = clean_filename(stored or "")
    name = with_extension(name, extension=extension, also=_ALSO_SUFFIXES.get(attachment.content_type,
                                                                             frozenset())) if name else fallback
    return Download(content=content, content_type=attachment.content_type, filename=name, fallback_name=fallback)


def remove_attachment(*, actor: User, case: Case, access: Access, attachment: Attachment, reason: str) -> None:
    """Remove a file added by mistake: its content and name ciphertexts are deleted, the row stays as a
    tombstone of who removed it, when and why (the reason encrypted). Commits.

    Raises CaseError for a file of another case, one already removed, a missing reason or a closed case.
    """
    require_open(case)
    if attachment.case_id != case.id or attachment.deleted_at is not None:
        raise CaseError(_("No such file."))
    if not reason.strip():
        raise CaseError(_("Say why the file is removed."))
    lock_for_update(db.session, attachment)
    if attachment.deleted_at is not None:  # removed by someone else while this request waited for the lock
        raise CaseError(_("No such file."))
    attachment.content_enc = attachment.filename_enc = None
    attachment.deleted_at, attachment.deleted_by = utcnow(), actor.id
    vault().seal(attachment, "delete_reason", reason.strip(), access=access)
    record(tag=AuditTag.ATTACHMENT_REMOVED, actor=actor, target=attachment, case=case, basis=access.basis)
    db.session.commit()
