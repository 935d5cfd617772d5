"""Case records. Columns ending in ``_enc`` hold AES-256-GCM ciphertext under the case's own data key;
columns ending in ``_index`` hold blind indexes (HMAC) for exact-match search. Nothing else is personal."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.core.clock import days_since
from council.core.db import UTCDateTime, utcnow
from council.core.i18n import lazy_gettext as _l
from council.database import Base

_ID = BigInteger().with_variant(Integer, "sqlite")


class CaseStatus(StrEnum):
    INTAKE = "intake"
    ASSESSMENT = "assessment"
    SUPPORT = "support"
    MONITORING = "monitoring"
    CLOSED = "closed"

    @property
    def label(self):
        """Translated when rendered (a lazy string), so form choices built at import follow the page's language."""
        return STATUS_LABELS[self]


STATUS_LABELS = {
    CaseStatus.INTAKE: _l("Intake"),
    CaseStatus.ASSESSMENT: _l("Assessment"),
    CaseStatus.SUPPORT: _l("In support"),
    CaseStatus.MONITORING: _l("Monitoring"),
    CaseStatus.CLOSED: _l("Closed"),
}

#: Allowed status changes. Reopening a closed case is allowed within its retention period only.
TRANSITIONS = {
    CaseStatus.INTAKE: {CaseStatus.ASSESSMENT, CaseStatus.SUPPORT, CaseStatus.CLOSED},
    CaseStatus.ASSESSMENT: {CaseStatus.SUPPORT, CaseStatus.MONITORING, CaseStatus.CLOSED},
    CaseStatus.SUPPORT: {CaseStatus.ASSESSMENT, CaseStatus.MONITORING, CaseStatus.CLOSED},
    CaseStatus.MONITORING: {CaseStatus.SUPPORT, CaseStatus.ASSESSMENT, CaseStatus.CLOSED},
    CaseStatus.CLOSED: {CaseStatus.ASSESSMENT, CaseStatus.SUPPORT, CaseStatus.MONITORING},
}


