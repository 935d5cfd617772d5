"""Case services: every read of content and every write goes through here, with its audit event.

Views pass in the user and an authorised case; these functions encrypt, decrypt, write, and record the
event (with the access basis) in the same transaction, then commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import selectinload

from council.access.policy import Action, accesses, authorize, newest_visible, visible_cases
from council.access.scopes import ALL_SCOPES, CONTENT_SCOPES, Scope, may_open
from council.audit.events import AuditTag, record
from council.auth.models import Institution, User
from council.cases.errors import CaseError
from council.cases.models import (
    Case,
    CaseAssignment,
    CaseCategory,
    CaseNumberCounter,
    CaseStatus,
    Person,
    RecordKind,
    ReferralSource,
    Risk,
    SupportRecord,
)
from council.cases.records import check_not_future, new_record
from council.cases.vault import vault
from council.core.clock import japan_to_utc, japan_today
from council.core.db import utcnow
from council.core.japanese import katakana_reading
from council.core.web import page_offset
from council.database import db

#: Years a closed case is kept before its data key is destroyed (configurable per deployment).
DEFAULT_RETENTION_YEARS = 5


@dataclass
class PersonInput:
    name: str
    kana: str
    birth_date: dt.date | None = None
    sex: str = ""
    address: str = ""
    phone: str = ""
    notes: str = ""
    relationship: str = ""


@dataclass
class PersonView(PersonInput):
    id: int = 0
    is_subject: bool = False


@dataclass
class RecordView:
    id: int
    occurred_at: dt.datetime
    kind: str
    author_id: int
    institution_id: int
    body: str
    version: int
    edited: bool
    deleted: bool
    delete_reason: str = ""


@dataclass
class CaseView:
    case: Case
    basis: str
    persons: list[PersonView]
    records: list[RecordView]
    key_person: str = ""
    closure_reason: str = ""
    assigned: list[User] = field(default_factory=list)
    #: 相談者, decrypted.
    contact_person: str = ""


# -- writing persons --------------------------------------------------------------------------------


def store_person(case: Case, person: Person, data: PersonInput) -> None:
    """Encrypt ``data`` into ``person`` and refresh its blind indexes (inside the caller's transaction)."""
    cipher = vault().cipher(case)

    def seal(column: str, value: str | None) -> bytes | None:
        return cipher.encrypt(value or None, table="person", column=column, row_id=person.id)

    birth_iso = data.birth_date.isoformat() if data.birth_date else ""
    person.name_enc, person.kana_enc = seal("name", data.name), seal("kana", katakana_reading(data.kana))
    person.birth_date_enc, person.sex_enc = seal("birth_date", birth_iso), seal("sex", data.sex)
    person.address_enc, person.phone_enc = seal("address", data.address), seal("phone", data.phone)
    person.notes_enc, person.relationship_enc = seal("notes", data.notes), seal("relationship", data.relationship)
    for column, value in vault().person_indexes(name=data.name, kana=data.kana, birth_iso=birth_iso,
                                                phone=data.phone).items():
        setattr(person, column, value)


def read_person(case: Case, person: Person) -> PersonView:
    """Decrypt one person (the caller has recorded the read)."""
    cipher = vault().cipher(case)

    def opened(column: str) -> str:
        return cipher.decrypt(getattr(person, f"{column}_enc"), table="person", column=column, row_id=person.id) or ""

    birth = opened("birth_date")
    return PersonView(id=person.id, is_subject=person.relationship_kind == "subject", name=opened("name"),
                      kana=opened("kana"), birth_date=dt.date.fromisoformat(birth) if birth else None,
                      sex=opened("sex"), address=opened("address"), phone=opened("phone"), notes=opened("notes"),
                      relationship=opened("relationship"))


def _next_number(council_id: int, year: int) -> str:
    """2026-0042: the next number of the council's year, safe under concurrent intakes."""
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(CaseNumberCounter.__table__).values(council_id=council_id, year=year, last=0)
                       .on_conflict_do_nothing())
    counter = db.session.scalar(select(CaseNumberCounter).where(
        CaseNumberCounter.council_id == council_id, CaseNumberCounter.year == year).with_for_update()
        .execution_options(populate_existing=True))
    counter.last += 1
    return f"{year}-{counter.last:04d}"


