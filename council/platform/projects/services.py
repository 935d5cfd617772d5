"""Starting, editing and joining projects and posting updates. Each writing function commits and audits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from council.core.db import lock_for_update, utcnow
from council.core.editing import lock_for_edit
from council.core.i18n import gettext as _
from council.platform.audit import PlatformTag, record
from council.platform.database import db
from council.platform.models import PlatformUser
from council.platform.projects.models import Project, ProjectPartner, ProjectUpdate


class ProjectError(Exception):
    """The change cannot be made; the message says why. Nothing was written."""


@dataclass(frozen=True)
class ProjectDetails:
    title: str
    goal: str
    description: str
    status: str


def _organisation_of(actor: PlatformUser) -> int:
    if actor.organisation_id is None:
        raise ProjectError(_("Only staff of a member organisation can do this."))
    return actor.organisation_id


def may_edit(user: PlatformUser, project: Project) -> bool:
    """Staff of the lead organisation edit the project's description and status; platform administrators
    too, to take down what should not be there."""
    return user.is_platform_admin or (user.organisation_id is not None
                                      and user.organisation_id == project.lead_organisation_id)


def may_remove_update(user: PlatformUser, update: ProjectUpdate) -> bool:
    return user.is_platform_admin or (user.organisation_id is not None
                                      and user.organisation_id == update.organisation_id)


def is_partner(user: PlatformUser, project: Project) -> bool:
    return user.organisation_id is not None and user.organisation_id in project.partner_ids


def all_projects(status: str = "") -> list[Project]:
    query = select(Project)
    if status:
        query = query.where(Project.status == status)
    return list(db.session.scalars(query.order_by(Project.updated_at.desc())))


def _assign(project: Project, details: ProjectDetails) -> None:
    project.title, project.goal = details.title.strip(), details.goal.strip()
    project.description, project.status = details.description.strip(), details.status
    project.updated_at = utcnow()


def start(*, actor: PlatformUser, details: ProjectDetails) -> Project:
    """Start a project led by the actor's organisation. Raises ProjectError."""
    organisation_id = _organisation_of(actor)
    project = Project(lead_organisation_id=organisation_id, created_by_id=actor.id, version=1)
    _assign(project, details)
    project.partners = [ProjectPartner(organisation_id=organisation_id)]
    db.session.add(project)
    record(tag=PlatformTag.PROJECT_SAVED, actor=actor, target=project)
    db.session.commit()
    return project


def update(*, actor: PlatformUser, project: Project, details: ProjectDetails, version: int) -> None:
    """Save the project. Raises StaleEdit when someone saved it after ``version`` was read."""
    lock_for_edit(project, version)
    _assign(project, details)
    record(tag=PlatformTag.PROJECT_SAVED, actor=actor, target=project)
    db.session.commit()


def join(*, actor: PlatformUser, project: Project) -> None:
    """Make the actor's organisation a partner. Raises ProjectError when it already is one."""
    organisation_id = _organisation_of(actor)
    lock_for_update(db.session, project)  # two clicks at once must not both insert the partner
    if organisation_id in project.partner_ids:
        db.session.rollback()
        raise ProjectError(_("Your organisation already takes part."))
    project.partners.append(ProjectPartner(organisation_id=organisation_id))
    record(tag=PlatformTag.PROJECT_JOINED, actor=actor, target=project)
    db.session.commit()


def remove_update(*, actor: PlatformUser, update: ProjectUpdate) -> None:
    """Delete a progress note (its organisation's staff, or a platform administrator). Commits."""
    record(tag=PlatformTag.PROJECT_UPDATE_REMOVED, actor=actor, target=update)
    db.session.delete(update)
    db.session.commit()


def post_update(*, actor: PlatformUser, project: Project, body: str) -> ProjectUpdate:
    """A progress note from a partner organisation. Raises ProjectError for others."""
    if not is_partner(actor, project):
        raise ProjectError(_("Only partner organisations can post updates. Join the project first."))
    note = ProjectUpdate(project_id=project.id, organisation_id=actor.organisation_id, author_id=actor.id,
                         body=body.strip())
    db.session.add(note)
    project.updated_at = utcnow()
    record(tag=PlatformTag.PROJECT_UPDATE_POSTED, actor=actor, target=project)
    db.session.commit()
    return note
