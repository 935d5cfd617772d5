"""The 公示 (孤独・孤立対策推進法 第15条第2項 and its 施行規則): what the head of the municipality announces publicly
once the council is set up — that it was established, its name, its 調整機関 if one is designated, and the names of
its member institutions.

Nothing here is about a person or a case: it is the council's own public information. The date of establishment
is not kept by the system (the council has no such field): the printed notice leaves it for the municipality to
fill in, as it fills in the notice's number and the head's name.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from council.auth.models import Council, Institution, User
from council.database import db


@dataclass(frozen=True)
class Member:
    name: str
    #: InstitutionType code.
    kind: str
    coordinator: bool


@dataclass(frozen=True)
class Notice:
    council_name: str
    #: The 調整機関, or None when the council has not designated one.
    coordinator: Member | None
    #: Every member institution, by name.
    members: list[Member]


def council_notice(*, actor: User) -> Notice:
    """The 公示 of ``actor``'s council."""
    council = db.session.get(Council, actor.council_id)
    members = [Member(name=i.name, kind=i.kind, coordinator=bool(i.is_coordinator)) for i in db.session.scalars(
        select(Institution).where(Institution.council_id == council.id).order_by(Institution.name))]
    coordinator = next((m for m in members if m.coordinator), None)
    return Notice(council_name=council.name, coordinator=coordinator, members=members)
