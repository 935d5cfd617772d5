"""Fixtures for the browser tests: both apps behind one live HTTP server, and Debian's Chromium.

The apps run exactly as ``wsgi.py`` serves them locally (council at /, platform under /platform), each
with its own SQLite database and secret key in a throw-away instance folder. Playwright drives the
system Chromium; nothing is downloaded and the browser is told not to phone home.
"""

from __future__ import annotations

import contextlib
import functools
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

    # The PII guard loads its dictionary and NER model on first use, seconds on a busy machine: load them now,
    # not inside the first form submission of a journey, whose click waits at most 15 seconds.
    from council.platform.guard import check

    check("山田太郎さん")
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
    with sync_playwright() as playwright, accessibility_checked_actions():
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

    Every state of every page is checked by axe-core (``AccessibilityCheck``) before the test acts on it and at
    the end of the test; a violation fails the test, naming the page and the rule. When the test fails, the last
    state of each page is saved to test-artifacts/ for a human to look at.
    """
    contexts = []
    check = AccessibilityCheck()

    def open_(server: LiveServer):
        context = browser.new_context(base_url=server.url, viewport={"width": 1100, "height": 900})
        context.set_default_timeout(15_000)
        check.watch(context)
        contexts.append(context)
        return context.new_page()

    yield open_
    failed = getattr(request.node, "report_call", None) is not None and request.node.report_call.failed
    for number, context in enumerate(contexts):
        if failed:
            for page in context.pages:
                screenshot(page, f"FAILED-{request.node.name}-{number}")
        else:
            for page in context.pages:
                check.page(page)
        check.forget(context)
        context.close()
    if not failed and check.violations:
        pytest.fail(check.report(), pytrace=False)


#: axe-core, vendored (tests/browser/vendor/axe-core/README.md): pages get it from this file, never from a CDN.
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
#: Runs axe-core's default rules (WCAG 2.x A and AA, and best practices) on the current document once it has
#: loaded; returns null when this document was checked already or is not an HTML page, else what a failure message
#: needs.
AXE_RUN = """async () => {
  if (window.__axeChecked || typeof axe !== "object" || document.contentType !== "text/html") return null;
  window.__axeChecked = true;
  // A test may act on a page still arriving: check the whole document, never the part parsed so far.
  if (document.readyState !== "complete") await new Promise((done) => addEventListener("load", done, {once: true}));
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " | " + n.failureSummary.replace(/\\s+/g, " ")),
  }));
}"""
#: What a test does that may take a page to another state: before each, the state it starts from is checked.
PAGE_ACTIONS = ("goto", "reload", "go_back", "go_forward", "click", "dblclick", "tap", "fill", "check", "uncheck",
                "select_option", "press", "type", "set_input_files", "dispatch_event")
LOCATOR_ACTIONS = ("click", "dblclick", "tap", "fill", "clear", "check", "uncheck", "set_checked", "select_option",
                   "press", "press_sequentially", "type", "set_input_files", "dispatch_event")


class AccessibilityCheck:
    """axe-core on every page state the browser tests visit, with zero violations allowed.

    Every action a test takes on a page or a locator (``goto``, ``click``, ``fill``…) first checks the document
    the page shows, unless that document was checked already; the last state of each page is checked when the
    test ends. So every state a journey acts on or ends on is checked without the journey asking for it, and a
    page added later is checked by every journey that passes through it. (Holding the page's navigation
    requests until axe has run is not possible: Chromium answers no evaluation while a navigation is held.)
    """

    def __init__(self):
        #: (page address, violation) for each violation found.
        self.violations: list[tuple[str, dict]] = []
        #: Addresses of the page states checked.
        self.checked: list[str] = []

    def watch(self, context) -> None:
        """Check the pages of ``context`` (pages of other contexts are left alone)."""
        context.add_init_script(path=str(AXE))
        # Kept on the context itself: this module may be imported twice (as pytest's conftest and by a test).
        context.accessibility_check = self

    @staticmethod
    def forget(context) -> None:
        context.accessibility_check = None

    def page(self, page) -> None:
        """Check the document ``page`` shows now, unless it was checked or is blank or not HTML."""
        from playwright.sync_api import Error

        if page.is_closed() or not page.url.startswith("http"):
            return
        address = "/" + page.url.split("://", 1)[-1].split("/", 1)[-1]
        try:
            found = page.evaluate(AXE_RUN)
        except Error as error:
            if "context was destroyed" not in str(error) and "navigat" not in str(error):
                raise
            page.wait_for_load_state()  # the page was moving on: check where it arrived instead
            found = page.evaluate(AXE_RUN)
            address = "/" + page.url.split("://", 1)[-1].split("/", 1)[-1]
        if found is not None:
            self.checked.append(address)
            self.violations.extend((address, violation) for violation in found)

    def report(self) -> str:
        lines = [f"axe-core found {len(self.violations)} accessibility violation(s):"]
        for address, violation in self.violations:
            lines.append(f"- page {address}: rule {violation['rule']} ({violation['impact']}): {violation['help']}")
            lines.extend(f"    {node}" for node in violation["nodes"])
        return "\n".join(lines)

    @staticmethod
    def before_action(page) -> None:
        check = getattr(page.context, "accessibility_check", None)
        if check is not None:
            check.page(page)


def _checked_first(action, page_of):
    @functools.wraps(action)
    def wrapper(self, *args, **kwargs):
        AccessibilityCheck.before_action(page_of(self))
        return action(self, *args, **kwargs)

    return wrapper


@contextlib.contextmanager
def accessibility_checked_actions():
    """Patch Playwright's page and locator actions so that each first checks the page state it starts from."""
    from playwright.sync_api import Locator, Page

    originals = [(cls, name, getattr(cls, name)) for cls, names in ((Page, PAGE_ACTIONS), (Locator, LOCATOR_ACTIONS))
                 for name in names]
    for cls, name, action in originals:
        setattr(cls, name, _checked_first(action, (lambda page: page) if cls is Page else (lambda loc: loc.page)))
    try:
        yield
    finally:
        for cls, name, action in originals:
            setattr(cls, name, action)


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
