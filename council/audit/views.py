"""The auditor's workspace: the council's log in words with its filters, the history of one case and of one user,
the CSV export and chain verification. Views are thin: read the filter, ask the services, render."""

from __future__ import annotations

import datetime as dt

from flask import Response, abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from council.audit import describe, history, services, verification
from council.audit.events import AuditTag, record_denial
from council.audit.export import EXPORT_LIMIT, export_csv
from council.audit.filters import LogFilter
from council.audit.forms import CheckpointForm
from council.audit.rows import actor
from council.audit.rows import describe as describe_rows
from council.core.clock import japan_now, utcnow
from council.core.db import reads_only


def log():
    council_id = current_user.council_id
    log_filter = LogFilter.from_args(request.args)
    match = services.resolve_user(council_id=council_id, log_filter=log_filter)
    page = services.events_for(council_id=council_id, log_filter=match.filter)
    services.record_log_viewed(actor=current_user, case_number=log_filter.case)
    unknown_case = bool(log_filter.case) and services.council_case(council_id=council_id,
                                                                   number=log_filter.case) is None
    return render_template("audit/log.html", page=page, rows=describe_rows(page.events), log_filter=log_filter,
                           match=match, unknown_case=unknown_case,
                           suggestions=services.user_suggestions(council_id=council_id, typed=log_filter.user),
                           institutions=services.council_institutions(council_id=council_id), kinds=describe.KINDS,
                           outcomes=describe.OUTCOME_LABELS, bases=describe.BASIS_KINDS, export_limit=EXPORT_LIMIT,
                           form=CheckpointForm())


def user_suggestions():
    """The user filter's suggestions for what the auditor has typed so far (``q``), as JSON for the field's list:
    a bounded query, where the page once listed every user of the council. Names of staff only, no case: not an
    audited read of its own (the page it serves is)."""
    reads_only()  # it writes nothing: on SQLite, no write lock for a question asked at every pause in typing
    found = services.user_suggestions(council_id=current_user.council_id, typed=request.args.get("q", ""))
    return jsonify(users=[{"value": s.username, "label": s.label} for s in found])


def export():
    log_filter = LogFilter.from_args(request.args)
    match = services.resolve_user(council_id=current_user.council_id, log_filter=log_filter)
    body = export_csv(actor=current_user, log_filter=match.filter)
    name = f"audit-log-{japan_now():%Y%m%d-%H%M}.csv"
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def case_history(number: str):
    council_id = current_user.council_id
    case = services.council_case(council_id=council_id, number=number[:20])
    paging = LogFilter.from_args(request.args)
    log_filter = LogFilter(case=number[:20], before=paging.before, after=paging.after)
    page = services.events_for(council_id=council_id, log_filter=log_filter)
    services.record_log_viewed(actor=current_user, case_number=log_filter.case)
    looked = history.who_looked(council_id=council_id, number=log_filter.case) if case is not None else []
    return render_template("audit/case.html", number=log_filter.case, known=case is not None, looked=looked,
                           page=page, rows=describe_rows(page.events), log_filter=log_filter)


def user_history(user_id: int):
    council_id = current_user.council_id
    user = services.council_user(council_id=council_id, user_id=user_id)
    if user is None:
        abort(404)
    paging = LogFilter.from_args(request.args)
    log_filter = LogFilter(before=paging.before, after=paging.after, actor_ids=(user.id,))
    page = services.events_for(council_id=council_id, log_filter=log_filter)
    services.record_log_viewed(actor=current_user, user=user)
    looked = history.what_they_looked_at(council_id=council_id, user_id=user.id)
    return render_template("audit/user.html", person=actor(user), user=user,
                           looked=looked, bounded=history.summary_is_bounded(council_id=council_id, user_id=user.id),
                           summary_events=history.SUMMARY_EVENTS,
                           page=page, rows=describe_rows(page.events), log_filter=log_filter)


#: The workspace warns when the newest checkpoint held is older than this: cron takes one a day.
CHECKPOINT_STALE_AFTER = dt.timedelta(hours=26)


def verify():
    """Post/Redirect/Get: the walk runs on the POST, its result is a GET of the stored run (reloading it verifies
    nothing again). A text that holds no checkpoint is refused on the form, the text kept, before any walk."""
    form = CheckpointForm()
    if not form.validate_on_submit():
        return _checkpoints_page(form), 400
    council_id = current_user.council_id
    # Checkpoints pasted from copies kept elsewhere (approved minutes, another institution's copy of the file): each
    # must still be held by the chain. With "held" (in the query string), also every checkpoint this server holds
    # (its audit-checkpoints.jsonl, the council's minutes).
    texts = [("", form.text)] if form.text.strip() else []
    if request.args.get("held"):
        texts += verification.held_checkpoints(council_id=council_id).all_lines()
    run = verification.verify_chain(actor=current_user, source="page", checkpoints=texts)
    return redirect(url_for("audit.verification_result", run_id=run.record_id))


def verification_result(run_id: int):
    run = verification.council_run(council_id=current_user.council_id, run_id=run_id)
    if run is None:
        record_denial(actor=current_user, case_id=None, action="audit:verification:view",
                      tag=AuditTag.AUDIT_EVENT_DENIED, target_type="audit_verification", target_id=run_id)
        abort(404)
    services.record_log_viewed(actor=current_user)
    return render_template("audit/verify.html", run=run, findings=verification.findings_of(run),
                           people=services.run_actors([run]))


def checkpoints():
    return _checkpoints_page(CheckpointForm())


def _checkpoints_page(form: CheckpointForm):
    council_id = current_user.council_id
    runs = verification.recent_runs(council_id=council_id)
    held = verification.held_checkpoints(council_id=council_id)
    newest = max((c.signed_at for c in (*held.file_lines, *held.minutes) if c.signed_at), default=None)
    services.record_log_viewed(actor=current_user)
    return render_template("audit/checkpoints.html", runs=runs, held=held, newest=newest,
                           counts=verification.council_counts(council_id=council_id, runs=runs),
                           stale=newest is None or utcnow() - newest > CHECKPOINT_STALE_AFTER,
                           people=services.run_actors(runs), form=form)
