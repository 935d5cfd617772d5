"""The platform runs alone, with its own database, accounts, keys and audit chain."""

import os
import subprocess
import sys
import textwrap

import pyotp
from sqlalchemy import select

from council.platform.database import db
from council.platform.models import PlatformAuditEvent, PlatformUser
from council.security import auditchain

COUNCIL_SIDE = ("council.auth", "council.audit", "council.access", "council.config", "council.database",
                "council.instance", "council.cli", "council.application", "council.crypto", "council.cases",
                "council.stats", "council.demo")


def _run(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True,
                          timeout=120, cwd=env.get("CWD"))


def test_importing_the_platform_loads_no_council_side_module():
    result = _run(f"""
        import sys
        import council.platform
        from council.platform import application, cli
        loaded = [m for m in sys.modules if m.startswith({COUNCIL_SIDE!r})]
        print(loaded)
        sys.exit(1 if loaded else 0)
    """, {"PATH": os.environ["PATH"]})
    assert result.returncode == 0, result.stdout + result.stderr


def test_platform_starts_and_serves_with_no_council_settings_or_files(tmp_path):
    """A scrubbed environment: no COUNCIL_* variable, no council instance folder, no council key."""
    env = {"PATH": os.environ["PATH"], "PLATFORM_INSTANCE_PATH": str(tmp_path / "platform"),
           "HOME": str(tmp_path), "CWD": str(tmp_path)}
    result = _run(f"""
        import sys
        from council.platform.setup import initialise
        from council.platform import create_app
        from council.platform.accounts import create_admin
        from council.platform.database import db
        initialise()
        app = create_app()
        app.config.update(WTF_CSRF_ENABLED=False)
        pages = sorted(rule.rule for rule in app.url_map.iter_rules()
                       if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static")
        client = app.test_client()
        for path in pages:
            assert client.get(path).status_code in (200, 302), path  # public, or a redirect to sign in
        assert client.get("/static/council.css").status_code == 200
        import pyotp
        from council.platform.models import PlatformUser
        from council.security.passwords import PasswordHasher
        with app.app_context():
            user, _token = create_admin(username="admin", display_name="admin")
            user.password_hash = PasswordHasher(app.config["PASSWORD_HASH"]).hash("a long platform passphrase")
            user.totp_secret = secret = pyotp.random_base32()
            db.session.commit()
        client.post("/login", data={{"username": "admin", "password": "a long platform passphrase"}})
        assert client.post("/login/code", data={{"code": pyotp.TOTP(secret).now()}}).headers["Location"] == "/"
        for path in pages:
            if path.startswith(("/organisations/mine", "/logout", "/login")):
                continue  # an administrator belongs to no organisation; sign-in pages redirect the signed-in
            assert client.get(path).status_code == 200, path
        council_side = [m for m in sys.modules if m.startswith({COUNCIL_SIDE!r})]
        assert not council_side, council_side
        print("ok", len(pages))
    """, env)
    assert result.returncode == 0 and "ok" in result.stdout, result.stderr
    assert not (tmp_path / "instance").exists() and not (tmp_path / "keys").exists()
    assert sorted(p.name for p in (tmp_path / "platform").iterdir()) == [
        "platform.db", "platform.db-writer", "secret_key", "totp.key"]  # the SQLite writers' lock file, empty


def test_platform_admin_sets_up_with_mandatory_totp_and_signs_in(platform_app):
    from council.platform.accounts import create_admin

    with platform_app.app_context():
        user, token = create_admin(username="pf-admin", display_name="運営 事務局")
    client = platform_app.test_client()
    page = client.get(f"/setup/{token}").get_data(as_text=True)
    secret = page.split('data-testid="totp-secret">', 1)[1].split("<", 1)[0]
    password = "plenty of words for a platform"
    response = client.post(f"/setup/{token}", data={"password": password, "confirm": password, "code": "000000"})
    assert response.status_code == 400  # the second factor cannot be skipped by an admin
    response = client.post(f"/setup/{token}", data={"password": password, "confirm": password,
                                                    "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200 and 'data-testid="recovery-codes"' in response.get_data(as_text=True)
    response = client.post("/login", data={"username": "pf-admin", "password": password})
    assert response.headers["Location"] == "/login/code"
    response = client.post("/login/code", data={"code": pyotp.TOTP(secret).at(__import__("time").time() + 30)})
    assert response.headers["Location"] == "/"
    assert "運営 事務局" in client.get("/").get_data(as_text=True)
    with platform_app.app_context():
        assert db.session.scalar(select(PlatformUser.totp_secret)) == secret
        tags = list(db.session.scalars(select(PlatformAuditEvent.tag).order_by(PlatformAuditEvent.seq)))
        assert "platform:admin:created" in tags and tags[-1] == "account:login:succeeded"
        assert auditchain.verify(db.session, PlatformAuditEvent).intact


def test_platform_member_without_totp_signs_in_with_password_only(platform_app):
    from council.platform.models import PlatformRole
    from council.security.passwords import PasswordHasher

    with platform_app.app_context():
        hasher = PasswordHasher(platform_app.config["PASSWORD_HASH"])
        db.session.add(PlatformUser(username="npo-staff", display_name="NPO 職員", role=PlatformRole.MEMBER,
                                    password_hash=hasher.hash("member passphrase here"), failed_logins=0))
        db.session.commit()
    client = platform_app.test_client()
    response = client.post("/login", data={"username": "npo-staff", "password": "member passphrase here"})
    assert response.headers["Location"] == "/"


def test_platform_admin_without_totp_cannot_sign_in(platform_app):
    from council.platform.models import PlatformRole
    from council.security.passwords import PasswordHasher

    with platform_app.app_context():
        hasher = PasswordHasher(platform_app.config["PASSWORD_HASH"])
        db.session.add(PlatformUser(username="bad-admin", display_name="x", role=PlatformRole.ADMIN,
                                    password_hash=hasher.hash("admin passphrase here"), failed_logins=0))
        db.session.commit()
    response = platform_app.test_client().post("/login", data={"username": "bad-admin",
                                                               "password": "admin passphrase here"})
    assert response.status_code == 401


def test_platform_page_is_marked_as_the_platform(platform_app):
    page = platform_app.test_client().get("/").get_data(as_text=True)
    assert 'class="platform"' in page and "個人情報" in page


def test_both_apps_in_one_process_keep_separate_cookies(app, platform_app, make_user):
    from werkzeug.middleware.dispatcher import DispatcherMiddleware
    from werkzeug.test import Client

    user = make_user()
    combined = Client(DispatcherMiddleware(app, {"/platform": platform_app}))
    from tests.conftest import PASSWORD

    combined.post("/login", data={"username": user.username, "password": PASSWORD})
    assert combined.get_cookie("council") is not None
    assert combined.get("/platform/account").headers["Location"].endswith("/platform/login")
    assert combined.get_cookie("platform") is None


def test_the_platform_answers_only_to_its_trusted_host_names(platform_app):
    platform_app.config["TRUSTED_HOSTS"] = ["platform.example.jp"]
    client = platform_app.test_client()
    assert client.get("/places/calendar.ics", headers={"Host": "evil.example"}).status_code == 400
    feed = client.get("/places/calendar.ics", headers={"Host": "platform.example.jp"})
    assert feed.status_code == 200
