"""Setup links printed by the command line are full links a user can open as they are."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.test import Client

from council.cli import cli
from council.core.links import LOCAL_ADDRESS
from tests.functional.council_process import council, initialised

COUNCIL = "テスト市孤独・孤立対策地域協議会"
TOKEN = r"[\w-]{20,}"


def printed_link(output: str, path: str) -> str:
    match = re.search(rf"(\S+{re.escape(path)}{TOKEN})", output)
    assert match, output
    return match.group(1)


def use_host(app, host: str) -> None:
    """What COUNCIL_TRUSTED_HOSTS and COUNCIL_URL_SCHEME=https set."""
    app.config.update(TRUSTED_HOSTS=[host], PREFERRED_URL_SCHEME="https")


def test_create_user_prints_the_local_address_without_trusted_hosts(app, runner, make_institution):
    make_institution("福祉課", council=COUNCIL)
    result = runner.invoke(cli, ["create-user", "sato", "--institution", "福祉課", "--role", "caseworker"])
    assert result.exit_code == 0, result.output
    link = printed_link(result.output, "/setup/")
    assert link.startswith(f"http://{LOCAL_ADDRESS}/setup/")
    assert app.test_client().get(link).status_code == 200


def test_create_user_prints_a_link_on_the_trusted_host(app, runner, make_institution):
    make_institution("福祉課", council=COUNCIL)
    use_host(app, "council.example.lg.jp")
    result = runner.invoke(cli, ["create-user", "sato", "--institution", "福祉課", "--role", "caseworker"])
    assert result.exit_code == 0, result.output
    link = printed_link(result.output, "/setup/")
    assert link.startswith("https://council.example.lg.jp/setup/")
    assert app.test_client().get(link).status_code == 200


def test_first_admin_link_is_printed_in_full(app, runner):
    use_host(app, "council.example.lg.jp")
    result = runner.invoke(cli, ["first-admin-link"])
    assert result.exit_code == 0, result.output
    link = printed_link(result.output, "/setup/first/")
    assert link.startswith("https://council.example.lg.jp/setup/first/")
    page = app.test_client().get(link)
    assert page.status_code == 200 and 'name="council_name"' in page.get_data(as_text=True)


@pytest.fixture
def instance(tmp_path):
    return initialised(tmp_path / "instance")


def test_platform_create_admin_prints_a_link_on_the_trusted_host(instance):
    from council.platform import create_app

    result = council(instance, "platform", "create-admin", "padmin", PLATFORM_TRUSTED_HOSTS="platform.example.jp",
                     PLATFORM_URL_SCHEME="https")
    assert result.returncode == 0, result.stderr
    link = printed_link(result.stdout, "/setup/")
    assert link.startswith("https://platform.example.jp/setup/")
    assert "council platform serve" not in result.stdout  # one link, the real one
    app = create_app({"INSTANCE_PATH": instance / "platform", "TRUSTED_HOSTS": ["platform.example.jp"]})
    page = app.test_client().get(link)
    assert page.status_code == 200 and 'name="password"' in page.get_data(as_text=True)


def test_platform_create_admin_locally_prints_both_local_addresses(instance):
    from council.platform import create_app

    result = council(instance, "platform", "create-admin", "padmin")
    assert result.returncode == 0, result.stderr
    under_make_run = printed_link(result.stdout, f"{LOCAL_ADDRESS}/platform/setup/")
    alone = printed_link(result.stdout, "127.0.0.1:5001/setup/")
    assert under_make_run.startswith(f"http://{LOCAL_ADDRESS}/platform/setup/")
    assert alone.startswith("http://127.0.0.1:5001/setup/")
    assert under_make_run.rsplit("/", 1)[1] == alone.rsplit("/", 1)[1]
    platform = create_app({"INSTANCE_PATH": instance / "platform"})
    # `make run` mounts the platform under /platform, as council.application.serve_both does.
    both = Client(DispatcherMiddleware(Flask("council"), {"/platform": platform}))
    response = both.get(under_make_run)
    assert response.status_code == 200 and 'name="password"' in response.get_data(as_text=True)
    assert platform.test_client().get(alone).status_code == 200
