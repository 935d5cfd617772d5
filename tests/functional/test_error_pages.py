"""Error pages of both apps: a database that fails after start-up, oversized numbers in URLs, oversized bodies.

Each page must be the app's own page, with the security headers and a request id, and nothing of the
failure beyond its type may reach the log outside debug and testing.
"""

import logging
import re

import pytest

from tests.conftest import PASSWORD

GONE = "postgresql+psycopg://postgres@127.0.0.1:1/gone"  # nothing listens on port 1: the server went away


def _cut_database(app, db):
    """Point the running app's sessions at a server that is not there."""
    from council.core.db import make_engine

    db.dispose(app)
    dead = make_engine(GONE)
    factory = app.extensions[db.name][1]
    factory.configure(bind=dead)
    app.extensions[db.name] = (dead, factory)


def _request_id_shown(response) -> str:
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{16}", request_id)
    assert f"<code>{request_id}</code>" in response.get_data(as_text=True)
    return request_id


def _assert_database_page(response, caplog):
    assert response.status_code == 503
    assert "nonce-" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY" and response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    assert "データベースに接続できません" in body and "Traceback" not in body
    request_id = _request_id_shown(response)
    assert request_id in caplog.text and "OperationalError" in caplog.text
    assert "Traceback" not in caplog.text and "psycopg" not in caplog.text  # type and request id only
    assert all(record.exc_info is None for record in caplog.records)


@pytest.mark.parametrize("path", ["/cases/", "/login"])
def test_council_database_failure_while_signed_in_gives_the_503_page(app, client, login, make_user, caplog, path):
    """/cases/ loads the user in the permission gate; /login is public, so the layout loads it while rendering."""
    from council.database import db

    login(make_user("caseworker"))
    app.config["TESTING"] = False  # log as in production
    _cut_database(app, db)
    with caplog.at_level(logging.INFO):
        response = client.get(path)
    _assert_database_page(response, caplog)


@pytest.mark.parametrize("path", ["/board/", "/places/"])
def test_platform_database_failure_while_signed_in_gives_the_503_page(platform_app, make_platform_user,
                                                                        platform_login, caplog, path):
    from council.platform.database import db

    client = platform_login(make_platform_user("member"))
    platform_app.config["TESTING"] = False
    _cut_database(platform_app, db)
    with caplog.at_level(logging.INFO):
        response = client.get(path)
    _assert_database_page(response, caplog)


def test_a_database_failure_in_the_middle_of_a_page_still_gives_the_503_page(app, client, login, make_user,
                                                                               caplog, monkeypatch):
    """The user was loaded; then a query while rendering fails (here: the menu's permission check)."""
    from sqlalchemy.exc import OperationalError

    import council.application

    login(make_user("caseworker"))
    app.config["TESTING"] = False
    checked = []

    def failing_check(user, permission):
        checked.append(permission)
        if len(checked) > 1:  # the gate's own check passes; the layout's menu then fails
            raise OperationalError("SELECT", {}, ConnectionError("server closed the connection"))
        return True

    monkeypatch.setattr(council.application, "has_permission", failing_check)
    with caplog.at_level(logging.INFO):
        response = client.get("/cases/")
    _assert_database_page(response, caplog)


@pytest.mark.parametrize("number", ["99999999999999999999999", str(2**63), "9" * 5000])
def test_an_oversized_number_in_a_council_url_is_not_found(client, login, make_user, number):
    login(make_user("supervisor"))
    for method, path in (("GET", f"/cases/{number}"), ("GET", f"/cases/1/records/{number}/history"),
                         ("POST", f"/account/sessions/{number}/end")):
        response = client.open(path, method=method)
        assert response.status_code == 404, path
        _request_id_shown(response)


@pytest.mark.parametrize("page", ["99999999999999999999999", str(2**63 - 1), str(2**62), "-5", "x"])
def test_any_page_number_of_the_case_list_or_audit_log_answers_a_page(client, login, make_user, page):
    """A page past the end is an empty page (or the first, for what is not a number), never a 500."""
    login(make_user("supervisor"))
    assert client.get(f"/cases/?page={page}").status_code == 200
    client.post("/logout")
    login(make_user("auditor"))
    assert client.get(f"/audit/?page={page}").status_code == 200


@pytest.mark.parametrize("number", ["99999999999999999999999", str(2**63), "9" * 5000])
def test_an_oversized_number_in_a_platform_url_is_not_found(platform_app, platform_login, make_platform_user,
                                                             number):
    anonymous = platform_app.test_client()
    assert anonymous.get(f"/places/{number}").status_code == 404
    member = platform_login(make_platform_user("member"))
    assert member.get(f"/board/threads/{number}").status_code == 404


def test_the_largest_id_still_routes(app, platform_app):
    largest = 2**63 - 1
    assert app.url_map.bind("localhost").match(f"/cases/{largest}") == ("cases.view", {"case_id": largest})
    assert platform_app.url_map.bind("localhost").match(f"/places/{largest}")[1] == {"place_id": largest}


@pytest.mark.parametrize("side", ["council", "platform"])
def test_a_body_over_the_limit_gets_the_413_page_with_nonce_and_request_id(app_config, platform_app, side):
    """The CSRF check reads the body first; the page still gets the request's nonce and id."""
    if side == "council":
        from council import create_app

        application = create_app({**app_config, "WTF_CSRF_ENABLED": True, "MAX_CONTENT_LENGTH": 1024})
    else:
        from council.platform import create_app

        application = create_app({"TESTING": True, "INSTANCE_PATH": platform_app.config["INSTANCE_PATH"],
                                  "DATABASE_URL": platform_app.config["DATABASE_URL"],
                                  "WTF_CSRF_ENABLED": True, "MAX_CONTENT_LENGTH": 1024})
    response = application.test_client().post("/login", data={"username": "someone", "password": PASSWORD,
                                                               "padding": "x" * 4096})
    assert response.status_code == 413
    nonce = re.search(r"script-src 'self' 'nonce-([^']*)'", response.headers["Content-Security-Policy"]).group(1)
    assert len(nonce) >= 16
    _request_id_shown(response)
    assert "ファイルのサイズが大きすぎます" in response.get_data(as_text=True)


def test_an_error_page_that_cannot_render_is_still_a_page_with_headers_and_request_id(app, client, caplog):
    """Whatever breaks the layout (here: every render fails), the answer is never a bare 500."""

    def broken():
        raise RuntimeError("a template helper failed")

    app.context_processor(broken)
    app.config["TESTING"] = False
    with caplog.at_level(logging.INFO):
        response = client.get("/login")
    assert response.status_code == 500 and "nonce-" in response.headers["Content-Security-Policy"]
    request_id = _request_id_shown(response)
    assert "Traceback" not in response.get_data(as_text=True)
    assert request_id in caplog.text and "RuntimeError" in caplog.text and "Traceback" not in caplog.text
