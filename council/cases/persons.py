"""Changing who a case is about: the subject's details and household members, with edit conflicts refused."""

from __future__ import annotations

from flask_babel import gettext as _

from council.audit.events import AuditTag, record
from council.auth.models import User
from council.cases.errors import CaseError, StaleCase
from council.cases.models import Case, Person
from council.cases.records import require_open
from council.cases.services import PersonInput, PersonView, read_person, store_person
from council.cases.vault import vault
from council.core.db import utcnow
from council.core.editing import lock_and_bump, lock_for_edit
from council.database import db


def add_household_member(*, actor: User, case: Case, basis: str, data: PersonInput) -> Person:
    """Add a member of the subject's household (関係: data.relationship). Commits."""
    require_open(case)
    if not data.name.strip():
        raise CaseError(_("The household member needs a name."))
    person = Person(case_id=case.id, relationship_kind="household")
    db.session.add(person)
    db.session.flush()
    store_person(case, person, data)
    lock_and_bump(case)  # an edit of the case opened before this addition is refused
    record(tag=AuditTag.PERSON_ADDED, actor=actor, target=person, case=case, basis=basis)
    db.session.commit()
    return person


def update_person(*, actor: User, case: Case, basis: str, person: Person, data: PersonInput, version) -> None:
    """Replace a person's details. Raises StaleCase (nothing written) when the case changed meanwhile."""
    require_open(case)
    if person.case_id != case.id or person.deleted_at is not None:
        raise CaseError(_("No such person in this case."))
    if not data.name.strip() or not data.kana.strip() and person.relationship_kind == "subject":
        raise CaseError(_("Name and kana are needed."))
    lock_for_edit(case, version, stale=StaleCase, message=_(
        "Someone else changed this case while you were editing. Your changes were not saved; what is stored now "
        "is shown next to what you typed."))
    store_person(case, person, data)
    record(tag=AuditTag.PERSON_CHANGED, actor=actor, target=person, case=case, basis=basis)
    db.session.commit()


def remove_household_member(*, actor: User, case: Case, basis: str, person: Person, reason: str) -> None:
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
    person.delete_reason_enc = vault().cipher(case).encrypt(reason.strip(), table="person", column="delete_reason",
                                                            row_id=person.id)
    record(tag=AuditTag.PERSON_REMOVED, actor=actor, target=person, case=case, basis=basis)
    db.session.commit()


#: Everything that holds or reveals a person's details: erased when the person is removed.
PERSONAL_COLUMNS = ("relationship_enc", "name_enc", "kana_enc", "birth_date_enc", "sex_enc", "address_enc",
                    "phone_enc", "notes_enc", "name_kana_index", "name_kanji_index", "surname_kana_birth_index",
                    "phone_index")


def person_view(case: Case, person: Person) -> PersonView:
    return read_person(case, person)


def update_details(*, actor: User, case: Case, basis: str, categories: list[str], risk: str, next_review_date,
                   key_person: str, assigned: list[User], version, referral_source: str | None,
                   contact_person: str) -> None:
    """Change the case's metadata, 相談経路 and 相談者, key person and assigned workers.

    Raises StaleCase on a conflicting edit, CaseError for a worker of another institution."""
    from council.cases.models import CaseAssignment, CaseCategory, ReferralSource, Risk

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
    cipher = vault().cipher(case)
    case.key_person_enc = cipher.encrypt(key_person or None, table="case_file", column="key_person", row_id=case.id)
    case.referral_source = referral_source or None
    case.contact_person_enc = cipher.encrypt(contact_person.strip() or None, table="case_file",
                                             column="contact_person", row_id=case.id)
    chosen = {user.id for user in assigned}
    for row in [row for row in case.assignments if row.user_id not in chosen]:
        case.assignments.remove(row)
    kept = {row.user_id for row in case.assignments}
    case.assignments.extend(CaseAssignment(case_id=case.id, user_id=uid) for uid in chosen - kept)
    db.session.flush()
    record(tag=AuditTag.CASE_CHANGED, actor=actor, target=case, basis=basis)
    db.session.commit()
