"""Case services: every read of content and every write goes through here, with its audit event.

Views pass in the user, the case and the Access the case gate handed them; these functions encrypt, decrypt
(after recording the read: ``access.reads.record_read``), write, and record the event (with the access's basis) in
the same transaction, then commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, func, literal_column, select, union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import selectinload

from council.access import reads
from council.access.permissions import Role
from council.access.policy import Access, Action, accesses, authorize, newest_visible, visible_cases
from council.access.scopes import CONTENT_SCOPES, Scope, allows, may_open
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
)
from council.cases.records import check_not_future, new_record
from council.cases.vault import vault
from council.core.clock import japan_to_utc, japan_today
from council.core.db import utcnow
from council.core.i18n import gettext as _
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


# -- writing persons --------------------------------------------------------------------------------


def store_person(person: Person, data: PersonInput, *, access: Access) -> None:
    """Encrypt ``data`` into ``person`` and refresh its blind indexes (inside the caller's transaction). Raises
    WriteRefused when ``access`` may not edit the person's case."""
    birth_iso = data.birth_date.isoformat() if data.birth_date else ""
    values = {"name": data.name, "kana": katakana_reading(data.kana), "birth_date": birth_iso, "sex": data.sex,
              "address": data.address, "phone": data.phone, "notes": data.notes, "relationship": data.relationship}
    for column, value in values.items():
        vault().seal(person, column, value, access=access)
    for column, value in vault().person_indexes(name=data.name, kana=data.kana, birth_iso=birth_iso,
                                                phone=data.phone).items():
        setattr(person, column, value)


_PERSON_COLUMNS = ("name", "kana", "birth_date", "sex", "address", "phone", "notes", "relationship")


def read_person(person) -> PersonView:
    """Decrypt one person, a Person or a plain row of its table's columns (the caller has recorded the read of the
    case: ``access.reads.record_read``)."""
    opened = vault().texts(person, _PERSON_COLUMNS, table=Person.__tablename__)
    birth = opened.pop("birth_date")
    return PersonView(id=person.id, is_subject=person.relationship_kind == "subject",
                      birth_date=dt.date.fromisoformat(birth) if birth else None, **opened)


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
    vault().new_case_key(case)
    creating = reads.creating(case)
    vault().seal(case, "key_person", key_person, access=creating)
    vault().seal(case, "contact_person", contact_person.strip(), access=creating)
    for kind, data in [("subject", subject)] + [("household", member) for member in household]:
        person = Person(case_id=case.id, relationship_kind=kind)
        db.session.add(person)
        db.session.flush()
        store_person(person, data, access=creating)
    if first_record:
        # Without a time the consultation happened on the intake date: now if that is today, else 9:00 Japan time.
        when = first_record_at or (utcnow() if intake_date >= japan_today() else japan_to_utc(intake_date, dt.time(9)))
        new_record(case, actor=actor, access=creating, occurred_at=when, kind=first_record_kind, body=first_record,
                   institution_id=lead_institution_id)
    return case


# -- lists ----------------------------------------------------------------------------------------


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
    subject_name: str  # empty when the user may not read it (a summary share)
    subject_birth_date: dt.date | None = None  # shown with the age where people are told apart (search results)
    #: How far the reader reaches this case (access.scopes.Scope): only a full reach links to the case page.
    scope: str = Scope.FULL
    #: Reached through a grant (a share), not as the lead institution's own case.
    shared: bool = False
    #: The case page opens for the reader (a full reach, or a summary one: it shows the summary); the list links it.
    opens: bool = True


#: What a list opens of each case it shows: the subject's name, where the reach allows it.
LIST_COLUMNS = frozenset({("person", "name")})


def list_cases(*, actor: User, case_filter: CaseFilter) -> tuple[list[ListedCase], bool]:
    """One page of the cases ``actor`` may see; records which were listed. (The coordinator's progress ledger,
    metadata only, is ``council.meetings.ledger``.)

    Subject names are decrypted only where the reach allows it (a full one): a case shared in
    summary is listed with its number and metadata, not its person's name. The list's read receipts open names
    and nothing else."""
    conditions = _conditions(case_filter)
    offset = page_offset(case_filter.page, PAGE_SIZE)
    rows = list(db.session.scalars(
        newest_visible(actor, scopes=CONTENT_SCOPES, conditions=conditions, offset=offset,
                       limit=PAGE_SIZE + 1)
        .options(selectinload(Case.persons), selectinload(Case.category_rows))))
    page, more = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
    reached = accesses(actor, [c.id for c in page])
    reads.record_read(tag=AuditTag.CASE_LISTED, actor=actor, reached=[reached[c.id] for c in page],
                      only=LIST_COLUMNS, reason=f"{len(page)} shown")

    def listed(case: Case) -> ListedCase:
        access = reached[case.id]
        named = may_open(access.scope, "person", "name")
        opens = allows(scope=access.scope, role=Role(actor.role), action=Action.READ_SUMMARY, by_grant=access.by_grant)
        return ListedCase(case=case, subject_name=subject_name(case) if named else "", scope=access.scope,
                          shared=access.by_grant, opens=opens)

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
    """The decrypted name of the case's subject (for lists that recorded their read)."""
    subject = case.subject
    return vault().text(subject, "name") if subject is not None else ""


def subject_birth_date(case: Case) -> dt.date | None:
    """The decrypted birth date of the case's subject (for search results and statistics that recorded their read).

    Raises CasePurged, KeyUnavailable or DecryptionFailed when the date cannot be read.
    """
    subject = case.subject
    text = vault().text(subject, "birth_date") if subject is not None else ""
    return dt.date.fromisoformat(text) if text else None


def institution_names(ids) -> dict[int, str]:
    """Names of the institutions with ``ids`` (those a page shows), in one query."""
    return names(institutions=ids)[1]


def user_names(ids) -> dict[int, str]:
    """Display names of the users with ``ids`` (the authors and assignees a page shows), in one query."""
    return names(users=ids)[0]


# The tables' columns, not the mapped attributes: plain values, without the ORM's execution (cases.page).
_USER, _INSTITUTION = User.__table__.c, Institution.__table__.c
#: Built once (building it cost more than running it): the users' and the institutions' names, told apart by kind.
_NAMES = union_all(
    select(literal_column("'user'").label("kind"), _USER.id, _USER.display_name.label("name"))
    .where(_USER.id.in_(bindparam("users", expanding=True))),
    select(literal_column("'institution'"), _INSTITUTION.id, _INSTITUTION.name)
    .where(_INSTITUTION.id.in_(bindparam("institutions", expanding=True))))


def names(*, users=(), institutions=()) -> tuple[dict[int, str], dict[int, str]]:
    """Display names of the users with ids ``users`` and names of the institutions with ids ``institutions`` (those
    a page shows), by id, in one query."""
    wanted = {"user": {i for i in users if i is not None}, "institution": {i for i in institutions if i is not None}}
    found = {"user": {}, "institution": {}}
    if wanted["user"] or wanted["institution"]:
        for kind, id_, name in db.session.execute(_NAMES, {"users": sorted(wanted["user"]),
                                                          "institutions": sorted(wanted["institution"])}):
            found[kind][id_] = name
    return found["user"], found["institution"]
