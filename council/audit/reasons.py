"""An event's details (its ``reason``) in the reader's language, every time in it in Japan time.

Services record a reason as codes and ids in English (``grant 4: summary to institution 3; emergency; from
2026-11-30T01:00+00:00 until 2026-12-01T01:00+00:00``): it is hashed into the chain and never changes. The auditor
reads it here, in words: each known shape (``PATTERNS``) has a message, and its parts are put in words too (a scope,
a legal basis, a status, a role: their labels; a UTC time: Japan time). A reason of no known shape is shown as
recorded, its UTC times in Japan time — so nothing an event says is ever hidden, only translated where it can be.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import g, has_request_context
from sqlalchemy import select

from council.access.models import LegalBasis
from council.access.permissions import Role
from council.access.scopes import Scope
from council.audit.describe import ACTION_LABELS, BASIS_KINDS, PERMISSION_LABELS
from council.audit.tags import AuditTag
from council.auth.models import Institution, User
from council.cases.models import CaseStatus
from council.core.i18n import gettext as _
from council.core.i18n import lazy_gettext as _l
from council.core.web import localtime
from council.database import db

#: A time as services write it (``isoformat``), with or without seconds and zone (a stored time is UTC).
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:\d{2}|Z)?")
#: Refusals record the action asked for as the reason.
_REFUSALS = (AuditTag.CASE_ACCESS_DENIED, AuditTag.MEETING_ACCESS_DENIED, AuditTag.AUDIT_EVENT_DENIED)


def japan_time(text: str) -> str:
    """A recorded time (UTC, ISO 8601) as Japan time; text that is not a time is returned as it is."""
    try:
        instant = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    return localtime(instant if instant.tzinfo else instant.replace(tzinfo=dt.UTC))


def _times(text: str) -> str:
    return _ISO_TIME.sub(lambda match: japan_time(match.group()), text)


def _label(enum: type, *, extra: dict | None = None) -> Callable[[str], str]:
    """A code of ``enum`` in words (its ``label``); an unknown code as recorded."""
    def words(code: str) -> str:
        if extra and code in extra:
            return str(extra[code])
        return str(enum(code).label) if code in {str(member) for member in enum} else code
    return words


def _legal(text: str) -> str:
    """``consent 12`` → 「本人同意（同意 12）」; ``emergency`` → 「緊急」."""
    code, _space, consent = text.partition(" ")
    words = _label(LegalBasis)(code)
    return _("%(basis)s (consent %(id)s)", basis=words, id=consent) if consent else words


def _basis_kind(code: str) -> str:
    label = BASIS_KINDS.get(code)
    return str(label) if label is not None else code


_NAMES = "audit_reason_names"
_NAMED = re.compile(r"\binstitution (\d+)|@(\d+)\b|\buser (\d+)")


def name_the_people(reasons: Iterable[str | None], *, council_id: int) -> None:
    """Look up, for this request, the institutions and users of ``council_id`` that ``reasons`` name by id — two
    queries for a page — so that ``reason_words`` names them (「福祉事務所」, 「佐藤 一郎」) instead of 「機関 #3」.
    An id of no institution or user of the council stays a number."""
    institutions, users = set(), set()
    for reason in reasons:
        for institution, at, user in _NAMED.findall(reason or ""):
            institutions.update(int(i) for i in (institution, at) if i)
            users.update([int(user)] if user else [])
    g.setdefault(_NAMES, ({}, {}))
    known_institutions, known_users = g.get(_NAMES)
    if institutions:
        known_institutions.update((row.id, row.name) for row in db.session.execute(select(
            Institution.id, Institution.name).where(Institution.council_id == council_id,
                                                    Institution.id.in_(sorted(institutions)))))
    if users:
        known_users.update((row.id, row.display_name) for row in db.session.execute(select(
            User.id, User.display_name).join(Institution).where(Institution.council_id == council_id,
                                                                 User.id.in_(sorted(users)))))


def _institution(text: str) -> str:
    name = g.get(_NAMES, ({}, {}))[0].get(int(text)) if has_request_context() and text.isdigit() else None
    return name or _("institution #%(id)s", id=text)


def _user(text: str) -> str:
    name = g.get(_NAMES, ({}, {}))[1].get(int(text)) if has_request_context() and text.isdigit() else None
    return name or _("user #%(id)s", id=text)


def _recipient(text: str) -> str:
    """``institution 3`` / ``user 7`` / ``institution 3 user 7`` in words."""
    found = re.fullmatch(r"institution (\d+)(?: user (\d+))?|user (\d+)", text)
    if found is None:
        return text
    institution, user, only_user = found.groups()
    if only_user:
        return _user(only_user)
    return _("%(institution)s, %(user)s", institution=_institution(institution), user=_user(user)) if user else \
        _institution(institution)


def _flags(text: str) -> str:
    """A handoff's flags: ``needs_approval`` in words; ``emergency`` says again what its legal basis 緊急 says."""
    words = {"needs_approval": _l("needs approval")}
    return "".join(_(", %(flag)s", flag=words[flag]) for flag in text.split() if flag in words)


