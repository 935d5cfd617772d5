"""The one-time first-administrator link: it creates the council, an institution and an admin, once."""

from __future__ import annotations

import datetime as dt
import re
import time

import pyotp
import pytest
from sqlalchemy import select

from council.audit.models import AuditEvent
from council.auth.models import Council, Institution, User
from council.auth.services import issue_first_admin_link
from council.database import db
from tests.conftest import count, english

PASSWORD = "a long sentence nobody else would pick"




def first_link(app, **kwargs) -> str:
    with app.app_context():
        return issue_first_admin_link(**kwargs)




def totp_secret(page: str) -> str:
    match = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page)
    assert match, "no TOTP key on the page"
    return match.group(1)


def form(secret: str, **changes) -> dict:
    data = {"council_name": "みなと市孤独・孤立対策地域協議会", "institution_name": "みなと市 福祉課",
            "institution_kind": "government", "username": "minato-admin", "display_name": "港 太郎",
            "password": PASSWORD, "confirm": PASSWORD, "code": pyotp.TOTP(secret).now()}
    data.update(changes)
    return data


@pytest.fixture
def opened(app, client):
    """A first-admin link opened in a browser: (token, TOTP key shown on the page)."""
    token = first_link(app)
    english(client)
    page = client.get(f"/setup/first/{token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="council_name"' in html and 'name="code"' in html
    return token, totp_secret(html)


def test_first_admin_link_creates_council_institution_and_admin(app, client, opened):
    token, secret = opened
    response = client.post(f"/setup/first/{token}", data=form(secret))
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([^<]+)</code></li>", response.get_data(as_text=True))
    assert len(codes) == 10
    with app.app_context():
        council = db.session.scalar(select(Council))
        institution = db.session.scalar(select(Institution))
        user = db.session.scalar(select(User))
        assert council.name == "みなと市孤独・孤立対策地域協議会"
        assert (institution.name, institution.kind, institution.council_id) == ("みなと市 福祉課", "government",
                                                                                 council.id)
        assert (user.username, user.role, user.institution_id) == ("minato-admin", "admin", institution.id)
        assert user.totp_secret == secret
        tags = set(db.session.scalars(select(AuditEvent.tag)))
    assert {"admin:council:created", "admin:institution:created", "admin:user:created",
            "account:setup_link:used"} <= tags
    assert client.get(f"/setup/first/{token}").status_code == 404


def test_first_admin_can_sign_in_and_reach_the_admin_pages(app, client, opened):
    token, secret = opened
    assert client.post(f"/setup/first/{token}", data=form(secret)).status_code == 200
    browser = english(app.test_client())
    assert browser.post("/login", data={"username": "minato-admin", "password": PASSWORD}).status_code == 302
    next_step = int(time.time() // 30) + 1  # the enrolment used the current step
    response = browser.post("/login/code", data={"code": pyotp.TOTP(secret).at(next_step * 30)})
    assert response.status_code == 302 and "/login" not in response.headers["Location"]
    browser.post("/pledge", data={"accept": "y"})
    assert browser.get("/admin/users").status_code == 200


def test_wrong_code_is_refused_nothing_created_and_typed_values_kept(app, client, opened):
    token, secret = opened
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 1) % 1_000_000:06d}"
    response = client.post(f"/setup/first/{token}", data=form(secret, code=wrong))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "code from the authenticator app is not correct" in page
    assert 'value="みなと市孤独・孤立対策地域協議会"' in page
    assert 'value="minato-admin"' in page
    assert PASSWORD not in page
    assert totp_secret(page) == secret  # the same key, so the user need not scan again
    assert (count(app, Council), count(app, Institution), count(app, User)) == (0, 0, 0)
    assert client.get(f"/setup/first/{token}").status_code == 200


def test_common_password_is_refused_at_first_admin_setup(app, client, opened):
    token, secret = opened
    response = client.post(f"/setup/first/{token}", data=form(secret, password="password1234",
                                                               confirm="password1234"))
    assert response.status_code == 400
    assert "among the most commonly used" in response.get_data(as_text=True)
    assert count(app, User) == 0


def test_once_an_admin_exists_every_first_admin_link_answers_404(app, client, make_user):
    token = first_link(app)
    assert client.get(f"/setup/first/{token}").status_code == 200
    make_user("admin")
    assert client.get(f"/setup/first/{token}").status_code == 404
    assert client.post(f"/setup/first/{token}", data=form(pyotp.random_base32())).status_code == 404


def test_a_new_first_admin_link_replaces_the_old_one(app, client):
    old = first_link(app)
    new = first_link(app)
    assert client.get(f"/setup/first/{old}").status_code == 404
    assert client.get(f"/setup/first/{new}").status_code == 200


@pytest.mark.parametrize("token", ["expired", "unknown"])
def test_expired_or_unknown_first_admin_link_answers_404(app, client, token):
    if token == "expired":
        token = first_link(app, lifetime=dt.timedelta(seconds=-1))
    else:
        first_link(app)
        token = "x" * 43
    assert client.get(f"/setup/first/{token}").status_code == 404
    assert client.post(f"/setup/first/{token}", data=form(pyotp.random_base32())).status_code == 404
    assert count(app, User) == 0
