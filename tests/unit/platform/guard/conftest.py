"""Helpers for the guard's tests: what a detector found, as (kind, text) pairs."""

import pytest

from council.platform.guard import check


def found(text: str, contact: bool = False) -> list[tuple[str, str]]:
    return [(finding.kind, text[finding.start:finding.end]) for finding in check(text, contact=contact)]


def kinds(text: str, contact: bool = False) -> set[str]:
    return {finding.kind for finding in check(text, contact=contact)}


@pytest.fixture
def found_in():
    return found


@pytest.fixture
def kinds_in():
    return kinds
