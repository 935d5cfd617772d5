"""Fixtures for the browser tests: both apps behind one live HTTP server, and Debian's Chromium.

The apps run exactly as ``wsgi.py`` serves them locally (council at /, platform under /platform), each
with its own SQLite database and secret key in a throw-away instance folder. Playwright drives the
system Chromium; nothing is downloaded and the browser is told not to phone home.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from council.security.passwords import Argon2Parameters

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
#: Cheap hashing for tests (same parameters as FAST_HASH in tests/conftest.py, which is not importable).
FAST_HASH = Argon2Parameters(memory_cost=64, iterations=1, lanes=1)
#: Screenshots for humans; the folder is git-ignored.
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
IN_CI = os.environ.get("CI") == "true"


def skip_or_fail(reason: str):
    """Outside CI a missing Chromium skips; in CI it fails the run (same rule as tests/conftest.py)."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: skipping is not allowed)")
    pytest.skip(reason)


@dataclass
class LiveServer:
    url: str
    folder: Path
    council_app: object
    platform_app: object
    server: object
    thread: threading.Thread

    def stop(self) -> None:
        from council.database import db as council_db
        from council.platform.database import db as platform_db

        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()
        council_db.dispose(self.council_app)
        platform_db.dispose(self.platform_app)


def start_live_server(folder: Path, **overrides) -> LiveServer:
    """Both apps on a fresh instance folder, served on 127.0.0.1 with an ephemeral port."""
    from werkzeug.middleware.dispatcher import DispatcherMiddleware
    from werkzeug.serving import make_server

    import council
    import council.platform
    from council.instance import create_keys

    create_keys(folder)
    (folder / "platform").mkdir()
    for name in ("secret_key", "totp.key"):
        (folder / "platform" / name).write_bytes(os.urandom(32))
        (folder / "platform" / name).chmod(0o600)
    council_app = council.create_app({
        "INSTANCE_PATH": folder, "DATABASE_URL": f"sqlite:///{folder}/council.db", "CREATE_DATABASE": True,
        "PASSWORD_HASH": FAST_HASH, **overrides,
    })
    platform_app = council.platform.create_app({
        "INSTANCE_PATH": folder / "platform", "DATABASE_URL": f"sqlite:///{folder}/platform.db",
        "CREATE_DATABASE": True, "PASSWORD_HASH": FAST_HASH, **overrides,
    })
    wsgi = DispatcherMiddleware(council_app, {"/platform": platform_app})
    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    return LiveServer(url=f"http://127.0.0.1:{server.server_port}", folder=folder, council_app=council_app,
                      platform_app=platform_app, server=server, thread=thread)


#: Test-only settings. Without the exponential back-off (which starts after 3 failures and makes
#: attempts inside the waiting time not count), ten wrong passwords lock the account deterministically.
SERVER_OVERRIDES = {"LOGIN_BACKOFF_AFTER": 1000}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """A server shared by the tests of a module. No test may create an administrator on it."""
    server = start_live_server(tmp_path_factory.mktemp("live-instance"), **SERVER_OVERRIDES)
    yield server
    server.stop()


@pytest.fixture
def fresh_live_server(tmp_path_factory):
    """A server of its own, for a test that uses up one-time state such as the first-administrator link."""
    server = start_live_server(tmp_path_factory.mktemp("fresh-instance"), **SERVER_OVERRIDES)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright package is not installed (make install)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def open_page(browser, request):
    """Open a page in a fresh browser context (own cookies) whose relative URLs go to ``server``.

    When the test fails, the last state of each page is saved to test-artifacts/ for a human to look at.
    """
    contexts = []

    def open_(server: LiveServer):
        context = browser.new_context(base_url=server.url, viewport={"width": 1100, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    failed = getattr(request.node, "report_call", None) is not None and request.node.report_call.failed
    for number, context in enumerate(contexts):
        if failed:
            for page in context.pages:
                screenshot(page, f"FAILED-{request.node.name}-{number}")
        context.close()


@pytest.fixture
def page(open_page, live_server):
    return open_page(live_server)


@pytest.fixture
def shoot():
    """``shoot(page, name)`` saves a full-page screenshot as test-artifacts/<name>.png."""
    return screenshot


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / (re.sub(r"[^\w.-]+", "_", name) + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path
