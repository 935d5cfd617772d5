"""Exact-match search and duplicate detection on ciphertext, through blind indexes.

Search terms never leave this module: they are normalised and HMAC'd, and the audit event records which
kinds of index were used and how many cases were found — not the terms.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement
from werkzeug.exceptions import NotFound

from council.access.policy import Action, authorize, newest_reached, visible_cases
from council.access.reads import record_read
from council.access.scopes import Scope
from council.audit.events import AuditTag, record
from council.auth.models import Institution, User
from council.cases.duplicates import HitRefused, issue_hit_token, read_hit_token
from council.cases.models import Case, Person
from council.cases.services import ListedCase, subject_birth_date, subject_name
from council.cases.vault import vault
from council.core.db import reads_only
from council.database import db


@dataclass
class SearchTerms:
    name: str = ""
    kana: str = ""
    birth_date: dt.date | None = None
    phone: str = ""

    def index_values(self) -> dict[str, str]:
        """The blind index values to look for (any may match), by Person column; empty when nothing searchable was
        given."""
        indexes = vault().person_indexes(name=self.name, kana=self.kana,
                                         birth_iso=self.birth_date.isoformat() if self.birth_date else "",
                                         phone=self.phone)
        given = {"name_kanji_index": self.name, "name_kana_index": self.kana,
                 "surname_kana_birth_index": self.kana and self.birth_date, "phone_index": self.phone}
        return {column: indexes[column] for column, asked in given.items() if asked and indexes[column]}

    def conditions(self) -> list:
        """WHERE clauses for the given terms (any match); empty when nothing searchable was given."""
        return [getattr(Person, column) == value for column, value in self.index_values().items()]

    def kinds(self) -> str:
        return ",".join(k for k, v in (("name", self.name), ("kana", self.kana), ("birth", self.birth_date),
                                       ("phone", self.phone)) if v) or "none"


def cases_holding(conditions: list, *extra):
    """Ids of cases with a person matching any condition. Driven by the blind indexes (a correlated EXISTS
    would make the database probe every visible case: 46 ms instead of 0.4 ms at 100k cases on SQLite)."""
    return select(Person.case_id).where(or_(*conditions), *extra)


#: What a search result opens of each case found: the subject's name and date of birth.
RESULT_COLUMNS = frozenset({("person", "name"), ("person", "birth_date")})
#: The people of the cases found come with them (one query, not one per case): the subject's name is shown.
_WITH_PEOPLE = (selectinload(Case.persons),)


@functools.cache
def _holding(columns: tuple[str, ...]):
    """``cases_holding`` for these index columns, their values as bind parameters named after them: built once per
    kind of search, so that the policy builds the search's statement once too (``newest_reached``)."""
    return cases_holding([getattr(Person, column) == bindparam(column) for column in columns])


def search(*, actor: User, terms: SearchTerms) -> list[ListedCase]:
    """Cases ``actor`` may read in full that hold a person matching any given term, with the subject's name.

    Only a full reach counts: a name found in a case shared in summary would tell the searcher what the share
    withholds. Commits the audit event (which cases were found) before any name is decrypted."""
    values = terms.index_values()
    found = [] if not values else newest_reached(actor, among=_holding(tuple(values)), values=values,
                                                 scopes={Scope.FULL}, limit=100, load=_WITH_PEOPLE)
    record_read(tag=AuditTag.CASE_SEARCHED, actor=actor, reached=[access for _, access in found],
                only=RESULT_COLUMNS, reason=f"by {terms.kinds()}: {len(found)} found")
    reads_only()  # the event is committed; the names are read and the page rendered outside SQLite's write lock
    # The date of birth (with the age) tells apart two people of the same name.
    return [ListedCase(case=case, subject_name=subject_name(case), subject_birth_date=subject_birth_date(case))
            for case, _ in found]


def disclosable(actor: User | None) -> ColumnElement[bool]:
    """Cases whose people a match may disclose to ``actor``, as a WHERE clause on Case: every case that is not
    要配慮, and a 要配慮 one only to those who already reach it (own institution or a grant of any scope).

    A 要配慮 case hides its subject as well as its household: the person typing a name may be the one its people
    hide from (an abuser at another window, or a worker they persuaded), and "appears in a case held by the
    women's consultation centre" would tell where the victim is supported. Without an actor (the operator's
    command line) no 要配慮 case is disclosed."""
    not_restricted = Case.restricted.is_(False)
    return not_restricted if actor is None else or_(not_restricted, visible_cases(actor))


