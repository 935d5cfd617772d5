"""Headers, CSRF, deny-by-default, clear errors on unsafe configuration or a missing database."""

import pytest
from flask import Flask

from council.core.permissions import undeclared_endpoints


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "http" not in csp  # no other origin at all
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP here


def test_hsts_and_host_prefixed_secure_cookie_under_https(app_config, make_user):
    from council import create_app

    app = create_app({**app_config, "PREFERRED_URL_SCHEME": "https"})
    client = app.test_client()
    response = client.get("/login", base_url="https://council.example")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    client.post("/language", data={"lang": "en", "next": "/login"}, base_url="https://council.example")
    cookie = client.get_cookie("__Host-council", domain="council.example")
    assert cookie is not None and cookie.secure and cookie.http_only and cookie.path == "/"


def test_csp_nonce_changes_per_request(client):
    first = client.get("/login").headers["Content-Security-Policy"]
    assert first != client.get("/login").headers["Content-Security-Policy"]


def test_forms_need_a_csrf_token(app_config, make_user):
    from council import create_app

    user = make_user()
    client = create_app({**app_config, "WTF_CSRF_ENABLED": True}).test_client()
    response = client.post("/login", data={"username": user.username, "password": "whatever it is"})
    assert response.status_code == 400
    assert "画面の有効期限切れ" in response.get_data(as_text=True)


def test_every_endpoint_of_both_apps_declares_a_permission(app, platform_app):
    assert undeclared_endpoints(app) == []
    assert undeclared_endpoints(platform_app) == []


def test_an_undeclared_endpoint_is_refused(app):
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    assert app.test_client().get("/forgotten").status_code == 404


def test_static_files_are_public_and_cacheable(client):
    response = client.get("/static/council.css")
    assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", "")


def test_external_hosts_are_never_referenced(client):
    page = client.get("/login").get_data(as_text=True)
    assert "http://" not in page and "https://" not in page


def test_unreachable_database_gives_a_503_page_not_a_traceback(app):
    from council.database import db

    db.init_app(app, "postgresql+psycopg://postgres@127.0.0.1:1/gone")  # the server went away after start-up
    client = app.test_client()
    response = client.post("/login", data={"username": "someone", "password": "typed password 123"})
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "typed password" not in body
    assert "データベース" in body


def test_error_pages_do_not_echo_input(client):
    response = client.get("/no-such-page-<script>")
    assert response.status_code == 404 and "<script>" not in response.get_data(as_text=True)


def test_start_up_refuses_missing_keys(tmp_path):
    from council import create_app
    from council.config import ConfigError

    with pytest.raises(ConfigError, match="council init"):
        create_app({"INSTANCE_PATH": tmp_path})


def test_start_up_refuses_debug_in_production(app_config):
    from council import create_app
    from council.config import ConfigError

    with pytest.raises(ConfigError, match="DEBUG"):
        create_app({**app_config, "ENVIRONMENT": "production", "DEBUG": True, "PREFERRED_URL_SCHEME": "https"})
    with pytest.raises(ConfigError, match="HTTPS"):
        create_app({**app_config, "ENVIRONMENT": "production"})


def test_start_up_refuses_a_missing_sqlite_database(app_config, tmp_path):
    from council import create_app
    from council.config import ConfigError

    with pytest.raises(ConfigError, match="council init"):
        create_app({**app_config, "DATABASE_URL": f"sqlite:///{tmp_path}/absent.db"})


def test_start_up_names_the_fix_for_an_unreachable_server(app_config):
    from council import create_app
    from council.config import ConfigError

    with pytest.raises(ConfigError, match="COUNCIL_DATABASE_URL"):
        create_app({**app_config, "DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/none"})


def test_japanese_by_default_english_on_request(client):
    assert "ログイン" in client.get("/login").get_data(as_text=True)
    response = client.post("/language", data={"lang": "en", "next": "/login"})
    assert response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in" in page and 'lang="en"' in page


def test_language_switch_does_not_redirect_off_site(client):
    response = client.post("/language", data={"lang": "en", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_is_flask(app):
    assert isinstance(app, Flask)


@pytest.mark.parametrize(("proxies", "expected"), [(0, "127.0.0.1"), (1, "203.0.113.7")])
def test_client_address_comes_from_trusted_proxies_only(app_config, make_user, proxies, expected):
    from sqlalchemy import select

    from council import create_app
    from council.audit.models import AuditEvent
    from council.database import db

    app = create_app({**app_config, "PROXY_COUNT": proxies})
    app.test_client().post("/login", data={"username": "nobody-at-all", "password": "wrong password here"},
                           headers={"X-Forwarded-For": "203.0.113.7"})
    with app.app_context():
        assert db.session.scalars(select(AuditEvent.client_ip).order_by(AuditEvent.seq.desc())).first() == expected