def _status(text: str) -> str:
    return _label(CaseStatus)(text)


def _role_at(text: str) -> str:
    """``caseworker@3`` → 「相談支援員（機関 #3）」."""
    role, _at, institution = text.partition("@")
    return _("%(role)s (%(institution)s)", role=_label(Role)(role), institution=_institution(institution)) \
        if institution else text


@dataclass(frozen=True)
class Pattern:
    """A shape of reason (a regular expression with named parts) and its message, with how each part is worded."""

    shape: re.Pattern
    message: object
    words: dict[str, Callable[[str], str]]


def _p(shape: str, message, **words: Callable[[str], str]) -> Pattern:
    return Pattern(re.compile(shape), message, words)


_T = japan_time
PATTERNS = (
    _p(r"(?P<n>\d+) shown", _l("%(n)s cases shown")),
    _p(r"ledger page (?P<page>\d+): (?P<n>\d+) shown", _l("Progress ledger, page %(page)s: %(n)s cases shown")),
    _p(r"ledger (?P<how>\w+), (?P<which>.+): (?P<n>\d+) rows", _l("Progress ledger (%(how)s, %(which)s): %(n)s rows")),
    _p(r"by (?P<kinds>[\w, +]+): (?P<n>\d+) found", _l("Searched by %(kinds)s: %(n)s found")),
    _p(r"by (?P<kinds>[\w, +]+): (?P<n>\d+) found, (?P<h>\d+) as household member",
       _l("Searched by %(kinds)s: %(n)s found, %(h)s of them as a household member")),
    _p(r"grant (?P<id>\d+): (?P<scope>\w+) to (?P<to>[\w ]+); (?P<legal>\w+(?: \d+)?); from (?P<since>\S+) until "
       r"(?P<until>\S+)", _l("Share %(id)s: %(scope)s to %(to)s; %(legal)s; from %(since)s until %(until)s"),
       scope=_label(Scope), to=_recipient, legal=_legal, since=_T,
       until=lambda text: _("ended") if text == "ended" else japan_time(text)),
    _p(r"grant (?P<id>\d+): from (?P<since>\S+) until (?P<until>\S+)",
       _l("Share %(id)s moved: from %(since)s until %(until)s"), since=_T, until=_T),
    _p(r"grant (?P<id>\d+): (?P<why>.+)", _l("Share %(id)s: %(why)s"), why=lambda text: _code(text)),
    _p(r"break_glass (?P<id>\d+): risk (?P<risk>\w+); via (?P<via>\w+); grant (?P<grant>\d+); until (?P<until>\S+)"
       r"(?P<restricted>; restricted case)?",
       _l("Emergency access %(id)s: risk %(risk)s, found by %(via)s, share %(grant)s, until %(until)s%(restricted)s"),
       until=_T, restricted=lambda text: _(" (a case needing special care)") if text else ""),
    _p(r"break_glass (?P<id>\d+): (?P<outcome>\w+)", _l("Emergency access %(id)s: %(outcome)s")),
    _p(r"break_glass (?P<id>\d+)", _l("Emergency access %(id)s")),
    _p(r"handoff (?P<id>\d+): (?P<kind>\w+) to (?P<to>institution \d+(?: user \d+)?); scope (?P<scope>[\w-]+); "
       r"(?P<legal>[\w-]+(?: \d+)?)(?P<flags>(?: emergency| needs_approval)*)",
       _l("%(kind)s %(id)s to %(to)s; scope: %(scope)s; %(legal)s%(flags)s"), kind=_basis_kind, to=_recipient,
       scope=_label(Scope, extra={"-": "—"}), legal=lambda text: "—" if text == "-" else _legal(text), flags=_flags),
    _p(r"handoff (?P<id>\d+): approved by its sender", _l("Referral or transfer %(id)s: approved by its sender")),
    _p(r"request (?P<id>\d+): (?P<kind>\w+) from institution (?P<a>\d+) to institution (?P<b>\d+); (?P<origin>\w+); "
       r"due (?P<due>[\d-]+)(?:; (?P<legal>\w+(?: \d+)?))?",
       _l("Information request %(id)s (%(kind)s, %(origin)s) from %(a)s to %(b)s; due %(due)s %(legal)s"),
       a=_institution, b=_institution, legal=lambda text: _legal(text) if text else ""),
    _p(r"meeting (?P<id>\d+): (?P<kind>\w+) from (?P<since>\S+) until (?P<until>\S+); (?P<people>\d+) participants, "
       r"(?P<items>\d+) items", _l("Meeting %(id)s (%(kind)s) from %(since)s until %(until)s; %(people)s participants, "
                                   "%(items)s items"), since=_T, until=_T),
    _p(r"brief meeting (?P<id>\d+)", _l("The brief of meeting %(id)s")),
    _p(r"meeting (?P<id>\d+): brief (?P<brief>\d+) version (?P<version>\d+)",
       _l("Meeting %(id)s: brief %(brief)s, version %(version)s")),
    _p(r"meeting (?P<id>\d+) item (?P<item>\d+)(?P<rest>: .*)?", _l("Meeting %(id)s, agenda item %(item)s%(rest)s"),
       rest=lambda text: _times(text or "")),
    _p(r"meeting (?P<id>\d+) record", _l("The record of meeting %(id)s")),
    _p(r"meeting (?P<id>\d+)", _l("Meeting %(id)s")),
    _p(r"(?P<n>\d+) of (?P<m>\d+) attended", _l("%(n)s of %(m)s attended")),
    _p(r"task (?P<id>\d+) to institution (?P<i>\d+), due (?P<due>[\d-]+)",
       _l("Task %(id)s to %(i)s, due %(due)s"), i=_institution),
    _p(r"task (?P<id>\d+) of institution (?P<i>\d+)", _l("Task %(id)s of %(i)s"), i=_institution),
    _p(r"task (?P<id>\d+)", _l("Task %(id)s")),
    _p(r"(?P<n>\d+) tasks", _l("%(n)s tasks")),
    _p(r"(?P<n>\d+) cases", _l("%(n)s cases")),
    _p(r"case (?P<number>[\w-]+)", _l("Case %(number)s")),
    _p(r"version (?P<n>\d+)", _l("Version %(n)s")),
    _p(r"role (?P<role>\w+)", _l("Role: %(role)s"), role=_label(Role)),
    _p(r"(?P<a>\w+@\d+) -> (?P<b>\w+@\d+)", _l("%(a)s → %(b)s"), a=_role_at, b=_role_at),
    _p(r"institution (?P<a>\d+) -> institution (?P<b>\d+)", _l("Lead institution %(a)s → %(b)s"), a=_institution,
       b=_institution),
    _p(r"(?P<a>[a-z]+) -> (?P<b>[a-z]+)", _l("%(a)s → %(b)s"), a=_status, b=_status),
    _p(r"seq (?P<seq>\d+) \((?P<source>[\w:]+)\)", _l("Event %(seq)s (from %(source)s)")),
    _p(r"seq (?P<seq>\d+) \(review (?P<id>\d+), version (?P<version>\d+)\)",
       _l("Event %(seq)s: review %(id)s, version %(version)s")),
    _p(r"seq (?P<seq>\d+)", _l("Event %(seq)s")),
    _p(r"(?P<since>[\d-]{10})\.\.(?P<until>[\d-]{10})(?P<found>: .*)?",
       _l("Japan dates %(since)s to %(until)s%(found)s"), found=lambda text: text or ""),
    _p(r"seed (?P<seed>\d+), (?P<n>\d+) of (?P<m>\d+) \((?P<filter>.*)\): seqs (?P<seqs>[\d ]*)",
       _l("Seed %(seed)s: %(n)s of %(m)s access events (%(filter)s): events %(seqs)s")),
    _p(r"(?P<n>\d+) events(?P<limit>, limit reached)?", _l("%(n)s events%(limit)s"),
       limit=lambda text: _(" (the limit was reached)") if text else ""),
    _p(r"(?P<n>\d+) intact", _l("Intact: %(n)s events checked")),
    _p(r"first bad seq (?P<seq>\d+)", _l("First bad event: %(seq)s")),
    _p(r"watermark (?P<kind>person|institution)", _l("Watermark: %(kind)s"),
       kind=lambda text: _("the supervisor's name") if text == "person" else _("the institution only")),
    _p(r"disclosure (?P<seq>\d+)", _l("The disclosure report of event %(seq)s shown or printed")),
    _p(r"(?P<n>\d+) failures", _l("%(n)s failed attempts")),
    _p(r"(?P<n>\d+) left", _l("%(n)s recovery codes left")),
    _p(r"(?P<why>\w+): (?P<n>\d+)", _l("%(why)s: %(n)s sessions ended"), why=lambda text: _code(text)),
)

