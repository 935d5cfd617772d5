"""The council's append-only audit table (mechanism in council.security.auditchain)."""

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from council.database import Base
from council.security.auditchain import AuditEventMixin


class AuditEvent(AuditEventMixin, Base):
    """One event. Holds ids and tags only: never passwords, codes, tokens or personal data."""

    __tablename__ = "audit_event"
    #: The council the event belongs to; auditors see their own council's events only.
    council_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    #: The acting user's institution at the time of the event.
    actor_institution_id: Mapped[int | None] = mapped_column(BigInteger)
