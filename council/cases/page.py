"""The case page (and its print) as its reader may see it: one service records the read and returns exactly the
sections the reader's scope allows; the template renders what it is given.

A full reach gets everything: persons, records, the plan, consent, the status history, the panels features add.
A summary reach (a summary share, an information request) gets DESIGN §5's summary: the case number, its
categories and risk, the plan itself and the contact person, with the ledger's plaintext metadata (status, lead
institution, dates) — no name, address, phone, record body or file. What a section needs to open decides whether
the scope has it (``access.scopes.may_open``), so the page and the vault follow the same table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import Integer, Row, bindparam, select

from council.access.policy import Access
from council.access.reads import record_read
from council.access.scopes import may_open, may_seal
from council.audit.events import AuditTag
from council.auth.models import User
from council.cases import documents, lifecycle
from council.cases.models import Case, CaseAssignment, CaseCategory, Person, SupportRecord
from council.cases.panels import Panel, panels_for
from council.cases.services import PersonView, names, read_person
from council.cases.vault import vault
from council.core.db import prepared
from council.database import db


@dataclass
class RecordView:
    id: int
    occurred_at: dt.datetime
    kind: str
    author_id: int | None
    institution_id: int
    body: str
    version: int
    edited: bool
    deleted: bool
    delete_reason: str = ""


@dataclass
class CasePage:
    """One reading of a case. A section the reader's scope does not cover is None (not an empty list: the page
    says nothing about what it cannot show)."""

    case: Case
    access: Access
    #: The reader sees who the case is about, and works on it: persons, records, forms and links to change it.
    full: bool
    #: The reader may also change it (not a read-only reach: a transfer's close-out reads everything, writes nothing).
    writes: bool
    #: 相談者, decrypted (in every scope that reads the case).
    contact_person: str
    #: The newest plan, opened as far as the scope allows (a summary: the plan itself, not assessment or goals).
    plan: documents.PlanView
    persons: list[PersonView] | None = None
    records: list[RecordView] | None = None
    consents: list[documents.ConsentView] | None = None
    #: Each status change (a row of its table's columns) with its decrypted reason.
    history: list[tuple[Row, str]] | None = None
    key_person: str | None = None
    closure_reason: str | None = None
    #: Ids of the workers assigned to the case.
    assigned: list[int] | None = None
    #: Sections that features add (``cases.panels``), built for this access.
    panels: list[Panel] = field(default_factory=list)
    #: The case's concerns (困りごと), in the order they were given.
    categories: list[str] = field(default_factory=list)
    #: Display names of the users the page mentions (authors, assignees, who changed the status), by id.
    users: dict[int, str] = field(default_factory=dict)
    #: Names of the institutions the page mentions (lead, records, consent recipients), by id.
    institutions: dict[int, str] = field(default_factory=dict)


def read_case_page(*, actor: User, case: Case, access: Access, printing: bool = False,
                   panel_forms: Mapping[str, object] | None = None, tag: AuditTag | None = None,
                   reason: str | None = None) -> CasePage:
    """Record that ``actor`` reads ``case`` by ``access`` (``case:file:printed`` when ``printing``; ``tag`` when a
    feature reads it for a purpose of its own; ``reason``: a code saying which, e.g. a disclosure report's print),
    then decrypt the sections its scope covers. Commits the event first: if it cannot be written, nothing is shown
    (fail closed).

    ``panel_forms`` maps a panel's name to its refused form (shown again with what was typed). A print has no
    panels."""
    record_read(tag=tag or (AuditTag.CASE_PRINTED if printing else AuditTag.CASE_VIEWED), actor=actor, case=case,
                access=access, reason=reason)
    scope = access.scope
    opened = vault().texts(case, [c for c in _CASE_COLUMNS if may_open(scope, "case_file", c)])
    page = CasePage(case=case, access=access, full=may_open(scope, "person", "name"),
                    writes=may_seal(scope, "person", "name"), contact_person=opened.get("contact_person", ""),
                    plan=documents.current_plan(case, scope=scope), key_person=opened.get("key_person"),
                    closure_reason=opened.get("closure_reason"))
    page.categories = list(db.session.scalars(_CATEGORIES, {"case_id": case.id}))
    if page.full:
        page.persons = [read_person(p) for p in db.session.execute(_PERSONS, {"case_id": case.id})]
        page.assigned = list(db.session.scalars(_ASSIGNED, {"case_id": case.id}))
    if may_open(scope, "support_record", "body"):
        page.records = _records(case)
    if may_open(scope, "consent", "purpose"):
        page.consents = documents.consents(case)
    if may_open(scope, "case_status_change", "reason"):
        page.history = lifecycle.status_history(case)
    if not printing:
        page.panels = panels_for(case, access, forms=panel_forms)
    _name(page)
    return page


# The page's own reads, built once: building a statement in Python cost more than SQLite took to run it (issue 13).
# What the page shows is loaded here, explicitly, not by lazy loads from the template. Plain values are selected from
# the tables' columns, not the mapped attributes: a select of mapped attributes runs through the ORM's execution even
# when it loads no object, which took twice as long as the statement itself.
_CASE_ID = bindparam("case_id", type_=Integer)
_CATEGORY, _ASSIGNMENT = CaseCategory.__table__.c, CaseAssignment.__table__.c
_PERSON, _RECORD = Person.__table__, SupportRecord.__table__
_CATEGORIES = prepared(select(_CATEGORY.category).where(_CATEGORY.case_id == _CASE_ID).order_by(_CATEGORY.id))
# Persons and records as plain rows too: the page shows them and changes nothing, and loading them as mapped objects
# (identity map, instance state) took as long again as the statements (the vault opens plain rows by table name).
_PERSONS = prepared(select(_PERSON).where(_PERSON.c.case_id == _CASE_ID, _PERSON.c.deleted_at.is_(None))
                    .order_by(_PERSON.c.id))
_ASSIGNED = prepared(select(_ASSIGNMENT.user_id).where(_ASSIGNMENT.case_id == _CASE_ID).order_by(_ASSIGNMENT.id))
_RECORDS = prepared(select(_RECORD).where(_RECORD.c.case_id == _CASE_ID)
                    .order_by(_RECORD.c.occurred_at.desc(), _RECORD.c.id.desc()))


#: The case's own encrypted fields the page shows, each where the scope opens it (else None on the page).
_CASE_COLUMNS = ("contact_person", "key_person", "closure_reason")


def _records(case: Case) -> list[RecordView]:
    texts, rows = vault().texts, db.session.execute(_RECORDS, {"case_id": case.id})
    return [RecordView(id=r.id, occurred_at=r.occurred_at, kind=r.kind, author_id=r.author_id,
                       institution_id=r.institution_id, version=r.version, edited=r.version > 1,
                       deleted=r.deleted_at is not None, **texts(r, _RECORD_COLUMNS, table=_RECORD.name)) for r in rows]


_RECORD_COLUMNS = ("body", "delete_reason")


def _name(page: CasePage) -> None:
    """Names for exactly the users and institutions the page shows (one query), not the council's every user."""
    users = [*(page.assigned or ()), *(r.author_id for r in page.records or ()),
             *(change.changed_by for change, _reason in page.history or ()), page.plan.written_by]
    institutions = [page.case.lead_institution_id, *(r.institution_id for r in page.records or ()),
                    *(i for consent in page.consents or () for i in consent.recipient_institution_ids)]
    page.users, page.institutions = names(users=users, institutions=institutions)
