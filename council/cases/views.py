"""Case pages. The case gate (``access.gate``) loads and authorises; each handler calls a service and renders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound

from council.access.gate import case_gate
from council.access.policy import Access, Action, authorize, list_reach
from council.cases import lifecycle, records, search, services
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
from council.cases.page import read_case_page
from council.core import clock
from council.core.i18n import gettext as _
from council.core.web import changes_nothing, query_int
from council.database import db
from council.security.forms import ConfirmForm


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
                           reach=list_reach(current_user))


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


@changes_nothing  # a search changes nothing: the header's inbox count is not counted again
def case_search():
    form = SearchForm()
    results = None
    if form.validate_on_submit():
        terms = search.SearchTerms(name=form.name.data or "", kana=form.kana.data or "",
                                   birth_date=form.birth_date.date, phone=form.phone.data or "")
        results = search.search(actor=current_user, terms=terms)
    return render_template("cases/search.html", form=form, results=results)


@case_gate(Action.READ_SUMMARY)  # a full reach sees the whole page, a summary share the summary (cases.page)
def case_view(case, access):
    return render_case(case, access)


def render_case(case: Case, access: Access, *, record_form: RecordForm | None = None,
                 status_form: StatusForm | None = None, panel_forms: dict | None = None,
                 delete_form: DeleteRecordForm | None = None, status: int = 200):
    """The case page; a refused form is shown again with what was typed, its error summary where it is (a
    panel's form by the panel's name in ``panel_forms``)."""
    page = read_case_page(actor=current_user, case=case, access=access, panel_forms=panel_forms)
    # The form shows Japan time, whatever the server's clock zone is.
    now_in_japan = clock.japan_now().replace(tzinfo=None, second=0, microsecond=0)
    record_form = record_form or RecordForm(formdata=None, occurred_at=now_in_japan)
    status_form = status_form or StatusForm(formdata=None, status=case.status, version=case.version)
    # A form is built where the page shows it: a consent's withdrawal button is the only use of ConfirmForm here, and
    # the records' delete forms are plain markup unless one was refused (building a form with its CSRF field costs
    # about as much as rendering it; issue 13).
    return render_template("cases/view.html", page=page, record_form=record_form, status_form=status_form,
                           delete_form=delete_form,
                           confirm_form=ConfirmForm() if page.consents else None), status


@case_gate(Action.READ_SUMMARY)
def case_print(case, access):
    """A printable page of what the reader may see; printing is a read of its own in the audit trail."""
    page = read_case_page(actor=current_user, case=case, access=access, printing=True)
    return render_template("cases/print.html", page=page)


@case_gate(Action.WRITE_RECORD)
def record_add(case, access):
    form = RecordForm()
    if form.validate_on_submit():
        try:
            records.add_record(actor=current_user, case=case, access=access,
                               occurred_at=_aware(form.occurred_at.data), kind=form.kind.data, body=form.body.data)
        except CaseError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("The record was saved."), "info")
            return redirect(url_for("cases.view", case_id=case.id))
    return render_template("cases/record_form.html", form=form, case=case, row=None), 400


@case_gate(Action.WRITE_RECORD, record=SupportRecord)
def record_edit(case, access, record):
    form = _record_form(record)
    current_text = None
    if form.validate_on_submit():
        try:
            records.edit_record(actor=current_user, case=case, access=access, row=record, version=form.version.data,
                                occurred_at=_aware(form.occurred_at.data), kind=form.kind.data, body=form.body.data)
        except StaleCase as error:
            form.form_errors.append(str(error))
            current_text = records.record_text(actor=current_user, case=case, access=access, row=record)
            form.version.data = record.version
        except CaseError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("The record was saved; the previous version is kept."), "info")
            return redirect(url_for("cases.view", case_id=case.id))
    elif request.method == "GET":
        text = records.record_text(actor=current_user, case=case, access=access, row=record)
        form = _record_form(record, formdata=None, occurred_at=clock.in_japan(record.occurred_at).replace(tzinfo=None),
                            kind=record.kind, body=text, version=record.version)
    status = 409 if current_text is not None else 400 if form.errors or form.form_errors else 200
    return render_template("cases/record_form.html", form=form, case=case, row=record,
                           current_text=current_text), status


def _record_form(row: SupportRecord, **values) -> RecordForm:
    """The edit form; a record imported from the ledger (or an information request's answer) keeps its kind unless
    the editor picks another."""
    form = RecordForm(**values)
    if row.kind not in RecordKind.written():
        form.kind.choices = [(row.kind, RecordKind(row.kind).label), *form.kind.choices]
    return form


@case_gate(Action.READ_FULL, removed=True, record=SupportRecord)  # a deleted record's earlier versions stay
def record_history(case, access, record):
    versions = records.history(actor=current_user, case=case, access=access, row=record)
    users = services.user_names(rev.replaced_by for rev, _body in versions)
    return render_template("cases/record_history.html", case=case, row=record, versions=versions, users=users)


@case_gate(Action.WRITE_RECORD, record=SupportRecord)
def record_delete(case, access, record):
    form = DeleteRecordForm()
    if form.validate_on_submit():
        try:
            records.delete_record(actor=current_user, case=case, access=access, row=record, reason=form.reason.data)
        except CaseError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("The record was deleted; its text is kept in the history with your reason."), "info")
            return redirect(url_for("cases.view", case_id=case.id))
    # Each record has its own delete form: the refused one is found by the id of its reason field.
    form.reason.id = form.reason.label.field_id = f"reason-{record.id}"
    return render_case(case, access, delete_form=form, status=400)


@case_gate(Action.EDIT_DETAILS)
def status_change(case, access):
    form = StatusForm()
    if form.validate_on_submit():
        try:
            if form.status.data == CaseStatus.CLOSED:
                _may_close(case)
            lifecycle.change_status(actor=current_user, case=case, access=access, to=form.status.data,
                                    reason=form.reason.data, version=form.version.data)
        except CaseError as error:
            form.form_errors.append(str(error))
            status = 409 if isinstance(error, StaleCase) else 400
            db.session.refresh(case)
            form.version.data = case.version  # what was typed stays; a second try builds on what is stored now
            return render_case(case, access, status_form=form, status=status)
        flash(_("The status was changed."), "info")
        return redirect(url_for("cases.view", case_id=case.id))
    return render_case(case, access, status_form=form, status=400)


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
            return redirect(url_for("ledger.page" if shared else "cases.list"))
    return render_template("cases/import.html", form=form, errors=errors, shared=shared), status
