"""The language switch goes back to the page it came from, on this site only, on both apps."""

import pytest
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.test import Client

from tests.unit.core.test_local_paths import OFF_SITE

SENT_OFF_SITE = [target for target in OFF_SITE if target]


@pytest.mark.parametrize("target", SENT_OFF_SITE)
def test_the_council_never_redirects_off_site(client, target):
    response = client.post("/language", data={"lang": "en", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize("target", SENT_OFF_SITE)
def test_the_platform_never_redirects_off_site(platform_app, target):
    response = platform_app.test_client().post("/language", data={"lang": "en", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_page_of_this_site_is_where_the_switch_returns(client):
    response = client.post("/language", data={"lang": "en", "next": "/cases/12?page=2"})
    assert response.headers["Location"] == "/cases/12?page=2"
    assert "Sign in" in client.get("/login").get_data(as_text=True)


def test_under_the_platform_mount_the_switch_stays_on_the_platform(app, platform_app):
    """Served together (``make run``), the platform's form names /platform/… and falls back to /platform/."""
    both = Client(DispatcherMiddleware(app.wsgi_app, {"/platform": platform_app.wsgi_app}))
    page = both.get("/platform/places/").get_data(as_text=True)
    assert 'name="next" value="/platform/places/"' in page
    assert both.post("/platform/language", data={"lang": "en", "next": "/platform/places/"}) \
        .headers["Location"] == "/platform/places/"
    assert both.post("/platform/language", data={"lang": "en", "next": "/\t/evil.example/"}) \
        .headers["Location"] == "/platform/"
