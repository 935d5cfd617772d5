"""Applying, deciding, inviting staff and keeping an organisation's profile. Each function commits and audits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from council.core.db import lock_for_update, utcnow
from council.core.editing import lock_for_edit
from council.core.i18n import gettext as _
from council.platform.audit import PlatformTag, record
from council.platform.database import db
from council.platform.models import PlatformAuditEvent, PlatformRole, PlatformUser
from council.platform.organisations.models import (
    Application,
    Organisation,
    OrganisationField,
    OrganisationStatus,
)

#: Applications (and refused attempts) one address may send per hour: the form is open to anyone, and each
#: attempt costs the PII guard's time and an audit event.
APPLICATIONS_PER_HOUR = 10
#: The longest username (the column's length).
USERNAME_LENGTH = 64


class OrganisationError(Exception):
    """The change cannot be made; the message says why. Nothing was written."""


@dataclass(frozen=True)
class Profile:
    """What an organisation says about itself in the directory."""

    name: str
    kind: str
    area: str
    fields: tuple[str, ...]
    description: str
    public_contact: str
    website: str


def _username_taken(username: str) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(PlatformUser).where(
        PlatformUser.username == username)) or db.session.scalar(
        select(func.count()).select_from(Application).where(Application.username == username)))


def _flush_unless_taken(username: str) -> None:
    """Write what is pending; when a parallel request took ``username`` first (a unique index says so), roll
    back and raise OrganisationError instead of failing with a database error."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise OrganisationError(_("The username %(name)s is already taken. Choose another.", name=username)) from None


def _assign(organisation: Organisation, profile: Profile) -> None:
    organisation.name, organisation.kind, organisation.area = profile.name.strip(), profile.kind, profile.area
    organisation.description, organisation.public_contact = profile.description.strip(), profile.public_contact.strip()
    organisation.website = profile.website.strip()
    organisation.fields = [OrganisationField(field=code) for code in sorted(set(profile.fields))]


def apply(profile: Profile, *, username: str, display_name: str) -> Organisation:
    """Record an organisation's application and who will administer it, with the username they would like.

    Whether that username is free is not checked here, and nothing the applicant sees depends on it: the open
    form would otherwise tell anyone which usernames exist. A wish another pending application already holds is
    kept with the new organisation's number appended; the administrator confirms or changes it at approval."""
    wish = username.strip().lower()
    try:
        return _record_application(profile, wish=wish, display_name=display_name, suffixed=_wished(wish))
    except IntegrityError:  # a parallel application asked for the same name between the check and the write
        db.session.rollback()
        return _record_application(profile, wish=wish, display_name=display_name, suffixed=True)


def _wished(username: str) -> bool:
    return db.session.scalar(select(func.count()).select_from(Application).where(
        Application.username == username)) > 0


def _record_application(profile: Profile, *, wish: str, display_name: str, suffixed: bool) -> Organisation:
    organisation = Organisation(status=OrganisationStatus.PENDING, version=1)
    _assign(organisation, profile)
    db.session.add(organisation)
    db.session.flush()
    if suffixed:
        suffix = f"-{organisation.id}"
        wish = wish[:USERNAME_LENGTH - len(suffix)] + suffix
    db.session.add(Application(organisation_id=organisation.id, username=wish, display_name=display_name.strip()))
    db.session.flush()
    record(tag=PlatformTag.ORGANISATION_APPLIED, target=organisation)
    db.session.commit()
    return organisation


def too_many_applications(client_ip: str | None) -> bool:
    """Whether ``client_ip`` has sent APPLICATIONS_PER_HOUR applications or refused attempts in the last hour."""
    since = utcnow() - dt.timedelta(hours=1)
    attempts = db.session.scalar(select(func.count()).select_from(PlatformAuditEvent).where(
        PlatformAuditEvent.tag.in_([PlatformTag.ORGANISATION_APPLIED, PlatformTag.TEXT_REFUSED]),
        PlatformAuditEvent.actor_user_id.is_(None), PlatformAuditEvent.client_ip == client_ip,
        PlatformAuditEvent.occurred_at >= since))
    return attempts >= APPLICATIONS_PER_HOUR


def pending_applications() -> list[tuple[Organisation, Application]]:
    return list(db.session.execute(select(Organisation, Application).join(
        Application, Application.organisation_id == Organisation.id).where(
        Organisation.status == OrganisationStatus.PENDING).order_by(Organisation.applied_at)).all())


def usernames_in_use(usernames: list[str]) -> set[str]:
    """Which of ``usernames`` an account already has (for the review queue's warnings)."""
    if not usernames:
        return set()
    return set(db.session.scalars(select(PlatformUser.username).where(PlatformUser.username.in_(usernames))))


def approve(*, actor: PlatformUser, organisation: Organisation,
            username: str | None = None) -> tuple[PlatformUser, str]:
    """Make the organisation a member and create its first administrator's account under ``username`` (the
    applicant's wish when not given); return the account and its one-time setup link token, for the
    administrator to hand over. Raises OrganisationError (a decided application, a username in use)."""
    lock_for_update(db.session, organisation)
    application = db.session.get(Application, organisation.id)
    if organisation.status != OrganisationStatus.PENDING or application is None:
        db.session.rollback()
        raise OrganisationError(_("This application has already been decided."))
    chosen = (username or application.username).strip().lower()
    if _username_in_use(chosen, except_application=application):
        db.session.rollback()
        raise OrganisationError(_("The username %(name)s is already in use. Choose another.", name=chosen))
    organisation.status, organisation.decided_at = OrganisationStatus.APPROVED, utcnow()
    user = PlatformUser(username=chosen, display_name=application.display_name or chosen,
                        role=PlatformRole.ORGANISATION_ADMIN, organisation_id=organisation.id, failed_logins=0)
    db.session.delete(application)
    db.session.flush()  # the application's username is free again before the account takes it
    db.session.add(user)
    _flush_unless_taken(user.username)
    record(tag=PlatformTag.ORGANISATION_APPROVED, actor=actor, target=organisation,
           reason="username confirmed" if chosen == application.username else "username chosen")
    token = current_app.extensions["account_service"].issue_setup_link(db.session, actor=actor, user=user)
    db.session.commit()
    return user, token


