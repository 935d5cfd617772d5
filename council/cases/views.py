"""Case pages. Each handler loads, authorises through access.policy, calls a service, renders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from council.access.policy import Access, Action, authorize, list_reach
from council.audit.events import record_denial
from council.auth.models import Institution, User
from council.cases import documents, lifecycle, records, search, services
from council.cases.errors import CaseError, StaleCase
from council.cases.forms import (
    DeleteRecordForm,
    ImportForm,
    IntakeForm,
    ListFilterForm,
    RecordForm,
    SearchForm,
    StatusForm,
)
from council.cases.models import Case, CaseStatus, RecordKind, SupportRecord
from council.cases.panels import panels_for
from council.core import clock
from council.core.web import query_int
from council.database import db
from council.security.forms import ConfirmForm


def colleagues() -> dict[int, User]:
    """Users of the current user's council by id, to name authors and assignees."""
    return {u.id: u for u in db.session.scalars(select(User).join(Institution).where(
        Institution.council_id == current_user.council_id))}


def institution_names() -> dict[int, str]:
    return {i.id: i.name for i in db.session.scalars(select(Institution).where(
        Institution.council_id == current_user.council_id))}


def load_case(case_id: int, action: Action) -> tuple[Case, Access]:
    """The case and the Access by which the current user may do ``action`` (services record ``access.basis``);
    404 when they may not, and the refusal is recorded (who, which case id, which action) in a transaction of
    its own."""
    case = db.session.get(Case, case_id)
    try:
        return case, authorize(current_user, action, case)
    except NotFound:
        record_denial(actor=current_user._get_current_object(), case_id=case_id, action=action)
        raise


def _filters(form: ListFilterForm) -> services.CaseFilter:
    return services.CaseFilter(status=form.status.data or "", category=form.category.data or "",
                               risk=form.risk.data or "", review_overdue=bool(form.overdue.data),
                               min_days_since_contact=int(form.days.data) if form.days.data else None,
                               open_only=bool(form.open_only.data),
                               page=request.args.get("page", 1, type=query_int))


def case_list():
    form = ListFilterForm(request.args)
    case_filter = _filters(form) if form.validate() else services.CaseFilter()
    listed, more = services.list_cases(actor=current_user, case_filter=case_filter)
    return render_template("cases/list.html", listed=listed, more=more, form=form, case_filter=case_filter,
                           ledger=False, reach=list_reach(current_user))


def ledger():
    form = ListFilterForm(request.args)
    case_filter = _filters(form) if form.validate() else services.CaseFilter()
    listed, more = services.list_cases(actor=current_user, case_filter=case_filter, ledger=True)
    institutions = institution_names()
    return render_template("cases/list.html", listed=listed, more=more, form=form, case_filter=case_filter,
                           ledger=True, institutions=institutions, reach=list_reach(current_user, ledger=True))


def _intake_terms(form: IntakeForm) -> search.SearchTerms:
    return search.SearchTerms(name=form.name.data or "", kana=form.kana.data or "",
                              birth_date=form.birth_date.date, phone=form.phone.data or "")


def case_new():
    form = IntakeForm()
    duplicates = []
    if form.validate_on_submit():
        duplicates = search.possible_duplicates(actor=current_user, terms=_intake_terms(form))
        if not duplicates or form.confirm_duplicate.data:
            subject = services.PersonInput(name=form.name.data, kana=form.kana.data, birth_date=form.birth_date.date,
                                           sex=form.sex.data or "", address=form.address.data or "",
                                           phone=form.phone.data or "")
            try:
                case = services.open_case(
                    actor=current_user, lead_institution=current_user.institution, intake_date=form.intake_date.date,
                    categories=form.categories.data, risk=form.risk.data, subject=subject,
                    assigned=[current_user._get_current_object()], key_person=form.key_person.data or "",
                    next_review_date=form.next_review_date.date, first_record=form.summary.data or "",
                    first_record_kind=form.summary_kind.data,
                    first_record_at=_aware(form.summary_at.data) if form.summary_at.data else None,
                    referral_source=form.referral_source.data, contact_person=form.contact_person.data or "")
            except CaseError as error:
                form.form_errors.append(str(error))
            else:
                flash(_("Case %(number)s was opened.", number=case.number), "info")
                return redirect(url_for("cases.view", case_id=case.id))
    elif request.method == "GET":
        form.intake_date.data = clock.japan_today().isoformat()
        form.summary_at.data = clock.japan_now().replace(tzinfo=None, second=0, microsecond=0)
    return render_template("cases/new.html", form=form, duplicates=duplicates), (400 if form.errors else 200)


