"""Publishing places and activities and their dates. Each writing function commits and audits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from council.core.db import utcnow
from council.core.editing import lock_for_edit
from council.core.i18n import gettext as _
from council.platform.audit import PlatformTag, record
from council.platform.database import db
from council.platform.models import PlatformUser
from council.platform.organisations.models import Organisation, OrganisationStatus
from council.platform.places.models import Place, PlaceField, PlaceSession


class PlaceError(Exception):
    """The change cannot be made; the message says why. Nothing was written."""


@dataclass(frozen=True)
class PlaceDetails:
    name: str
    kind: str
    area: str
    fields: tuple[str, ...]
    venue: str
    schedule: str
    audience: str
    how_to_join: str
    cost: str
    accessibility: str
    description: str


@dataclass(frozen=True)
class PlaceFilter:
    area: str = ""
    field: str = ""
    kind: str = ""


def may_edit(user: PlatformUser, place: Place) -> bool:
    """Staff of the organising organisation may edit a place; so may platform administrators, to take down
    what should not be on a public page."""
    if not user.is_authenticated:
        return False
    return user.is_platform_admin or (user.organisation_id is not None
                                      and user.organisation_id == place.organisation_id)


def _public(query):
    return query.join(Organisation, Organisation.id == Place.organisation_id).where(
        Organisation.status == OrganisationStatus.APPROVED)


def find(place_filter: PlaceFilter) -> list[Place]:
    """Places of member organisations, newest first, filtered by area, field and kind."""
    query = _public(select(Place))
    if place_filter.area:
        query = query.where(Place.area == place_filter.area)
    if place_filter.kind:
        query = query.where(Place.kind == place_filter.kind)
    if place_filter.field:
        query = query.where(Place.id.in_(select(PlaceField.place_id).where(PlaceField.field == place_filter.field)))
    return list(db.session.scalars(query.order_by(Place.updated_at.desc())))


def public_place(place_id: int) -> Place | None:
    return db.session.scalar(_public(select(Place)).where(Place.id == place_id))


def places_of(organisation: Organisation) -> list[Place]:
    return list(db.session.scalars(select(Place).where(Place.organisation_id == organisation.id).order_by(Place.name)))


def upcoming(place: Place, *, now: dt.datetime | None = None) -> list[PlaceSession]:
    now = now or utcnow()
    return [s for s in place.sessions if s.ends_at >= now]


def _assign(place: Place, details: PlaceDetails) -> None:
    for name in ("name", "kind", "area", "venue", "schedule", "audience", "how_to_join", "cost", "accessibility",
                 "description"):
        value = getattr(details, name)
        setattr(place, name, value.strip() if isinstance(value, str) else value)
    place.fields = [PlaceField(field=code) for code in sorted(set(details.fields))]
    place.updated_at = utcnow()


def create(*, actor: PlatformUser, details: PlaceDetails) -> Place:
    """Publish a place or activity of the actor's organisation. Raises PlaceError."""
    if actor.organisation_id is None:
        raise PlaceError(_("Only staff of a member organisation can publish places and activities."))
    place = Place(organisation_id=actor.organisation_id, version=1)
    _assign(place, details)
    db.session.add(place)
    record(tag=PlatformTag.PLACE_SAVED, actor=actor, target=place)
    db.session.commit()
    return place


def update(*, actor: PlatformUser, place: Place, details: PlaceDetails, version: int) -> None:
    """Save changes. Raises StaleEdit when someone saved the place after ``version`` was read."""
    lock_for_edit(place, version)
    _assign(place, details)
    record(tag=PlatformTag.PLACE_SAVED, actor=actor, target=place)
    db.session.commit()


def delete(*, actor: PlatformUser, place: Place) -> None:
    """Remove a place and its dates. Commits."""
    record(tag=PlatformTag.PLACE_DELETED, actor=actor, target=place)
    db.session.delete(place)
    db.session.commit()


def add_session(*, actor: PlatformUser, place: Place, starts_at: dt.datetime, ends_at: dt.datetime,
                note: str) -> PlaceSession:
    """Add a date (times in UTC). Raises PlaceError when it ends before it starts."""
    if ends_at <= starts_at:
        raise PlaceError(_("The end must be after the start."))
    session = PlaceSession(place_id=place.id, starts_at=starts_at, ends_at=ends_at, note=note.strip())
    db.session.add(session)
    place.updated_at = utcnow()
    record(tag=PlatformTag.PLACE_SAVED, actor=actor, target=place)
    db.session.commit()
    return session


def remove_session(*, actor: PlatformUser, place: Place, session_id: int) -> None:
    session = db.session.get(PlaceSession, session_id)
    if session is None or session.place_id != place.id:
        raise PlaceError(_("That date does not exist."))
    db.session.delete(session)
    record(tag=PlatformTag.PLACE_SAVED, actor=actor, target=place)
    db.session.commit()


def calendar_sessions(*, since: dt.datetime, area: str = "") -> list[PlaceSession]:
    """Dates of member organisations' places from ``since`` on, for the iCalendar feed."""
    query = _public(select(PlaceSession).join(Place, Place.id == PlaceSession.place_id)).where(
        PlaceSession.ends_at >= since)
    if area:
        query = query.where(Place.area == area)
    return list(db.session.scalars(query.order_by(PlaceSession.starts_at)))
