"""Column types and small helpers every platform feature shares."""

from __future__ import annotations

from flask import flash
from flask_babel import gettext as _
from sqlalchemy import BigInteger, Integer

from council.core.db import lock_for_update
from council.platform.database import db

#: Primary keys: 64-bit on PostgreSQL, SQLite's rowid alias there.
ID = BigInteger().with_variant(Integer, "sqlite")


class StaleEdit(Exception):
    """Someone saved the same thing after this form was opened; nothing was written."""


def lock_current(row, submitted_version: str | int | None) -> None:
    """Lock ``row`` until the transaction ends and bump its version; when the edit was based on an older (or a
    tampered) version, roll back and raise StaleEdit (optimistic locking that holds under concurrency)."""
    lock_for_update(db.session, row)
    try:
        current = int(submitted_version)
    except (TypeError, ValueError):
        current = None
    if current != row.version:
        db.session.rollback()
        raise StaleEdit()
    row.version += 1


def show_stale(form, row):
    """After StaleEdit: say so, keep the typed text, base the next save on what is stored now; return ``row``
    for the page to show beside the form."""
    flash(_("Someone else saved this page after you opened it. What is stored now is shown below; your text is "
            "kept in the form. Save again to replace it."), "error")
    form.version.data = row.version
    return row
