"""Pages for consent, the plan and attachments of a case: the case gate loads and authorises, the handler calls
the service and renders."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from council.access.gate import case_gate
from council.access.policy import Action
from council.access.scopes import may_open, may_seal
from council.cases import documents
from council.cases.errors import CaseError, StaleCase
from council.cases.forms import AttachmentForm, ConsentForm, PlanForm, RemoveForm
from council.cases.models import Attachment, Consent
from council.cases.panels import Panel
from council.cases.services import user_names
from council.cases.views import render_case
from council.core.downloads import content_disposition
from council.core.files import MAX_UPLOAD_BYTES
from council.core.i18n import gettext as _
from council.core.i18n import ngettext
from council.database import db
from council.security.forms import ConfirmForm


@case_gate(Action.EDIT_DETAILS)
def consent_add(case, access):
    form = ConsentForm()
    form.recipient_institutions.choices = documents.consent_recipient_choices(case)
    if form.validate_on_submit():
        try:
            documents.record_consent(actor=current_user, case=case, access=access,
                                     purpose_code=form.purpose_code.data, purpose=form.purpose.data,
                                     recipient_institution_ids=form.recipient_institutions.data,
                                     recipients=form.recipients.data, scope=form.scope.data,
                                     obtained_on=form.obtained_on.date, obtained_how=form.obtained_how.data,
                                     given_by=form.given_by.data,
                                     representative_relationship=form.representative_relationship.data or "")
        except CaseError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("The consent was recorded."), "info")
            return redirect(url_for("cases.view", case_id=case.id))
    return render_template("cases/consent_form.html", form=form, case=case), (400 if form.errors else 200)


@case_gate(Action.EDIT_DETAILS, consent=Consent)
def consent_withdraw(case, access, consent):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(404)
    try:
        ended = documents.withdraw_consent(actor=current_user, case=case, access=access, consent=consent,
                                           version=form.version.data)
    except CaseError as error:
        flash(str(error), "error")
    else:
        flash(_("The consent was marked as withdrawn."), "info")
        if ended:
            flash(ngettext("The share resting on it has ended.", "The %(num)d shares resting on it have ended.",
                           ended), "info")
    return redirect(url_for("cases.view", case_id=case.id))


@case_gate(Action.EDIT_DETAILS)
def plan_edit(case, access):
    form = PlanForm()
    current = None
    if form.validate_on_submit():
        try:
            documents.save_plan(actor=current_user, case=case, access=access, based_on=form.based_on.data,
                                assessment=form.assessment.data, plan=form.plan.data, goals=form.goals.data)
        except StaleCase as error:
            form.form_errors.append(str(error))
            db.session.rollback()
            current = documents.read_plan(actor=current_user, case=case, access=access)  # shown below the form
            form.based_on.data = current.version
        except CaseError as error:
            form.form_errors.append(str(error))
            return render_template("cases/plan_form.html", form=form, case=case, current=None), 400
        else:
            flash(_("The plan was saved as a new version."), "info")
            return redirect(url_for("cases.view", case_id=case.id))
    else:
        plan = documents.read_plan(actor=current_user, case=case, access=access)
        form = PlanForm(formdata=None, assessment=plan.assessment, plan=plan.plan, goals=plan.goals,
                        based_on=plan.version)
    return render_template("cases/plan_form.html", form=form, case=case, current=current), \
        (409 if current is not None else 200)


@case_gate(Action.READ_FULL)
def plan_history(case, access):
    versions = documents.plan_versions(actor=current_user, case=case, access=access)
    return render_template("cases/plan_history.html", case=case, versions=versions,
                           users=user_names(v.written_by for v in versions))


@case_gate(Action.WRITE_RECORD)
def attachment_add(case, access):
    form = AttachmentForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            documents.add_attachment(actor=current_user, case=case, access=access, filename=upload.filename or "",
                                     content=upload.read(MAX_UPLOAD_BYTES + 1))
        except CaseError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("The file was stored (encrypted)."), "info")
            return redirect(url_for("cases.view", case_id=case.id))
    return render_case(case, access, panel_forms={"attachments": form}, status=400)


def attachments_panel(case, access, *, form: AttachmentForm | None = None, has_rows: bool = True) -> Panel | None:
    """The case page's files: each with its download and remove links, and the upload form (with its problems
    after a refused upload). Built after the page recorded its read: the file names are decrypted. None for a
    reach that does not read files (a summary share). ``has_rows`` False (``documents.any_attachment``): no file
    to look for."""
    if not may_open(access.scope, "attachment", "filename"):
        return None
    return Panel(name="attachments", title=_("Attachments"), template="cases/panels/attachments.html",
                 context={"attachments": documents.attachments(case) if has_rows else [],
                          "form": form or AttachmentForm(),
                          # a read-only reach (a transfer's close-out) downloads, but neither uploads nor removes
                          "writes": may_seal(access.scope, "attachment", "content")})


@case_gate(Action.READ_ATTACHMENT, attachment=Attachment)
def attachment_download(case, access, attachment):
    try:
        file = documents.download(actor=current_user, case=case, access=access, attachment=attachment)
    except CaseError:
        abort(404)
    return Response(file.content, mimetype=file.content_type, headers={
        "Content-Disposition": content_disposition(file.filename, fallback=file.fallback_name),
        "X-Content-Type-Options": "nosniff"})


@case_gate(Action.WRITE_RECORD, attachment=Attachment)
def attachment_remove(case, access, attachment):
    """Confirm and remove a file added by mistake (its ciphertext is deleted; the reason kept)."""
    form, status = RemoveForm(), 200
    if form.validate_on_submit():
        try:
            documents.remove_attachment(actor=current_user, case=case, access=access, attachment=attachment,
                                        reason=form.reason.data)
        except CaseError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
            status = 400
        else:
            flash(_("The file was removed; its content is deleted."), "info")
            return redirect(url_for("cases.view", case_id=case.id))
    elif request.method == "POST":
        status = 400
    info = documents.attachment_info(actor=current_user, case=case, access=access, attachment=attachment)
    return render_template("cases/attachment_remove.html", form=form, case=case, info=info), status
