"""``make demo`` has meetings to walk through: one past (recorded, tasks given, minutes approved with their
checkpoint), one in two days with its window open and a brief prepared, and next month's 実務者会議."""

from __future__ import annotations

from sqlalchemy import func, select

from council.access.models import CaseGrant
from council.cli import cli
from council.core.clock import utcnow
from council.database import db
from council.meetings.models import Meeting, MeetingBrief, MeetingTask


def test_the_demo_has_a_past_and_an_upcoming_meeting_once(app, runner):
    for _run in range(2):  # a second run adds nothing
        result = runner.invoke(cli, ["demo"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        past, upcoming, practitioners = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).all()
        now = utcnow()
        assert past.ends_at < now and past.state == "approved" and past.checkpoint_seq and past.checkpoint_signature
        assert all(item.decided_at for item in past.items)
        tasks = list(db.session.scalars(select(MeetingTask).where(MeetingTask.meeting_id == past.id)))
        assert len(tasks) == 2 and all(task.what_enc for task in tasks)
        assert upcoming.starts_at > now and upcoming.state == "scheduled" and len(upcoming.items) == 2
        assert db.session.scalar(select(func.count()).select_from(MeetingBrief)
                                 .where(MeetingBrief.meeting_id == upcoming.id)) == 1
        window = list(db.session.scalars(select(CaseGrant).where(CaseGrant.basis == f"meeting:{upcoming.id}")))
        assert window and all(grant.starts_at <= now < grant.expires_at for grant in window)
        assert practitioners.kind == "practitioners" and practitioners.items
