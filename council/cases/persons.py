"""Changing who a case is about: the subject's details and household members, with edit conflicts refused."""

from __future__ import annotations

from dataclasses import dataclass

from council.access.policy import Access
from council.access.reads import record_read
from council.audit.events import AuditTag, record
from council.auth.models import User
from council.cases.errors import CaseError, StaleCase
from council.cases.models import Case, CaseAssignment, CaseCategory, Person, ReferralSource, Risk
from council.cases.records import require_open
from council.cases.services import PersonInput, PersonView, read_person, store_person, user_names
from council.cases.vault import vault
from council.core.db import utcnow
from council.core.editing import lock_and_bump, lock_for_edit
from council.core.i18n import gettext as _
from council.database import db


def add_household_member(*, actor: User, case: Case, access: Access, data: PersonInput) -> Person:
    """Add a member of the subject's household (関係: data.relationship). Commits."""
    require_open(case)
    if not data.name.strip():
        raise CaseError(_("The household member needs a name."))
    person = Person(case_id=case.id, relationship_kind="household")
    db.session.add(person)
    db.session.flush()
    store_person(person, data, access=access)
    lock_and_bump(case)  # an edit of the case opened before this addition is refused
    record(tag=AuditTag.PERSON_ADDED, actor=actor, target=person, case=case, basis=access.basis)
    db.session.commit()
    return person


def update_person(*, actor: User, case: Case, access: Access, person: Person, data: PersonInput, version) -> None:
    """Replace a person's details. Raises StaleCase (nothing written) when the case changed meanwhile."""
    require_open(case)
    if person.case_id != case.id or person.deleted_at is not None:
        raise CaseError(_("No such person in this case."))
    if not data.name.strip() or not data.kana.strip() and person.relationship_kind == "subject":
        raise CaseError(_("Name and kana are needed."))
    lock_for_edit(case, version, stale=StaleCase, message=_(
        "Someone else changed this case while you were editing. Your changes were not saved; what is stored now "
        "is shown next to what you typed."))
    store_person(person, data, access=access)
    record(tag=AuditTag.PERSON_CHANGED, actor=actor, target=person, case=case, basis=access.basis)
    db.session.commit()


def remove_household_member(*, actor: User, case: Case, access: Access, person: Person, reason: str) -> None:
    """Remove a household member entered by mistake: erase every personal ciphertext and blind index of the
    row, keeping it as a tombstone of who removed it, when and why (the reason encrypted). Commits.

    Raises CaseError for the subject (a case is about them), an already removed person, a missing reason or a
    closed case.
    """
    require_open(case)
    if person.case_id != case.id or person.deleted_at is not None:
        raise CaseError(_("No such person in this case."))
    if person.relationship_kind == "subject":
        raise CaseError(_("The person the case is about cannot be removed. If the case was opened by mistake, "
                          "close it with the reason."))
    if not reason.strip():
        raise CaseError(_("Say why the household member is removed."))
    lock_and_bump(case)
    for column in PERSONAL_COLUMNS:
        setattr(person, column, None)
    person.deleted_at, person.deleted_by = utcnow(), actor.id
    vault().seal(person, "delete_reason", reason.strip(), access=access)
    record(tag=AuditTag.PERSON_REMOVED, actor=actor, target=person, case=case, basis=access.basis)
    db.session.commit()


#: Everything that holds or reveals a person's details: erased when the person is removed.
PERSONAL_COLUMNS = ("relationship_enc", "name_enc", "kana_enc", "birth_date_enc", "sex_enc", "address_enc",
                    "phone_enc", "notes_enc", "name_kana_index", "name_kanji_index", "surname_kana_birth_index",
                    "phone_index")


def read_person_page(*, actor: User, case: Case, access: Access, person: Person) -> PersonView:
    """One person of the case, decrypted, for the pages that edit or remove them; the read is audited. Commits."""
    record_read(tag=AuditTag.CASE_VIEWED, actor=actor, case=case, access=access, target=person)
    return read_person(person)


@dataclass
class DetailsView:
    """What the form that changes a case's details shows of it, decrypted."""

    key_person: str
    contact_person: str
    #: The assigned workers: display name by user id.
    assigned: dict[int, str]


#: What the details form opens of the case.
DETAILS_COLUMNS = frozenset({("case_file", "key_person"), ("case_file", "contact_person")})


def read_details(*, actor: User, case: Case, access: Access) -> DetailsView:
    """The case's key person, 相談者 and assigned workers, for the details form; the read is audited. Commits."""
    record_read(tag=AuditTag.CASE_VIEWED, actor=actor, case=case, access=access, only=DETAILS_COLUMNS,
                reason="details")
    return DetailsView(key_person=vault().text(case, "key_person"), contact_person=vault().text(case, "contact_person"),
                       assigned=user_names(row.user_id for row in case.assignments))


def update_details(*, actor: User, case: Case, access: Access, categories: list[str], risk: str, next_review_date,
                   key_person: str, assigned: list[User], version, referral_source: str | None,
                   contact_person: str) -> None:
    """Change the case's metadata, 相談経路 and 相談者, key person and assigned workers.

    Raises StaleCase on a conflicting edit, CaseError for a worker of another institution."""
    require_open(case)
    if any(user.institution_id != case.lead_institution_id for user in assigned):
        raise CaseError(_("Only workers of the lead institution can be assigned."))
    Risk(risk)
    if referral_source:
        ReferralSource(referral_source)
    lock_for_edit(case, version, stale=StaleCase, message=_(
        "Someone else changed this case while you were editing. Your changes were not saved; what is stored now "
        "is shown next to what you typed."))
    # Change the collections in place: replacing them would insert the new rows before deleting the old ones
    # and trip the unique constraints.
    wanted = list(dict.fromkeys(categories))
    for row in [row for row in case.category_rows if row.category not in wanted]:
        case.category_rows.remove(row)
    case.category_rows.extend(CaseCategory(category=c) for c in wanted if c not in case.categories)
    case.risk, case.next_review_date = risk, next_review_date
    vault().seal(case, "key_person", key_person, access=access)
    case.referral_source = referral_source or None
    vault().seal(case, "contact_person", contact_person.strip(), access=access)
    chosen = {user.id for user in assigned}
    for row in [row for row in case.assignments if row.user_id not in chosen]:
        case.assignments.remove(row)
    kept = {row.user_id for row in case.assignments}
    case.assignments.extend(CaseAssignment(case_id=case.id, user_id=uid) for uid in chosen - kept)
    db.session.flush()
    record(tag=AuditTag.CASE_CHANGED, actor=actor, target=case, basis=access.basis)
    db.session.commit()
