"""Importing the council's existing ledger (Excel or CSV): every row is checked before any is written.

The file is held in memory (``LedgerFile``: an upload never touches the disk) and read up to three times:

1. a scan for its limits and its header, with no database work, so an oversized or hostile file is refused
   before it costs anything (``ledger_import`` bounds size, rows, cells and, for .xlsx, zip and XML);
2. every row checked against the rules and, unless duplicates are allowed, against the council's cases — a
   batch of rows per short read transaction, so the file is never read while the database is held (on SQLite
   every transaction takes the write lock, and other users' pages would wait for it);
3. one write transaction creating every case: all rows or none.

Who may import into which institution is the access policy's (``access.policy.import_scope``): a supervisor
into their own institution, the coordinator into every member institution of the council. Importing grants
nobody anything: no assignment, no grant; the cases are read under the policy like any other.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from council.access.policy import import_scope
from council.access.reads import creating
from council.audit.events import AuditTag, record
from council.auth.models import Council, Institution, User
from council.cases.dates import today
from council.cases.ledger_import import LedgerFile, LedgerRow, RowError, RowErrors, checked_rows, read_rows
from council.cases.models import Case, Person, RecordKind, Risk, case_categories
from council.cases.records import new_record
from council.cases.search import SearchTerms, cases_holding, disclosable
from council.cases.services import PersonInput, new_case
from council.cases.vault import vault
from council.core.clock import japan_to_utc
from council.core.i18n import lazy_gettext as _l
from council.database import db

#: Before uploads were kept in memory, the import page saved each one as ``<temp folder>/tmp…/ledger.csv`` (or
#: .xlsx) and an interrupted request left it there, in plaintext. Such leftovers are removed at start-up once
#: they are this old (younger ones may belong to a request an older worker is still serving).
LEFTOVER_AGE = dt.timedelta(minutes=15)
_LEFTOVER_NAMES = frozenset({"ledger.csv", "ledger.xlsx"})
#: Rows whose duplicates are looked up in one read transaction: long enough to be quick, short enough that a
#: writer waits a fraction of a second at most.
DUPLICATE_BATCH = 200


class LedgerInvalid(Exception):
    """The file has errors; nothing was imported. ``errors`` name the row and the column of each."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


@dataclass
class ImportResult:
    imported: int
    first_number: str | None
    last_number: str | None


@dataclass(frozen=True)
class CheckedLedger:
    """A ledger whose every row passed the checks, with what writing it needs (``write_ledger``)."""

    source: LedgerFile
    council_id: int
    actor_id: int | None
    #: The council's institutions, name -> id.
    institutions: dict[str, int]
    categories: frozenset[str]
    default_institution: str | None
    only_institution: str | None
    on: dt.date
    rows: int

    def checked(self):
        """The file's rows, checked again as they are read (see ``ledger_import.checked_rows``)."""
        return checked_rows(read_rows(self.source), allowed_categories=set(self.categories),
                            institutions=set(self.institutions), default_institution=self.default_institution,
                            only_institution=self.only_institution, on=self.on)


def importable_institutions(actor: User) -> list[str]:
    """Names of the institutions ``actor`` may import cases into (for the page's default-institution choice)."""
    scope = import_scope(actor)
    query = select(Institution.name).where(Institution.council_id == actor.institution.council_id)
    if scope is not None:
        query = query.where(Institution.id == scope)
    return list(db.session.scalars(query.order_by(Institution.name)))


def check_ledger(source: Path | LedgerFile, *, council: Council, actor: User | None,
                 default_institution: str | None = None, allow_duplicates: bool = False,
                 on: dt.date | None = None) -> CheckedLedger:
    """Check the whole file; return it ready to write, or raise LedgerInvalid (every row error, capped) or
    ImportFileError (a file that cannot be read or passes a limit). ``actor`` None is the operator on the
    command line, who may import into any institution; otherwise ``access.policy.import_scope`` decides.

    Unless ``allow_duplicates``, a row whose person already has a case in the council (same blind index of
    kana, kanji name, kana surname with date of birth, or phone) is an error naming the holding institution,
    so importing the same ledger twice cannot double every case. That check is audited (which cases it
    disclosed) whether or not the file is then refused. No transaction is held while the file is read.
    Raises ValueError when ``default_institution`` is not an institution of the council.
    """
    ledger = source if isinstance(source, LedgerFile) else LedgerFile.from_path(source)
    institutions = {i.name: i.id for i in db.session.scalars(select(Institution)
                                                              .where(Institution.council_id == council.id))}
    scope = import_scope(actor) if actor is not None else None
    checked = CheckedLedger(
        source=ledger, council_id=council.id, actor_id=actor.id if actor is not None else None,
        institutions=institutions, categories=frozenset(case_categories()), default_institution=default_institution,
        only_institution=next((name for name, id_ in institutions.items() if id_ == scope), None),
        on=on or today(), rows=0)
    # Ends the request's transaction (on SQLite it holds the write lock) before the file is read.
    db.session.commit()
    if not allow_duplicates:
        sum(1 for _ in read_rows(ledger))  # every limit, before the duplicate checks query anything
    errors, count, disclosed = RowErrors(), 0, []
    batch: list[LedgerRow] = []
    for row, row_errors in checked.checked():
        if row is None:
            errors.add(row_errors)
            continue
        count += 1
        if not allow_duplicates:
            batch.append(row)
            if len(batch) == DUPLICATE_BATCH:
                disclosed += _duplicates(batch, checked, errors, actor)
    if not allow_duplicates:
        disclosed += _duplicates(batch, checked, errors, actor)
        # Which cases' existence was disclosed (side table), so an auditor finds the check under each of them.
        record(tag=AuditTag.DUPLICATE_CHECKED, actor=actor, council_id=council.id, target_type="case_file",
               cases=disclosed, reason=f"ledger import of {count} rows: {len(set(disclosed))} found")
        db.session.commit()
    if errors:
        raise LedgerInvalid(errors.listed())
    return dataclasses.replace(checked, rows=count)


