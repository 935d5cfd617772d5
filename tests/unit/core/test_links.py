"""Full links for the command line: the configured scheme and first trusted host, else the local address."""

from __future__ import annotations

import pytest
from flask import Blueprint, Flask

from council.core.links import LOCAL_ADDRESS, external_base, external_link


@pytest.mark.parametrize(("config", "local_root", "base"), [
    ({}, "", f"http://{LOCAL_ADDRESS}"),
    ({"PREFERRED_URL_SCHEME": "http"}, "/platform", f"http://{LOCAL_ADDRESS}/platform"),
    ({"PREFERRED_URL_SCHEME": "https", "TRUSTED_HOSTS": ["council.example.lg.jp", "other.example.lg.jp"]}, "",
     "https://council.example.lg.jp"),
    ({"PREFERRED_URL_SCHEME": "https", "TRUSTED_HOSTS": [".example.jp"]}, "/platform", "https://example.jp"),
    ({"TRUSTED_HOSTS": []}, "", f"http://{LOCAL_ADDRESS}"),
])
def test_external_base_follows_the_configuration(config, local_root, base):
    assert external_base(config, local_root=local_root) == base


@pytest.fixture
def app():
    application = Flask("links")
    account = Blueprint("account", __name__)
    account.add_url_rule("/setup/<token>", "setup", lambda token: token)
    application.register_blueprint(account)
    return application


def test_external_link_is_built_from_the_apps_own_routes(app):
    assert external_link(app, "account.setup", token="abc") == f"http://{LOCAL_ADDRESS}/setup/abc"
    assert external_link(app, "account.setup", local_root="/platform", token="abc") == \
        f"http://{LOCAL_ADDRESS}/platform/setup/abc"
    assert external_link(app, "account.setup", base_url="http://127.0.0.1:8123", token="a b") == \
        "http://127.0.0.1:8123/setup/a%20b"


def test_external_link_uses_the_trusted_host_without_a_request(app):
    app.config.update(PREFERRED_URL_SCHEME="https", TRUSTED_HOSTS=["council.example.lg.jp"])
    assert external_link(app, "account.setup", local_root="/platform", token="abc") == \
        "https://council.example.lg.jp/setup/abc"