def case_search():
    form = SearchForm()
    results = None
    if form.validate_on_submit():
        terms = search.SearchTerms(name=form.name.data or "", kana=form.kana.data or "",
                                   birth_date=form.birth_date.date, phone=form.phone.data or "")
        results = search.search(actor=current_user, terms=terms)
    return render_template("cases/search.html", form=form, results=results)


def case_view(case_id: int):
    case, access = load_case(case_id, Action.READ_FULL)  # the page shows everything: persons, records, files
    return _render_case(case, access.basis)


def _render_case(case: Case, basis: str, *, record_form: RecordForm | None = None,
                 status_form: StatusForm | None = None, panel_forms: dict | None = None,
                 delete_form: DeleteRecordForm | None = None, status: int = 200):
    """The case page; a refused form is shown again with what was typed, its error summary where it is (a
    panel's form by the panel's name in ``panel_forms``)."""
    view = services.read_case(actor=current_user, case=case, basis=basis)
    users = colleagues()
    institutions = institution_names()
    # The form shows Japan time, whatever the server's clock zone is.
    now_in_japan = clock.japan_now().replace(tzinfo=None, second=0, microsecond=0)
    record_form = record_form or RecordForm(formdata=None, occurred_at=now_in_japan)
    status_form = status_form or StatusForm(formdata=None, status=case.status, version=case.version)
    return render_template("cases/view.html", view=view, users=users, institutions=institutions,
                           record_form=record_form, status_form=status_form,
                           delete_form=delete_form or DeleteRecordForm(),
                           consents=documents.consents(case), plan=documents.current_plan(case),
                           panels=panels_for(case, basis, forms=panel_forms),
                           confirm_form=ConfirmForm(), history=lifecycle.status_history(case)), status


def case_print(case_id: int):
    """A printable summary; printing is a read of its own in the audit trail."""
    from council.audit.events import AuditTag

    case, access = load_case(case_id, Action.READ_FULL)
    view = services.read_case(actor=current_user, case=case, basis=access.basis, purpose=AuditTag.CASE_PRINTED)
    institutions = institution_names()
    return render_template("cases/print.html", view=view, institutions=institutions, plan=documents.current_plan(case),
                           consents=documents.consents(case))


def record_add(case_id: int):
    case, access = load_case(case_id, Action.WRITE_RECORD)
    form = RecordForm()
    if form.validate_on_submit():
        try:
            records.add_record(actor=current_user, case=case, basis=access.basis,
                               occurred_at=_aware(form.occurred_at.data), kind=form.kind.data, body=form.body.data)
        except CaseError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("The record was saved."), "info")
            return redirect(url_for("cases.view", case_id=case.id))
    return render_template("cases/record_form.html", form=form, case=case, row=None), 400


def record_edit(case_id: int, record_id: int):
    case, access = load_case(case_id, Action.WRITE_RECORD)
    row = db.session.get(SupportRecord, record_id)
    if row is None or row.case_id != case.id:
        abort(404)
    form = _record_form(row)
    current_text = None
    if form.validate_on_submit():
        try:
            records.edit_record(actor=current_user, case=case, basis=access.basis, row=row, version=form.version.data,
                                occurred_at=_aware(form.occurred_at.data), kind=form.kind.data, body=form.body.data)
        except StaleCase as error:
            form.form_errors.append(str(error))
            current_text = services.record_text(actor=current_user, case=case, basis=access.basis, row=row)
            form.version.data = row.version
        except CaseError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("The record was saved; the previous version is kept."), "info")
            return redirect(url_for("cases.view", case_id=case.id))
    elif request.method == "GET":
        text = services.record_text(actor=current_user, case=case, basis=access.basis, row=row)
        form = _record_form(row, formdata=None, occurred_at=clock.in_japan(row.occurred_at).replace(tzinfo=None),
                            kind=row.kind, body=text, version=row.version)
    status = 409 if current_text is not None else 400 if form.errors or form.form_errors else 200
    return render_template("cases/record_form.html", form=form, case=case, row=row, current_text=current_text), status


