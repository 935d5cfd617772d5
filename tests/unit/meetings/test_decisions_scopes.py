"""A meeting's decision is written by a brief reach that still reads nothing of the case file
(``access.scopes.SEAL_ONLY``), and the meeting's own record is read and written by the brief."""

import pytest

from council.access.scopes import Scope, may_open, may_seal

WRITTEN_UNREAD = [("case_plan", "plan"), ("case_plan", "assessment"), ("case_plan", "goals"),
                  ("case_file", "key_person")]


@pytest.mark.parametrize("column", WRITTEN_UNREAD)
def test_a_brief_writes_the_decision_on_the_case_without_reading_it(column):
    assert may_seal(Scope.BRIEF, *column)
    assert not may_open(Scope.BRIEF, *column)


@pytest.mark.parametrize("column", [("person", "name"), ("person", "address"), ("support_record", "body"),
                                    ("case_file", "contact_person"), ("consent", "purpose"), ("attachment", "content"),
                                    ("case_status_change", "reason")])
def test_a_brief_writes_nothing_else_of_the_case_file(column):
    assert not may_seal(Scope.BRIEF, *column) and not may_open(Scope.BRIEF, *column)


@pytest.mark.parametrize("column", [("meeting_item", "situation"), ("meeting_item", "plan"),
                                    ("meeting_item", "key_person"), ("meeting_item", "minutes"),
                                    ("meeting_task", "what")])
def test_the_meetings_record_is_the_briefs_to_read_and_write(column):
    assert may_open(Scope.BRIEF, *column) and may_seal(Scope.BRIEF, *column)


@pytest.mark.parametrize("scope", [Scope.SUMMARY, Scope.REQUEST, Scope.READ, Scope.LEDGER])
def test_no_other_narrow_reach_writes_the_meetings_record(scope):
    assert not may_seal(scope, "meeting_item", "minutes") and not may_seal(scope, "meeting_task", "what")


def test_only_a_summary_and_wider_read_a_tasks_wording_besides_the_brief():
    assert may_open(Scope.SUMMARY, "meeting_task", "what")
    assert not may_open(Scope.SUMMARY, "meeting_item", "minutes")
    assert not may_open(Scope.LEDGER, "meeting_task", "what")