#: Reasons that are one code.
CODES = {
    "history": _l("A support record's edit history"),
    "plan": _l("The support plan"),
    "plan history": _l("The support plan's earlier versions"),
    "details": _l("Personal details"),
    "intact": _l("Intact"),
    "first administrator": _l("The first administrator"),
    "display_name": _l("Display name"),
    "meeting agenda choices": _l("Cases offered for a meeting's agenda"),
    "ended early by its user": _l("Ended early by its user"),
    "address_throttled": _l("Too many failures from this address"),
    "unknown_user": _l("No such user"),
    "disabled": _l("Account disabled"),
    "locked": _l("Account locked"),
    "bad_password": _l("Wrong password"),
    "tasks_withdrawn": _l("Tasks withdrawn"),
    "meeting_changed": _l("The meeting was changed"),
    "minutes_approved": _l("The minutes were approved"),
    "role_changed": _l("Role changed"),
    "reset": _l("Sign-in reset"),
    "revoked": _l("Ended by an administrator"),
    "none": _l("None"),
}


def _code(text: str) -> str:
    label = CODES.get(text)
    return str(label) if label is not None else _times(text)


def reason_words(tag: str, reason: str | None) -> str:
    """An event's reason as the auditor reads it (the module's docstring)."""
    if not reason:
        return ""
    if tag in _REFUSALS and reason in ACTION_LABELS:
        return _("Asked to %(action)s", action=ACTION_LABELS[reason])
    if tag == AuditTag.PAGE_ACCESS_DENIED:
        permission, _space, endpoint = reason.partition(" ")
        if permission in PERMISSION_LABELS:
            return _("Asked to %(action)s (page %(page)s)", action=PERMISSION_LABELS[permission], page=endpoint)
    if reason in CODES:
        return str(CODES[reason])
    for pattern in PATTERNS:
        found = pattern.shape.fullmatch(reason)
        if found:
            parts = {name: pattern.words.get(name, str)(value or "") for name, value in found.groupdict().items()}
            return str(pattern.message) % parts
    return _times(reason)
