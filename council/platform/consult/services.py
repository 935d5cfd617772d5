"""Keeping the list of consultation windows. Each writing function commits and audits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from council.core.db import utcnow
from council.core.editing import lock_for_edit
from council.platform.audit import PlatformTag, record
from council.platform.consult.models import ConsultationWindow
from council.platform.database import db
from council.platform.models import PlatformUser


@dataclass(frozen=True)
class WindowDetails:
    name: str
    operator: str
    topics: str
    contact: str
    hours: str
    url: str
    position: int


def windows() -> list[ConsultationWindow]:
    return list(db.session.scalars(select(ConsultationWindow).order_by(ConsultationWindow.position,
                                                                       ConsultationWindow.name)))


def _assign(window: ConsultationWindow, details: WindowDetails) -> None:
    for name in ("name", "operator", "topics", "contact", "hours", "url"):
        setattr(window, name, getattr(details, name).strip())
    window.position, window.updated_at = details.position, utcnow()


def save(*, actor: PlatformUser, window: ConsultationWindow | None, details: WindowDetails,
         version: int | None = None) -> ConsultationWindow:
    """Add a window, or change one (raises StaleEdit when someone saved it after ``version`` was read)."""
    if window is None:
        window = ConsultationWindow(version=1)
        db.session.add(window)
    else:
        lock_for_edit(window, version)
    _assign(window, details)
    record(tag=PlatformTag.CONSULT_WINDOW_SAVED, actor=actor, target=window)
    db.session.commit()
    return window


def remove(*, actor: PlatformUser, window: ConsultationWindow) -> None:
    record(tag=PlatformTag.CONSULT_WINDOW_DELETED, actor=actor, target=window)
    db.session.delete(window)
    db.session.commit()
