"""The workspace's 「検証とチェックポイント」: the last verification (when, by whom or from the command line, the
result, how many events, how long) from a table both the command and the page write, and the checkpoints held
— the server's audit-checkpoints.jsonl and approved minutes — which one button verifies."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select, text

from council.audit.checkpoints import sign_head
from council.audit.models import AuditEvent, AuditVerification
from council.cli import cli
from council.core import clock
from council.database import db
from council.meetings.models import Meeting
from tests.conftest import sign_in
from tests.functional.audit.own_instance import app_with_own_instance  # noqa: F401  (the fixture ``app``)


@pytest.fixture
def auditor(make_user, make_institution):
    return make_user("auditor", institution=make_institution("監査室"))


def council(app, *args):
    return app.test_cli_runner().invoke(cli, list(args))


def runs(app) -> list[AuditVerification]:
    with app.app_context():
        return list(db.session.scalars(select(AuditVerification).order_by(AuditVerification.id)))


def last_verification(page: str) -> str:
    return page.split('data-testid="last-verification"', 1)[1].split("</dl>", 1)[0]


def test_the_command_line_s_verification_is_stored_and_shown_as_the_last(app, client, login, auditor):
    login(auditor)  # signing in appends events
    assert council(app, "audit", "verify").exit_code == 0
    [run] = runs(app)
    assert run.source == "cli" and run.intact and run.council_id is None and run.actor_user_id is None
    assert run.events_checked >= 1 and run.duration_ms >= 0 and run.first_bad_seq is None
    with app.app_context():
        assert db.session.get(AuditEvent, run.event_seq).tag == "audit:chain:verified"
    shown = last_verification(client.get("/audit/checkpoints").get_data(as_text=True))
    assert "コマンドライン（council audit verify）" in shown and "改ざんなし" in shown
    with app.app_context():  # this council's events the walk covered, not the chain's length (every council's)
        ours = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.council_id == auditor.council_id, AuditEvent.seq < run.event_seq))
    assert f'data-testid="last-events">{ours:,}<' in shown
    assert re.search(r'data-testid="last-duration">\d+\.\d\d 秒<', shown)
    assert clock.japan_now().strftime("%Y-%m-%d") in shown  # Japan's date (the suite's clock: next day in Japan)


def test_the_page_s_verification_names_the_auditor(app, client, login, auditor):
    login(auditor)
    client.get("/audit/checkpoints")
    posted = client.post("/audit/verify", data={})
    [run] = runs(app)
    assert posted.status_code == 302 and posted.headers["Location"].endswith(f"/audit/verifications/{run.id}")
    assert run.source == "page" and run.actor_user_id == auditor.id and run.council_id == auditor.council_id
    shown = last_verification(client.get("/audit/checkpoints").get_data(as_text=True))
    assert f"({auditor.username})" in shown and "監査室" in shown and "改ざんなし" in shown


def test_another_council_s_auditor_s_run_is_not_shown(app, client, login, auditor, make_user, make_institution):
    other = make_user("auditor", institution=make_institution("監査室", council="別の協議会"))
    login(other)
    client.post("/audit/verify", data={})
    login(auditor)
    page = client.get("/audit/checkpoints").get_data(as_text=True)
    assert "ハッシュチェーンはまだ一度も検証されていません" in page and f"({other.username})" not in page


def test_a_broken_chain_is_stored_with_its_first_bad_event(app, client, login, auditor):
    login(auditor)  # signing in appends events
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("DROP TRIGGER audit_event_no_update"))
        else:
            db.session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_delete"))
        db.session.execute(text("UPDATE audit_event SET reason = 'nothing' WHERE seq = 2"))
        db.session.commit()
    assert council(app, "audit", "verify").exit_code == 1
    [run] = runs(app)
    assert not run.intact and run.first_bad_seq == 2
    shown = last_verification(client.get("/audit/checkpoints").get_data(as_text=True))
    assert "イベント 2 で破損しています" in shown


def test_checkpoints_held_are_listed_and_a_missing_daily_one_is_warned_about(app, client, login, auditor):
    login(auditor)
    page = client.get("/audit/checkpoints").get_data(as_text=True)
    assert 'data-testid="checkpoint-stale"' in page and "まだチェックポイントファイルがありません" in page
    assert "サーバーの外に保管した写し" in page  # what checkpoints on the server cannot show
    with clock.moved_to(clock.utcnow() - dt.timedelta(days=2)):
        assert council(app, "audit", "checkpoint").exit_code == 0
    page = client.get("/audit/checkpoints").get_data(as_text=True)
    assert 'data-testid="checkpoint-stale"' in page and "チェックポイント 1 件" in page
    assert council(app, "audit", "checkpoint").exit_code == 0
    page = client.get("/audit/checkpoints").get_data(as_text=True)
    assert 'data-testid="checkpoint-stale"' not in page and "チェックポイント 2 件" in page


def test_minutes_checkpoints_are_listed_and_verified_with_the_file(app, client, login, auditor, make_meeting):
    meeting = make_meeting(state="approved")
    with app.app_context():
        body = sign_head(council_id=meeting.council_id)
        stored = db.session.get(Meeting, meeting.id)
        stored.checkpoint_seq, stored.checkpoint_hash = body["seq"], body["hash"]
        stored.checkpoint_signed_at, stored.checkpoint_signature = body["signed_at"], body["signature"]
        db.session.commit()
    assert council(app, "audit", "checkpoint").exit_code == 0
    login(auditor)
    page = client.get("/audit/checkpoints").get_data(as_text=True)
    minutes = page.split('data-testid="minutes-checkpoints"', 1)[1].split("</table>", 1)[0]
    assert f"<td>{body['seq']}</td>" in minutes and meeting.title not in page  # the meeting's time, not its title
    result = client.post("/audit/verify?held=1", data={}, follow_redirects=True).get_data(as_text=True)
    assert result.count('data-testid="checkpoint-ok"') == 2 and 'data-testid="checkpoint-bad"' not in result
    assert runs(app)[-1].checkpoints_checked == 2


# -- the walkthrough's findings: a malformed paste, a result on a POST address, the deployment's volume shown


@pytest.mark.parametrize(("pasted", "message"), [
    ("これはチェックポイントではない", "1行目はチェックポイントではありません"),
    ('{"format": "council-audit-checkpoint/1", "seq": 1}\n[1, 2]', "2行目はチェックポイントではありません"),
])
def test_a_paste_that_holds_no_checkpoint_is_only_an_error_with_the_text_kept(app, client, login, auditor, pasted,
                                                                               message):
    login(auditor)
    response = client.post("/audit/verify", data={"checkpoints": pasted})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    summary = page.split('data-testid="error-summary"', 1)[1].split("</div>", 1)[0]
    assert message in summary and 'href="#checkpoints"' in summary
    form = page.split('id="checkpoint-form"', 1)[1].split("</form>", 1)[0]
    assert 'id="checkpoint-form-errors"' in form  # the error is at the form the auditor pasted into
    textarea = form.split("<textarea", 1)[1].split("</textarea>", 1)[0]
    assert pasted.splitlines()[-1].replace('"', "&#34;") in textarea or pasted.splitlines()[-1] in textarea
    assert 'data-testid="verify-result"' not in page and "異常なし" not in page  # no success headline
    assert runs(app) == []  # nothing was verified


def test_the_result_is_a_get_of_the_stored_run_and_reloading_verifies_nothing(app, client, login, auditor, make_user,
                                                                              make_institution):
    login(auditor)
    posted = client.post("/audit/verify", data={})
    [run] = runs(app)
    assert posted.status_code == 302 and posted.headers["Location"].endswith(f"/audit/verifications/{run.id}")
    for _reload in range(2):
        page = client.get(f"/audit/verifications/{run.id}").get_data(as_text=True)
        assert 'data-testid="verify-result"' in page and "status-ok" in page
    assert len(runs(app)) == 1
    with app.app_context():
        assert db.session.scalars(select(AuditEvent.tag).where(AuditEvent.tag == "audit:chain:verified")).all() == \
            ["audit:chain:verified"]
    outsider = app.test_client()
    sign_in(app, outsider, make_user("auditor", institution=make_institution("監査室", council="別の協議会")))
    assert outsider.get(f"/audit/verifications/{run.id}").status_code == 404


def test_a_joint_deployment_s_auditor_sees_their_council_s_count_never_the_chain_s(app, client, login, auditor,
                                                                                    make_user, make_institution):
    outsider = make_user("caseworker", institution=make_institution("よその機関", council="別の協議会"))
    busy = app.test_client()
    for _ in range(5):
        busy.post("/login", data={"username": outsider.username, "password": "wrong password x"})
    login(auditor)
    assert council(app, "audit", "verify").exit_code == 0  # the operator's run, over every council
    client.post("/audit/verify", data={})  # the auditor's
    operator, own = runs(app)
    with app.app_context():
        def ours_before(seq: int) -> int:
            return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.council_id == auditor.council_id, AuditEvent.seq < seq))

        expected = {operator.id: ours_before(operator.event_seq), own.id: ours_before(own.event_seq)}
    assert own.council_events == expected[own.id] and operator.council_events is None
    assert operator.events_checked > expected[operator.id] + 4  # the other council's events were walked too
    page = client.get("/audit/checkpoints").get_data(as_text=True)
    shown = last_verification(page)
    assert f'data-testid="last-events">{expected[own.id]:,}<' in shown
    earlier = page.split('data-testid="runs"', 1)[1].split("</table>", 1)[0]
    assert f"<td>{expected[operator.id]:,}</td>" in earlier
    assert expected[own.id] < own.events_checked  # the chain's length is not what the auditor was shown
    assert 'data-testid="events-explained"' in page
