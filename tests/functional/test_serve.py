"""`council serve`, as `make run` starts it: a real process on a fresh instance, answering over HTTP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.functional.council_process import council, fetch, initialised, serving


@pytest.fixture
def instance(tmp_path) -> Path:
    """A fresh instance folder after `council init`, as `make run` makes it."""
    return initialised(tmp_path / "instance")


def test_serve_on_a_fresh_instance_prints_a_working_setup_link_and_serves_both_apps(instance):
    with serving(instance) as server:
        output = server.output()
        links = re.findall(rf"{re.escape(server.base)}/setup/first/[\w-]+", output)
        assert len(links) == 1, output
        home = fetch(server.base + "/")
        assert (home.status, home.url) == (200, server.base + "/login")
        assert 'name="username"' in home.text
        setup = fetch(links[0])
        assert setup.status == 200
        assert 'name="council_name"' in setup.text and 'name="code"' in setup.text  # the first-admin form
        platform = fetch(server.base + "/platform/")
        assert platform.status == 200 and "官民連携プラットフォーム" in platform.text
        assert f"Council:  {server.base}/" in output and f"Platform: {server.base}/platform/" in output
        # The request log names the setup page but never its token (a one-time credential).
        token = links[0].rsplit("/", 1)[1]
        request_log = server.stderr.read_text()
        assert "GET /setup/first/… HTTP" in request_log and token not in request_log


def test_serve_with_an_administrator_prints_no_link_and_serves(instance):
    for command in (["create-council", "テスト市協議会"], ["create-institution", "福祉課", "--type", "行政"],
                    ["create-user", "admin1", "--institution", "福祉課", "--role", "admin"]):
        result = council(instance, *command)
        assert result.returncode == 0, result.stderr
    with serving(instance) as server:
        assert "/setup/first/" not in server.output()
        assert "No administrator" not in server.output()
        assert fetch(server.base + "/").status == 200
        assert fetch(server.base + "/platform/").status == 200
