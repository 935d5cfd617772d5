"""Verifying the council's audit log: the chain walk and the checkpoints held outside the database, as one run.

The CLI (``council audit verify``), the auditor's page and a restore all verify through ``verify_chain``. The
checkpoints are checked before the run records its own event: that event takes the next sequence number, and a
tail cut off after a checkpoint must be reported where it was cut, not one event later.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace

from sqlalchemy import case, func, or_, select

from council.audit.checkpoints import (
    FORMAT,
    CheckpointError,
    check_checkpoint,
    checkpoint_line,
    instance_checkpoint_file,
    read_checkpoints,
)
from council.audit.events import AuditTag, record, recorder
from council.audit.marks import mismatched
from council.audit.models import AuditEvent, AuditVerification
from council.audit.services import council_event_count
from council.core.clock import utcnow
from council.database import db
from council.security.auditchain import Outcome, Verification


@dataclass(frozen=True)
class CheckpointResult:
    """One checkpoint (a line of ``audit-checkpoints.jsonl``, of approved minutes, or pasted) and what checking it
    against the chain found."""

    #: Where it came from: a file name, or "" for text pasted on the page.
    source: str
    seq: int | None
    signed_at: str
    #: The chain still holds the signed event with the signed hash.
    present: bool
    #: Why not, in English (CheckpointError's message); "" when present.
    problem: str = ""
    first_bad_seq: int | None = None

    @property
    def signed_time(self) -> dt.datetime | None:
        """When it was signed, as an instant (the page shows it in Japan time)."""
        return _signed_at(self.signed_at)


@dataclass(frozen=True)
class VerificationRun:
    """A walk of the whole chain and the checkpoints checked with it."""

    chain: Verification
    checkpoints: list[CheckpointResult] = field(default_factory=list)
    #: Wall-clock seconds the walk and the checks took.
    seconds: float = 0.0
    #: The stored run (audit_verification.id): the result page's address.
    record_id: int | None = None

    @property
    def checked(self) -> int:
        return self.chain.checked

    @property
    def intact(self) -> bool:
        return self.chain.intact and all(c.present for c in self.checkpoints)

    @property
    def first_bad_seq(self) -> int | None:
        """The chain's first bad event, else the earliest a checkpoint found missing or changed."""
        if not self.chain.intact:
            return self.chain.first_bad_seq
        return min((c.first_bad_seq for c in self.checkpoints if c.first_bad_seq), default=None)


def check_checkpoint_text(text: str, *, source: str = "") -> list[CheckpointResult]:
    """Check each checkpoint in ``text`` against the chain. A text that holds no checkpoint (or a line that is not
    one) gives one failed result."""
    try:
        bodies = read_checkpoints(text)
    except CheckpointError as error:
        return [CheckpointResult(source=source, seq=None, signed_at="", present=False, problem=str(error))]
    results = []
    for body in bodies:
        try:
            checked = check_checkpoint(body)
        except CheckpointError as error:
            results.append(CheckpointResult(source=source, seq=body.get("seq"),
                                            signed_at=str(body.get("signed_at", "")), present=False,
                                            problem=str(error), first_bad_seq=error.first_bad_seq))
        else:
            results.append(CheckpointResult(source=source, seq=checked.seq, signed_at=checked.signed_at, present=True))
    return results


