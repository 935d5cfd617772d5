"""A brief reach opens only the brief of the meeting its basis names (``access.scopes.ROW_BOUND``, ROW_KEYS), and
the brief's pseudonymised header is derived the same way every time."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from council.access.scopes import ROW_KEYS, Scope, may_touch_row
from council.cases.vault import _row_key
from council.meetings.briefs import age_band, household, initials


def test_a_brief_reach_names_its_own_meeting_only():
    assert may_touch_row(Scope.BRIEF, "meeting:5", "meeting_brief", 5)
    assert not may_touch_row(Scope.BRIEF, "meeting:5", "meeting_brief", 6)
    assert not may_touch_row(Scope.BRIEF, "meeting:5", "meeting_brief", None)
    # Another kind of grant that could open the columns (a read-only close-out) opens no brief; a full reach all.
    assert not may_touch_row(Scope.READ, "transfer:5", "meeting_brief", 5)
    assert may_touch_row(Scope.FULL, "own_institution", "meeting_brief", 6)


@pytest.mark.parametrize("table", ["meeting_item", "meeting_task"])
def test_what_a_meeting_decided_and_the_tasks_it_gave_are_bound_to_that_meeting(table):
    assert ROW_KEYS[table] == "meeting_id"
    assert may_touch_row(Scope.BRIEF, "meeting:5", table, 5) and may_touch_row(Scope.SUMMARY, "meeting:5", table, 5)
    assert not may_touch_row(Scope.BRIEF, "meeting:5", table, 6)
    assert not may_touch_row(Scope.SUMMARY, "referral:5", table, 5)  # a handoff's summary share: no task, no item
    assert not may_touch_row(Scope.REQUEST, "request:5", table, 5)
    # The whole case's reaches read every meeting's: the lead's own, and a former lead closing out (read only).
    assert may_touch_row(Scope.FULL, "own_institution", table, 6)
    assert may_touch_row(Scope.READ, "transfer:9", table, 6)


def test_the_vault_binds_a_brief_by_its_meeting_not_its_own_id():
    brief = SimpleNamespace(__tablename__="meeting_brief", id=41, meeting_id=5, case_id=3)
    record = SimpleNamespace(__tablename__="support_record", id=41, case_id=3)
    assert ROW_KEYS["meeting_brief"] == "meeting_id"
    assert _row_key(brief, brief.id) == 5
    assert _row_key(record, record.id) == 41


@pytest.mark.parametrize(("kana", "expected"), [("ヤマダ タロウ", "Y.T."), ("しみず ちか", "S.C."),
                                                ("ｻﾄｳ・ｲﾁﾛｳ", "S.I."), ("ジョウ", "J."), ("", "")])
def test_initials_come_from_the_kana(kana, expected):
    assert initials(kana) == expected


def test_the_age_band_counts_the_birthday_on_the_meeting_day():
    assert age_band(dt.date(1980, 6, 1), dt.date(2020, 5, 31)) == "30代"
    assert age_band(dt.date(1980, 6, 1), dt.date(2020, 6, 1)) == "40代"
    assert age_band(dt.date(2015, 1, 1), dt.date(2020, 1, 1)) == "10歳未満"


def test_the_household_names_relationships_and_age_bands_only():
    persons = [SimpleNamespace(is_subject=True, relationship="", birth_date=dt.date(1980, 6, 1)),
               SimpleNamespace(is_subject=False, relationship="母", birth_date=dt.date(1950, 1, 1)),
               SimpleNamespace(is_subject=False, relationship="", birth_date=None)]
    assert household(persons, dt.date(2026, 12, 1)) == "本人（40代）、母（70代）、世帯員"
