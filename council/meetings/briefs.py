"""会議資料: the brief the lead institution prepares for a meeting about one agenda case, and reading it.

Everything in a brief is sealed under the case's key. Its header is pseudonymised (case number, initials, age
band, household composition); its body is the situation, the assessment, the proposed plan and the questions for
the council; the person's details (name, address …) are kept apart and open only on a **reveal**, its own action
and its own audit event. A participant reads the brief by the ``brief`` grant of *that* meeting (``meeting:<id>``:
``access.scopes.ROW_BOUND`` keeps another meeting's grant out), inside its material window.

Preparing it, the lead reads the case in full (recorded, ``record_read``) for the header's suggestions: initials
from the subject's kana, the age band on the meeting's Japan date, the household from the persons' relationships.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from sqlalchemy import select

from council.access.policy import Access
from council.access.reads import record_read
from council.access.scopes import BRIEF_COLUMNS, BRIEF_PERSONAL_COLUMNS
from council.audit.events import AuditTag, record
from council.auth.models import User
from council.cases.models import Case
from council.cases.services import read_person
from council.cases.vault import vault
from council.core.clock import japan_date, utcnow
from council.core.db import lock_for_update
from council.core.editing import lock_for_edit, submitted_version
from council.core.i18n import gettext as _
from council.core.japanese import katakana_reading
from council.database import db
from council.meetings.errors import MeetingError, StaleBrief
from council.meetings.models import Meeting, MeetingBrief, MeetingItem, MeetingState

#: The longest text of a brief's field.
TEXT_LENGTH = 4000


@dataclass
class BriefInput:
    """A brief's fields, in plaintext (the form's, or a brief opened for its reader)."""

    initials: str = ""
    age_band: str = ""
    household: str = ""
    situation: str = ""
    assessment: str = ""
    proposed_plan: str = ""
    questions: str = ""
    #: The person's details, for a reveal only: never opened by a plain read.
    personal: str = ""


_BODY = tuple(f.name for f in fields(BriefInput) if f.name != "personal")


def item_of(meeting: Meeting, case: Case) -> MeetingItem | None:
    """The meeting's agenda item of ``case``, or None when it is not on the agenda."""
    return next((item for item in meeting.items if item.case_id == case.id), None)


def brief_of(item: MeetingItem) -> MeetingBrief | None:
    return db.session.scalar(select(MeetingBrief).where(MeetingBrief.item_id == item.id))


# -- preparing ----------------------------------------------------------------------------------------------


def suggested_header(*, actor: User, case: Case, access: Access, meeting: Meeting) -> BriefInput:
    """The header the lead starts from, read from the case (its read recorded first: the lead reads it in full).
    Raises whatever ``record_read`` raises."""
    record_read(tag=AuditTag.CASE_VIEWED, actor=actor, case=case, access=access, reason=f"brief meeting {meeting.id}")
    persons = [read_person(p) for p in case.persons if p.deleted_at is None]
    subject = next((p for p in persons if p.is_subject), None)
    on = japan_date(meeting.starts_at)
    return BriefInput(initials=initials(subject.kana) if subject else "",
                      age_band=age_band(subject.birth_date, on) if subject and subject.birth_date else "",
                      household=household(persons, on))


def open_for_edit(*, actor: User, case: Case, access: Access, meeting: Meeting,
                  brief: MeetingBrief | None) -> BriefInput:
    """The brief as stored (every field), or the suggested header for a new one; the read is recorded."""
    if brief is None:
        return suggested_header(actor=actor, case=case, access=access, meeting=meeting)
    record_read(tag=AuditTag.CASE_VIEWED, actor=actor, case=case, access=access, target=brief,
                reason=f"brief meeting {meeting.id}")
    return _opened(brief, [*_BODY, "personal"])


