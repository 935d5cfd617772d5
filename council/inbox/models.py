"""What the inbox remembers per user: which items they were shown, and where to send them a notice."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from council.core.db import UTCDateTime, utcnow
from council.database import Base

_ID = BigInteger().with_variant(Integer, "sqlite")


class SeenVia(StrEnum):
    """How the user learnt of an item: the two are kept apart so that a mail does not make the page's 新着 go."""

    #: Listed on the inbox page in front of them.
    PAGE = "page"
    #: Counted in a notification mail ("N new items"), which names none.
    MAIL = "mail"


class InboxSeen(Base):
    """An item of a user's inbox they have already been told of, and how many things it stood for then.

    An item is new while it stands for more things than when it was last shown ("3 overdue" seen, now 4: one
    new). Rows of items that are gone are deleted when the inbox is next built, so an item that comes back is
    new again and the table holds at most the items waiting now.
    """

    __tablename__ = "inbox_seen"
    #: The user who was shown the item.
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    #: ``page`` or ``mail`` (SeenVia).
    via: Mapped[str] = mapped_column(String(10), primary_key=True)
    #: The item's stable key (``InboxItem.stable_key``): ids and codes, never personal data.
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    #: How many things the item stood for when it was shown.
    count: Mapped[int] = mapped_column(Integer)
    #: When it was last shown that way (UTC).
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class InboxMailSetting(Base):
    """A user's choice to be told by e-mail that new items wait, and the address to tell them at.

    The address is the staff member's own work contact, not data about anyone the council supports, and the
    mail says nothing but a count and a link; so it is a plain column (an administrator's key must not be
    needed to send a count), and it is shown only to its owner.
    """

    __tablename__ = "inbox_mail_setting"
    #: Whose setting it is.
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    #: Where the notice goes; empty when the user never gave one.
    address: Mapped[str] = mapped_column(String(254), default="")
    #: True when the user wants the notice (needs an address).
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When the last notice went to this user (UTC); None before the first.
    last_sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: When the user last changed the setting (UTC).
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Optimistic lock: the user may have the form open in two tabs.
    version: Mapped[int] = mapped_column(Integer, default=1)
