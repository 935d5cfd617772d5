"""An auditor's review comment sealed under a data key of the review's own.

A comment is the auditor's note on an event ("the caseworker confirmed she mistyped 2026-0042 for Ms. Yamada's
case"): it may name a person. It belongs to no case (a purge must not shred it, and whoever reaches the case must
not read it), so each review with a comment gets its own random data key, wrapped by the KEK under the label
``council/review-dek`` (``council.crypto.owned``, as an incident's and a meeting's), and is a key holder: ``council
keys rotate`` re-wraps these keys, ``council keys status`` and ``retire`` count them. A corrected comment is sealed
again in place (a fresh nonce, the same key): the old text is nowhere in plaintext. Who may read it is decided
before: the workspace's routes (auditors of the review's council).

Comments saved before sealing existed (0023 kept them in the old plaintext column) are sealed and the plaintext
emptied at start-up (``seal_plaintext_comments``), before the first request.
"""

from __future__ import annotations

from flask import g

from council.audit.events import AuditTag
from council.audit.reviews.models import AuditReview
from council.cases.keys import rewrap_rows
from council.cases.vault import vault
from council.crypto.owned import RowKeys
from council.database import db

#: The label of a review's wrapped data key in its associated data.
WRAP_LABEL = b"council/review-dek"


def _cache() -> dict:
    """Unwrapped review keys live for one request (or one CLI command) only."""
    if "review_ciphers" not in g:
        g.review_ciphers = {}
    return g.review_ciphers


KEYS = RowKeys(model=AuditReview, label=WRAP_LABEL, columns=("comment",), keyring=lambda: vault().keyring,
               cache=_cache)


def comment_of(review: AuditReview) -> str:
    """The review's comment ("" when none). Raises KeyUnavailable, DecryptionFailed."""
    return KEYS.open_text(review, "comment")


def seal_comment(review: AuditReview, text: str | None) -> None:
    """Seal ``text`` (stripped) as the (flushed) review's comment, giving it a data key first if needed."""
    KEYS.seal(review, "comment", text)


def seal_plaintext_comments() -> int:
    """Seal every comment still in the plaintext column (saved before 0023) and empty that column; return how many.
    Idempotent and safe with several workers starting at once (``RowKeys.seal_legacy``). Commits."""
    count = KEYS.seal_legacy(db.session, AuditReview.legacy_comment, "comment")
    db.session.commit()
    return count


# -- key rotation (council.cases.keys calls these through its key holders) ------------------------------------------


def usage() -> dict[int, int]:
    """KEK version → number of review data keys it wraps."""
    return KEYS.usage(db.session)


def rewrap(version: int) -> int:
    """Re-wrap every review data key not yet under KEK ``version`` (``cases.keys.rewrap_rows``). Commits."""
    return rewrap_rows(KEYS, version, tag=AuditTag.REVIEW_KEYS_REWRAPPED, noun="reviews")
