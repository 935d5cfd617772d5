"""The auditor's reviews, anomalies and sampling pages, and the review of one event. Views are thin: read the
range, ask the services, render. Auditors only (the routes' permission); another council's event is not found."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from council.audit import services as log_services
from council.audit.events import record_denial
from council.audit.filters import LogFilter
from council.audit.reviews import anomalies, lists, sampling, services
from council.audit.reviews.forms import ReviewEditForm, ReviewForm, SampleForm
from council.audit.reviews.period import bounded
from council.audit.rows import actor as actor_of
from council.audit.rows import describe as describe_rows
from council.audit.tags import AuditTag
from council.auth.models import User
from council.core.editing import show_stale
from council.core.i18n import gettext as _
from council.database import db

#: Default ranges (Japan days up to today): the review lists look back a month, the rules a week.
LIST_DAYS = 30
ANOMALY_DAYS = 7


def _range(default_days: int) -> LogFilter:
    return bounded(LogFilter.from_args(request.args), default_days=default_days)


def review_lists():
    council_id, period = current_user.council_id, _range(LIST_DAYS)
    listed = lists.review_lists(council_id=council_id, log_filter=period)
    reviews = services.reviews_of(council_id=council_id, seqs=[r.seq for one in listed for r in one.rows])
    services.record_listed(actor=current_user, tag=AuditTag.AUDIT_REVIEWS_LISTED, since=period.since,
                           until=period.until, found=" ".join(f"{one.key} {len(one.rows)}" for one in listed))
    return render_template("audit/reviews/lists.html", period=period, listed=listed, reviews=reviews,
                           limit=lists.LIST_LIMIT)


def anomaly_list():
    council_id, period = current_user.council_id, _range(ANOMALY_DAYS)
    found = anomalies.run(council_id=council_id, log_filter=period)
    findings = [f for rule in found.values() for f in rule]
    users = {u.id: actor_of(u) for u in db.session.scalars(select(User).where(
        User.id.in_({f.user_id for f in findings})))} if findings else {}
    reviews = services.reviews_of(council_id=council_id, seqs=[f.seq for f in findings])
    services.record_listed(actor=current_user, tag=AuditTag.AUDIT_ANOMALIES_LISTED, since=period.since,
                           until=period.until, found=" ".join(f"{key} {len(rows)}" for key, rows in found.items()))
    return render_template("audit/reviews/anomalies.html", period=period, rules=anomalies.RULES, found=found,
                           users=users, reviews=reviews)


def sample():
    form = SampleForm(request.args)
    valid = form.validate()
    if valid and "draw" in request.args and form.seed_value is None:  # a first draw: pick a seed, show it
        args = {k: v for k, v in request.args.items() if k not in ("draw", "seed") and v}
        return redirect(url_for("audit.sample", **args, seed=sampling.new_seed()))
    council_id = current_user.council_id
    log_filter = _range(ANOMALY_DAYS)
    match = log_services.resolve_user(council_id=council_id, log_filter=log_filter)
    drawn = sampling.draw(actor=current_user, log_filter=match.filter, seed=form.seed_value,
                          size=form.size or sampling.DEFAULT_SIZE) if valid and form.seed_value is not None else None
    rows = describe_rows(drawn.events) if drawn else []
    reviews = services.reviews_of(council_id=council_id, seqs=[r.seq for r in rows])
    if not form.n.data:
        form.n.data = str(sampling.DEFAULT_SIZE)
    return render_template("audit/reviews/sample.html", form=form, period=log_filter, match=match, drawn=drawn,
                           rows=rows, reviews=reviews, max_size=sampling.MAX_SIZE,
                           suggestions=log_services.user_suggestions(council_id=council_id, typed=log_filter.user),
                           institutions=log_services.council_institutions(council_id=council_id)), \
        200 if valid else 400


def _event_or_404(seq: int):
    """The council's event ``seq``; another council's (or none) is refused, recorded, and not found."""
    event = services.council_event(council_id=current_user.council_id, seq=seq)
    if event is None:
        record_denial(actor=current_user, case_id=None, action="audit:event:review", tag=AuditTag.AUDIT_EVENT_DENIED,
                      target_type="audit_event", target_id=seq)
        abort(404)
    return event


def event_review(seq: int):
    event = _event_or_404(seq)
    form, status = ReviewForm(), 200
    if request.method == "GET":
        form.source.data = services.clean_source(request.args.get("source"))
    if form.validate_on_submit():
        try:
            services.mark_reviewed(actor=current_user, event=event, comment=form.comment.data,
                                   source=form.source.data)
        except services.ReviewRefused as refused:
            form.form_errors.append(str(refused))
            status = 409
        else:
            flash(_("Event %(seq)d marked reviewed.", seq=seq), "info")
            return redirect(url_for("audit.event_review", seq=seq))
    elif request.method == "POST":
        status = 400
    return _event_page(event, form=form), status


def edit_comment(seq: int):
    """Correct the comment of an event's review (the reviewer or another auditor of the council)."""
    event = _event_or_404(seq)
    form, status = ReviewEditForm(), 400
    if form.validate_on_submit():
        try:
            services.edit_comment(actor=current_user, event=event, comment=form.comment.data,
                                  version=form.version.data)
        except services.StaleReview as stale:
            show_stale(form, stale)
            status = 409
        except services.ReviewRefused as refused:
            form.form_errors.append(str(refused))
            status = 409
        else:
            flash(_("The comment on event %(seq)d was corrected.", seq=seq), "info")
            return redirect(url_for("audit.event_review", seq=seq))
    return _event_page(event, edit_form=form), status


def _event_page(event, *, form=None, edit_form=None):
    log_services.record_log_viewed(actor=current_user, case_number=event.case_number or "")
    review = services.reviews_of(council_id=current_user.council_id, seqs=[event.seq], comments=True).get(event.seq)
    if edit_form is None and review is not None:
        edit_form = ReviewEditForm(formdata=None, comment=review.comment, version=review.version)
    return render_template("audit/reviews/event.html", row=describe_rows([event])[0], review=review,
                           form=form or ReviewForm(), edit_form=edit_form)