def open_case(*, actor: User, lead_institution: Institution, intake_date: dt.date, categories: list[str],
              risk: str, subject: PersonInput, household: list[PersonInput] = (), assigned: list[User] = (),
              key_person: str = "", next_review_date: dt.date | None = None, first_record: str = "",
              first_record_kind: str = RecordKind.OFFICE, first_record_at: dt.datetime | None = None,
              referral_source: str | None = None, contact_person: str = "") -> Case:
    """Open a case with its subject (and household); returns it. Commits.

    ``first_record`` (what the consultation was about) becomes a support record of ``first_record_kind`` at
    ``first_record_at``. Raises CaseError when the lead institution is not of the actor's council, when the
    intake date is after today in Japan, or when the consultation's time is in the future.
    """
    if lead_institution.council_id != actor.council_id:
        raise CaseError(_("The lead institution must belong to your council."))
    if intake_date > japan_today():
        raise CaseError(_("The intake date cannot be in the future."))
    if first_record_at is not None:
        check_not_future(first_record_at)
    case = new_case(actor=actor, council_id=actor.council_id, lead_institution_id=lead_institution.id,
                    intake_date=intake_date, categories=categories, risk=risk, subject=subject, household=household,
                    key_person=key_person, next_review_date=next_review_date, first_record=first_record,
                    first_record_kind=first_record_kind, first_record_at=first_record_at,
                    referral_source=referral_source, contact_person=contact_person)
    for user in assigned:
        db.session.add(CaseAssignment(case_id=case.id, user_id=user.id))
    record(tag=AuditTag.CASE_CREATED, actor=actor, target=case, basis=authorize(actor, Action.EDIT_DETAILS, case).basis)
    db.session.commit()
    return case


def new_case(*, actor: User | None, council_id: int, lead_institution_id: int, intake_date: dt.date,
             categories: list[str], risk: str, subject: PersonInput, household: list[PersonInput] = (),
             key_person: str = "", next_review_date: dt.date | None = None, first_record: str = "",
             first_record_kind: str = RecordKind.OFFICE, first_record_at: dt.datetime | None = None,
             referral_source: str | None = None, contact_person: str = "") -> Case:
    """Write a new case, its data key, persons and first record inside the caller's transaction.

    The caller records the audit event and commits (open_case, or the ledger import for many cases at once).
    Without ``first_record_at`` the first record is dated the intake date (now if that is today).
    """
    Risk(risk)
    if referral_source:
        ReferralSource(referral_source)
    case = Case(council_id=council_id, number=_next_number(council_id, intake_date.year),
                status=CaseStatus.INTAKE, lead_institution_id=lead_institution_id, risk=risk,
                referral_source=referral_source or None,
                category_rows=[CaseCategory(category=c) for c in dict.fromkeys(categories)],
                intake_date=intake_date, next_review_date=next_review_date, last_contact_date=intake_date,
                created_by=actor.id if actor else None)
    db.session.add(case)
    db.session.flush()
    cipher = vault().new_case_key(case)
    case.key_person_enc = cipher.encrypt(key_person or None, table="case_file", column="key_person", row_id=case.id)
    case.contact_person_enc = cipher.encrypt(contact_person.strip() or None, table="case_file",
                                             column="contact_person", row_id=case.id)
    for kind, data in [("subject", subject)] + [("household", member) for member in household]:
        person = Person(case_id=case.id, relationship_kind=kind)
        db.session.add(person)
        db.session.flush()
        store_person(case, person, data)
    if first_record:
        # Without a time the consultation happened on the intake date: now if that is today, else 9:00 Japan time.
        when = first_record_at or (utcnow() if intake_date >= japan_today() else japan_to_utc(intake_date, dt.time(9)))
        new_record(case, actor=actor, occurred_at=when, kind=first_record_kind, body=first_record,
                   institution_id=lead_institution_id)
    return case


# -- reading ------------------------------------------------------------------------------------------


def read_case(*, actor: User, case: Case, basis: str, purpose: AuditTag = None) -> CaseView:
    """Decrypt a case for display and record the read with its basis. Commits the audit event first:
    if it cannot be written, nothing is shown (fail closed)."""
    record(tag=purpose or AuditTag.CASE_VIEWED, actor=actor, target=case, basis=basis)
    db.session.commit()
    cipher = vault().cipher(case)
    persons = [read_person(case, p) for p in case.persons if p.deleted_at is None]
    rows = db.session.scalars(select(SupportRecord).where(SupportRecord.case_id == case.id)
                              .order_by(SupportRecord.occurred_at.desc(), SupportRecord.id.desc()))
    records = [RecordView(id=r.id, occurred_at=r.occurred_at, kind=r.kind, author_id=r.author_id,
                          institution_id=r.institution_id, version=r.version, edited=r.version > 1,
                          deleted=r.deleted_at is not None,
                          body=cipher.decrypt(r.body_enc, table="support_record", column="body", row_id=r.id) or "",
                          delete_reason=cipher.decrypt(r.delete_reason_enc, table="support_record",
                                                       column="delete_reason", row_id=r.id) or "")
               for r in rows]
    assigned = list(db.session.scalars(select(User).join(CaseAssignment, CaseAssignment.user_id == User.id)
                                       .where(CaseAssignment.case_id == case.id)))
    return CaseView(case=case, basis=basis, persons=persons, records=records, assigned=assigned,
                    key_person=cipher.decrypt(case.key_person_enc, table="case_file", column="key_person",
                                              row_id=case.id) or "",
                    contact_person=cipher.decrypt(case.contact_person_enc, table="case_file",
                                                  column="contact_person", row_id=case.id) or "",
                    closure_reason=cipher.decrypt(case.closure_reason_enc, table="case_file",
                                                  column="closure_reason", row_id=case.id) or "")