def _duplicates(batch: list[LedgerRow], checked: CheckedLedger, errors: RowErrors, actor: User | None) -> list[int]:
    """Look up the batch's people among the council's cases in one short transaction; add an error for each row
    that matches and return the ids of the cases disclosed. Empties the batch."""
    names = {id_: name for name, id_ in checked.institutions.items()}
    disclosed = []
    for row in batch:
        found = _existing_cases(row, checked.council_id, actor)
        if found:
            disclosed += [case_id for case_id, _institution in found]
            errors.add([RowError(row.row, "氏名", _l(
                "A possible existing case is held by %(names)s. Check it, or import with duplicates allowed.",
                names="、".join(sorted({names.get(holder, "?") for _case_id, holder in found}))))])
    db.session.commit()  # releases the database until the next batch
    batch.clear()
    return disclosed


def _existing_cases(row: LedgerRow, council_id: int, actor: User | None) -> list[tuple[int, int]]:
    """(id, lead institution) of the council's cases whose subject matches the row's person, leaving out the 要配慮
    cases ``actor`` does not reach (``search.disclosable``)."""
    terms = SearchTerms(name=row.name, kana=row.kana, birth_date=row.birth_date, phone=row.phone)
    return list(db.session.execute(select(Case.id, Case.lead_institution_id).where(
        Case.council_id == council_id, Case.purged_at.is_(None), disclosable(actor),
        Case.id.in_(cases_holding(terms.conditions(), Person.relationship_kind == "subject")))).all())


def write_ledger(checked: CheckedLedger, *, progress=None) -> ImportResult:
    """Create a case (受付, urgency medium) for every row of a checked ledger, in one transaction: all or none.

    The row's 相談内容 becomes a support record of its own kind (「台帳から取込」), dated the intake date and
    written by nobody: it is what the old ledger said, not a contact by whoever imports it. Each case is
    audited (``case.imported`` with the row number). Raises LedgerInvalid if a row no longer passes (nothing
    written); any other error rolls everything back too.
    """
    actor = db.session.get(User, checked.actor_id) if checked.actor_id is not None else None
    imported, first, last = 0, None, None
    try:
        for row, row_errors in checked.checked():
            if row is None:  # the rules changed between the two readings
                raise LedgerInvalid(row_errors)
            case = _write_row(row, checked, actor)
            imported, first, last = imported + 1, first or case.number, case.number
            vault().forget(case)
            if imported % 500 == 0:
                # Write what is pending and let go of the objects, so memory does not grow with the file.
                db.session.flush()
                db.session.expunge_all()
            if progress:
                progress(1)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return ImportResult(imported, first, last)


def _write_row(row: LedgerRow, checked: CheckedLedger, actor: User | None) -> Case:
    lead = checked.institutions[row.institution]
    subject = PersonInput(name=row.name, kana=row.kana, birth_date=row.birth_date, sex=row.sex,
                          address=row.address, phone=row.phone)
    case = new_case(actor=actor, council_id=checked.council_id, lead_institution_id=lead,
                    intake_date=row.intake_date, categories=row.categories, risk=Risk.MEDIUM, subject=subject)
    if row.summary:
        # The ledger gives a day, not a time: the record is placed at the start of that day in Japan.
        new_record(case, actor=None, access=creating(case), occurred_at=japan_to_utc(row.intake_date),
                   kind=RecordKind.LEDGER, body=row.summary, institution_id=lead)
    # The file's own name may name a person; the row number is enough to trace a case to its source.
    record(tag=AuditTag.CASE_IMPORTED, actor=actor, target=case, council_id=checked.council_id, basis="import",
           reason=f"ledger row {row.row}")
    return case


def import_ledger(source: Path | LedgerFile, *, council: Council, actor: User | None,
                  default_institution: str | None = None, allow_duplicates: bool = False,
                  progress=None) -> ImportResult:
    """``check_ledger`` then ``write_ledger``: import every row of the file, or none (see both)."""
    checked = check_ledger(source, council=council, actor=actor, default_institution=default_institution,
                           allow_duplicates=allow_duplicates)
    return write_ledger(checked, progress=progress)


def remove_leftover_uploads(folder: Path | None = None) -> int:
    """Delete ledgers that earlier versions left in the system's temporary folder (see ``LEFTOVER_AGE``); return
    how many. Only folders this process's user owns that hold nothing but such a file are touched."""
    folder = Path(folder or tempfile.gettempdir())
    removed = 0
    for entry in folder.glob("tmp*"):
        try:
            if entry.is_symlink() or not entry.is_dir() or entry.stat().st_uid != os.getuid():
                continue
            names = os.listdir(entry)
            if len(names) != 1 or names[0] not in _LEFTOVER_NAMES:
                continue
            leftover = entry / names[0]
            if leftover.is_symlink() or not leftover.is_file() \
                    or time.time() - leftover.stat().st_mtime < LEFTOVER_AGE.total_seconds():
                continue
            leftover.unlink()
            entry.rmdir()
            removed += 1
        except OSError:  # gone meanwhile, or not ours to remove
            continue
    return removed
