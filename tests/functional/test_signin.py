"""Signing in: two factors, generic failures, throttling, sessions, the pledge gate."""

import datetime as dt

import pyotp
import pytest
from sqlalchemy import select

from council.audit.models import AuditEvent
from council.auth.models import PledgeAcceptance, User, UserSession
from council.core.db import utcnow
from council.database import db
from tests.conftest import PASSWORD, fresh, sign_in, unused_code

GENERIC = "ユーザー名またはパスワードが正しくないか"  # the one message for every sign-in failure


def tags(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.tag).order_by(AuditEvent.seq)))


def test_two_steps_lead_home_and_are_audited(app, client, make_user):
    user = make_user("caseworker")
    response = client.post("/login", data={"username": user.username.upper(), "password": PASSWORD})
    assert response.headers["Location"] == "/login/code"
    assert client.get("/").status_code == 302  # not signed in between the steps
    now = fresh(app, User, user.id)
    response = client.post("/login/code", data={"code": unused_code(now.totp_secret, None)})
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert tags(app)[-2:] == ["account:mfa:succeeded", "account:login:succeeded"]


@pytest.mark.parametrize("username", ["nobody-here", "REAL"])
def test_unknown_user_and_wrong_password_look_the_same(app, client, make_user, username):
    user = make_user()
    name = user.username if username == "REAL" else username
    response = client.post("/login", data={"username": name, "password": "wrong password here"})
    assert response.status_code == 401
    assert GENERIC in response.get_data(as_text=True)
    assert tags(app)[-1] == "account:login:failed"


def test_failed_login_audit_names_no_password(app, client, make_user):
    user = make_user()
    client.post("/login", data={"username": user.username, "password": "hunter2-secret-typed"})
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent)).all()
        dumped = " ".join(str(vars(row)) for row in rows)
    assert "hunter2" not in dumped
    assert rows[-1].reason == "bad_password" and rows[-1].target_id == str(user.id)


def test_wrong_code_refused_and_counted(app, client, make_user):
    user = make_user()
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    response = client.post("/login/code", data={"code": "000000"})
    assert response.status_code == 401
    assert client.get("/").status_code == 302
    assert fresh(app, User, user.id).failed_logins == 1
    assert tags(app)[-1] == "account:mfa:failed"


def test_replayed_code_refused(app, make_user):
    user = make_user()
    first, second = app.test_client(), app.test_client()
    first.post("/login", data={"username": user.username, "password": PASSWORD})
    code = unused_code(user.totp_secret, None)
    assert first.post("/login/code", data={"code": code}).status_code == 302
    second.post("/login", data={"username": user.username, "password": PASSWORD})
    assert second.post("/login/code", data={"code": code}).status_code == 401


def test_recovery_code_works_once(app, make_user):
    from council.auth.services import accounts

    user = make_user()
    with app.app_context():
        codes = accounts().replace_recovery_codes(db.session, db.session.get(User, user.id))
        db.session.commit()
    for expected in (302, 401):
        client = app.test_client()
        client.post("/login", data={"username": user.username, "password": PASSWORD})
        assert client.post("/login/code", data={"code": codes[0]}).status_code == expected
    assert "account:recovery_code:used" in tags(app)


def test_lockout_after_repeated_failures_even_with_right_password(app, client, make_user):
    user = make_user()
    for _ in range(10):
        with app.app_context():  # skip the backoff waits, keep the failure count
            row = db.session.get(User, user.id)
            row.locked_until = None
            db.session.commit()
        client.post("/login", data={"username": user.username, "password": "wrong password again"})
    assert "account:login:locked_out" in tags(app)
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 401 and GENERIC in response.get_data(as_text=True)
    assert tags(app)[-1] == "account:login:failed"


def test_backoff_refuses_the_right_password_for_a_moment(app, client, make_user):
    user = make_user()
    for _ in range(3):
        client.post("/login", data={"username": user.username, "password": "wrong password again"})
    assert client.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 401
    with app.app_context():
        row = db.session.get(User, user.id)
        row.locked_until = utcnow() - dt.timedelta(seconds=1)
        db.session.commit()
    assert client.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 302


def test_per_address_limit(app, client, make_user):
    app.config["LOGIN_IP_MAX_FAILURES"] = 3
    app.extensions["account_service"].policy = type(app.extensions["account_service"].policy)(ip_max_failures=3)
    victim = make_user()
    for i in range(3):
        client.post("/login", data={"username": f"guess{i}", "password": "wrong password again"})
    response = client.post("/login", data={"username": victim.username, "password": PASSWORD})
    assert response.status_code == 401
    with app.app_context():
        assert db.session.scalars(select(AuditEvent.reason).order_by(AuditEvent.seq.desc())).first() == \
            "address_throttled"


def test_session_is_rotated_and_logout_ends_it_server_side(app, client, login, make_user):
    user = make_user()
    login(user)
    stolen_cookie = client.get_cookie("council").value
    client.post("/logout")
    assert client.get("/").status_code == 302
    other = app.test_client()
    other.set_cookie("council", stolen_cookie)
    assert other.get("/").status_code == 302  # the old cookie no longer signs anyone in
    with app.app_context():
        ended = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
    assert ended.end_reason == "logout"


