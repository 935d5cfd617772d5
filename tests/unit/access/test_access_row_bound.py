"""access.scopes.may_touch_row: one rule for the handoff and information-request rows a grant's reach opens."""
from __future__ import annotations

import pytest

from council.access.scopes import Scope, may_touch_row


@pytest.mark.parametrize(("scope", "basis", "table", "row_id", "expected"), [
    (Scope.SUMMARY, "referral:1", "handoff", 1, True),
    (Scope.SUMMARY, "referral:1", "handoff", 2, False),
    (Scope.REQUEST, "referral:3", "handoff", 3, True),
    (Scope.REQUEST, "request:3", "handoff", 3, False),  # a request's reach opens no handoff of the same number
    (Scope.REQUEST, "referral:3", "information_request", 3, False),  # nor a referral's a request
    (Scope.REQUEST, "request:3", "information_request", 3, True),
    (Scope.READ, "transfer:4", "handoff", 4, True),
    (Scope.READ, "transfer:4", "handoff", 5, False),
    (Scope.SUMMARY, "consent:2", "handoff", 2, False),  # a consent share names no handoff
    (Scope.FULL, "own_institution", "handoff", 9, True),  # the lead reads every row
    (Scope.FULL, "referral:1", "information_request", 9, True),
    (Scope.SUMMARY, "consent:2", "case_plan", 7, True),  # other tables are not row-bound
])
def test_a_grant_opens_the_row_its_basis_names(scope, basis, table, row_id, expected):
    assert may_touch_row(scope, basis, table, row_id) is expected
