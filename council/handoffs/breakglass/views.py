"""Break-glass pages: thin — load (the case gate for the case page's buttons), call a service, render."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from council.access.gate import case_gate
from council.access.scopes import Action
from council.audit.events import AuditTag, record_denial
from council.cases.duplicates import HitRefused, read_hit_token
from council.cases.services import institution_names
from council.core.i18n import gettext as _
from council.core.web import query_int
from council.database import db
from council.handoffs.breakglass import review as reviews
from council.handoffs.breakglass import services
from council.handoffs.breakglass.forms import ActForm, BreakGlassForm, ReviewForm
from council.handoffs.breakglass.models import BreakGlass, Via


def open_case():
    """Name a case and say why it must be opened now. A user who already reaches it is sent to it; a hit of the
    duplicate check (``?hit=``) names the case without showing its number."""
    form = BreakGlassForm(hit=request.args.get("hit", ""))
    hit_case_id, expired = _hit_case_id(form)
    case, problem = None, None
    if hit_case_id is not None or (request.method == "POST" and not expired):
        try:
            case = services.find_case(actor=current_user, number=form.case_number.data or "", case_id=hit_case_id)
        except services.BreakGlassRefused as error:
            problem = error
        else:
            if services.existing_access(actor=current_user, case=case) is not None:
                flash(_("You can already open case %(number)s; no emergency access is needed.", number=case.number),
                      "info")
                return redirect(url_for("cases.view", case_id=case.id))
    hit_case = case if hit_case_id is not None else None
    if request.method == "POST" and form.validate_on_submit() and case is not None:
        try:
            services.break_glass(actor=current_user, case=case, risk=form.risk.data, reason=form.reason.data,
                                 via=Via.DUPLICATE_CHECK if hit_case_id is not None else Via.NUMBER)
        except services.BreakGlassRefused as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            return redirect(url_for("cases.view", case_id=case.id, _anchor="break_glass"))
    # After validate(), which starts every field's errors afresh.
    form.form_errors.extend([expired] if expired else [])
    if problem is not None and hit_case_id is not None:
        form.hit.data = ""  # the hit named a case that cannot be opened: the number is asked instead
        form.form_errors.append(str(problem))
    elif problem is not None:
        form.case_number.errors.append(str(problem))
    return _form_page(form, hit_case), 400 if request.method == "POST" else 200


def _hit_case_id(form: BreakGlassForm) -> tuple[int | None, str]:
    """The case of the duplicate check's hit, if the form carries one issued to this user within the hour; an
    expired one is dropped with a message (the second value), and the number is asked instead. Another user's
    token is answered the same way, and its refusal recorded. A case marked 要配慮 after the check stays open to
    break-glass, as it is by number: life comes first, and the opening is reviewed."""
    if not form.hit.data:
        return None, ""
    try:
        case_id = read_hit_token(form.hit.data, current_user)
    except HitRefused as refused:
        record_denial(actor=current_user, case_id=refused.case_id, action=AuditTag.BREAK_GLASS_OPENED)
        case_id = None
    if case_id is None:
        form.hit.data = ""
        return None, _("The link from the duplicate check has expired. Enter the case number instead.")
    return case_id, ""


def _form_page(form: BreakGlassForm, hit_case):
    holder = institution_names([hit_case.lead_institution_id]).get(hit_case.lead_institution_id) if hit_case else ""
    return render_template("breakglass/open.html", form=form, hit_case=hit_case, holder=holder,
                           hours=current_app.config["BREAK_GLASS_HOURS"])


@case_gate(Action.READ_FULL, break_glass=BreakGlass)
def end(case, access, break_glass):
    """End one's own emergency access now; the case is then closed to them again."""
    if ActForm().validate_on_submit():
        try:
            services.end_early(actor=current_user, row=break_glass)
        except services.BreakGlassRefused as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(_("Your emergency access to case %(number)s has ended.", number=case.number), "info")
            return redirect(url_for("cases.list"))
    return redirect(url_for("cases.view", case_id=case.id, _anchor="break_glass"))


@case_gate(Action.READ_FULL, break_glass=BreakGlass)
def acknowledge(case, access, break_glass):
    """A supervisor of the lead institution has read the notice (and the reason, on the case page)."""
    if ActForm().validate_on_submit():
        try:
            services.acknowledge(actor=current_user, case=case, row=break_glass)
        except services.BreakGlassRefused as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(_("Acknowledged."), "info")
    return redirect(url_for("cases.view", case_id=case.id, _anchor="break_glass"))


def review_list():
    """The auditor's list of their council's break-glass uses, unreviewed first."""
    page = request.args.get("page", 1, type=query_int)
    listed, more = reviews.uses(actor=current_user, page=page)
    return render_template("breakglass/review_list.html", uses=listed, more=more, page=page)


def review(break_glass_id: int):
    """One use, and the auditor's judgement of it."""
    use = reviews.one(actor=current_user, break_glass_id=break_glass_id)
    form, status = ReviewForm(), 200
    if form.validate_on_submit():
        try:
            reviews.review(actor=current_user, row=use.row, outcome=form.outcome.data, note=form.note.data)
        except services.BreakGlassRefused as error:  # reviewed meanwhile, by another auditor: theirs is shown
            db.session.rollback()
            form.form_errors.append(str(error))
            status = 409
        else:
            flash(_("Review recorded for case %(number)s.", number=use.case_number), "info")
            return redirect(url_for("breakglass.review_list"))
    elif request.method == "POST":
        status = 400
    return render_template("breakglass/review.html", use=use, form=form), status
