"""Hit tokens: only the user the duplicate check showed a case to may name it, and only for an hour."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from council.cases import duplicates


def test_a_hit_names_its_case_for_its_user_only(app):
    alice, bob = SimpleNamespace(id=1), SimpleNamespace(id=2)
    with app.test_request_context():
        token = duplicates.issue_hit_token(42, alice)
        assert duplicates.read_hit_token(token, alice) == 42
        with pytest.raises(duplicates.HitRefused) as refused:  # a genuine token of another user: recorded
            duplicates.read_hit_token(token, bob)
        assert refused.value.case_id == 42
        assert duplicates.read_hit_token(token[:-2] + "xx", alice) is None
        assert duplicates.read_hit_token("", alice) is None
        assert duplicates.read_hit_token(None, alice) is None


def test_a_hit_expires_after_an_hour(app, monkeypatch):
    alice = SimpleNamespace(id=1)
    with app.test_request_context():
        token = duplicates.issue_hit_token(42, alice)
        later = time.time() + duplicates.HIT_VALID_FOR + 5
        monkeypatch.setattr(time, "time", lambda: later)
        assert duplicates.read_hit_token(token, alice) is None
