"""An event's details in the reader's language, every time in Japan time (council.audit.reasons): the reasons the
services record (codes, ids and UTC times in English) as the auditor reads them."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from council.audit.reasons import PATTERNS, japan_time, reason_words


@pytest.fixture
def japanese(app):
    with app.test_request_context(), force_locale("ja"):
        yield


@pytest.mark.parametrize(("tag", "reason", "words"), [
    ("case:grant:created", "grant 4: summary to institution 3; emergency; from 2026-11-30T23:30+00:00 until "
     "2026-12-01T01:00+00:00",
     "共有 4：機関 #3へ概要、緊急（生命・身体の危険）、2026-12-01 08:30から2026-12-01 10:00まで"),
    ("case:grant:created", "grant 5: full to user 7; consent 12; from 2026-11-30T15:00+00:00 until ended",
     "共有 5：利用者 #7へ全部、本人同意（同意 12）、2026-12-01 00:00から終了済みまで"),
    ("case:break_glass:opened", "break_glass 2: risk life; via number; grant 9; until 2026-12-01T03:00+00:00",
     "緊急アクセス 2：危険 life、検索方法 number、共有 9、2026-12-01 12:00まで"),
    ("case:list:viewed", "12 shown", "12件のケースを表示"),
    ("case:status:changed", "intake -> support", None),
    ("meeting:meeting:scheduled", "meeting 3: case_review from 2026-12-01T01:00+00:00 until 2026-12-01T02:00+00:00; "
     "4 participants, 2 items", "会議 3（case_review）：2026-12-01 10:00から2026-12-01 11:00まで、参加者4人、議題2件"),
    ("audit:chain:verified", "first bad seq 17", "最初の不正イベント：17"),
    ("case:file:viewed", "plan history", "支援方針の過去の版"),
    ("account:login:failed", "bad_password", "パスワードの誤り"),
])
def test_a_recorded_reason_reads_in_japanese_with_japan_times(japanese, tag, reason, words):
    shown = reason_words(tag, reason)
    if words is not None:
        assert shown == words
    assert "T23:30" not in shown and "+00:00" not in shown and " to " not in shown and " shown" not in shown


def test_a_status_change_names_the_statuses(japanese):
    assert reason_words("case:status:changed", "intake -> support") == "受付 → 支援中"


def test_a_reason_of_no_known_shape_is_shown_as_recorded_with_its_times_in_japan_time(japanese):
    assert reason_words("case:grant:ended", "grant 4: consent_withdrawn at 2026-11-30T23:30:05+00:00") == \
        "共有 4：consent_withdrawn at 2026-12-01 08:30"
    assert reason_words("operations:backup:created", "something new") == "something new"
    assert japan_time("2026-11-30T15:00:00") == "2026-12-01 00:00"  # a naive recorded time is UTC
    assert japan_time("not a time") == "not a time"


def test_every_pattern_has_a_japanese_message(japanese):
    untranslated = [str(p.message) for p in PATTERNS if all(ord(c) < 128 for c in str(p.message) % {
        name: "x" for name in p.shape.groupindex})]
    assert untranslated == []
