"""Anomaly rules over the audit log (issue 12). Each rule reads a bounded Japan-date range of the chain (its seq
bounds, ``filters.filtered``), is explained on the page in words (``Rule.explanation``) and has its thresholds in
the settings (``council.config``: AUDIT_*). A finding names a user, a Japan date, what tripped the rule, and one of
its events (the latest), which the auditor reviews with the one review mechanism (``reviews.services``).

What counts as an access is ``daily.is_access``: a case page or print viewed, an attachment downloaded, a brief
read, revealed or printed, a support record or the case written — allowed, by a signed-in user. Lists and searches
are not accesses here (they name many cases at once and are counted in the log itself).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, replace

import jpholiday
from flask import current_app
from sqlalchemy import BigInteger, and_, cast, exists, false, func, or_, select

from council.access.models import CaseGrant
from council.audit.describe import basis_words
from council.audit.filters import LogFilter, filtered, seq_range
from council.audit.models import AuditEvent
from council.audit.reviews.daily import access_counts, is_access
from council.audit.reviews.period import days_of
from council.audit.tags import AuditTag
from council.auth.models import User
from council.core.clock import day_bounds, in_japan, japan_to_utc
from council.core.i18n import gettext as _
from council.core.i18n import lazy_gettext as _l
from council.database import db

#: Bases that rest on a grant (case_grant.basis).
_GRANT_BASES = ("referral", "transfer", "consent", "request", "meeting", "break_glass")
#: Findings per rule at most (a rule that trips more often needs a narrower range or another threshold).
FINDINGS_LIMIT = 200


@dataclass(frozen=True)
class Finding:
    """One thing a rule found: whose, which Japan day, what, and the event to review."""

    rule: str
    user_id: int
    day: dt.date
    #: How many events tripped the rule (accesses that day, refusals, cases in the window …).
    count: int
    #: What tripped it, in words (numbers and times only).
    detail: str
    #: The event the finding is reviewed by (the latest that tripped it).
    seq: int


@dataclass(frozen=True)
class Rule:
    key: str
    title: object
    #: How the rule works and why it matters, with the thresholds in force (formatted by ``explain``).
    explanation: object
    find: Callable[[int, LogFilter], list[Finding]]

    def explain(self) -> str:
        return str(self.explanation) % _settings()


def _settings() -> dict:
    config = current_app.config
    opens, closes = config["AUDIT_OFFICE_HOURS"]
    return {"sigmas": config["AUDIT_VOLUME_SIGMAS"], "history": config["AUDIT_VOLUME_HISTORY_DAYS"],
            "minimum": config["AUDIT_VOLUME_MINIMUM"], "opens": f"{opens:02d}:00", "closes": f"{closes:02d}:00",
            "cases": config["AUDIT_BURST_CASES"], "minutes": config["AUDIT_BURST_MINUTES"],
            "refusals": config["AUDIT_REFUSALS_PER_DAY"]}


def japan_day(column):
    """The Japan date of a stored UTC timestamp, as 'YYYY-MM-DD', in SQL (Japan keeps no summer time: +9 hours)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Tokyo", column), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", column, "+9 hours")


def _per_user_day(council_id: int, log_filter: LogFilter, *where, distinct_cases: bool = False):
    """(user, Japan day) -> (count, latest seq) of the range's events matching ``where``: one grouped query."""
    events = filtered(council_id, log_filter).where(*where).subquery()
    day = japan_day(events.c.occurred_at)
    counted = func.count(events.c.case_id.distinct()) if distinct_cases else func.count()
    rows = db.session.execute(select(events.c.actor_user_id, day, counted, func.max(events.c.seq))
                              .group_by(events.c.actor_user_id, day))
    return {(user_id, dt.date.fromisoformat(day_text)): (count, seq) for user_id, day_text, count, seq in rows}


# -- volume per user per day against their own history

