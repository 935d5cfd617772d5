"""Exporting a council's statistics: count, suppress, sign with the council's key, write, audit."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from council import instance
from council.audit.events import AuditTag, record
from council.auth.models import Council
from council.cases.models import CaseStatus, Risk, case_categories
from council.core import signedstats
from council.core.clock import japan_date
from council.core.db import utcnow
from council.database import db
from council.stats.counting import Tally, count_cases
from council.stats.errors import StatisticsError
from council.stats.suppression import publish_total, suppress


@dataclass(frozen=True)
class ExportResult:
    path: Path
    #: SHA-256 hex of the file as written, also in the audit event: compare it with the platform's import.
    file_sha256: str
    #: How many published numbers (the total included) show "<k" instead of a count.
    suppressed_cells: int
    total: int | str


def export_statistics(*, council: Council, out: Path, k: int = signedstats.MIN_K, now: dt.datetime | None = None,
                      progress=None) -> ExportResult:
    """Count ``council``'s cases that are not purged, suppress small cells, sign and write ``out``. Commits.

    The file is written beside ``out`` first and moved into place only after the audit event is committed,
    so there is never an export the audit trail does not know. Raises StatisticsError for k below MIN_K, an
    unusable output path, or counts the format cannot carry.
    """
    if k < signedstats.MIN_K:
        raise StatisticsError(f"k must be at least {signedstats.MIN_K}; it may be raised, never lowered.")
    out = Path(out)
    if out.is_dir() or not out.parent.is_dir():
        raise StatisticsError(f"Cannot write {out}: give a file name in an existing folder.")
    now = (now or utcnow()).astimezone(dt.UTC).replace(microsecond=0)
    council_id, council_name = council.id, council.name
    tally = count_cases(council_id, today=japan_date(now), progress=progress)
    payload = build_payload(tally, council_name=council_name, k=k, now=now)
    try:
        body = signedstats.sign(payload, instance.signing_key(current_app.config["INSTANCE_PATH"]))
    except signedstats.StatisticsFileError as error:
        raise StatisticsError(f"The statistics cannot be exported: {error}") from None
    data = (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode()
    digest = hashlib.sha256(data).hexdigest()
    hidden = _suppressed_cells(payload)
    temporary = _write_beside(out, data)
    try:
        record(tag=AuditTag.STATISTICS_EXPORTED, council_id=council_id, target_type="council", target_id=council_id,
               reason=f"file sha256 {digest}, {hidden} cells suppressed, k={k}")
        db.session.commit()
        os.replace(temporary, out)
    except BaseException:
        db.session.rollback()
        temporary.unlink(missing_ok=True)
        raise
    return ExportResult(path=out, file_sha256=digest, suppressed_cells=hidden, total=payload["total"])


def build_payload(tally: Tally, *, council_name: str, k: int, now: dt.datetime) -> dict:
    """The payload of format council-stats/1 from the counts: labels in a fixed order, small cells hidden."""
    first, last = _period(tally, japan_date(now))  # the month is Japan's: 23:30 UTC on 30 Nov is December
    categories = list(dict.fromkeys(case_categories()))
    categories += sorted(set(tally.category) - set(categories))  # categories no longer configured but in use
    labels = {
        "status": [s.value for s in CaseStatus],
        "risk": [r.value for r in Risk],
        "category": categories,
        "age_band": list(signedstats.AGE_BANDS),
        "intake_month": signedstats.months_between(first, last),
    }
    return {
        "format": signedstats.FORMAT,
        "council": council_name,
        "generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "k": k,
        "period": {"from": first, "to": last},
        "total": publish_total(tally.total, k=k),
        "dimensions": {name: suppress([(label, getattr(tally, name)[label]) for label in wanted], k=k,
                                      total=tally.total)
                       for name, wanted in labels.items()},
    }


def _period(tally: Tally, today: dt.date) -> tuple[str, str]:
    """From April of the fiscal year (年度) of the earliest intake to this month (or a later intake's month).

    Starting at the fiscal year rather than at the earliest intake's own month keeps that month from
    telling that at least one case began in it.
    """
    earliest = tally.earliest_intake or today
    year = earliest.year if earliest.month >= 4 else earliest.year - 1
    last = max(today, tally.latest_intake or today)
    return f"{year:04d}-04", last.strftime("%Y-%m")


def _suppressed_cells(payload: dict) -> int:
    marker = signedstats.suppressed(payload["k"])
    cells = [cell["count"] for cells in payload["dimensions"].values() for cell in cells] + [payload["total"]]
    return sum(1 for count in cells if count == marker)


def _write_beside(out: Path, data: bytes) -> Path:
    """Write ``data`` to a new file next to ``out``, mode 0644 (the file is for others to read), synced."""
    handle, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            os.fchmod(file.fileno(), 0o644)
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def public_key_pem() -> tuple[str, str]:
    """The council's public key as PEM, and its fingerprint, for the platform's COUNCIL_PUBLIC_KEY setting."""
    public_key = instance.signing_key(current_app.config["INSTANCE_PATH"]).public_key()
    return signedstats.public_key_pem(public_key), signedstats.fingerprint(public_key)
