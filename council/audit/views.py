"""The auditor's workspace: the log of their council and chain verification."""

from __future__ import annotations

import datetime as dt

from flask import render_template, request
from flask_login import current_user

from council.audit import services
from council.auth.models import User
from council.core.web import query_int
from council.database import db
from council.security.forms import ConfirmForm


def _date(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def log():
    log_filter = services.LogFilter(
        tag=request.args.get("tag", "").strip()[:64],
        actor_user_id=request.args.get("actor", type=query_int),
        since=_date("since"), until=_date("until"), case_number=request.args.get("case", "").strip()[:20],
        page=request.args.get("page", 1, type=query_int),
    )
    events, more = services.events_for(council_id=current_user.council_id, log_filter=log_filter)
    cases_shown = services.cases_concerned(events)
    services.record_log_viewed(actor=current_user, case_number=log_filter.case_number)
    actor_ids = {e.actor_user_id for e in events if e.actor_user_id}
    names = {u.id: u.username for u in db.session.query(User).filter(User.id.in_(actor_ids))} if actor_ids else {}
    return render_template("audit/log.html", events=events, more=more, log_filter=log_filter, names=names,
                           cases_shown=cases_shown,
                           form=ConfirmForm(), total=services.council_event_count(council_id=current_user.council_id))


#: The most checkpoint text an auditor may paste (a few hundred minutes' lines).
CHECKPOINT_TEXT_LIMIT = 100_000


def verify():
    result = services.verify_chain(actor=current_user) if ConfirmForm().validate_on_submit() else None
    # Checkpoints pasted from approved minutes (or a checkpoint file): each must still be held by the chain.
    pasted = request.form.get("checkpoints", "")[:CHECKPOINT_TEXT_LIMIT]
    checkpoints = services.check_checkpoint_lines(pasted) if result is not None and pasted.strip() else []
    # The walk covers every council's events; the page counts only the auditor's own council's.
    return render_template("audit/verify.html", result=result, checkpoints=checkpoints,
                           total=services.council_event_count(council_id=current_user.council_id))