def verify_chain(*, actor=None, source: str = "cli", checkpoints: Sequence[tuple[str, str]] = (),
                 progress=None) -> VerificationRun:
    """Walk the whole chain and check every checkpoint in ``checkpoints`` ((source, text) pairs); then record the
    outcome as an event (after the walk, so it is not part of it) and as a run the workspace shows. Commits.

    ``source`` is ``cli``, ``page`` (an auditor, ``actor``) or ``restore``. The chain holds every council of the
    deployment. An auditor's verification is an event of their council, which that council's auditors read, so
    its reason does not give the deployment-wide count; the operator's (no actor) does.
    """
    started_at, started = utcnow(), time.perf_counter()
    chain = recorder.verify(progress=progress)
    if chain.intact:
        chain = _check_marks(chain)
    if chain.intact:
        chain = _check_counts(chain)
    results = [result for name, text in checkpoints for result in check_checkpoint_text(text, source=name)]
    run = VerificationRun(chain=chain, checkpoints=results, seconds=time.perf_counter() - started)
    db.session.rollback()
    # What an auditor of a joint deployment may know of the walk: their own council's events, never the others'.
    council_events = council_event_count(council_id=actor.council_id) if actor is not None else None
    intact = f"{run.checked} intact" if actor is None else "intact"
    event = record(tag=AuditTag.AUDIT_VERIFIED, actor=actor, outcome=Outcome.ALLOWED if run.intact else Outcome.ERROR,
                   reason=intact if run.intact else f"first bad seq {run.first_bad_seq}")
    db.session.flush()
    stored = AuditVerification(
        council_id=actor.council_id if actor is not None else None,
        actor_user_id=actor.id if actor is not None else None, source=source, started_at=started_at,
        duration_ms=round(run.seconds * 1000), events_checked=run.checked, council_events=council_events,
        intact=run.intact, first_bad_seq=run.first_bad_seq, checkpoints_checked=len(results),
        checkpoints_failed=sum(not c.present for c in results), event_seq=event.seq,
        findings=json.dumps({"problem": chain.problem, "checkpoints": [asdict(c) for c in results]}))
    db.session.add(stored)
    db.session.commit()
    return replace(run, record_id=stored.id)


@dataclass(frozen=True)
class Findings:
    """What a stored run found, for its result page: the chain's problem code (None when intact) and each
    checkpoint's result."""

    problem: str | None
    checkpoints: list[CheckpointResult]


def findings_of(run: AuditVerification) -> Findings:
    """The findings stored with ``run`` (a run stored before they were, or by an older version: none)."""
    stored = json.loads(run.findings or "{}")
    return Findings(problem=stored.get("problem"),
                    checkpoints=[CheckpointResult(**c) for c in stored.get("checkpoints", [])])


def council_run(*, council_id: int, run_id: int) -> AuditVerification | None:
    """The run ``run_id`` if one of ``council_id``'s auditors ran it; None otherwise (another council's, the
    command line's, none)."""
    run = db.session.get(AuditVerification, run_id) if 0 < run_id < 2**63 else None
    return run if run is not None and run.council_id == council_id else None


def council_counts(*, council_id: int, runs: Sequence[AuditVerification]) -> dict[int, int]:
    """Run id → how many of ``council_id``'s events each run walked (those before its own event): stored for the
    council's own runs; for the deployment-wide ones (command line, restore), counted here in one pass."""
    counts = {run.id: run.council_events for run in runs if run.council_events is not None}
    missing = [run for run in runs if run.council_events is None and run.event_seq]
    if missing:
        row = db.session.execute(select(*(func.count(case((AuditEvent.seq < run.event_seq, 1))) for run in missing))
                                 .where(AuditEvent.council_id == council_id,
                                        AuditEvent.seq < max(run.event_seq for run in missing))).one()
        counts.update({run.id: count for run, count in zip(missing, row, strict=True)})
    return counts


def _check_marks(chain: Verification) -> Verification:
    """The walk found every hash right; the marks the log's filters walk (``marks``: not hashed, derived from hashed
    fields) must agree with those fields too: one query over the table for the first that does not."""
    bad = db.session.scalar(select(func.min(AuditEvent.seq)).where(mismatched()))
    return chain if bad is None else Verification(chain.checked, bad, "marks")


def _check_counts(chain: Verification) -> Verification:
    """The access counts kept per closed day (``reviews.daily``: derived, not hashed, read by the volume rule) must
    be what the day's events give: each kept day is counted again from the log (one grouped query per day)."""
    from council.audit.reviews import daily  # the reviews package sits above the log's verification

    bad = daily.first_miscounted()
    return chain if bad is None else Verification(chain.checked, bad, "counts")


