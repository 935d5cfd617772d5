"""Names and labels that platform templates show: one context processor for every feature."""

from __future__ import annotations

from flask import g
from sqlalchemy import select

from council.platform.board.models import ThreadKind
from council.platform.database import db
from council.platform.models import PlatformRole, PlatformUser
from council.platform.organisations.models import ActivityField, Organisation, OrganisationKind
from council.platform.permissions import PlatformPermission, has_permission
from council.platform.places.models import PlaceKind
from council.platform.projects.models import ProjectStatus
from council.platform.resources.models import ResourceKind


def _names(model, column) -> dict[int, str]:
    """Names by id, read once per request (pages list many authors and organisations)."""
    cache = g.setdefault("platform_names", {})
    if model not in cache:
        cache[model] = dict(db.session.execute(select(model.id, column)).all())
    return cache[model]


def _label(enum):
    return lambda value: enum(value).label


def template_context() -> dict:
    return {
        "kind_label": _label(OrganisationKind), "field_label": _label(ActivityField),
        "role_label": _label(PlatformRole),
        "place_kind_label": _label(PlaceKind), "project_status_label": _label(ProjectStatus),
        "thread_kind_label": _label(ThreadKind), "resource_kind_label": _label(ResourceKind),
        "project_statuses": [(s.value, s.label) for s in ProjectStatus],
        "resource_kinds": [(k.value, k.label) for k in ResourceKind],
        "organisation_name": lambda id_: _names(Organisation, Organisation.name).get(id_, ""),
        "user_name": lambda id_: _names(PlatformUser, PlatformUser.display_name).get(id_, ""),
        # Templates name roles and permissions by their enums, never by their strings (a test greps for them).
        "Role": PlatformRole, "Permission": PlatformPermission,
        "has_permission": lambda user, permission: user.is_authenticated and has_permission(user, permission),
    }