class Risk(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label(self):
        """Translated when rendered (a lazy string), so form choices built at import follow the page's language."""
        return RISK_LABELS[self]


#: Built once: a label is read on every case page and list row (issue 13: not a new dict of lazy strings each time).
RISK_LABELS = {Risk.HIGH: _l("High"), Risk.MEDIUM: _l("Medium"), Risk.LOW: _l("Low")}


#: The default 困りごと categories; a deployment sets its own list with CASE_CATEGORIES in instance/config.py.
DEFAULT_CATEGORIES = ["経済的困窮", "ひきこもり", "8050世帯", "ヤングケアラー", "単身高齢", "障害", "精神保健",
                      "DV・虐待", "住まい", "就労", "子育て", "社会的孤立", "その他"]


class KeyPersonRole(StrEnum):
    """キーパーソンの立場: who the key person is to the case, as a code (the ledger shows it without the name)."""

    SUBJECT = "subject"  # 本人
    FAMILY = "family"  # 家族・親族
    COMMISSIONER = "commissioner"  # 民生委員・児童委員
    PROFESSIONAL = "professional"  # 関係機関の職員 (ケアマネジャー, 相談支援専門員 …)
    NEIGHBOUR = "neighbour"  # 近隣・知人
    OTHER = "other"  # その他

    @property
    def label(self):
        """Translated when rendered (a lazy string)."""
        return {KeyPersonRole.SUBJECT: _l("The person (本人)"), KeyPersonRole.FAMILY: _l("Family (家族・親族)"),
                KeyPersonRole.COMMISSIONER: _l("Welfare commissioner (民生委員・児童委員)"),
                KeyPersonRole.PROFESSIONAL: _l("Staff of an institution (関係機関の職員)"),
                KeyPersonRole.NEIGHBOUR: _l("Neighbour or acquaintance (近隣・知人)"),
                KeyPersonRole.OTHER: _l("Other (その他)")}[self]


class ReferralSource(StrEnum):
    """相談経路: how the case came to the council (who first raised it)."""

    SELF = "self"
    FAMILY = "family"
    WELFARE_COMMISSIONER = "welfare_commissioner"
    AGENCY = "agency"
    NEIGHBOUR = "neighbour"
    OTHER = "other"

    @property
    def label(self):
        """Translated when rendered (a lazy string), so form choices built at import follow the page's language."""
        return {ReferralSource.SELF: _l("The person themself"), ReferralSource.FAMILY: _l("Family"),
                ReferralSource.WELFARE_COMMISSIONER: _l("Welfare commissioner (民生委員)"),
                ReferralSource.AGENCY: _l("Another agency"), ReferralSource.NEIGHBOUR: _l("Neighbours"),
                ReferralSource.OTHER: _l("Other")}[self]


def case_categories() -> list[str]:
    """The configured 困りごと list (CASE_CATEGORIES), or the defaults."""
    from flask import current_app

    return list(current_app.config.get("CASE_CATEGORIES") or DEFAULT_CATEGORIES)


class Case(Base):
    """A ケース. Metadata (number, status, lead institution, categories, risk, dates) is plaintext so the
    coordinator's ledger works without keys; everything about the person is in Person, encrypted."""

    __tablename__ = "case_file"
    __table_args__ = (
        UniqueConstraint("council_id", "number"),
        # Lists and the ledger show the newest intakes first, 50 at a time: read in index order, not sorted
        # (16 ms -> 0.2 ms for an institution with 10,000 cases).
        Index("ix_case_file_institution_intake", "lead_institution_id", "intake_date", "id"),
        Index("ix_case_file_council_intake", "council_id", "intake_date", "id"),
        # The ledger sorted by the next review (and its "review overdue" filter) walks this index: 50 rows read,
        # not 100,000 dates computed and sorted (cases.reviews).
        Index("ix_case_file_council_review_due", "council_id", "next_review_due", "id"),
    )
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    #: e.g. 2026-0042: per council, per year of intake.
    number: Mapped[str] = mapped_column(String(20))
    #: One of CaseStatus.
    status: Mapped[str] = mapped_column(String(20), index=True)
    #: 主担当機関.
    lead_institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    #: One of Risk.
    risk: Mapped[str] = mapped_column(String(10))
    intake_date: Mapped[dt.date] = mapped_column(Date)
    #: The next review date its lead or a meeting set (a Japan date); NULL: the cadence of its risk decides.
    next_review_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    #: When the case is next due for review, by the rule of ``cases.reviews`` (its own date, else its risk's cadence
    #: from its last review, registration or intake): kept on every write of the row, for the ledger's index.
    next_review_due: Mapped[dt.date | None] = mapped_column(Date)
    #: Japan date of the newest support record that is not deleted (never before the intake date); kept by
    #: cases.records in the transaction of every record added, edited or deleted.
    last_contact_date: Mapped[dt.date | None] = mapped_column(Date)
    #: 相談経路: one of ReferralSource; NULL for cases opened before it was asked (or imported without it).
    referral_source: Mapped[str | None] = mapped_column(String(20))
    #: 相談者: who made contact, as written (e.g. 長男 佐藤一郎), encrypted: it usually names a person.
    contact_person_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: キーパーソン (name and relation as written), encrypted.
    key_person_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: The key person's role (one of KeyPersonRole): what the progress ledger shows to whoever may not read the name.
    key_person_role: Mapped[str | None] = mapped_column(String(20))
    #: Japan date of the last meeting that reviewed the case (written back by meetings with basis ``meeting:<id>``).
    last_review_on: Mapped[dt.date | None] = mapped_column(Date)
    #: Why the case was closed, encrypted (it may describe the person).
    closure_reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    #: After this date `council purge-expired` destroys the data key.
    purge_after: Mapped[dt.date | None] = mapped_column(Date, index=True)
    #: Set when the data key was destroyed: the ciphertext left behind is unreadable by anyone.
    purged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: The case's AES-256 data key, wrapped by key-encryption key ``key_version``; NULL once purged.
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    key_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: 協議会ケース: when the council took the case up (by its coordinator, or by a meeting's decision). Sharing a
    #: registered case among the council's member institutions rests on the Act (協議会内の情報共有), not on consent.
    council_case_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    council_case_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: What registered it: ``coordinator`` or ``meeting:<id>``.
    council_case_basis: Mapped[str | None] = mapped_column(String(40))
    #: 要配慮 (DV, abuse, stalking), set by the lead: its household members are never matched or disclosed to
    #: anyone without a grant, and sharing it needs a supervisor's approval.
    restricted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    restricted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    restricted_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: Why it is 要配慮: one of RestrictionReason (a code, never words about the person); NULL when not restricted.
    restricted_reason: Mapped[str | None] = mapped_column(String(20))
    #: Optimistic lock: an edit based on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    persons: Mapped[list[Person]] = relationship(back_populates="case", order_by="Person.id")
    assignments: Mapped[list[CaseAssignment]] = relationship(cascade="all, delete-orphan")
    category_rows: Mapped[list[CaseCategory]] = relationship(cascade="all, delete-orphan",
                                                             order_by="CaseCategory.id")

    @property
    def categories(self) -> list[str]:
        return [row.category for row in self.category_rows]

    @property
    def days_since_contact(self) -> int | None:
        """Whole days since the last contact, counted in Japan; never negative (nothing happens in the future)."""
        return days_since(self.last_contact_date)

    @property
    def subject(self) -> Person | None:
        return next((p for p in self.persons if p.relationship_kind == "subject"), None)


class RestrictionReason(StrEnum):
    """Why a case is 要配慮: the danger that makes disclosing where its people are supported unsafe."""

    DOMESTIC_VIOLENCE = "dv"  # 配偶者等からの暴力（DV）
    ABUSE = "abuse"  # 虐待（児童・高齢者・障害者）
    STALKING = "stalking"  # ストーカー被害
    OTHER_DANGER = "other_danger"  # その他、居所を知られると危険

    @property
    def label(self):
        """Translated when rendered (a lazy string), so form choices built at import follow the page's language."""
        return {RestrictionReason.DOMESTIC_VIOLENCE: _l("Domestic violence (DV)"),
                RestrictionReason.ABUSE: _l("Abuse (child, elderly or disabled person)"),
                RestrictionReason.STALKING: _l("Stalking"),
                RestrictionReason.OTHER_DANGER: _l("Other danger if their whereabouts became known")}[self]


class LinkReason(StrEnum):
    """Why two cases are linked."""

    SAME_HOUSEHOLD = "same_household"  # 同一世帯
    FAMILY = "family"  # 別居の家族・親族
    CARER = "carer"  # 介護・ケアの関係

    @property
    def label(self):
        """Translated when rendered (a lazy string), so form choices built at import follow the page's language."""
        return {LinkReason.SAME_HOUSEHOLD: _l("Same household"),
                LinkReason.FAMILY: _l("Family living apart"),
                LinkReason.CARER: _l("One cares for the other")}[self]


class UnlinkReason(StrEnum):
    """Why a link between two cases was ended."""

    MISTAKE = "mistake"  # 誤って関連付けた
    HOUSEHOLD_CHANGED = "household_changed"  # 世帯の状況が変わった
    NO_LONGER_NEEDED = "no_longer_needed"  # 連携の必要がなくなった

    @property
    def label(self):
        """Translated when rendered (a lazy string), so form choices built at import follow the page's language."""
        return {UnlinkReason.MISTAKE: _l("Linked by mistake"),
                UnlinkReason.HOUSEHOLD_CHANGED: _l("The household changed"),
                UnlinkReason.NO_LONGER_NEEDED: _l("No longer needed")}[self]


class CaseLink(Base):
    """Two cases of one household (the son's and the mother's in an 8050 household), linked so that each case's
    readers know the other exists. A link discloses nothing of either case: each reader opens only what their own
    reach allows (``cases.links``)."""

    __tablename__ = "case_link"
    __table_args__ = (CheckConstraint("case_a_id <> case_b_id", name="two_cases"),)
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    #: One case of the pair (the one the link was made from).
    case_a_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    #: The other case of the pair.
    case_b_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    #: One of LinkReason.
    reason: Mapped[str] = mapped_column(String(20))
    #: Who linked them (a worker who reached both cases) and when.
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the link was ended, by whom and why (one of UnlinkReason); NULL while it stands.
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ended_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    end_reason: Mapped[str | None] = mapped_column(String(20))

    def other(self, case_id: int) -> int:
        """The id of the case at the other end from ``case_id``."""
        return self.case_b_id if self.case_a_id == case_id else self.case_a_id


class CaseCategory(Base):
    """One 困りごと of a case, from the council's category list (not personal on its own)."""

    __tablename__ = "case_category"
    __table_args__ = (UniqueConstraint("case_id", "category"),)
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(40), index=True)


class CaseNumberCounter(Base):
    """The last case number given per council and year (2026-0042), locked while the next is taken."""

    __tablename__ = "case_number_counter"
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class CaseStatusChange(Base):
    """Who moved a case from one status to another, when and why (the why is encrypted: it may be personal)."""

    __tablename__ = "case_status_change"
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseAssignment(Base):
    """A worker assigned to a case (担当者)."""

    __tablename__ = "case_assignment"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)