def _record_form(row: SupportRecord, **values) -> RecordForm:
    """The edit form; a record imported from the ledger keeps its kind unless the editor picks another."""
    form = RecordForm(**values)
    if row.kind == RecordKind.LEDGER:
        form.kind.choices = [(RecordKind.LEDGER.value, RecordKind.LEDGER.label), *form.kind.choices]
    return form


def record_history(case_id: int, record_id: int):
    case, access = load_case(case_id, Action.READ_FULL)
    row = db.session.get(SupportRecord, record_id)
    if row is None or row.case_id != case.id:
        abort(404)
    versions = records.history(actor=current_user, case=case, basis=access.basis, row=row)
    users = colleagues()
    return render_template("cases/record_history.html", case=case, row=row, versions=versions, users=users)


def record_delete(case_id: int, record_id: int):
    case, access = load_case(case_id, Action.WRITE_RECORD)
    row = db.session.get(SupportRecord, record_id)
    if row is None or row.case_id != case.id:
        abort(404)
    form = DeleteRecordForm()
    if form.validate_on_submit():
        try:
            records.delete_record(actor=current_user, case=case, basis=access.basis, row=row, reason=form.reason.data)
        except CaseError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("The record was deleted; its text is kept in the history with your reason."), "info")
            return redirect(url_for("cases.view", case_id=case.id))
    # Each record has its own delete form: the refused one is found by the id of its reason field.
    form.reason.id = form.reason.label.field_id = f"reason-{row.id}"
    return _render_case(case, access.basis, delete_form=form, status=400)


def status_change(case_id: int):
    case, access = load_case(case_id, Action.EDIT_DETAILS)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            if form.status.data == CaseStatus.CLOSED:
                _may_close(case)
            lifecycle.change_status(actor=current_user, case=case, basis=access.basis, to=form.status.data,
                                    reason=form.reason.data, version=form.version.data)
        except CaseError as error:
            form.form_errors.append(str(error))
            status = 409 if isinstance(error, StaleCase) else 400
            db.session.refresh(case)
            form.version.data = case.version  # what was typed stays; a second try builds on what is stored now
            return _render_case(case, access.basis, status_form=form, status=status)
        flash(_("The status was changed."), "info")
        return redirect(url_for("cases.view", case_id=case.id))
    return _render_case(case, access.basis, status_form=form, status=400)


def _may_close(case: Case) -> None:
    """Closing is the lead institution's (access.scopes.LEAD_ONLY_ACTIONS): a share, even a full one, explains."""
    try:
        authorize(current_user, Action.CLOSE, case)
    except NotFound:
        raise CaseError(_("Only the lead institution closes this case.")) from None


def _aware(value: dt.datetime) -> dt.datetime:
    """Times are typed in Japan time; the database keeps UTC."""
    return clock.wall_clock_to_utc(value)


def ledger_import():
    from council.access.policy import import_scope
    from council.cases.importer import LedgerInvalid, import_ledger, importable_institutions
    from council.cases.ledger_import import ImportFileError, LedgerFile
    from council.core.files import UploadError, read_upload

    form = ImportForm()
    shared = import_scope(current_user) is None  # the coordinator imports the council's shared ledger
    names = [(name, name) for name in importable_institutions(current_user)]
    none = ("", _("None: every row names its institution"))
    form.institution.choices = [none, *names] if shared else [*names, none]
    errors, status = [], 200
    if form.validate_on_submit():
        upload = form.ledger.data
        suffix = Path(upload.filename or "").suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            flash(_("Upload an .xlsx or .csv file."), "error")
            return render_template("cases/import.html", form=form, errors=[], shared=shared), 400
        try:
            # In memory only (the request class keeps uploads off the disk too): the ledger holds personal data.
            ledger = LedgerFile(suffix, read_upload(upload.stream))
            result = import_ledger(ledger, council=current_user.institution.council,
                                   actor=current_user._get_current_object(),
                                   default_institution=form.institution.data or None,
                                   allow_duplicates=form.allow_duplicates.data)
        except LedgerInvalid as invalid:
            errors, status = invalid.errors, 400
        except (ImportFileError, UploadError, ValueError) as error:
            flash(_("The file could not be read: %(error)s", error=str(error)), "error")
            status = 400
        else:
            flash(_("%(n)d cases were imported (%(first)s … %(last)s).", n=result.imported,
                    first=result.first_number, last=result.last_number), "info")
            return redirect(url_for("cases.ledger" if shared else "cases.list"))
    return render_template("cases/import.html", form=form, errors=errors, shared=shared), status
