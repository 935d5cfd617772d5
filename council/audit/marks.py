"""What the log marks on each event for the auditor's two filters that no other column answers: 「要確認のみ」 (flagged)
and the basis 緊急アクセス (break_glass). Both are worked out from the event's hashed fields (tag, outcome, reason,
basis) when it is appended (``council.audit.events``), and stored in columns of their own with a partial index each
(migration 0022), so that a page of them is an index walk of the marked events only, however long the chain.

The marks are not hashed: they are derived, and the hashed fields they come from are what the chain protects.
``mismatched`` finds an event whose stored marks disagree with its hashed fields (``council audit verify`` reports it).
"""

from __future__ import annotations

from sqlalchemy import and_, false, func, or_, true

from council.audit.describe import KINDS_BY_KEY
from council.audit.models import AuditEvent
from council.audit.tags import COUNCIL_TAGS, AuditTag
from council.security.auditchain import Outcome


def kind_tags(kind: str) -> list[str]:
    """The catalogue's tags of a kind of event: an IN list the (council, tag, seq) index answers, where a prefix
    match (LIKE) would walk the chain."""
    prefixes = KINDS_BY_KEY[kind].prefixes
    return sorted(str(tag) for tag in COUNCIL_TAGS if tag.startswith(prefixes))


#: Emergency access (緊急アクセス) opened, refused, ended, acknowledged, reviewed; and shares, which may rest on 緊急.
FLAGGED_TAGS = frozenset({*kind_tags("break_glass"), AuditTag.GRANT_CREATED} - {AuditTag.BREAK_GLASS_LISTED})
#: What a share's reason holds when it rests on the emergency legal basis (緊急; ``council.access.grants``).
EMERGENCY_SHARE = "; emergency;"
#: The basis kind the ``break_glass`` column marks.
BREAK_GLASS = "break_glass"


def is_flagged(*, tag: str, outcome: str, reason: str | None) -> bool:
    """What an auditor reviews first: refused or failed requests, every step of an emergency access (緊急アクセス),
    and shares made on the emergency legal basis (緊急). The reads done under an emergency access are marked
    ``break_glass`` instead (the basis filter 緊急アクセス)."""
    if outcome in (Outcome.DENIED, Outcome.ERROR):
        return True
    return tag in FLAGGED_TAGS and (tag != AuditTag.GRANT_CREATED or EMERGENCY_SHARE in (reason or ""))


def has_basis_kind(basis: str | None, kind: str) -> bool:
    """Whether a recorded basis is of ``kind``: the code itself, ``kind:<id>``, or one of a list's comma-joined
    kinds (``filters.basis_is`` asks the same in SQL)."""
    if not basis:
        return False
    return basis == kind or basis.startswith((f"{kind}:", f"{kind},")) or basis.endswith(f",{kind}") \
        or f",{kind}," in basis


def marks(*, tag: str, outcome: str, reason: str | None, basis: str | None) -> dict[str, bool]:
    """The marks of an event about to be appended, as column values."""
    return {"flagged": is_flagged(tag=str(tag), outcome=str(outcome), reason=reason),
            "break_glass": has_basis_kind(str(basis) if basis is not None else None, BREAK_GLASS)}


def flagged():
    """The flagged events (「要確認のみ」), in the form the partial index ``ix_audit_event_council_flagged_seq`` is
    defined with, so that both databases walk it."""
    return AuditEvent.flagged == true()


def under_break_glass():
    """The events recorded under an emergency access's basis, in the form of the partial index
    ``ix_audit_event_council_break_glass_seq``."""
    return AuditEvent.break_glass == true()


def mismatched():
    """Events whose stored marks disagree with their hashed fields: altered behind the application's back (the
    table refuses UPDATE; whoever bypasses that could hide an event from 「要確認のみ」 without breaking a hash)."""
    derived_flag = or_(AuditEvent.outcome.in_((Outcome.DENIED, Outcome.ERROR)),
                       and_(AuditEvent.tag.in_(sorted(FLAGGED_TAGS)),
                            or_(AuditEvent.tag != AuditTag.GRANT_CREATED,
                                func.coalesce(AuditEvent.reason, "").contains(EMERGENCY_SHARE, autoescape=True))))
    derived_basis = basis_sql(BREAK_GLASS)
    return or_(and_(AuditEvent.flagged == true(), ~derived_flag), and_(AuditEvent.flagged == false(), derived_flag),
               and_(AuditEvent.break_glass == true(), ~derived_basis),
               and_(AuditEvent.break_glass == false(), derived_basis))


def basis_sql(kind: str):
    """``has_basis_kind`` in SQL, for a basis kind that has no column of its own (a LIKE walk over the range)."""
    column = AuditEvent.basis
    return and_(column.is_not(None), or_(
        column == kind, column.startswith(f"{kind}:", autoescape=True), column.startswith(f"{kind},", autoescape=True),
        column.endswith(f",{kind}", autoescape=True), column.contains(f",{kind},", autoescape=True)))
