"""Administration of institutions and users within one council. Each change is audited and committed.

An administrator never sets or sees a password: creating or resetting a user yields a setup link.
"""

from __future__ import annotations

from sqlalchemy import select

from council.access.permissions import Role
from council.audit.events import AuditTag, record
from council.auth.models import Council, Institution, InstitutionType, User
from council.auth.services import AdminError, accounts, username_problem
from council.core.db import utcnow
from council.core.editing import StaleEdit, lock_and_bump, lock_for_edit
from council.core.i18n import gettext as _
from council.database import db


class StaleAdminEdit(StaleEdit, AdminError):
    """Someone else saved a change since the form was opened; ``current`` is what is stored now."""


def _lock_for_edit(thing, version) -> None:
    """Lock the row and refuse the edit unless it was based on the stored version (a missing version counts as
    stale): two administrators who opened the same form cannot both save it."""
    lock_for_edit(thing, version, stale=StaleAdminEdit, message=_(
        "Someone else changed this record while you were editing. Your changes were not saved; the current "
        "values are shown below."))


def _coordinator_taken(council_id: int, except_id: int | None = None) -> bool:
    other = db.session.scalar(select(Institution).where(
        Institution.council_id == council_id, Institution.is_coordinator.is_(True)))
    return other is not None and other.id != except_id


def _name_taken(council_id: int, name: str, except_id: int | None = None) -> bool:
    other = db.session.scalar(select(Institution).where(Institution.council_id == council_id,
                                                        Institution.name == name))
    return other is not None and other.id != except_id


def _check_coordinator_role(role: str, institution: Institution) -> None:
    """The coordinator role belongs to the council's coordinator institution (調整機関) only: elsewhere it would
    name a coordinator who has no ledger to keep (ledger access follows the institution, not the role)."""
    if role == Role.COORDINATOR and not institution.is_coordinator:
        raise AdminError(_("The coordinator role can be given only at the council's coordinator institution "
                           "(調整機関). Choose another role, or mark the institution as the coordinator institution "
                           "first."))


def _has_coordinators(institution: Institution) -> bool:
    return db.session.scalar(select(User.id).where(User.institution_id == institution.id,
                                                   User.role == Role.COORDINATOR).limit(1)) is not None


def institutions_of(council_id: int) -> list[Institution]:
    return list(db.session.scalars(select(Institution).where(Institution.council_id == council_id)
                                   .order_by(Institution.name)))


def create_institution(*, actor: User | None, council: Council, name: str, kind: str,
                       is_coordinator: bool, contact: str = "") -> Institution:
    """Add an institution to ``council``. Raises AdminError for a taken name or a second coordinator."""
    name = name.strip()
    InstitutionType(kind)
    if not name:
        raise AdminError(_("The institution needs a name."))
    if _name_taken(council.id, name):
        raise AdminError(_("An institution with this name already exists in the council."))
    if is_coordinator and _coordinator_taken(council.id):
        raise AdminError(_("The council already has a coordinator institution; there can be only one."))
    institution = Institution(council_id=council.id, name=name, kind=kind, is_coordinator=is_coordinator,
                              contact=contact.strip() or None)
    db.session.add(institution)
    record(tag=AuditTag.INSTITUTION_CREATED, actor=actor, target=institution, council_id=council.id)
    db.session.commit()
    return institution


def update_institution(*, actor: User, institution: Institution, name: str, kind: str, is_coordinator: bool,
                       version: int, caseworkers_see_all: bool | None = None, contact: str | None = None) -> None:
    """Change an institution. Raises StaleAdminEdit when ``version`` is outdated, AdminError when not allowed."""
    name = name.strip()
    InstitutionType(kind)
    if not name or _name_taken(institution.council_id, name, institution.id):
        raise AdminError(_("An institution with this name already exists in the council."))
    if is_coordinator and _coordinator_taken(institution.council_id, institution.id):
        raise AdminError(_("The council already has a coordinator institution; there can be only one."))
    if institution.is_coordinator and not is_coordinator and _has_coordinators(institution):
        raise AdminError(_("Users of this institution have the coordinator role. Give them another role first; "
                           "then it can stop being the coordinator institution."))
    _lock_for_edit(institution, version)
    if caseworkers_see_all is None:
        caseworkers_see_all = institution.caseworkers_see_all
    changed = [f for f, new in (("name", name), ("kind", kind), ("is_coordinator", is_coordinator),
                                ("caseworkers_see_all", caseworkers_see_all)) if getattr(institution, f) != new]
    institution.name, institution.kind, institution.is_coordinator = name, kind, is_coordinator
    institution.caseworkers_see_all = caseworkers_see_all
    if contact is not None and (contact.strip() or None) != institution.contact:
        changed.append("contact")
        institution.contact = contact.strip() or None
    record(tag=AuditTag.INSTITUTION_CHANGED, actor=actor, target=institution, reason=",".join(changed))
    db.session.commit()


