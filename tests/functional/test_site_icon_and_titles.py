"""What every page of both apps carries in its head: a self-hosted icon (no request for it answers 404) and a title
that names the site once."""

from __future__ import annotations

import re

ICON_TYPE = "image/vnd.microsoft.icon"


def _title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()


def test_both_apps_serve_their_own_icon_and_link_it(app, platform_app):
    for client in (app.test_client(), platform_app.test_client()):
        _serves_and_links_the_icon(client)


def _serves_and_links_the_icon(client):
    for path in ("/favicon.ico", "/static/favicon.ico"):
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == ICON_TYPE
        assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file, not an error page
    page = client.get("/login").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.ico"' in page


def test_the_platform_home_names_the_site_once(platform_app):
    page = platform_app.test_client().get("/").get_data(as_text=True)
    assert _title(page) == "官民連携プラットフォーム"


def test_other_pages_name_the_page_then_the_site(client, platform_app):
    assert _title(client.get("/login").get_data(as_text=True)) == "ログイン · 孤独・孤立対策地域協議会"
    platform_login = platform_app.test_client().get("/login").get_data(as_text=True)
    assert _title(platform_login) == "ログイン · 官民連携プラットフォーム"