class Person(Base):
    """当事者等: the subject of a case or a household member. Every personal field is ciphertext."""

    __tablename__ = "person"
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    #: "subject" for the person the case is about, "household" for members of the household.
    relationship_kind: Mapped[str] = mapped_column(String(20))
    #: Relationship to the subject (e.g. 母), encrypted.
    relationship_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    name_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    kana_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: ISO date text, encrypted.
    birth_date_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    sex_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    address_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    notes_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: Blind indexes (HMAC, truncated) for exact-match search and duplicate detection across the council.
    name_kana_index: Mapped[str | None] = mapped_column(String(32), index=True)
    name_kanji_index: Mapped[str | None] = mapped_column(String(32), index=True)
    surname_kana_birth_index: Mapped[str | None] = mapped_column(String(32), index=True)
    phone_index: Mapped[str | None] = mapped_column(String(32), index=True)
    #: Set when a household member entered by mistake was removed: every personal ciphertext and blind index
    #: above is erased then, and the row stays as a tombstone of who removed it, when and why.
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    deleted_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: Why it was removed, encrypted (it may describe the person).
    delete_reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)

    case: Mapped[Case] = relationship(back_populates="persons")


class RecordKind(StrEnum):
    VISIT = "visit"
    PHONE = "phone"
    OFFICE = "office"
    ACCOMPANY = "accompany"
    MEETING = "meeting"
    OTHER = "other"
    #: 台帳から取込: the 相談内容 of a row of the council's old ledger, dated its intake date, with no author.
    #: Only the import gives it; nobody chooses it for a record they write.
    LEDGER = "ledger"
    #: 情報提供: the answer to an information request (handoffs.requests), written by the institution that was asked.
    #: Only answering gives it.
    INFORMATION_ANSWER = "information_answer"

    @property
    def label(self):
        """Translated when rendered (a lazy string), so form choices built at import follow the page's language."""
        return RECORD_KIND_LABELS[self]

    @classmethod
    def written(cls) -> list[RecordKind]:
        """The kinds a user may choose for a record they write (every kind but the ledger's and an answer's)."""
        return [kind for kind in cls if kind not in (cls.LEDGER, cls.INFORMATION_ANSWER)]


