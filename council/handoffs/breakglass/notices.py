"""What others see of a break-glass: the case page's panel and the inbox items of the lead institution's
supervisors and the council's auditors (``cases`` and ``inbox`` do not know this package: it registers both).

Inbox items carry no personal data — the case number, who, when and the risk code — and link to where the reader
acts: the case page for supervisors (who reach it and read the sealed reason there), the review for auditors.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app, url_for
from flask_login import current_user
from sqlalchemy import select

from council.access.permissions import Role
from council.access.scopes import may_open
from council.auth.models import Institution, User
from council.cases.models import Case
from council.cases.panels import Panel
from council.cases.services import institution_names, user_names
from council.cases.vault import vault
from council.core.clock import in_japan, utcnow
from council.core.i18n import gettext as _
from council.database import db
from council.handoffs.breakglass.forms import ActForm
from council.handoffs.breakglass.models import BreakGlass, Risk
from council.handoffs.breakglass.services import is_lead_supervisor, is_notified_supervisor
from council.inbox.registry import InboxItem

#: At most this many notices per reader on the home page; the review list shows them all.
NOTICE_LIMIT = 20


def any_rows(case_id: int):
    """Whether the case was ever broken into: without a break-glass the panel has nothing to show anyone."""
    return select(BreakGlass.id).where(BreakGlass.case_id == case_id).exists()


def panel(case: Case, access, *, form=None, has_rows: bool = True) -> Panel | None:
    """The case page's 緊急アクセス section: for a user reading the case under their own break-glass, the banner
    (until when, the case's 要配慮 flag, their reason) and the button that ends it; for a supervisor of the lead
    institution, every break-glass into the case with its reason and the acknowledgement. At the top of the page
    while something there needs its reader (their own access, an unacknowledged use), after the case's sections
    once it is history. None for anyone else, for a reach that may not read the reason (only a full one), and when
    the case has no break-glass (``has_rows``, from ``any_rows``)."""
    if not has_rows or not may_open(access.scope, "break_glass", "reason"):
        return None
    every = _uses(case)
    # The reader's own break-glass is the grant the gate's access rests on (so it is in force); whether they
    # supervise the lead institution needs the reader, whom a page built outside a request does not have.
    mine = next((row for row in every if access.grant_id is not None and row.grant_id == access.grant_id), None)
    reader = current_user._get_current_object()
    if reader is not None and is_lead_supervisor(reader, case):
        uses = every
    else:  # the lead before a transfer still sees, while it reads the case, the uses it was told of
        uses = [row for row in every if reader is not None and is_notified_supervisor(reader, row)]
    if mine is None and not uses:
        return None
    shown = [*uses, *([mine] if mine is not None and mine not in uses else [])]
    context = {"mine": mine, "uses": uses, "form": ActForm(), "risks": {r.value: r.label for r in Risk},
               "reasons": {row.id: vault().text(row, "reason") for row in shown},
               "users": user_names(row.user_id for row in uses),
               "institutions": institution_names(row.institution_id for row in uses),
               "until": in_japan(mine.expires_at) if mine is not None else None}
    title = _("Emergency access (緊急アクセス)") if mine is None else _("Emergency access in use (緊急アクセス中)")
    return Panel(name="break_glass", title=title, template="breakglass/panel.html", context=context,
                 top=mine is not None or any(row.acknowledged_at is None for row in uses))


def _uses(case: Case) -> list[BreakGlass]:
    return list(db.session.scalars(select(BreakGlass).where(BreakGlass.case_id == case.id)
                                   .order_by(BreakGlass.opened_at.desc(), BreakGlass.id.desc())))


def supervisor_notices(user) -> list[InboxItem]:
    """Break-glass into cases the supervisor's institution led when the glass was broken, in the last
    BREAK_GLASS_NOTICE_DAYS days, not yet acknowledged. Keyed on the lead of that time, not of now: a transfer
    since then neither hands the notice to the new lead nor takes it from the institution that was responsible.
    Nothing for other roles."""
    if Role(user.role) != Role.SUPERVISOR:
        return []
    rows = _recent(BreakGlass.acknowledged_at.is_(None), BreakGlass.lead_institution_id == user.institution_id,
                   BreakGlass.council_id == user.council_id)
    return [InboxItem(kind="breakglass.notice", text=_text(row, number), case_ids=(row.case_id,),
                      url=url_for("cases.view", case_id=row.case_id, _anchor="break_glass")) for row, number in rows]


def auditor_notices(user) -> list[InboxItem]:
    """Break-glass in the auditor's council in the last BREAK_GLASS_NOTICE_DAYS days, not yet reviewed."""
    rows = _recent(BreakGlass.reviewed_at.is_(None), BreakGlass.council_id == user.council_id)
    return [InboxItem(kind="breakglass.review", text=_text(row, number), case_ids=(row.case_id,),
                      url=url_for("breakglass.review", break_glass_id=row.id)) for row, number in rows]


def _recent(*conditions) -> list[tuple[BreakGlass, str]]:
    since = utcnow() - dt.timedelta(days=current_app.config["BREAK_GLASS_NOTICE_DAYS"])
    return list(db.session.execute(
        select(BreakGlass, Case.number).join(Case, Case.id == BreakGlass.case_id)
        .where(BreakGlass.opened_at >= since, *conditions)
        .order_by(BreakGlass.opened_at.desc()).limit(NOTICE_LIMIT)).all())


def _text(row: BreakGlass, number: str) -> str:
    who = db.session.get(User, row.user_id)
    institution = db.session.get(Institution, row.institution_id)
    return _("Emergency access to case %(number)s by %(who)s (%(institution)s) at %(when)s: %(risk)s",
             number=number, who=who.display_name, institution=institution.name,
             when=_when(row.opened_at), risk=Risk(row.risk).label)


def _when(instant: dt.datetime) -> str:
    return in_japan(instant).strftime("%Y-%m-%d %H:%M")
