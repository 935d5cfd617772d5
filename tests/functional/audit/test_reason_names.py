"""The details column names the institutions and users a reason records by id — those of the auditor's council —
and leaves another council's ids as numbers. Both databases."""

from __future__ import annotations

from flask_babel import force_locale

from council.audit.reasons import name_the_people, reason_words
from council.auth.models import Institution
from council.database import db


def test_a_reason_names_the_council_s_institutions_and_users(app, make_institution, make_user):
    welfare, shakyo = make_institution("福祉事務所"), make_institution("社会福祉協議会")
    worker = make_user("caseworker", institution=shakyo)
    elsewhere = make_institution("よその機関", council="別の協議会")
    with app.test_request_context(), force_locale("ja"):
        council_id = db.session.get(Institution, welfare.id).council_id
        reasons = [f"handoff 3: transfer to institution {shakyo.id} user {worker.id}; scope full; council_sharing",
                   f"institution {welfare.id} -> institution {elsewhere.id}",
                   f"task 4 to institution {shakyo.id}, due 2026-12-10"]
        name_the_people(reasons, council_id=council_id)
        words = [reason_words("case:handoff:sent", reason) for reason in reasons]
    assert "社会福祉協議会・テスト 利用者" in words[0] and "#" not in words[0]
    assert words[1] == f"主担当機関 福祉事務所 → 機関 #{elsewhere.id}"  # another council's institution stays a number
    assert words[2] == "役割分担 4：社会福祉協議会 へ、期限 2026-12-10"


def test_the_per_user_summary_reads_their_latest_events_and_says_so(app, make_user, monkeypatch):
    from council.audit import history
    from council.audit.events import AuditTag, record
    from council.auth.models import User
    from tests.functional.audit.test_marks_and_counts import fake_case

    monkeypatch.setattr(history, "SUMMARY_EVENTS", 3)
    worker = make_user("caseworker")
    with app.test_request_context():
        actor = db.session.get(User, worker.id)
        for n in (1, 2, 3, 4, 5):
            record(tag=AuditTag.CASE_VIEWED, actor=actor, case=fake_case(n, actor.council_id))
        db.session.commit()
        looked = history.what_they_looked_at(council_id=actor.council_id, user_id=actor.id)
        assert [line.case_number for line in looked] == ["2026-9005", "2026-9004", "2026-9003"]
        assert history.summary_is_bounded(council_id=actor.council_id, user_id=actor.id)
        monkeypatch.setattr(history, "SUMMARY_EVENTS", 5)
        assert not history.summary_is_bounded(council_id=actor.council_id, user_id=actor.id)
