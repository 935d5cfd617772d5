"""Parallel requests cannot beat single-use codes, setup links or the lockout (review finding, issue #2)."""

import threading
import unicodedata

import pyotp
from sqlalchemy import func, select

from council.auth.models import User, UserSession
from council.database import db
from tests.conftest import PASSWORD, fresh, unused_code

PARALLEL = 6


def _all_at_once(action, count: int = PARALLEL) -> list:
    barrier, results = threading.Barrier(count), [None] * count

    def run(i):
        barrier.wait()
        results[i] = action(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _sessions(app, user) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id))


def test_parallel_wrong_passwords_are_all_counted(app, make_user):
    user = make_user()
    app.extensions["account_service"].policy = type(app.extensions["account_service"].policy)(backoff_after=100)
    _all_at_once(lambda i: app.test_client().post("/login", data={"username": user.username,
                                                                  "password": f"wrong guess {i}"}).status_code)
    assert fresh(app, User, user.id).failed_logins == PARALLEL


def test_one_totp_code_signs_in_once_however_many_try_it(app, make_user):
    user = make_user()
    clients = [app.test_client() for _ in range(PARALLEL)]
    for client in clients:
        client.post("/login", data={"username": user.username, "password": PASSWORD})
    code = unused_code(user.totp_secret, None)
    statuses = _all_at_once(lambda i: clients[i].post("/login/code", data={"code": code}).status_code)
    assert sorted(statuses) == [302] + [401] * (PARALLEL - 1)
    assert _sessions(app, user) == 1


def test_one_recovery_code_signs_in_once(app, make_user):
    from council.auth.services import accounts

    user = make_user()
    with app.app_context():
        codes = accounts().replace_recovery_codes(db.session, db.session.get(User, user.id))
        db.session.commit()
    clients = [app.test_client() for _ in range(PARALLEL)]
    for client in clients:
        client.post("/login", data={"username": user.username, "password": PASSWORD})
    statuses = _all_at_once(lambda i: clients[i].post("/login/code", data={"code": codes[0]}).status_code)
    assert statuses.count(302) == 1
    assert _sessions(app, user) == 1


def test_a_setup_link_completes_once(app, make_user):
    from council.auth.admin import create_user
    from council.auth.models import Institution

    institution = make_user("admin").institution
    with app.app_context():
        user, token = create_user(actor=None, institution=db.session.get(Institution, institution.id),
                                  username="racer", display_name="x", role="caseworker")
    page = app.test_client().get(f"/setup/{token}").get_data(as_text=True)
    secret = page.split('data-testid="totp-secret">', 1)[1].split("<", 1)[0]
    code = pyotp.TOTP(secret).now()

    def complete(i):
        password = f"racing passphrase number {i}"
        return app.test_client().post(f"/setup/{token}", data={"password": password, "confirm": password,
                                                              "code": code}).status_code

    statuses = _all_at_once(complete)
    assert statuses.count(200) == 1 and set(statuses) <= {200, 400, 404}  # losers: used meanwhile, or already


def test_full_width_digits_from_a_japanese_keyboard_are_accepted(app, client, make_user):
    user = make_user()
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    code = unused_code(user.totp_secret, None)
    wide = "".join(unicodedata.lookup(f"FULLWIDTH DIGIT {unicodedata.name(d).split()[-1]}") for d in code)
    assert client.post("/login/code", data={"code": wide}).headers["Location"] == "/"


def test_guessing_the_password_at_an_unlocked_screen_ends_the_session(app, client, login, make_user):
    user = make_user()
    login(user)
    for i in range(10):
        with app.app_context():  # skip the backoff waits, keep the count
            db.session.get(User, user.id).locked_until = None
            db.session.commit()
        client.post("/account/recovery-codes", data={"current": f"guess number {i}"})
    assert fresh(app, User, user.id).failed_logins >= 10
    assert client.get("/account").status_code == 302  # signed out: the sessions ended at lockout


def test_setup_secret_is_kept_on_the_server_not_in_the_cookie(app, make_user):
    import base64
    import zlib

    from council.auth.admin import create_user
    from council.auth.models import Institution

    institution = make_user("admin").institution
    with app.app_context():
        _user, token = create_user(actor=None, institution=db.session.get(Institution, institution.id),
                                   username="cookie-check", display_name="x", role="member")
    client = app.test_client()
    page = client.get(f"/setup/{token}").get_data(as_text=True)
    secret = page.split('data-testid="totp-secret">', 1)[1].split("<", 1)[0]
    cookie = client.get_cookie("council")
    if cookie is not None:
        payload = cookie.value.lstrip(".").split(".")[0]
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        decoded = zlib.decompress(raw) if cookie.value.startswith(".") else raw
        assert secret.encode() not in decoded
    assert client.get(f"/setup/{token}").get_data(as_text=True).count(secret) >= 1  # same key when reloaded


def test_a_disabled_users_setup_link_stops_working(app, make_user):
    from council.auth.admin import create_user, set_disabled
    from council.auth.models import Institution

    admin_user = make_user("admin")
    with app.app_context():
        user, token = create_user(actor=None, institution=db.session.get(Institution, admin_user.institution_id),
                                  username="leaver", display_name="x", role="caseworker")
        set_disabled(actor=db.session.get(User, admin_user.id), user=user, disabled=True)
    assert app.test_client().get(f"/setup/{token}").status_code == 404