def save_brief(*, actor: User, case: Case, access: Access, meeting: Meeting, data: BriefInput,
               version=None) -> MeetingBrief:
    """Prepare or change the brief of ``case`` for ``meeting`` (the caller's gate authorised PREPARE_BRIEF: the lead
    institution's own reach). Seals every field under the case's key; records the event. Commits; returns it.

    ``version``: the brief's version the form showed (none for a new brief). Raises MeetingError when the case is
    not on the agenda, the meeting is over or cancelled, or a text is too long; StaleBrief when the brief was saved
    meanwhile (or prepared by someone else since the form was opened)."""
    item = item_of(meeting, case)
    if item is None:
        raise MeetingError(_("This case is not on the meeting's agenda."))
    if meeting.state not in (MeetingState.SCHEDULED, MeetingState.HELD):
        raise MeetingError(_("This meeting is over or cancelled: its briefs can no longer be changed."))
    if any(len(getattr(data, name) or "") > TEXT_LENGTH for name in (*_BODY, "personal")):
        raise MeetingError(_("Each part of the brief may hold at most %(n)d characters.", n=TEXT_LENGTH))
    lock_for_update(db.session, item)  # two leads preparing the first brief at once: the second is told
    brief = brief_of(item)
    if brief is None:
        if submitted_version(version) not in (None, 0):
            db.session.rollback()
            raise StaleBrief(current=brief_of(item))
        brief = MeetingBrief(item_id=item.id, meeting_id=meeting.id, case_id=case.id, prepared_by=actor.id,
                             prepared_at=utcnow(), version=1)
        db.session.add(brief)
        db.session.flush()
    else:
        lock_for_edit(brief, version, stale=StaleBrief)
        brief.updated_at = utcnow()
    for name in (*_BODY, "personal"):
        vault().seal(brief, name, (getattr(data, name) or "").strip(), access=access)
    record(tag=AuditTag.BRIEF_PREPARED, actor=actor, target=brief, basis=access.basis,
           reason=f"meeting {meeting.id}: brief {brief.id} version {brief.version}")
    db.session.commit()
    return brief


# -- reading ------------------------------------------------------------------------------------------------


def read_brief(*, actor: User, case: Case, access: Access, brief: MeetingBrief, printing: bool = False) -> BriefInput:
    """The header and body of ``brief`` (never the personal details), its read (or print) recorded first with
    ``access`` — the reach resting on the brief's own meeting."""
    record_read(tag=AuditTag.BRIEF_PRINTED if printing else AuditTag.BRIEF_READ, actor=actor, case=case,
                access=access, target=brief, only=BRIEF_COLUMNS, reason=f"meeting {brief.meeting_id}")
    return _opened(brief, _BODY)


def reveal_brief(*, actor: User, case: Case, access: Access, brief: MeetingBrief) -> BriefInput:
    """The whole brief, the personal details included: a reveal, recorded as its own event first."""
    record_read(tag=AuditTag.BRIEF_REVEALED, actor=actor, case=case, access=access, target=brief,
                only=BRIEF_COLUMNS | BRIEF_PERSONAL_COLUMNS, reason=f"meeting {brief.meeting_id}")
    return _opened(brief, [*_BODY, "personal"])


def _opened(brief: MeetingBrief, names) -> BriefInput:
    return BriefInput(**{name: vault().text(brief, name) for name in names})


# -- the header's suggestions ------------------------------------------------------------------------------

#: The Hepburn initial of each kana a name may start with (voiced and small kana included).
_INITIALS = {**dict.fromkeys("アァ", "A"), **dict.fromkeys("イィ", "I"), **dict.fromkeys("ウゥヴ", "U"),
             **dict.fromkeys("エェ", "E"), **dict.fromkeys("オォ", "O"), **dict.fromkeys("カキクケコ", "K"),
             **dict.fromkeys("ガギグゲゴ", "G"), **dict.fromkeys("サスセソ", "S"), "シ": "S",
             **dict.fromkeys("ザズゼゾ", "Z"), "ジ": "J", **dict.fromkeys("タテト", "T"), "チ": "C", "ツ": "T",
             **dict.fromkeys("ダヂヅデド", "D"), **dict.fromkeys("ナニヌネノ", "N"), **dict.fromkeys("ハヒヘホ", "H"),
             "フ": "F", **dict.fromkeys("バビブベボ", "B"), **dict.fromkeys("パピプペポ", "P"),
             **dict.fromkeys("マミムメモ", "M"), **dict.fromkeys("ヤユヨャュョ", "Y"),
             **dict.fromkeys("ラリルレロ", "R"), **dict.fromkeys("ワヲ", "W"), "ン": "N"}


def initials(kana: str) -> str:
    """``ヤマダ タロウ`` → ``Y.T.``: the initial of each part of a kana name (surname first); "" without kana."""
    parts = katakana_reading(kana).replace("・", " ").split()
    letters = [_INITIALS.get(part[0], "") for part in parts if part]
    return "".join(f"{letter}." for letter in letters if letter)


def age_band(birth: dt.date, on: dt.date) -> str:
    """年代 on ``on``: ``40代``; under ten ``10歳未満``."""
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return "10歳未満" if age < 10 else f"{age // 10 * 10}代"


def household(persons, on: dt.date) -> str:
    """世帯構成 from the persons' relationships: ``本人（40代）、母（70代）``."""
    parts = []
    for person in persons:
        who = "本人" if person.is_subject else (person.relationship or "世帯員")
        parts.append(f"{who}（{age_band(person.birth_date, on)}）" if person.birth_date else who)
    return "、".join(parts)