def users_of(council_id: int) -> list[User]:
    return list(db.session.scalars(select(User).join(Institution).where(Institution.council_id == council_id)
                                   .order_by(User.username)))


def create_user(*, actor: User | None, institution: Institution, username: str, display_name: str,
                role: str) -> tuple[User, str]:
    """Create an account without a password; return it and the token of its setup link.

    Raises AdminError for an unusable username, or the coordinator role outside the coordinator institution."""
    username = username.strip().lower()
    Role(role)
    _check_coordinator_role(role, institution)
    problem = username_problem(username)
    if problem:
        raise AdminError(problem)
    user = User(username=username, display_name=display_name.strip() or username, institution=institution,
                role=role, failed_logins=0)
    db.session.add(user)
    record(tag=AuditTag.USER_CREATED, actor=actor, target=user, reason=f"role {role}")
    token = accounts().issue_setup_link(db.session, actor=actor, user=user)
    db.session.commit()
    return user, token


def update_user(*, actor: User, user: User, display_name: str, role: str, institution: Institution,
                version: int) -> None:
    """Change name, role or institution; a role or institution change ends the user's sessions.

    Raises StaleAdminEdit for an outdated ``version``; AdminError for one's own role, or the coordinator role
    outside the coordinator institution."""
    Role(role)
    if user.id == actor.id and role != user.role:
        raise AdminError(_("You cannot change your own role; ask another administrator."))
    if role != user.role or institution.id != user.institution_id:
        _check_coordinator_role(role, institution)
    _lock_for_edit(user, version)
    if role != user.role or institution.id != user.institution_id:
        record(tag=AuditTag.USER_ROLE_CHANGED, actor=actor, target=user,
               reason=f"{user.role}@{user.institution_id} -> {role}@{institution.id}")
        accounts().end_sessions(db.session, actor=actor, user=user, reason="role_changed")
    elif display_name.strip() != user.display_name:
        record(tag=AuditTag.USER_CHANGED, actor=actor, target=user, reason="display_name")
    user.display_name, user.role, user.institution = display_name.strip() or user.username, role, institution
    db.session.commit()


def set_disabled(*, actor: User, user: User, disabled: bool) -> None:
    """Disable (ending every session) or re-enable an account."""
    if user.id == actor.id:
        raise AdminError(_("You cannot disable your own account."))
    lock_and_bump(user)  # an edit form opened before this is refused
    if disabled and user.disabled_at is None:
        user.disabled_at = utcnow()
        record(tag=AuditTag.USER_DISABLED, actor=actor, target=user)
        accounts().end_sessions(db.session, actor=actor, user=user, reason="disabled")
        accounts().revoke_setup_links(db.session, user=user)
    elif not disabled and user.disabled_at is not None:
        user.disabled_at, user.failed_logins, user.locked_until = None, 0, None
        record(tag=AuditTag.USER_ENABLED, actor=actor, target=user)
    db.session.commit()


def reset_user(*, actor: User | None, user: User) -> str:
    """Clear password and TOTP, end sessions and return a new setup link token.

    Raises AdminError for the administrator's own account: a setup link would replace their password and
    second factor without the current password that a password change asks for.
    """
    if actor is not None and user.id == actor.id:
        raise AdminError(_("You cannot reset your own account; change your password on your account page, or ask "
                           "another administrator."))
    lock_and_bump(user)
    user.password_hash = user.totp_secret = user.totp_last_step = None
    user.failed_logins, user.locked_until = 0, None
    record(tag=AuditTag.USER_RESET, actor=actor, target=user)
    accounts().end_sessions(db.session, actor=actor, user=user, reason="reset")
    token = accounts().issue_setup_link(db.session, actor=actor, user=user)
    db.session.commit()
    return token


def revoke_sessions(*, actor: User, user: User) -> int:
    """End every session of ``user``; return how many."""
    ended = accounts().end_sessions(db.session, actor=actor, user=user, reason="revoked")
    db.session.commit()
    return ended