#: Built once: every record on a case page reads its kind's label (issue 13: not a new dict of 8 lazy strings each).
RECORD_KIND_LABELS = {RecordKind.VISIT: _l("Home visit"), RecordKind.PHONE: _l("Phone call"),
                      RecordKind.OFFICE: _l("Office visit"), RecordKind.ACCOMPANY: _l("Accompanying"),
                      RecordKind.MEETING: _l("Meeting"), RecordKind.OTHER: _l("Other"),
                      RecordKind.LEDGER: _l("Imported from the ledger"),
                      RecordKind.INFORMATION_ANSWER: _l("Information provided (情報提供)")}


class SupportRecord(Base):
    """経過記録. Edits keep the previous text in SupportRecordRevision; deletion is a soft delete with a reason."""

    __tablename__ = "support_record"
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    #: One of RecordKind.
    kind: Mapped[str] = mapped_column(String(20))
    #: Who wrote it; empty for records imported from the council's old ledger.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    body_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    deleted_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    delete_reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    version: Mapped[int] = mapped_column(Integer, default=1)


class SupportRecordRevision(Base):
    """The text a support record had before an edit, and who replaced it when."""

    __tablename__ = "support_record_revision"
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("support_record.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    #: The record's version this text belonged to.
    revision: Mapped[int] = mapped_column(Integer)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(20))
    body_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    replaced_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    replaced_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConsentState(StrEnum):
    NOT_OBTAINED = "not_obtained"
    OBTAINED = "obtained"
    WITHDRAWN = "withdrawn"

    @property
    def label(self):
        """Translated when rendered (a lazy string), so form choices built at import follow the page's language."""
        return {ConsentState.NOT_OBTAINED: _l("Not obtained"), ConsentState.OBTAINED: _l("Obtained"),
                    ConsentState.WITHDRAWN: _l("Withdrawn")}[self]


