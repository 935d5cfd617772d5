"""The checkpoints approved minutes hold, for the auditor's workspace (council.audit.verification): every
institution that files a copy of the minutes holds a witness of the log, and the workspace lists them."""

from __future__ import annotations

import json

from sqlalchemy import select

from council.audit.verification import HeldCheckpoint, held_from_body
from council.database import db
from council.meetings.minutes.services import stored_checkpoint
from council.meetings.models import Meeting


def approved_minutes_checkpoints(council_id: int) -> list[HeldCheckpoint]:
    """The checkpoint of every approved minutes of ``council_id`` (the meeting's id and time only, nothing of its
    content), newest first."""
    meetings = db.session.scalars(select(Meeting).where(Meeting.council_id == council_id,
                                                        Meeting.checkpoint_seq.is_not(None))
                                  .order_by(Meeting.checkpoint_seq.desc()))
    return [held_from_body(json.loads(stored_checkpoint(meeting)), kind="minutes", meeting_id=meeting.id,
                           meeting_at=meeting.starts_at) for meeting in meetings]
