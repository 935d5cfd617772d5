"""The council's append-only audit tables (mechanism in council.security.auditchain)."""

import datetime as dt

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column

from council.core.db import UTCDateTime
from council.database import Base
from council.security.auditchain import MIXIN_V1_FIELDS, AuditEventMixin, ChainFormat, LinkTable

#: Format 1: what every council event was hashed over before format versions existed (keep it as it is: old
#: events verify against it). Format 2 adds the version itself, the case columns and the side table's case ids.
#: A column added later goes into a format 3, never into these.
COUNCIL_FORMATS = {
    1: ChainFormat((*MIXIN_V1_FIELDS, "council_id", "actor_institution_id"), as_object=True),
    2: ChainFormat((*MIXIN_V1_FIELDS, "council_id", "actor_institution_id", "format_version", "case_id",
                    "case_number", "case_ids")),
}


class AuditEventCase(Base):
    """The cases one event concerns besides its own case columns: the cases a list page or a search showed,
    the matches a duplicate check disclosed, the case keys a rotation batch re-wrapped. Append-only like
    audit_event, and hashed into its event (format 2, ``case_ids``), so a row added or removed breaks the chain.
    """

    __tablename__ = "audit_event_case"
    __table_args__ = (
        # "Who saw case X": the auditor's lookup by case, in event order.
        Index("ix_audit_event_case_case_id_seq", "case_id", "event_seq"),
    )
    #: The event (audit_event.seq).
    event_seq: Mapped[int] = mapped_column(BigInteger, ForeignKey("audit_event.seq"), primary_key=True)
    #: A case the event concerns (case_file.id; no foreign key: the trail outlives anything done to cases).
    case_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)


class AuditEvent(AuditEventMixin, Base):
    """One event. Holds ids, case numbers and tags only: never passwords, codes, tokens or personal data."""

    __tablename__ = "audit_event"
    __table_args__ = (
        # "Who looked at case X" is an index lookup within the auditor's council, in chain order.
        Index("ix_audit_event_council_case_seq", "council_id", "case_id", "seq"),
        # The auditor's filters (issue 12, migration 0017): a page of one user's events, of refusals, of a kind of
        # event walks only the matches, newest first, however long the chain.
        Index("ix_audit_event_council_actor_seq", "council_id", "actor_user_id", "seq"),
        Index("ix_audit_event_council_outcome_seq", "council_id", "outcome", "seq"),
        Index("ix_audit_event_council_tag_seq", "council_id", "tag", "seq"),
        # 「要確認のみ」 and the basis 緊急アクセス (migration 0022): partial indexes of the few marked events, so that
        # a page of them walks those only (council.audit.marks; the queries say ``= true`` as the index does).
        Index("ix_audit_event_council_flagged_seq", "council_id", "seq",
              sqlite_where=text("flagged = 1"), postgresql_where=text("flagged")),
        Index("ix_audit_event_council_break_glass_seq", "council_id", "seq",
              sqlite_where=text("break_glass = 1"), postgresql_where=text("break_glass")),
    )
    __audit_formats__ = COUNCIL_FORMATS
    __audit_links__ = LinkTable(model=AuditEventCase, id_column="case_id", hashed_as="case_ids")

    #: The council the event belongs to; auditors see their own council's events only.
    council_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    #: The acting user's institution at the time of the event.
    actor_institution_id: Mapped[int | None] = mapped_column(BigInteger)
    #: The case the event is about (case_file.id), or the id a refused request asked for; empty for events
    #: about no case. No foreign key: the trail outlives purges and must never block anything done to cases.
    case_id: Mapped[int | None] = mapped_column(BigInteger)
    #: The case's number (e.g. 2026-0042) at the time of the event, in its own column rather than in ``reason``;
    #: empty for a refused request for a case that is not of the actor's council (or does not exist).
    case_number: Mapped[str | None] = mapped_column(String(20))
    #: Derived marks (council.audit.marks), set when the event is appended and never hashed: what 「要確認のみ」
    #: shows (refusals, errors, emergency access, shares on 緊急), and whether the basis is an emergency access's.
    #: The hashed fields they come from are what the chain protects; verification checks the marks agree.
    flagged: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    break_glass: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)


class AuditVerification(Base):
    """One run of the chain verification — ``council audit verify``, the auditor's 「今すぐ検証する」 or a restore —
    and what it found: what the workspace shows as the last verification. Each run also appends an
    ``audit:chain:verified`` event (``event_seq``), which the chain protects; this row is its readable summary.
    """

    __tablename__ = "audit_verification"
    __table_args__ = (
        # The workspace's "last verification": the newest runs, the operator's and the council's own.
        Index("ix_audit_verification_council_started", "council_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    #: The council of the auditor who ran it from the workspace; empty for a run over the whole deployment from
    #: the command line (``cli``) or a restore, which every council's auditors see.
    council_id: Mapped[int | None] = mapped_column(ForeignKey("council.id"))
    #: The auditor who ran it; empty for the command line and restores.
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: Where it ran: ``cli`` (council audit verify), ``page`` (the auditor's workspace), ``restore``.
    source: Mapped[str] = mapped_column(String(20))
    #: When the walk started (UTC).
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: How long the walk and the checkpoint checks took, in milliseconds.
    duration_ms: Mapped[int] = mapped_column(Integer)
    #: Events walked: the whole chain, every council's (the operator's figure: never shown to a council's auditors
    #: in a joint deployment, where it would tell them the other councils' volume).
    events_checked: Mapped[int] = mapped_column(BigInteger)
    #: Of those, the events of ``council_id`` (before the run's own event): what that council's auditors are shown.
    #: Empty for a deployment-wide run (command line, restore).
    council_events: Mapped[int | None] = mapped_column(BigInteger)
    #: Whether the chain was intact and every checkpoint checked was still held.
    intact: Mapped[bool] = mapped_column(Boolean)
    #: The first bad sequence number found (the chain's, else the earliest a checkpoint found cut or changed).
    first_bad_seq: Mapped[int | None] = mapped_column(BigInteger)
    #: Checkpoints checked with the walk, and how many of them failed.
    checkpoints_checked: Mapped[int] = mapped_column(Integer, default=0)
    checkpoints_failed: Mapped[int] = mapped_column(Integer, default=0)
    #: What the run found, as JSON: {"problem": the chain's problem code or null, "checkpoints": [{"source", "seq",
    #: "signed_at", "present", "problem", "first_bad_seq"}]} — sequence numbers, times and codes only, so that the
    #: result page (a GET after the POST: reloading it verifies nothing again) shows them.
    findings: Mapped[str | None] = mapped_column(Text)
    #: The ``audit:chain:verified`` event this run appended (audit_event.seq; no foreign key, like the trail).
    event_seq: Mapped[int | None] = mapped_column(BigInteger)
