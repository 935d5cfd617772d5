"""The minutes' general part (議事概要) sealed under a data key of the meeting's own.

The 議事概要 is not about any one case, yet it may name people ("the son's school will call on Tuesday"), so it is not
kept in plaintext; it is not sealed under a case's key either, since a meeting discusses several cases (or none)
and purging one must not shred the minutes of the others. Each meeting with a summary gets its own data key,
wrapped by the KEK under the label ``council/meeting-dek`` (``council.crypto.owned``, as an incident's), and is a
key holder: ``council keys rotate`` re-wraps these keys, ``council keys status`` and ``retire`` count them, and a
backup names the KEK versions they need. Who may read it is decided before (``minutes.reach``: the participants and
the coordinator of the meeting).

Summaries saved before sealing existed (migration 0018 kept them in the old plaintext column) are sealed and the
plaintext emptied at start-up (``seal_plaintext_summaries``), before the first request.
"""

from __future__ import annotations

from flask import g

from council.audit.events import AuditTag
from council.cases.keys import rewrap_rows
from council.cases.vault import vault
from council.crypto.owned import RowKeys
from council.database import db
from council.meetings.models import Meeting

#: The label of a meeting's wrapped data key in its associated data.
WRAP_LABEL = b"council/meeting-dek"


def _cache() -> dict:
    """Unwrapped meeting keys live for one request (or one CLI command) only."""
    if "meeting_ciphers" not in g:
        g.meeting_ciphers = {}
    return g.meeting_ciphers


KEYS = RowKeys(model=Meeting, label=WRAP_LABEL, columns=("summary",), keyring=lambda: vault().keyring,
               cache=_cache)


def summary_of(meeting: Meeting) -> str:
    """The meeting's 議事概要 ("" when none). Raises KeyUnavailable, DecryptionFailed."""
    return KEYS.open_text(meeting, "summary")


def seal_summary(meeting: Meeting, text: str | None) -> None:
    """Seal ``text`` (stripped; empty stores NULL) as the meeting's 議事概要, giving it a data key first if needed."""
    KEYS.seal(meeting, "summary", text)


def seal_plaintext_summaries() -> int:
    """Seal every 議事概要 still in the plaintext column (saved before 0018) and empty that column; return how many.
    Idempotent, and safe when several workers start at once: a row is changed only while it still holds the
    plaintext that was read and has no data key. Commits."""
    count = KEYS.seal_legacy(db.session, Meeting.legacy_summary, "summary")
    db.session.commit()
    return count


# -- key rotation (council.cases.keys calls these through its key holders) ------------------------------------------


def usage() -> dict[int, int]:
    """KEK version → number of meeting data keys it wraps."""
    return KEYS.usage(db.session)


def rewrap(version: int) -> int:
    """Re-wrap every meeting data key not yet under KEK ``version`` (``cases.keys.rewrap_rows``). Commits."""
    return rewrap_rows(KEYS, version, tag=AuditTag.MEETING_KEYS_REWRAPPED, noun="meetings")
