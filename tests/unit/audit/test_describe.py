"""Every event in words: a label and a kind for every tag, bases parsed into the words an auditor reads."""

import pytest
from flask_babel import force_locale

from council.access.permissions import Permission
from council.audit.describe import (
    BASIS_KINDS,
    KINDS,
    PERMISSION_LABELS,
    TAG_LABELS,
    GrantFacts,
    basis_kind,
    basis_words,
    outcome_label,
    tag_label,
)
from council.audit.tags import COUNCIL_TAGS


@pytest.fixture
def japanese(app):
    with app.test_request_context(), force_locale("ja"):
        yield


def test_every_tag_the_council_records_has_words():
    """A feature that adds a tag adds its label in council/audit/describe.py, or this fails."""
    assert [str(tag) for tag in COUNCIL_TAGS if tag not in TAG_LABELS] == []


def test_every_tag_is_in_a_kind_of_event_the_auditor_can_filter_by():
    """A feature that adds a namespace adds it to describe.KINDS, or its events cannot be picked out."""
    assert [str(tag) for tag in COUNCIL_TAGS if not any(tag.startswith(kind.prefixes) for kind in KINDS)] == []


def test_tags_read_in_japanese(japanese):
    assert tag_label("case:access:denied") == "ケースへのアクセスを拒否"
    assert tag_label("case:file:viewed") == "ケースを閲覧"
    assert tag_label("some:old:tag") == "some:old:tag"  # a tag of a version that is gone is shown as it is


@pytest.mark.parametrize(("basis", "words"), [
    ("assigned", "担当者として"),
    ("own_institution", "所属機関として"),
    ("coordinator_ledger", "調整機関の進行管理台帳"),
    ("meeting:12", "協議会内の情報共有（会議 12）"),
    ("break_glass:3", "緊急アクセス（第3号）"),
    ("referral:17", "つなぎ"),
    ("own_institution,referral", "所属機関として、つなぎ"),
    ("operator", "サーバーの運用者"),
    ("creating", "ケースの作成者として"),
    ("something_new", "something_new"),
    (None, ""),
])
def test_bases_in_japanese(japanese, basis, words):
    assert basis_words(basis) == words


def test_a_grant_s_basis_names_its_recipient_and_scope(japanese):
    assert basis_words("referral:17", GrantFacts(recipient="社協", scope="要約")) == "つなぎ（社協へ、要約）"
    assert basis_words("consent:4", GrantFacts(recipient="地域包括", scope="全部")) == "本人同意（地域包括へ、全部）"


def test_outcomes_in_japanese(japanese):
    assert [outcome_label(o) for o in ("allowed", "denied", "error")] == ["許可", "拒否", "エラー"]


def test_basis_kinds_cover_every_basis_the_access_rule_records():
    from council.access.models import GrantBasis
    from council.access.policy import Basis
    from council.access.reads import CREATING, OPERATOR

    assert {*map(str, Basis), *map(str, GrantBasis), CREATING, OPERATOR} <= set(BASIS_KINDS)
    assert basis_kind("referral:17") == "referral" and basis_kind("assigned") == "assigned"


def test_every_action_a_refusal_may_name_has_words():
    from council.access.scopes import Action
    from council.audit.describe import ACTION_LABELS

    assert [str(action) for action in Action if action not in ACTION_LABELS] == []


def test_a_refusal_says_what_was_asked(japanese):
    from council.audit.reasons import reason_words

    assert reason_words("case:access:denied", "case:summary:read") == "求めた操作：概要の閲覧"
    assert reason_words("case:grant:ended", "grant 4: summary") == "共有 4：summary"  # a code it has no words for


def test_every_permission_a_refused_page_may_need_has_words():
    """A page refused by role (``page:access:denied``) is described by the permission it needs."""
    assert [str(p) for p in Permission if p not in PERMISSION_LABELS] == []


def test_a_refused_page_reads_in_japanese(japanese):
    from council.audit.reasons import reason_words

    assert reason_words("page:access:denied", "admin:users:manage auth.users") == \
        "求めた操作：アカウントの管理（システム管理者）（画面 auth.users）"
    assert reason_words("page:access:denied", "some:old:permission x.y") == "some:old:permission x.y"
