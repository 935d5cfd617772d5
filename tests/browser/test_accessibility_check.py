"""The axe-core hook of tests/browser/conftest.py itself: it finds violations, names the page and the rule, checks a
page once per document, and leaves pages of contexts it does not watch alone."""

from __future__ import annotations

import pytest

from tests.browser.conftest import AccessibilityCheck

pytestmark = pytest.mark.browser

SITE = "http://accessibility.invalid"
BROKEN = ("<!doctype html><html lang='en'><head><title>Broken</title></head><body><main><h1>Broken</h1>"
          "<h3>Skipped a level</h3><img src='/x.png'><a href='/next'>next</a></main></body></html>")
FINE = ("<!doctype html><html lang='en'><head><title>Fine</title></head><body><main><h1>Fine</h1>"
        "<p>Nothing wrong here.</p></main></body></html>")


@pytest.fixture
def watched(browser):
    """A context watched by a check of its own (not the test's), serving two pages without any server."""
    context = browser.new_context()
    check = AccessibilityCheck()
    check.watch(context)
    pages = {"/broken": BROKEN, "/next": FINE}
    context.route(f"{SITE}/**", lambda route: route.fulfill(
        status=200 if route.request.url[len(SITE):] in pages else 404, content_type="text/html",
        body=pages.get(route.request.url[len(SITE):], "")))
    yield context, check
    check.forget(context)
    context.close()


def test_a_violation_is_reported_with_its_page_and_rule_before_the_test_moves_on(watched):
    context, check = watched
    page = context.new_page()
    page.goto(f"{SITE}/broken")
    page.click("a")  # the state being left is checked before the click
    assert check.checked == ["/broken"]
    rules = {violation["rule"] for _address, violation in check.violations}
    assert {"heading-order", "image-alt"} <= rules
    report = check.report()
    assert "page /broken: rule image-alt (critical)" in report and "page /broken: rule heading-order" in report


def test_each_document_is_checked_once_and_a_clean_one_adds_nothing(watched):
    context, check = watched
    page = context.new_page()
    page.goto(f"{SITE}/next")
    check.page(page)
    check.page(page)
    assert check.checked == ["/next"] and check.violations == []


def test_pages_of_unwatched_contexts_are_left_alone(browser, watched):
    _context, check = watched
    other = browser.new_context()
    other.route(f"{SITE}/**", lambda route: route.fulfill(status=200, content_type="text/html", body=BROKEN))
    page = other.new_page()
    page.goto(f"{SITE}/broken")
    page.goto(f"{SITE}/broken")
    other.close()
    assert check.checked == [] and check.violations == []