@dataclass
class CaseFilter:
    status: str = ""
    category: str = ""
    risk: str = ""
    review_overdue: bool = False
    min_days_since_contact: int | None = None
    #: Leave out closed cases.
    open_only: bool = False
    page: int = 1


PAGE_SIZE = 50


@dataclass
class ListedCase:
    case: Case
    subject_name: str  # empty when the user may not read it (the coordinator's ledger, a summary share)
    subject_birth_date: dt.date | None = None  # shown with the age where people are told apart (search results)
    #: How far the reader reaches this case (access.scopes.Scope): only a full reach links to the case page.
    scope: str = Scope.FULL
    #: Reached through a grant (a share), not as the lead institution's own case.
    shared: bool = False


def list_cases(*, actor: User, case_filter: CaseFilter, ledger: bool = False) -> tuple[list[ListedCase], bool]:
    """One page of the cases ``actor`` may see (metadata only with ``ledger``); records which were listed.

    Subject names are decrypted only where the reach allows it (a full one, not the ledger): a case shared in
    summary is listed with its number and metadata, not its person's name."""
    conditions = _conditions(case_filter)
    offset = page_offset(case_filter.page, PAGE_SIZE)
    rows = list(db.session.scalars(
        newest_visible(actor, scopes=ALL_SCOPES if ledger else CONTENT_SCOPES, conditions=conditions, offset=offset,
                       limit=PAGE_SIZE + 1)
        .options(selectinload(Case.persons), selectinload(Case.category_rows))))
    page, more = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
    reached = accesses(actor, [c.id for c in page])
    # Kinds of basis only (own_institution, referral …): a page of 50 shares would not fit the event's basis.
    bases = {reached[c.id].basis.split(":", 1)[0] for c in page}
    record(tag=AuditTag.CASE_LISTED, actor=actor, target_type="case_file", basis=",".join(sorted(bases)) or None,
           cases=page, reason=f"{len(page)} shown")
    db.session.commit()

    def listed(case: Case) -> ListedCase:
        access = reached[case.id]
        named = not ledger and may_open(access.scope, "person", "name")
        return ListedCase(case=case, subject_name=subject_name(case) if named else "", scope=access.scope,
                          shared=access.by_grant)

    return [listed(case) for case in page], more


def count_cases(*, actor: User, case_filter: CaseFilter) -> int:
    """How many cases ``actor``'s list shows with ``case_filter`` (all pages). Reads no content and shows no case,
    so nothing is audited: the list it links to records what it shows."""
    return db.session.scalar(select(func.count(Case.id)).where(visible_cases(actor), *_conditions(case_filter)))


def _conditions(case_filter: CaseFilter) -> list:
    """What ``case_filter`` keeps, as conditions on Case: one rule for list pages and counts."""
    conditions = []
    if case_filter.status:
        conditions.append(Case.status == case_filter.status)
    if case_filter.open_only:
        conditions.append(Case.status != CaseStatus.CLOSED)
    if case_filter.risk:
        conditions.append(Case.risk == case_filter.risk)
    if case_filter.review_overdue:
        conditions += [Case.next_review_date < japan_today(), Case.status != CaseStatus.CLOSED]
    if case_filter.min_days_since_contact is not None:
        cutoff = japan_today() - dt.timedelta(days=case_filter.min_days_since_contact)
        conditions.append(Case.last_contact_date <= cutoff)
    if case_filter.category:
        conditions.append(Case.category_rows.any(CaseCategory.category == case_filter.category))
    return conditions


def subject_name(case: Case) -> str:
    """The decrypted name of the case's subject (for lists the caller has already audited)."""
    subject = case.subject
    if subject is None:
        return ""
    return vault().cipher(case).decrypt(subject.name_enc, table="person", column="name", row_id=subject.id) or ""


def subject_birth_date(case: Case) -> dt.date | None:
    """The decrypted birth date of the case's subject, for aggregate statistics (the caller audits the export).

    Raises CasePurged, KeyUnavailable or DecryptionFailed when the date cannot be read.
    """
    subject = case.subject
    if subject is None:
        return None
    text = vault().cipher(case).decrypt(subject.birth_date_enc, table="person", column="birth_date",
                                        row_id=subject.id)
    return dt.date.fromisoformat(text) if text else None


def record_read(*, actor: User, case: Case, basis: str) -> None:
    """Record a read of the case's content before it is shown (fail closed). Commits."""
    record(tag=AuditTag.CASE_VIEWED, actor=actor, target=case, basis=basis)
    db.session.commit()


def record_text(*, actor: User, case: Case, basis: str, row: SupportRecord) -> str:
    """The current text of one record, for editing; the read is audited. Commits."""
    record(tag=AuditTag.CASE_VIEWED, actor=actor, target=row, case=case, basis=basis)
    db.session.commit()
    return vault().cipher(case).decrypt(row.body_enc, table="support_record", column="body", row_id=row.id) or ""