def volume(council_id: int, log_filter: LogFilter) -> list[Finding]:
    """A user's accesses on a day above max(minimum, mean + σ·k) of their previous days (zero-filled). The counts of
    closed days are kept once counted (``daily``): only today's accesses are read from the log each time."""
    settings = _settings()
    history_days = settings["history"]
    wide = LogFilter(since=log_filter.since - dt.timedelta(days=history_days), until=log_filter.until)
    counts = access_counts(council_id, days_of(wide))
    found = []
    for (user_id, day), (count, seq) in sorted(counts.items()):
        if day < log_filter.since or count <= settings["minimum"]:
            continue
        history = [counts.get((user_id, day - dt.timedelta(days=n)), (0, 0))[0] for n in range(1, history_days + 1)]
        mean, spread = statistics.fmean(history), statistics.pstdev(history)
        threshold = max(settings["minimum"], mean + settings["sigmas"] * spread)
        if count > threshold:
            found.append(Finding("volume", user_id, day, count, _(
                "%(count)d accesses; their previous %(days)d days: %(mean).1f a day on average (σ %(spread).1f), "
                "threshold %(threshold).1f", count=count, days=history_days, mean=mean, spread=spread,
                threshold=threshold), seq))
    return found


# -- outside office hours

def closed_day(day: dt.date) -> bool:
    """Saturday, Sunday, a national holiday (振替休日 included) or the year-end closing (12/29–1/3)."""
    year_end = (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)
    return day.weekday() >= 5 or year_end or jpholiday.is_holiday(day)