def may_ask_about(actor: User, case: Case | None) -> bool:
    """Whether ``actor`` may still act on a duplicate-check hit on ``case`` (ask its holder, request a referral, break
    the glass): a case of their council, not purged, and not 要配慮 unless they reach it. The pages that take a hit
    token (``cases.duplicates.read_hit_token``) ask this too, because a case may be marked 要配慮 after the check
    showed it."""
    if case is None or case.council_id != actor.council_id or case.purged_at is not None:
        return False
    return db.session.scalar(select(Case.id).where(Case.id == case.id, disclosable(actor))) is not None


def case_of_hit(token: str | None, actor: User) -> Case | None:
    """The case a hit token names, for the pages that ask about it without seeing it (ask the holder, ask for a
    referral): None for a missing, forged or expired token; HitRefused for another user's token or a case
    ``actor`` may no longer ask about (``may_ask_about``: e.g. marked 要配慮 since the check showed it)."""
    case_id = read_hit_token(token, actor)
    if case_id is None:
        return None
    case = db.session.get(Case, case_id)
    if not may_ask_about(actor, case):
        raise HitRefused(case_id)
    return case


def _reads_full(actor: User, case: Case) -> bool:
    try:
        authorize(actor, Action.READ_FULL, case)
    except NotFound:
        return False
    return True


@dataclass
class PossibleDuplicate:
    """A case in the council holding a person who matches: who holds it and how the person appears in it, never
    what it contains."""

    institution: Institution
    #: The person matched the case's subject (else only a household member of it).
    as_subject: bool
    visible_case: Case | None  # set only when the user may read that case anyway
    #: For a case the user cannot read: the signed token of this hit (``cases.duplicates``), which the links to ask
    #: its holder carry instead of the case's id.
    hit_token: str | None = None


def possible_duplicates(*, actor: User, terms: SearchTerms) -> list[PossibleDuplicate]:
    """At intake: does a person with these index values exist anywhere in the council, as the subject of a case or
    a member of its household? One hit per case, subjects first. Commits the event.

    Only the holding institution and how the person appears are revealed (so the caseworker can ask it), not the
    case's content. A 要配慮 case is never matched for a user who does not reach it (``disclosable``): not as a
    hit, not in the count, not as "held by".
    """
    conditions = terms.conditions()
    rows = [] if not conditions else db.session.execute(
        select(Case, Person.relationship_kind).join(Person, Person.case_id == Case.id)
        .where(or_(*conditions), Person.deleted_at.is_(None), Case.council_id == actor.council_id,
               Case.purged_at.is_(None), disclosable(actor))
        .order_by(Case.intake_date.desc(), Case.id)).all()
    subject_of: dict[int, bool] = {}
    matches: dict[int, Case] = {}
    for case, kind in rows:
        matches[case.id] = case
        subject_of[case.id] = subject_of.get(case.id, False) or kind == "subject"
    hits = [_hit(actor, case, as_subject=subject_of[case.id]) for case in matches.values()]
    # Which cases' existence was disclosed (side table), so an auditor finds the check under each of them.
    household = sum(1 for hit in hits if not hit.as_subject)
    record(tag=AuditTag.DUPLICATE_CHECKED, actor=actor, target_type="case_file", cases=list(matches.values()),
           reason=f"by {terms.kinds()}: {len(matches)} found, {household} as household member")
    db.session.commit()
    return sorted(hits, key=lambda hit: not hit.as_subject)


def _hit(actor: User, case: Case, *, as_subject: bool) -> PossibleDuplicate:
    institution = db.session.get(Institution, case.lead_institution_id)
    if _reads_full(actor, case):
        return PossibleDuplicate(institution=institution, as_subject=as_subject, visible_case=case)
    return PossibleDuplicate(institution=institution, as_subject=as_subject, visible_case=None,
                             hit_token=issue_hit_token(case.id, actor))
