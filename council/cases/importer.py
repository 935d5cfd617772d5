"""Importing the council's existing ledger (Excel or CSV): every row is checked before any is written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from council.audit.events import AuditTag, record
from council.auth.models import Council, Institution, User
from council.cases.dates import today
from council.cases.ledger_import import LedgerRow, RowError, RowErrors, checked_rows, read_rows
from council.cases.models import Case, Person, Risk, case_categories
from council.cases.search import SearchTerms, cases_holding
from council.cases.services import PersonInput, new_case
from council.cases.vault import vault
from council.database import db


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


def _checked(path: Path, council: Council, default_institution: str | None, only_institution: str | None,
             on: dt.date):
    """The council's institutions (name -> id) and the file's rows, checked one at a time as they are read."""
    institutions = {i.name: i.id for i in db.session.scalars(select(Institution)
                                                              .where(Institution.council_id == council.id))
                    if only_institution is None or i.name == only_institution}
    return institutions, checked_rows(read_rows(path), allowed_categories=set(case_categories()),
                                      institutions=set(institutions), default_institution=default_institution, on=on)


def check_ledger(path: Path, *, council: Council, default_institution: str | None, allow_duplicates: bool = False,
                 actor: User | None = None, only_institution: str | None = None, on: dt.date | None = None) -> int:
    """Validate the whole file; return how many rows it would import, or raise LedgerInvalid (ImportFileError for
    unreadable files). Only errors are kept while reading, so memory does not grow with the file.

    Unless ``allow_duplicates``, a row whose person already has a case in the council (same blind index of
    kana, kanji name, kana surname with date of birth, or phone) is an error naming the holding institution,
    so importing the same ledger twice cannot double every case. The check is audited (which cases it
    disclosed) whether or not the file is then refused. ``only_institution`` restricts 担当機関 to one
    institution (a supervisor's upload may create cases of their own institution only).
    """
    _institutions, checked = _checked(path, council, default_institution, only_institution, on or today())
    names = {i.id: i.name for i in db.session.scalars(select(Institution).where(Institution.council_id == council.id))}
    errors, disclosed, count = RowErrors(), [], 0
    for row, row_errors in checked:
        if row is None:
            errors.add(row_errors)
            continue
        count += 1
        if not allow_duplicates:
            found = _existing_cases(row, council)
            disclosed += [number for number, _institution in found]
            if found:
                errors.add([RowError(row.row, "氏名", _l(
                    "A possible existing case is held by %(names)s. Check it, or import with duplicates allowed.",
                    names="、".join(sorted({names[holder] for _number, holder in found}))))])
    if not allow_duplicates:
        record(tag=AuditTag.DUPLICATE_CHECKED, actor=actor, council_id=council.id, target_type="case_file",
               reason=f"ledger import of {count} rows: {','.join(disclosed) or 'no match'}")
        db.session.commit()
    if errors:
        raise LedgerInvalid(errors.listed())
    return count


def _existing_cases(row: LedgerRow, council: Council) -> list[tuple[str, int]]:
    """(number, lead institution) of the council's cases whose subject matches the row's person."""
    terms = SearchTerms(name=row.name, kana=row.kana, birth_date=row.birth_date, phone=row.phone)
    return list(db.session.execute(select(Case.number, Case.lead_institution_id).where(
        Case.council_id == council.id, Case.purged_at.is_(None),
        Case.id.in_(cases_holding(terms.conditions(), Person.relationship_kind == "subject")))).all())


def import_ledger(path: Path, *, council: Council, actor: User | None, default_institution: str | None = None,
                  allow_duplicates: bool = False, only_institution: str | None = None,
                  progress=None) -> ImportResult:
    """Import every row as a new case (受付, urgency medium), in one transaction: all rows or none.

    The file is read twice: first every row is checked (``check_ledger``), then the rows are written, so
    neither pass holds the file's rows. Each case is audited (``case.imported`` with the row number); the
    相談内容 becomes its first record. Raises LedgerInvalid (nothing written) when any row has an error.
    """
    on = today()
    check_ledger(path, council=council, default_institution=default_institution, allow_duplicates=allow_duplicates,
                 actor=actor, only_institution=only_institution, on=on)
    institutions, checked = _checked(path, council, default_institution, only_institution, on)
    imported, first, last = 0, None, None
    for row, row_errors in checked:
        if row is None:  # the file changed between the two readings
            db.session.rollback()
            raise LedgerInvalid(row_errors)
        subject = PersonInput(name=row.name, kana=row.kana, birth_date=row.birth_date, sex=row.sex,
                              address=row.address, phone=row.phone)
        case = new_case(actor=actor, council_id=council.id, lead_institution_id=institutions[row.institution],
                        intake_date=row.intake_date, categories=row.categories, risk=Risk.MEDIUM, subject=subject,
                        first_record=row.summary)
        # The file's own name may name a person; the row number is enough to trace a case to its source.
        record(tag=AuditTag.CASE_IMPORTED, actor=actor, target=case, council_id=council.id, basis="import",
               reason=f"ledger row {row.row}")
        imported, first, last = imported + 1, first or case.number, case.number
        vault().forget(case)
        if imported % 500 == 0:
            # Write what is pending and let go of the objects, so memory does not grow with the file.
            db.session.flush()
            db.session.expunge_all()
        if progress:
            progress(1)
    db.session.commit()
    return ImportResult(imported, first, last)
