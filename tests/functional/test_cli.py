"""The ``council`` command line: councils, institutions, users, the audit check, the demo, and ``init``."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text

from council.audit.models import AuditEvent
from council.auth.models import Council, Institution, User
from council.cli import cli
from council.database import db
from tests.conftest import count

COUNCIL = "テスト市孤独・孤立対策地域協議会"


def council_cli(runner, *args):
    """Run a ``council`` command against the test app (FlaskCliRunner passes it as the ScriptInfo)."""
    return runner.invoke(cli, list(args))




def institution_named(app, name: str) -> Institution | None:
    with app.app_context():
        return db.session.scalar(select(Institution).where(Institution.name == name))


@pytest.fixture
def council(runner):
    result = council_cli(runner, "create-council", COUNCIL)
    assert result.exit_code == 0, result.output
    return COUNCIL


# -- councils and institutions ---------------------------------------------------------------------


def test_create_council_creates_it_and_is_audited(app, runner):
    result = council_cli(runner, "create-council", COUNCIL)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(Council.name)) == COUNCIL
        assert db.session.scalar(select(AuditEvent.tag)) == "admin:council:created"


def test_create_council_twice_fails(app, runner, council):
    result = council_cli(runner, "create-council", COUNCIL)
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert count(app, Council) == 1


@pytest.mark.parametrize(("given", "kind"), [("社協", "social_welfare_council"), ("npo", "npo"),
                                             ("NPO法人", "npo"), ("地域包括", "community_support_center")])
def test_create_institution_accepts_codes_and_japanese_labels(app, runner, council, given, kind):
    result = council_cli(runner, "create-institution", "テスト機関", "--type", given)
    assert result.exit_code == 0, repr(result.exception)
    created = institution_named(app, "テスト機関")
    assert (created.kind, created.is_coordinator) == (kind, False)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.tag == "admin:institution:created"))
        assert (event.target_id, event.request_id) == (str(created.id), "cli")


def test_create_institution_succeeds_and_confirms(app, runner, council):
    result = council_cli(runner, "create-institution", "テスト機関", "--type", "社協", "--coordinator")
    assert result.exit_code == 0, repr(result.exception)
    assert "テスト機関" in result.output
    assert institution_named(app, "テスト機関").is_coordinator


def test_unknown_institution_type_fails_listing_the_types(app, runner, council):
    result = council_cli(runner, "create-institution", "テスト機関", "--type", "保育園")
    assert result.exit_code == 1
    assert "保育園" in result.output
    for label in ("行政", "社協", "地域包括", "NPO法人", "社会福祉法人", "医療", "学校", "警察", "その他"):
        assert label in result.output
    assert count(app, Institution) == 0


def test_second_coordinator_fails_on_the_command_line_with_a_message(app, runner, make_institution):
    make_institution("福祉課", coordinator=True, council=COUNCIL)
    result = council_cli(runner, "create-institution", "社協", "--type", "社協", "--coordinator")
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "coordinator" in result.output or "調整機関" in result.output
    assert institution_named(app, "社協") is None


def test_second_coordinator_is_not_created_on_the_command_line(app, runner, make_institution):
    make_institution("福祉課", coordinator=True, council=COUNCIL)
    result = council_cli(runner, "create-institution", "社協", "--type", "社協", "--coordinator")
    assert result.exit_code == 1
    assert institution_named(app, "社協") is None
    assert institution_named(app, "福祉課").is_coordinator


def test_create_user_prints_a_setup_link_and_is_audited(app, runner, make_institution):
    make_institution("福祉課", council=COUNCIL)
    result = council_cli(runner, "create-user", "Sato", "--institution", "福祉課", "--role", "caseworker")
    assert result.exit_code == 0, result.output
    assert "/setup/" in result.output
    token = result.output.split("/setup/")[1].split()[0]
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.username, user.role, user.password_hash) == ("sato", "caseworker", None)
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.tag == "admin:user:created"))
        assert (event.target_id, event.request_id) == (str(user.id), "cli")
    assert token not in _all_audit_text(app)
    assert app.test_client().get(f"/setup/{token}").status_code == 200


def _all_audit_text(app) -> str:
    with app.app_context():
        return " ".join(str(v) for row in db.session.execute(select(AuditEvent.__table__)) for v in row)


def test_create_user_with_a_taken_username_fails_with_a_message(app, runner, make_institution):
    make_institution("福祉課", council=COUNCIL)
    assert council_cli(runner, "create-user", "sato", "--institution", "福祉課", "--role", "member").exit_code == 0
    result = council_cli(runner, "create-user", "sato", "--institution", "福祉課", "--role", "admin")
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "taken" in result.output or "既に使われています" in result.output
    assert count(app, User) == 1


def test_create_user_in_an_unknown_institution_fails(app, runner, council):
    result = council_cli(runner, "create-user", "sato", "--institution", "どこにもない", "--role", "caseworker")
    assert result.exit_code == 1
    assert "どこにもない" in result.output
    assert count(app, User) == 0


@pytest.mark.parametrize("command", [
    ["create-institution", "福祉課", "--type", "行政"],
    ["create-user", "sato", "--institution", "福祉課", "--role", "caseworker"],
])
def test_with_two_councils_commands_ask_for_council(app, runner, make_institution, command):
    make_institution("福祉課", council="一つ目の協議会")
    make_institution("福祉課", council="二つ目の協議会")
    before = (count(app, Institution), count(app, User))
    result = council_cli(runner, *command)
    assert result.exit_code == 1
    assert "--council" in result.output
    assert (count(app, Institution), count(app, User)) == before


def test_with_two_councils_council_option_picks_one(app, runner, make_institution):
    make_institution("福祉課", council="一つ目の協議会")
    make_institution("福祉課", council="二つ目の協議会")
    result = council_cli(runner, "create-user", "sato", "--institution", "福祉課", "--role", "supervisor",
                         "--council", "二つ目の協議会")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.institution.council.name == "二つ目の協議会"


# -- the audit check -------------------------------------------------------------------------------


def test_audit_verify_reports_an_intact_chain(runner, council):
    result = council_cli(runner, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def _tamper(app, seq: int) -> None:
    """What someone with direct database access would do behind the app's back."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("DROP TRIGGER audit_event_no_update"))
        else:
            db.session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_delete"))
        db.session.execute(text("UPDATE audit_event SET reason = 'nothing happened' WHERE seq = :seq"), {"seq": seq})
        db.session.commit()


