"""The age shown beside every date of birth (completed years on Japan's date)."""

import datetime as dt

import pytest
from flask import Flask
from flask_babel import Babel

from council.cases.dates import with_age


@pytest.fixture
def english_context():
    app = Flask(__name__)
    Babel(app, locale_selector=lambda: "en")
    with app.test_request_context():
        yield


def test_age_beside_the_date(english_context):
    assert with_age(dt.date(1975, 6, 1), dt.date(2026, 5, 31)) == "1975年6月1日（昭和50年） (age 50)"
    assert with_age(dt.date(1975, 6, 1), dt.date(2026, 6, 1)).endswith("(age 51)")


def test_no_date_no_text_and_no_age_for_a_date_ahead(english_context):
    assert with_age(None) == ""
    assert with_age(dt.date(2030, 1, 1), dt.date(2026, 1, 1)) == "2030年1月1日（令和12年）"


def test_defaults_to_japans_today(english_context, monkeypatch):
    import council.cases.dates as dates

    monkeypatch.setattr(dates, "today", lambda: dt.date(2026, 6, 1))
    assert with_age(dt.date(2000, 6, 2)).endswith("(age 25)")
