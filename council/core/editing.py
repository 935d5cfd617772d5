"""Edits that two people may make at once: the one lock-and-version helper of both apps.

A form carries the ``version`` of what it shows. Saving locks the row, compares that version with the stored
one and bumps it, all in the transaction that writes the change, so of two people who opened the same page
the second to save is refused with what is stored now, instead of silently overwriting the first. Comparing
without the lock is not enough: on PostgreSQL both requests would read the same version before either
commits, and both would "win".
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import object_session

from council.core.db import lock_for_update
from council.core.i18n import lazy_gettext as _l

#: Shown when the feature gives no message of its own.
DEFAULT_MESSAGE = _l("Someone else saved this page after you opened it. What is stored now is shown below; your "
                     "text is kept in the form. Save again to replace it.")


class StaleEdit(Exception):
    """Someone saved the same thing after the form was opened; nothing was written.

    ``current`` is the row as stored now (the page shows it next to what was typed, and the form's version
    is set to ``current.version`` so that a second save builds on it). Features subclass it together with
    their own error class (``class StaleCase(StaleEdit, CaseError)``) so that their views catch it as usual.
    """

    def __init__(self, message: str | None = None, *, current=None):
        super().__init__(str(message or DEFAULT_MESSAGE))
        self.current = current


def submitted_version(value) -> int | None:
    """The version a form sent, or None for a missing or tampered one (which then never matches)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def lock_for_edit(row, version, *, stale: type[StaleEdit] = StaleEdit, message: str | None = None,
                  newest: Callable[[], int] | None = None) -> None:
    """Lock ``row`` until the transaction ends, refuse an edit based on an older ``version``, bump the version.

    ``version`` is what the form sent. When it is not the stored one, the transaction is rolled back (the
    lock is released at once, nothing written) and ``stale(message, current=row)`` is raised; ``row`` then
    holds what is stored now. Otherwise ``row.version`` is incremented, so the caller only writes its change.

    ``newest`` is for things that are saved as new rows under a parent (a case's plan versions): ``row`` is
    the parent, locked to serialise the saves, ``newest()`` — called under the lock — is the version to
    compare with, and nothing is bumped (the caller inserts version ``newest() + 1``).

    Call it after checking what was typed and before writing: checks made on the row as loaded hold whenever
    the version matches. A refusal that needs the locked row rolls the session back before raising, so the
    bumped version is never committed alone.
    """
    session = object_session(row)
    lock_for_update(session, row)
    stored = row.version if newest is None else newest()
    if submitted_version(version) != stored:
        session.rollback()
        raise stale(message, current=row)
    if newest is None:
        row.version += 1


def lock_and_bump(row) -> None:
    """Lock ``row`` and bump its version for a change that no form version describes (an action button:
    disable, reset, add a household member), so that an edit opened before it is refused afterwards."""
    lock_for_update(object_session(row), row)
    row.version += 1


def show_stale(form, error: StaleEdit):
    """After a StaleEdit: say so in the form's error summary, keep what was typed, base the next save on what
    is stored now (the form's ``version``); return the stored row for the page to show beside the form."""
    form.form_errors.append(str(error))
    form.version.data = error.current.version
    return error.current