@pytest.mark.parametrize(("field", "delta", "reason"), [
    ("last_seen_at", dt.timedelta(minutes=31), "idle"),
    ("created_at", dt.timedelta(hours=12, minutes=1), "expired"),
])
def test_idle_and_absolute_timeouts(app, client, login, make_user, field, delta, reason):
    user = make_user()
    login(user)
    with app.app_context():
        record = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
        setattr(record, field, utcnow() - delta)
        db.session.commit()
    assert client.get("/").status_code == 302
    with app.app_context():
        assert db.session.scalars(select(UserSession.end_reason)).one() == reason


def test_user_sees_and_ends_own_other_session(app, client, login, make_user):
    user = make_user()
    laptop = app.test_client()
    sign_in(app, laptop, user)
    login(user)
    page = client.get("/account").get_data(as_text=True)
    with app.app_context():
        laptop_session = db.session.scalars(select(UserSession).order_by(UserSession.id)).first()
    assert f"/account/sessions/{laptop_session.id}/end" in page
    assert client.post(f"/account/sessions/{laptop_session.id}/end").status_code == 302
    assert laptop.get("/").status_code == 302
    assert client.get("/").status_code == 200


def test_cannot_end_someone_elses_session(app, client, login, make_user):
    other = make_user()
    sign_in(app, app.test_client(), other)
    login(make_user())
    with app.app_context():
        their = db.session.scalars(select(UserSession).where(UserSession.user_id == other.id)).one()
    assert client.post(f"/account/sessions/{their.id}/end").status_code == 404


def test_password_change_ends_other_sessions_and_keeps_this_one(app, client, login, make_user):
    user = make_user()
    laptop = app.test_client()
    sign_in(app, laptop, user)
    login(user)
    new = "a new and longer passphrase"
    response = client.post("/account/password", data={"current": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 302
    assert laptop.get("/").status_code == 302
    assert client.get("/").status_code == 200
    assert "account:password:changed" in tags(app)


def test_password_change_with_wrong_current_password_changes_nothing(app, client, login, make_user):
    user = make_user()
    login(user)
    before = fresh(app, User, user.id).password_hash
    new = "a new and longer passphrase"
    response = client.post("/account/password", data={"current": "not it at all", "password": new, "confirm": new})
    assert response.status_code == 400
    assert fresh(app, User, user.id).password_hash == before


def test_pledge_gate_blocks_everything_until_accepted(app, client, login, make_user):
    user = make_user(pledged=False)
    login(user)
    for path in ("/", "/account"):
        assert client.get(path).headers["Location"] == "/pledge"
    page = client.get("/pledge").get_data(as_text=True)
    assert "孤独・孤立対策推進法" in page
    assert client.post("/pledge", data={}).status_code == 200  # unticked: not accepted
    assert client.post("/pledge", data={"accept": "y"}).headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert "account:pledge:accepted" in tags(app)


def test_pledge_is_asked_again_after_a_year(app, client, login, make_user):
    user = make_user()
    with app.app_context():
        acceptance = db.session.scalars(select(PledgeAcceptance)).one()
        acceptance.accepted_at = utcnow() - dt.timedelta(days=366)
        db.session.commit()
    login(user)
    assert client.get("/").headers["Location"] == "/pledge"


def test_rehash_on_login_when_parameters_change(app, client, make_user):
    from council.security.passwords import Argon2Parameters, PasswordHasher

    user = make_user()
    app.extensions["account_service"].hasher = PasswordHasher(Argon2Parameters(memory_cost=128, iterations=1))
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert "$m=128," in fresh(app, User, user.id).password_hash


def test_login_next_page_is_kept_but_only_on_this_site(app, client, make_user):
    user = make_user()
    client.get("/account")
    response = sign_in(app, client, user)
    assert response.headers["Location"] == "/account"
    assert pyotp  # imported for the helpers' codes


def test_new_recovery_codes_need_the_password_and_replace_the_old_ones(app, client, login, make_user):
    from council.auth.services import accounts

    user = make_user()
    with app.app_context():
        old = accounts().replace_recovery_codes(db.session, db.session.get(User, user.id))
        db.session.commit()
    login(user)
    refused = client.post("/account/recovery-codes", data={"current": "not my password"})
    assert refused.status_code == 400 and "account:recovery_codes:refused" in tags(app)
    # The account page again, the form open and its error summary at the top of the form.
    refused_page = refused.get_data(as_text=True)
    assert '<details open>' in refused_page and 'id="recovery-form-errors"' in refused_page
    page = client.post("/account/recovery-codes", data={"current": PASSWORD}).get_data(as_text=True)
    new = page.split('data-testid="recovery-codes">', 1)[1].split("</ol>", 1)[0]
    assert new.count("<li>") == 10 and old[0] not in new
    other = app.test_client()
    other.post("/login", data={"username": user.username, "password": PASSWORD})
    assert other.post("/login/code", data={"code": old[0]}).status_code == 401