class ConsentGiver(StrEnum):
    """Who gave the consent: the person (本人) or someone acting for them (代理人)."""

    PERSON = "person"
    REPRESENTATIVE = "representative"

    @property
    def label(self):
        """Translated when rendered (a lazy string), so form choices built at import follow the page's language."""
        return {ConsentGiver.PERSON: _l("The person (本人)"),
                ConsentGiver.REPRESENTATIVE: _l("A representative (代理人)")}[self]


class ConsentPurpose(StrEnum):
    """What the sharing the person agreed to is for (the consent's own words stay in its encrypted purpose)."""

    SUPPORT_COORDINATION = "support_coordination"  # 支援調整
    INFORMATION_SHARING = "information_sharing"  # 情報共有
    REFERRAL = "referral"  # つなぎ
    OTHER = "other"  # その他

    @property
    def label(self):
        """Translated when rendered (a lazy string), so form choices built at import follow the page's language."""
        return {ConsentPurpose.SUPPORT_COORDINATION: _l("Coordinating support (支援調整)"),
                ConsentPurpose.INFORMATION_SHARING: _l("Sharing information (情報共有)"),
                ConsentPurpose.REFERRAL: _l("Referral to another institution (つなぎ)"),
                ConsentPurpose.OTHER: _l("Other (その他)")}[self]


class Consent(Base):
    """本人同意: for what, to whom and how far the person agreed that information about them is shared.

    Handoffs to other institutions consume it; a withdrawn consent no longer allows anything."""

    __tablename__ = "consent"
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    #: One of ConsentState.
    state: Mapped[str] = mapped_column(String(20))
    #: Purpose, recipients and scope as agreed, in the person's words where possible; encrypted.
    purpose_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    recipients_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    scope_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    obtained_on: Mapped[dt.date | None] = mapped_column(Date)
    #: written, oral or other.
    obtained_how: Mapped[str | None] = mapped_column(String(20))
    obtained_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: One of ConsentGiver; NULL for consents recorded before it was asked.
    given_by: Mapped[str | None] = mapped_column(String(20))
    #: For a representative: their relationship to the person (e.g. 母, 成年後見人), encrypted.
    representative_relationship_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: One of ConsentPurpose, beside the person's own words; NULL for consents recorded before it was asked.
    purpose_code: Mapped[str | None] = mapped_column(String(30))

    #: The member institutions the person agreed may receive information (ids, not personal): a share resting on
    #: this consent may go to these institutions and no other.
    recipient_rows: Mapped[list[ConsentRecipient]] = relationship(cascade="all, delete-orphan",
                                                                  order_by="ConsentRecipient.institution_id")

    @property
    def recipient_institution_ids(self) -> list[int]:
        return [row.institution_id for row in self.recipient_rows]


class ConsentRecipient(Base):
    """One member institution named by a consent as a recipient."""

    __tablename__ = "consent_recipient"
    #: The consent.
    consent_id: Mapped[int] = mapped_column(ForeignKey("consent.id", ondelete="CASCADE"), primary_key=True)
    #: A member institution of the case's council.
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), primary_key=True, index=True)


class CasePlan(Base):
    """Assessment and support plan (支援方針). Each save adds a version; earlier versions stay readable."""

    __tablename__ = "case_plan"
    __table_args__ = (UniqueConstraint("case_id", "version"),)
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    assessment_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    plan_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    goals_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    written_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attachment(Base):
    """An encrypted file of a case. Its name is encrypted too; downloads get it back (RFC 6266), cleaned."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    filename_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: Decided from the file's first bytes, never from what the browser claimed.
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    #: The file, encrypted; NULL once the attachment was removed (the ciphertext is deleted, not kept).
    content_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when the attachment was removed; the row stays as a tombstone of who removed it, when and why.
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    deleted_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: Why it was removed, encrypted (it may name the person).
    delete_reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)


# The mapper events that keep Case.next_review_due: wherever a Case is written, they are installed.
from council.cases import reviews as _reviews  # noqa: E402,F401  (registers its listeners on Case)
