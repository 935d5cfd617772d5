"""Verifying the council's audit log: the chain walk and the checkpoints held outside the database, as one run.

The CLI (``council audit verify``), the auditor's page and a restore all verify through ``verify_chain``. The
checkpoints are checked before the run records its own event: that event takes the next sequence number, and a
tail cut off after a checkpoint must be reported where it was cut, not one event later.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from council.audit.checkpoints import CheckpointError, check_checkpoint, read_checkpoints
from council.audit.events import AuditTag, record, recorder
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


@dataclass(frozen=True)
class VerificationRun:
    """A walk of the whole chain and the checkpoints checked with it."""

    chain: Verification
    checkpoints: list[CheckpointResult] = field(default_factory=list)
    #: Wall-clock seconds the walk and the checks took.
    seconds: float = 0.0

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


def verify_chain(*, actor=None, checkpoints: Sequence[tuple[str, str]] = (), progress=None) -> VerificationRun:
    """Walk the whole chain and check every checkpoint in ``checkpoints`` ((source, text) pairs); then record the
    outcome as an event (after the walk, so it is not part of it). Commits.

    The chain holds every council of the deployment. An auditor's verification is an event of their council,
    which that council's auditors read, so its reason does not give the deployment-wide count; the operator's
    (``council audit verify``, no actor) does.
    """
    started = time.perf_counter()
    chain = recorder.verify(progress=progress)
    results = [result for source, text in checkpoints for result in check_checkpoint_text(text, source=source)]
    run = VerificationRun(chain=chain, checkpoints=results, seconds=time.perf_counter() - started)
    db.session.rollback()
    intact = f"{run.checked} intact" if actor is None else "intact"
    record(tag=AuditTag.AUDIT_VERIFIED, actor=actor, outcome=Outcome.ALLOWED if run.intact else Outcome.ERROR,
           reason=intact if run.intact else f"first bad seq {run.first_bad_seq}")
    db.session.commit()
    return run
