"""A user's inbox: what waits for them, what of it is new to them, and their notification-mail setting.

"New" is remembered per user and item key (``InboxSeen``), not per provider's rows: providers stay free to
compute their items however they like, and the inbox needs nothing from them but a stable key and a count.
Remembering what a user was shown is their own reading state, not an act on a case or an account, so it is not
audited (it would add an event to the chain on every visit of the inbox); changes of the mail setting and
every mail sent are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from council.audit.events import record
from council.audit.tags import AuditTag
from council.core.clock import utcnow
from council.core.editing import StaleEdit, lock_for_edit, submitted_version
from council.database import db
from council.inbox.models import InboxMailSetting, InboxSeen, SeenVia
from council.inbox.registry import Audience, InboxItem, items_for


@dataclass(frozen=True)
class Entry:
    """An item as the user's inbox shows it."""

    item: InboxItem
    #: How many of the item's things the user has not been shown yet (0: nothing new).
    new: int


@dataclass(frozen=True)
class Inbox:
    """Every item waiting for one user, in the providers' order."""

    entries: list[Entry]

    def addressed_to(self, audience: Audience) -> list[Entry]:
        return [entry for entry in self.entries if entry.item.audience == audience]

    @property
    def total(self) -> int:
        return sum(entry.item.count for entry in self.entries)

    @property
    def new(self) -> int:
        return sum(entry.new for entry in self.entries)

    def counts(self) -> dict[str, int]:
        """Things per stable key (two items with one key count together)."""
        counts: Counter[str] = Counter()
        for entry in self.entries:
            counts[entry.item.stable_key] += entry.item.count
        return dict(counts)


def read_inbox(user, *, via: SeenVia = SeenVia.PAGE) -> Inbox | None:
    """The items for ``user`` with what of them is new: not yet shown on the inbox page (``via=PAGE``), or, for
    the notification mail (``via=MAIL``), neither shown there nor counted in an earlier mail. None when no
    provider applies to the user's role."""
    items = items_for(user)
    if items is None:
        return None
    shown = _shown(user.id, via)
    return Inbox([Entry(item, max(0, item.count - shown.get(item.stable_key, 0))) for item in items])


def record_listed(user, items: Iterable[InboxItem]) -> None:
    """Record, as every list page does (DESIGN §6), the cases that the inbox page (or the home page's first
    items) shows by number: one event naming them in the audit side table, committed before the page is sent.
    Nothing when no item names a case; the header's badge and the notification mail show no case, so they record
    nothing."""
    case_ids = sorted({case_id for item in items for case_id in item.case_ids})
    if case_ids:
        record(tag=AuditTag.CASE_LISTED, actor=user, target_type="case_file", cases=case_ids, reason="inbox")
        db.session.commit()


def _shown(user_id: int, via: SeenVia) -> dict[str, int]:
    """The most things each key was shown with; a mail counts only what the page has not shown already."""
    vias = [SeenVia.PAGE] if via == SeenVia.PAGE else [SeenVia.PAGE, SeenVia.MAIL]
    shown: dict[str, int] = {}
    for key, count in db.session.execute(
            select(InboxSeen.key, InboxSeen.count).where(InboxSeen.user_id == user_id, InboxSeen.via.in_(vias))):
        shown[key] = max(count, shown.get(key, 0))
    return shown


def mark_shown(user, inbox: Inbox, *, via: SeenVia = SeenVia.PAGE) -> None:
    """Remember that ``user`` was shown everything in ``inbox`` (on the page or in a mail), and forget what is no
    longer in it, so that an item that comes back is new again. Commits."""
    counts = inbox.counts()
    db.session.execute(delete(InboxSeen).where(InboxSeen.user_id == user.id, InboxSeen.key.not_in(list(counts)))
                       if counts else delete(InboxSeen).where(InboxSeen.user_id == user.id))
    if counts:
        db.session.execute(_upsert([{"user_id": user.id, "via": str(via), "key": key, "count": count,
                                     "seen_at": utcnow()} for key, count in counts.items()]))
    db.session.commit()


def _upsert(rows: list[dict]):
    """One statement, so that two tabs opening the inbox at once both succeed (the later one's counts stay)."""
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(InboxSeen).values(rows)
    return statement.on_conflict_do_update(
        index_elements=[InboxSeen.user_id, InboxSeen.via, InboxSeen.key],
        set_={"count": statement.excluded["count"], "seen_at": statement.excluded.seen_at})


# -- the notification-mail setting ------------------------------------------------------------------------


class StaleMailSetting(StaleEdit):
    """The setting was saved in another tab after this form was opened."""


def mail_setting(user) -> InboxMailSetting:
    """The user's setting as stored, or a new (unsaved, switched off) one."""
    return db.session.get(InboxMailSetting, user.id) or InboxMailSetting(user_id=user.id, address="", enabled=False,
                                                                          version=0)


def save_mail_setting(*, actor, address: str, enabled: bool, version) -> InboxMailSetting:
    """Store ``actor``'s own notification address and choice; audited with on/off only (the address is not
    written to the chain). Raises StaleMailSetting when ``version`` is not the stored one."""
    setting = db.session.get(InboxMailSetting, actor.id)
    if setting is None:
        if submitted_version(version) != 0:  # a version of a setting never saved: a tampered form
            raise StaleMailSetting(current=mail_setting(actor))
        setting = InboxMailSetting(user_id=actor.id, version=1)
        db.session.add(setting)
    else:
        lock_for_edit(setting, version, stale=StaleMailSetting)
    setting.address = address.strip()
    setting.enabled = bool(enabled and setting.address)
    setting.updated_at = utcnow()
    record(tag=AuditTag.INBOX_MAIL_CHANGED, actor=actor, target=actor, reason="on" if setting.enabled else "off")
    try:
        db.session.commit()
    except IntegrityError:  # the first save, made in two tabs at once: the other one's row stands
        db.session.rollback()
        raise StaleMailSetting(current=mail_setting(actor)) from None
    return setting