def test_audit_verify_fails_with_the_first_edited_sequence_number(app, runner, council):
    for name in ("一つ目", "二つ目", "三つ目"):
        assert council_cli(runner, "create-council", name).exit_code == 0
    assert count(app, AuditEvent) == 4
    _tamper(app, 3)
    result = council_cli(runner, "audit", "verify")
    assert result.exit_code == 1
    assert "sequence 3" in result.output
    assert "intact" not in result.output


# -- the demo --------------------------------------------------------------------------------------


def test_demo_prints_logins_and_can_run_twice(app, runner):
    first = council_cli(runner, "demo")
    assert first.exit_code == 0, first.output
    users = count(app, User)
    roles = {"admin", "coordinator", "caseworker", "supervisor", "member", "auditor"}
    with app.app_context():
        assert set(db.session.scalars(select(User.role))) == roles
        usernames = list(db.session.scalars(select(User.username)))
    assert all(name in first.output for name in usernames)
    assert "Password" in first.output
    second = council_cli(runner, "demo")
    assert second.exit_code == 0, second.output
    assert count(app, User) == users
    assert count(app, Council) == 1
    assert all(name in second.output for name in usernames)


# -- ``council init`` and start-up checks, in a separate process ------------------------------------

COUNCIL_BIN = Path(sys.executable).parent / "council"
KEY_FILES = ["keys/secret_key", "keys/kek-0001.key", "keys/index.key", "keys/audit_signing.pem", "keys/totp.key",
             "platform/secret_key", "platform/totp.key"]


def run_council(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COUNCIL_", "PLATFORM_", "FLASK_"))}
    env.update(COUNCIL_INSTANCE_PATH=str(folder), PLATFORM_INSTANCE_PATH=str(folder / "platform"))
    return subprocess.run([str(COUNCIL_BIN), *args], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.fixture
def instance(tmp_path) -> Path:
    folder = tmp_path / "instance"
    folder.mkdir()
    result = run_council(folder, "init")
    assert result.returncode == 0, result.stderr
    return folder


def test_init_creates_keys_readable_by_the_owner_only_and_both_databases(instance):
    for name in KEY_FILES:
        path = instance / name
        assert path.is_file() and path.stat().st_size > 0, name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    assert (instance / "council.db").stat().st_size > 0
    assert (instance / "platform" / "platform.db").stat().st_size > 0


def test_init_again_changes_no_key_and_succeeds(instance):
    before = {name: (instance / name).read_bytes() for name in KEY_FILES}
    result = run_council(instance, "init")
    assert result.returncode == 0, result.stderr
    assert {name: (instance / name).read_bytes() for name in KEY_FILES} == before


def test_started_app_works_after_init(instance):
    result = run_council(instance, "audit", "verify")
    assert result.returncode == 0, result.stderr
    assert "intact" in result.stdout


def test_start_refuses_a_key_others_can_read_and_names_chmod(instance):
    key = instance / "keys" / "kek-0001.key"
    key.chmod(0o644)
    result = run_council(instance, "audit", "verify")
    assert result.returncode != 0
    assert "chmod 600" in result.stderr
    assert str(key) in result.stderr


def test_start_refusal_is_a_message_not_a_traceback(instance):
    (instance / "keys" / "secret_key").chmod(0o640)
    result = run_council(instance, "audit", "verify")
    assert result.returncode == 1
    assert "chmod 600" in result.stderr
    assert "Traceback" not in result.stderr


def test_start_refuses_a_missing_key_and_names_council_init(instance):
    (instance / "keys" / "index.key").unlink()
    result = run_council(instance, "audit", "verify")
    assert result.returncode != 0
    assert "council init" in result.stderr