def recent_runs(*, council_id: int, limit: int = 10) -> list[AuditVerification]:
    """The newest verification runs a council's auditors see: their own council's and the deployment-wide ones
    (command line, restores), newest first."""
    return list(db.session.scalars(
        select(AuditVerification)
        .where(or_(AuditVerification.council_id == council_id, AuditVerification.council_id.is_(None)))
        .order_by(AuditVerification.started_at.desc(), AuditVerification.id.desc()).limit(limit)))


# -- checkpoints held -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeldCheckpoint:
    """A checkpoint the deployment holds outside the chain: a line of the instance's ``audit-checkpoints.jsonl``,
    or the checkpoint printed on approved minutes."""

    #: ``file`` (the instance file) or ``minutes``.
    kind: str
    seq: int
    #: When it was signed (UTC).
    signed_at: dt.datetime | None
    #: The line itself, as ``council audit verify --checkpoint`` reads it.
    line: str
    #: For minutes: the meeting (its id, and when it was held, UTC); None for the file.
    meeting_id: int | None = None
    meeting_at: dt.datetime | None = None


#: Features that hold checkpoints of their own (approved minutes): functions of a council id giving them. Audit
#: never imports those features; they register here (council.meetings.minutes).
_HOLDERS: list[Callable[[int], list[HeldCheckpoint]]] = []


def register_checkpoint_holder(holder: Callable[[int], list[HeldCheckpoint]]) -> None:
    if holder not in _HOLDERS:
        _HOLDERS.append(holder)


def _signed_at(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def held_from_body(body: dict, *, kind: str, meeting_id: int | None = None,
                   meeting_at: dt.datetime | None = None) -> HeldCheckpoint:
    """A held checkpoint from a checkpoint's body (signature unchecked: checking is the verification's job)."""
    return HeldCheckpoint(kind=kind, seq=int(body.get("seq") or 0), signed_at=_signed_at(body.get("signed_at")),
                          line=checkpoint_line({"format": FORMAT, **body}), meeting_id=meeting_id,
                          meeting_at=meeting_at)


@dataclass(frozen=True)
class Held:
    """What the workspace shows of the checkpoints held."""

    #: The instance file's lines, newest first; empty when the file does not exist on this server.
    file_lines: list[HeldCheckpoint]
    #: Whether ``audit-checkpoints.jsonl`` exists on this server; lines that are not checkpoints are counted.
    file_present: bool
    unreadable_lines: int
    #: Approved minutes' checkpoints of the council, newest first.
    minutes: list[HeldCheckpoint]

    @property
    def last_file_checkpoint(self) -> dt.datetime | None:
        return max((c.signed_at for c in self.file_lines if c.signed_at), default=None)

    def all_lines(self) -> list[tuple[str, str]]:
        """Every held line as (source, text) for ``verify_chain``."""
        held = [("audit-checkpoints.jsonl", self.file_lines), ("minutes", self.minutes)]
        return [(source, "\n".join(c.line for c in lines)) for source, lines in held if lines]


def held_checkpoints(*, council_id: int) -> Held:
    """The instance file's checkpoints (the whole deployment's: sequence numbers, hashes and times only) and those
    of the council's approved minutes."""
    path = instance_checkpoint_file()
    lines, unreadable = [], 0
    if path.exists():
        for text in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                body = json.loads(text)
            except ValueError:
                body = None
            try:
                if not isinstance(body, dict) or body.get("format") != FORMAT:
                    raise KeyError("format")
                lines.append(held_from_body(body, kind="file"))
            except KeyError:
                unreadable += bool(text.strip())
    minutes = [held for holder in _HOLDERS for held in holder(council_id)]
    return Held(file_lines=lines[::-1], file_present=path.exists(), unreadable_lines=unreadable,
                minutes=sorted(minutes, key=lambda c: c.seq, reverse=True))
