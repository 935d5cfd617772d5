"""``make demo`` shows break-glass in its states: one ended early, acknowledged and reviewed; one in force, waiting
for the lead institution's supervisor and the auditor."""

from __future__ import annotations

from sqlalchemy import select

from council.cli import cli
from council.core.clock import utcnow
from council.database import db
from council.handoffs.breakglass.models import BreakGlass


def test_the_demo_has_a_reviewed_and_an_unreviewed_break_glass_once(app, runner):
    for _run in range(2):  # a second run adds nothing
        result = runner.invoke(cli, ["demo"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        rows = list(db.session.scalars(select(BreakGlass).order_by(BreakGlass.id)))
        assert len(rows) == 2
        done, waiting = rows
        assert done.ended_early() and done.acknowledged_at and done.review_outcome == "appropriate"
        assert waiting.in_force(utcnow()) and waiting.acknowledged_at is None and waiting.reviewed_at is None
        assert done.case_id != waiting.case_id and done.reason_enc and waiting.reason_enc