def _username_in_use(username: str, *, except_application: Application) -> bool:
    """Whether an account has ``username``, or another pending application wishes for it."""
    return bool(db.session.scalar(select(func.count()).select_from(PlatformUser).where(
        PlatformUser.username == username)) or db.session.scalar(select(func.count()).select_from(Application).where(
        Application.username == username, Application.organisation_id != except_application.organisation_id)))


def decline(*, actor: PlatformUser, organisation: Organisation, reason: str) -> None:
    """Decline an application; the reason stays with the administrators. Raises OrganisationError."""
    lock_for_update(db.session, organisation)
    if organisation.status != OrganisationStatus.PENDING:
        db.session.rollback()
        raise OrganisationError(_("This application has already been decided."))
    organisation.status, organisation.decided_at = OrganisationStatus.DECLINED, utcnow()
    organisation.decline_reason = reason.strip()
    application = db.session.get(Application, organisation.id)
    if application is not None:
        db.session.delete(application)
    record(tag=PlatformTag.ORGANISATION_DECLINED, actor=actor, target=organisation)
    db.session.commit()


def update_profile(*, actor: PlatformUser, organisation: Organisation, profile: Profile, version: int) -> None:
    """Save the organisation's directory entry. Raises StaleEdit when someone saved it meanwhile."""
    lock_for_edit(organisation, version)
    _assign(organisation, profile)
    record(tag=PlatformTag.ORGANISATION_UPDATED, actor=actor, target=organisation)
    db.session.commit()


def invite(*, actor: PlatformUser, username: str, display_name: str, role: str) -> tuple[PlatformUser, str]:
    """Create a staff account in the actor's organisation; return it and its one-time setup link token.
    Raises OrganisationError."""
    username = username.strip().lower()
    if role not in (PlatformRole.MEMBER, PlatformRole.ORGANISATION_ADMIN):
        raise OrganisationError(_("Choose a role."))
    if _username_taken(username):
        raise OrganisationError(_("The username %(name)s is already taken. Choose another.", name=username))
    user = PlatformUser(username=username, display_name=display_name.strip() or username, role=role,
                        organisation_id=actor.organisation_id, failed_logins=0)
    db.session.add(user)
    _flush_unless_taken(username)
    record(tag=PlatformTag.MEMBER_INVITED, actor=actor, target=user)
    token = current_app.extensions["account_service"].issue_setup_link(db.session, actor=actor, user=user)
    db.session.commit()
    return user, token


def staff_member(actor: PlatformUser, user_id: int) -> PlatformUser | None:
    """A member of ``actor``'s organisation whose account ``actor`` may manage, or None. Fellow organisation
    administrators are not among them: one administrator could otherwise take over another's account with a
    new setup link and act in their name."""
    user = db.session.get(PlatformUser, user_id)
    if user is None or user.organisation_id is None or user.organisation_id != actor.organisation_id \
            or user.role != PlatformRole.MEMBER:
        return None
    return user


def new_setup_link(*, actor: PlatformUser, user: PlatformUser) -> str:
    """A fresh setup link for a colleague who lost theirs (or forgot their password); earlier links stop
    working and the colleague's sessions end. Commits."""
    service = current_app.extensions["account_service"]
    service.registry.end_all(db.session, user_id=user.id, reason="revoked")
    token = service.issue_setup_link(db.session, actor=actor, user=user)
    db.session.commit()
    return token


def set_disabled(*, actor: PlatformUser, user: PlatformUser, disabled: bool) -> None:
    """Disable a colleague's account (their sessions end) or enable it again; doing it twice changes nothing.
    Commits."""
    if user.id == actor.id:
        raise OrganisationError(_("You cannot disable your own account."))
    lock_for_update(db.session, user)
    if disabled == (user.disabled_at is not None):
        db.session.rollback()
        return
    user.disabled_at = utcnow() if disabled else None
    if disabled:
        current_app.extensions["account_service"].registry.end_all(db.session, user_id=user.id, reason="disabled")
    record(tag=PlatformTag.MEMBER_DISABLED if disabled else PlatformTag.MEMBER_ENABLED, actor=actor, target=user)
    db.session.commit()


def directory(*, field: str = "", area: str = "") -> list[Organisation]:
    """Member organisations, by name, optionally of one field of activity and one area."""
    query = select(Organisation).where(Organisation.status == OrganisationStatus.APPROVED)
    if field:
        query = query.where(Organisation.id.in_(select(OrganisationField.organisation_id).where(
            OrganisationField.field == field)))
    if area:
        query = query.where(Organisation.area == area)
    return list(db.session.scalars(query.order_by(Organisation.name)))


def member_organisation(organisation_id: int) -> Organisation | None:
    """An approved organisation, or None (applicants and declined ones are not public)."""
    organisation = db.session.get(Organisation, organisation_id)
    return organisation if organisation is not None and organisation.is_member else None


def staff(organisation: Organisation) -> list[PlatformUser]:
    return list(db.session.scalars(select(PlatformUser).where(
        PlatformUser.organisation_id == organisation.id).order_by(PlatformUser.display_name)))
