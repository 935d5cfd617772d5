"""TOTP secrets are stored sealed on both sides, and sign-in works as before.

A copy of the database alone (a backup, a dump) must not give away anyone's second factor.
"""

import re

import pyotp
import pytest
from sqlalchemy import text

from council.security.sealing import PREFIX
from tests.conftest import PASSWORD, fresh, unused_code


def _raw(app, statement: str, **params):
    """What the database itself holds, read past the models (and past the sealing)."""
    engine = app.extensions["platform.db" if "platform.db" in app.extensions else "council.db"][0]
    with engine.connect() as connection:
        return connection.execute(text(statement), params).scalar()


def _store_raw(app, statement: str, **params):
    engine = app.extensions["platform.db" if "platform.db" in app.extensions else "council.db"][0]
    with engine.begin() as connection:
        connection.execute(text(statement), params)


def test_council_secret_is_sealed_in_the_database_and_sign_in_works(app, client, login, make_user):
    user = make_user("caseworker")
    secret = fresh(app, type(user), user.id).totp_secret
    stored = _raw(app, "SELECT totp_secret FROM user_account WHERE id = :id", id=user.id)
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert stored.startswith(PREFIX) and secret not in stored
    login(user)
    assert client.get("/").status_code == 200


def test_the_secret_shown_during_setup_is_sealed_too(app, client):
    from council.auth.services import issue_first_admin_link

    with app.app_context():
        token = issue_first_admin_link()
    page = client.get(f"/setup/first/{token}").get_data(as_text=True)
    shown = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    stored = _raw(app, "SELECT pending_totp_secret FROM setup_link WHERE user_id IS NULL AND used_at IS NULL")
    assert stored.startswith(PREFIX) and shown not in stored


def test_platform_secret_is_sealed_in_the_database_and_sign_in_works(platform_app, make_platform_user,
                                                                      platform_login):
    admin = make_platform_user("admin")
    secret = fresh(platform_app, type(admin), admin.id).totp_secret
    stored = _raw(platform_app, "SELECT totp_secret FROM platform_user WHERE id = :id", id=admin.id)
    assert stored.startswith(PREFIX) and secret not in stored
    client = platform_login(admin)  # through the code step: admins must use TOTP
    assert client.get("/account").status_code == 200


def test_secrets_enrolled_before_sealing_are_sealed_at_start_up(app_config, app, client, make_user):
    """An instance upgraded from plaintext secrets: the next start seals them, once, and they still work."""
    from council import create_app
    from council.database import db

    user = make_user("caseworker")
    secret = pyotp.random_base32(32)
    _store_raw(app, "UPDATE user_account SET totp_secret = :secret WHERE id = :id", secret=secret, id=user.id)
    restarted = create_app(app_config)
    sealed = _raw(app, "SELECT totp_secret FROM user_account WHERE id = :id", id=user.id)
    assert sealed.startswith(PREFIX) and secret not in sealed
    db.dispose(create_app(app_config))  # idempotent: a sealed value is left as it is
    assert _raw(app, "SELECT totp_secret FROM user_account WHERE id = :id", id=user.id) == sealed
    signed_in = restarted.test_client()
    assert signed_in.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
    response = signed_in.post("/login/code", data={"code": unused_code(secret, None)})
    assert response.status_code == 302 and "/login" not in response.headers["Location"]
    db.dispose(restarted)


def test_platform_secrets_enrolled_before_sealing_are_sealed_at_start_up(platform_app, make_platform_user):
    from council.platform import create_app
    admin = make_platform_user("admin")
    secret = pyotp.random_base32()
    _store_raw(platform_app, "UPDATE platform_user SET totp_secret = :secret WHERE id = :id", secret=secret,
               id=admin.id)
    from council.platform.database import db

    db.dispose(create_app({key: platform_app.config[key] for key in ("TESTING", "INSTANCE_PATH", "DATABASE_URL")}))
    sealed = _raw(platform_app, "SELECT totp_secret FROM platform_user WHERE id = :id", id=admin.id)
    assert sealed.startswith(PREFIX) and secret not in sealed
    assert fresh(platform_app, type(admin), admin.id).totp_secret == secret


def test_a_secret_moved_to_another_column_does_not_open(app, make_user):
    """The associated data names table and column: a sealed setup secret cannot pose as a user's."""
    from council.security.sealing import SealError

    user = make_user("caseworker")
    with app.app_context():
        moved = app.config["TOTP_SECRET_BOX"].seal(pyotp.random_base32(32), aad="setup_link.pending_totp_secret")
    _store_raw(app, "UPDATE user_account SET totp_secret = :moved WHERE id = :id", moved=moved, id=user.id)
    with pytest.raises(SealError, match="user_account.totp_secret"):
        fresh(app, type(user), user.id)


@pytest.mark.parametrize("side", ["council", "platform"])
def test_start_up_without_the_sealing_key_names_the_command_that_creates_it(app_config, platform_app,
                                                                             tmp_path, side):
    import shutil

    folder = tmp_path / "instance"
    shutil.copytree(app_config["INSTANCE_PATH"], folder)
    if side == "council":
        from council import create_app
        from council.config import ConfigError

        (folder / "keys" / "totp.key").unlink()
        with pytest.raises(ConfigError, match=r"totp\.key is missing\. Run `council init`"):
            create_app({**app_config, "INSTANCE_PATH": folder})
    else:
        from council.platform import create_app
        from council.platform.config import PlatformConfigError

        (folder / "platform" / "totp.key").unlink()
        with pytest.raises(PlatformConfigError, match=r"totp\.key is missing\. Run `council platform init`"):
            create_app({"TESTING": True, "INSTANCE_PATH": folder / "platform",
                        "DATABASE_URL": platform_app.config["DATABASE_URL"]})
