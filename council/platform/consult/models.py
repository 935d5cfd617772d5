"""Public consultation windows (相談窓口) that the platform points people to."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from council.core.db import UTCDateTime, utcnow
from council.platform.common import ID
from council.platform.database import Base


class ConsultationWindow(Base):
    """A public window where a person (or someone worried about them) can consult: its own public contact."""

    __tablename__ = "consultation_window"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    #: The window's name (e.g. 市原市 福祉総合相談センター).
    name: Mapped[str] = mapped_column(String(200))
    #: Who runs it.
    operator: Mapped[str] = mapped_column(String(200), default="")
    #: What one can consult about there.
    topics: Mapped[str] = mapped_column(Text, default="")
    #: Its public phone number, address or e-mail (a contact field).
    contact: Mapped[str] = mapped_column(Text, default="")
    #: When it is open.
    hours: Mapped[str] = mapped_column(String(300), default="")
    #: Its public web page.
    url: Mapped[str] = mapped_column(String(300), default="")
    #: Windows are listed by this number, then by name.
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Optimistic lock: an edit based on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)
