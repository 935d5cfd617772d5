"""An incident (漏えい等事案) of a council and the cases it concerns.

What happened, its cause, the harm, the notices, the publication and the prevention measures may describe people:
they are sealed (``*_enc``) under the incident's own data key (``council.incidents.sealing``). Everything else is
codes, dates, counts and ids — what the deadlines, the inbox and the list need without opening anything.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from council.core.db import UTCDateTime, utcnow
from council.core.i18n import lazy_gettext as _l
from council.database import Base

_ID = BigInteger().with_variant(Integer, "sqlite")


class IncidentState(StrEnum):
    """Where the handling stands: 対応中 → 速報済 → 確報済 → 完了."""

    HANDLING = "handling"
    PRELIMINARY_REPORTED = "preliminary_reported"
    FINAL_REPORTED = "final_reported"
    CLOSED = "closed"

    @property
    def label(self):
        """Translated when rendered (a lazy string)."""
        return {IncidentState.HANDLING: _l("Being handled (対応中)"),
                IncidentState.PRELIMINARY_REPORTED: _l("Preliminary report made (速報済)"),
                IncidentState.FINAL_REPORTED: _l("Final report made (確報済)"),
                IncidentState.CLOSED: _l("Closed (完了)")}[self]


class Encryption(StrEnum):
    """Whether the data concerned was encrypted, and whether its key went with it."""

    NONE = "none"
    ENCRYPTED_KEY_SAFE = "encrypted_key_safe"
    ENCRYPTED_KEY_LEAKED = "encrypted_key_leaked"
    UNKNOWN = "unknown"

    @property
    def label(self):
        """Translated when rendered (a lazy string)."""
        return {Encryption.NONE: _l("Not encrypted"),
                Encryption.ENCRYPTED_KEY_SAFE: _l("Encrypted (high-level encryption); the key did not leak"),
                Encryption.ENCRYPTED_KEY_LEAKED: _l("Encrypted, but the key leaked too (or may have)"),
                Encryption.UNKNOWN: _l("Not known yet")}[self]


class DataItem(StrEnum):
    """個人データの項目: what kind of data the incident concerns (codes, never values)."""

    NAME = "name"
    ADDRESS = "address"
    PHONE = "phone"
    BIRTH_DATE = "birth_date"
    CONSULTATION = "consultation"
    SUPPORT_RECORD = "support_record"
    ATTACHMENT = "attachment"
    HOUSEHOLD = "household"
    OTHER = "other"

    @property
    def label(self):
        """Translated when rendered (a lazy string)."""
        return {DataItem.NAME: _l("Name (氏名)"), DataItem.ADDRESS: _l("Address (住所)"),
                DataItem.PHONE: _l("Phone (電話)"), DataItem.BIRTH_DATE: _l("Date of birth (生年月日)"),
                DataItem.CONSULTATION: _l("What was consulted (相談内容)"),
                DataItem.SUPPORT_RECORD: _l("Support records (支援記録)"),
                DataItem.ATTACHMENT: _l("Attachments (添付)"),
                DataItem.HOUSEHOLD: _l("Household members (世帯)"), DataItem.OTHER: _l("Other (その他)")}[self]


class Situation(StrEnum):
    """報告対象となる事態 (個人情報保護法施行規則 第7条, 行政機関等は第43条): what makes an incident reportable."""

    SENSITIVE = "sensitive"
    FINANCIAL = "financial"
    MALICIOUS = "malicious"
    MANY = "many"

    @property
    def label(self):
        """Translated when rendered (a lazy string)."""
        return {Situation.SENSITIVE: _l("Sensitive personal information (要配慮個人情報)"),
                Situation.FINANCIAL: _l("Data whose misuse may cause financial harm (財産的被害)"),
                Situation.MALICIOUS: _l("Caused with a wrongful purpose, e.g. an attack or theft (不正の目的)"),
                Situation.MANY: _l("Many persons (over 1,000; for a government body over 100)")}[self]


def codes(value: str | None) -> list[str]:
    """The codes of a comma-joined column (empty for none)."""
    return [code for code in (value or "").split(",") if code]


class Incident(Base):
    """One 漏えい等事案 of one council, from its discovery to its closing."""

    __tablename__ = "incident"
    #: The incident's number, shown as No. <id>.
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    #: The council whose auditors and coordinator handle it.
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    #: One of IncidentState.
    state: Mapped[str] = mapped_column(String(30), default=IncidentState.HANDLING.value)
    #: When the institution knew of it (typed as Japan time, stored UTC): the deadlines count from its Japan date.
    discovered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: When it happened, if known (UTC).
    occurred_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Situation codes, comma-joined; ``malicious`` makes the final report due in 60 days rather than 30.
    situations: Mapped[str] = mapped_column(String(200), default="")
    #: DataItem codes, comma-joined.
    data_items: Mapped[str] = mapped_column(String(200), default="")
    #: One of Encryption.
    encryption: Mapped[str] = mapped_column(String(30), default=Encryption.UNKNOWN.value)
    #: Persons concerned beyond those of the picked cases (e.g. a lost list that names people with no case).
    other_persons: Mapped[int] = mapped_column(Integer, default=0)
    #: Whether secondary harm happened or may happen (the description is sealed).
    secondary_harm_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    #: 概要: what happened (sealed).
    summary_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: 原因 (sealed).
    cause_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: 二次被害又はそのおそれの内容 (sealed).
    secondary_harm_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: 本人への対応の実施状況 (sealed).
    notices_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: 公表の実施状況 (sealed).
    publication_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: 再発防止のための措置 (sealed).
    prevention_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: The Japan date the preliminary report (速報) was made, once it was.
    preliminary_reported_on: Mapped[dt.date | None] = mapped_column(Date)
    #: The Japan date the final report (確報) was made, once it was.
    final_reported_on: Mapped[dt.date | None] = mapped_column(Date)
    #: The incident's data key, wrapped by the KEK (label ``council/incident-dek``, bound to this id).
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: The KEK version that wrapped it (``council keys rotate`` re-wraps it).
    key_version: Mapped[int | None] = mapped_column(Integer)
    #: Who registered it.
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: When it was registered (UTC).
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When it was last changed (UTC).
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Bumped by every change (council.core.editing): of two people editing at once, the second is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    @property
    def malicious(self) -> bool:
        """Whether it was caused with a wrongful purpose (the final report is then due in 60 days)."""
        return Situation.MALICIOUS in codes(self.situations)


class IncidentCase(Base):
    """A case an incident concerns, picked from the audit log. Ids and the number only: never case content."""

    __tablename__ = "incident_case"
    #: The incident.
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True)
    #: The case (case_file.id; no foreign key: the register outlives a purge, as the audit trail does).
    case_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    #: The case's number when it was picked (e.g. 2026-0042).
    case_number: Mapped[str] = mapped_column(String(20))
    #: Who picked it.
    added_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: When (UTC).
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