def off_hours(day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """The UTC intervals of ``day`` outside office hours: the whole day when the office is closed."""
    start, end = day_bounds(day)
    if closed_day(day):
        return [(start, end)]
    opens, closes = current_app.config["AUDIT_OFFICE_HOURS"]
    return [(start, japan_to_utc(day, dt.time(opens))), (japan_to_utc(day, dt.time(closes)) if closes < 24 else end,
                                                          end)]


def outside_hours(council_id: int, log_filter: LogFilter) -> list[Finding]:
    """Accesses at a time the office is closed (Japan time, weekends and holidays included). Each closed stretch of
    a day is read between its own seq bounds, so office hours are never read at all."""
    counts: dict[tuple[int, dt.date], tuple[int, int]] = {}
    undated = replace(log_filter, since=None, until=None)  # each stretch lies within the range: its bounds suffice
    for day in days_of(log_filter):
        for start, end in off_hours(day):
            if start >= end:
                continue
            low, high = seq_range(start, end)
            events = filtered(council_id, undated).where(
                is_access(), AuditEvent.seq >= low, AuditEvent.seq < high, AuditEvent.occurred_at >= start,
                AuditEvent.occurred_at < end).subquery()
            for user_id, count, seq in db.session.execute(select(
                    events.c.actor_user_id, func.count(), func.max(events.c.seq)).group_by(events.c.actor_user_id)):
                before, latest = counts.get((user_id, day), (0, 0))
                counts[(user_id, day)] = (before + count, max(latest, seq))
    return [Finding("outside_hours", user_id, day, count,
                    (_("%(count)d accesses on a closed day (weekend, holiday or year-end)", count=count)
                     if closed_day(day) else _("%(count)d accesses outside office hours", count=count)), seq)
            for (user_id, day), (count, seq) in sorted(counts.items())]


# -- many different cases in a short time

def burst(council_id: int, log_filter: LogFilter) -> list[Finding]:
    """At least N different cases accessed within M minutes. A window of M minutes lies within two consecutive
    M-minute buckets, so one of them holds at least half the cases: one grouped query finds those (user, bucket)
    pairs, then a sliding window runs over the accesses of those users around those buckets only."""
    settings = _settings()
    needed, minutes = settings["cases"], settings["minutes"]
    window = dt.timedelta(minutes=minutes)
    events = filtered(council_id, log_filter).where(is_access()).subquery()
    bucket = epoch_seconds(events.c.occurred_at) // (60 * minutes)
    candidates = db.session.execute(select(events.c.actor_user_id, bucket).group_by(events.c.actor_user_id, bucket)
                                    .having(func.count(events.c.case_id.distinct()) >= (needed + 1) // 2)).all()
    best: dict[tuple[int, dt.date], tuple] = {}
    for user_id, number in candidates:
        start = dt.datetime.fromtimestamp(int(number) * 60 * minutes, dt.UTC) - window
        around = filtered(council_id, replace(log_filter, actor_ids=(user_id,))).where(
            is_access(), AuditEvent.occurred_at >= start, AuditEvent.occurred_at < start + 3 * window)
        rows = db.session.execute(around.with_only_columns(AuditEvent.occurred_at, AuditEvent.case_id,
                                                           AuditEvent.seq).order_by(AuditEvent.seq)).all()
        widest = _widest_window(rows, window)
        if widest is not None and widest[0] >= needed:
            key = (user_id, in_japan(widest[1]).date())
            if key not in best or widest[0] > best[key][0]:
                best[key] = widest
    return [Finding("burst", user_id, day, distinct, _(
        "%(count)d different cases between %(first)s and %(last)s", count=distinct,
        first=f"{in_japan(first):%H:%M}", last=f"{in_japan(last):%H:%M}"), seq)
        for (user_id, day), (distinct, first, last, seq) in sorted(best.items())]


def epoch_seconds(column):
    """Seconds since 1970 (UTC) of a stored timestamp, in SQL, as an integer."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.floor(func.extract("epoch", column)), BigInteger)
    return cast(func.strftime("%s", column), BigInteger)


def _widest_window(rows, window: dt.timedelta):
    """The window of at most ``window`` with the most different cases: (cases, first time, last time, last seq)."""
    inside: deque = deque()
    cases: Counter = Counter()
    best = None
    for at, case_id, seq in rows:
        inside.append((at, case_id))
        cases[case_id] += 1
        while at - inside[0][0] > window:
            _at, old = inside.popleft()
            cases[old] -= 1
            if not cases[old]:
                del cases[old]
        if best is None or len(cases) > best[0]:
            best = (len(cases), inside[0][0], at, seq)
    return best


# -- a basis the user no longer held

def lapsed_basis(council_id: int, log_filter: LogFilter) -> list[Finding]:
    """Accesses under a basis the user did not hold at that moment: a grant that had ended, expired or not yet
    started (no grant of that case and basis to them or their institution in force), an account already disabled,
    or an institution the user had left (an administrator moved them)."""
    events = list(db.session.scalars(filtered(council_id, log_filter).where(is_access(), or_(
        _grant_lapsed(), _disabled(), _left_institution(council_id))).order_by(AuditEvent.seq)
        .limit(FINDINGS_LIMIT * 10)))
    per_day: dict[tuple[int, dt.date], list[AuditEvent]] = {}
    for event in events:
        per_day.setdefault((event.actor_user_id, in_japan(event.occurred_at).date()), []).append(event)
    return [Finding("lapsed_basis", user_id, day, len(found), _(
        "%(count)d accesses; the latest on case %(number)s under %(basis)s", count=len(found),
        number=found[-1].case_number or "-", basis=_basis_name(found[-1].basis)), found[-1].seq)
        for (user_id, day), found in sorted(per_day.items())]


def _basis_name(basis: str | None) -> str:
    return basis_words(basis) if basis else _("no basis")


def _grant_lapsed():
    """Under a grant's basis, with such a grant on the case, none of which was in force for the user then."""
    grant_basis = or_(*(AuditEvent.basis.startswith(f"{kind}:") for kind in _GRANT_BASES))
    same = and_(CaseGrant.case_id == AuditEvent.case_id, CaseGrant.basis == AuditEvent.basis)
    theirs = or_(CaseGrant.user_id == AuditEvent.actor_user_id,
                 CaseGrant.institution_id == AuditEvent.actor_institution_id)
    in_force = and_(CaseGrant.starts_at <= AuditEvent.occurred_at,
                    or_(CaseGrant.ended_at.is_(None), CaseGrant.ended_at > AuditEvent.occurred_at),
                    or_(CaseGrant.expires_at.is_(None), CaseGrant.expires_at > AuditEvent.occurred_at))
    return and_(grant_basis, exists().where(same), ~exists().where(same, theirs, in_force))


def _disabled():
    return exists().where(User.id == AuditEvent.actor_user_id, User.disabled_at.is_not(None),
                          User.disabled_at <= AuditEvent.occurred_at)


def _left_institution(council_id: int):
    """After an administrator moved the user from institution A, an access still recorded at A."""
    moves = [(int(target_id), seq, reason.split(" -> ")[0].rsplit("@", 1)[-1], reason.rsplit("@", 1)[-1])
             for target_id, seq, reason in db.session.execute(select(
                 AuditEvent.target_id, AuditEvent.seq, AuditEvent.reason).where(
                 AuditEvent.council_id == council_id, AuditEvent.tag == AuditTag.USER_ROLE_CHANGED,
                 AuditEvent.target_type == "user_account"))
             if (target_id or "").isdigit() and " -> " in (reason or "")]
    left = [and_(AuditEvent.actor_user_id == user_id, AuditEvent.seq > seq,
                 AuditEvent.actor_institution_id == int(old)) for user_id, seq, old, new in moves
            if old != new and old.isdigit()]
    return or_(*left) if left else false()


# -- repeated refusals on case URLs

def refusals(council_id: int, log_filter: LogFilter) -> list[Finding]:
    """A user refused case requests (404) at least N times on one Japan day."""
    needed = _settings()["refusals"]
    counts = _per_user_day(council_id, log_filter, AuditEvent.tag == AuditTag.CASE_ACCESS_DENIED,
                           AuditEvent.actor_user_id.is_not(None))
    return [Finding("refusals", user_id, day, count, _("%(count)d refused case requests", count=count), seq)
            for (user_id, day), (count, seq) in sorted(counts.items()) if count >= needed]


RULES = (
    Rule("volume", _l("More accesses than usual"), _l(
        "A user's case accesses on one day (Japan time) compared with their own previous %(history)s days: flagged "
        "above their daily mean plus %(sigmas)s standard deviations, and never at %(minimum)s or fewer. A new "
        "account has no history: only the minimum applies. Mass reading before leaving, or a stolen session, "
        "looks like this."), volume),
    Rule("outside_hours", _l("Outside office hours"), _l(
        "Case accesses before %(opens)s or from %(closes)s (Japan time), or on a Saturday, Sunday, national holiday "
        "or the year-end closing (12/29–1/3). On call work explains some; a session used from elsewhere explains "
        "others."), outside_hours),
    Rule("burst", _l("Many different cases in a short time"), _l(
        "At least %(cases)s different cases accessed by one user within %(minutes)s minutes. Casework rarely "
        "needs this; browsing or copying cases does."), burst),
    Rule("lapsed_basis", _l("A basis the user no longer held"), _l(
        "An access recorded under a share (つなぎ, 移管, 同意, 会議, 情報提供依頼, 緊急アクセス) "
        "that had ended, expired or not yet started for that user; by an account already disabled; or recorded "
        "at an institution the user had already been moved from. The access check should make this impossible: "
        "each finding is a fault or tampering to investigate."), lapsed_basis),
    Rule("refusals", _l("Repeated refusals"), _l(
        "At least %(refusals)s refused requests for cases (the user was answered “not found”) by one user on one "
        "day. Typing case numbers one after another to find cases looks like this."), refusals),
)
RULES_BY_KEY = {rule.key: rule for rule in RULES}


def run(*, council_id: int, log_filter: LogFilter) -> dict[str, list[Finding]]:
    """Every rule's findings over the bounded range of ``log_filter`` (``period.bounded``), newest day first."""
    return {rule.key: sorted(rule.find(council_id, log_filter), key=lambda f: (f.day, f.seq),
                             reverse=True)[:FINDINGS_LIMIT] for rule in RULES}
