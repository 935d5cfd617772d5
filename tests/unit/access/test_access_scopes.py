"""What each scope may decrypt (DESIGN.md §5): a summary never opens a name, an address, a phone, a record or a file."""

import pytest

from council.access.scopes import FULL_COLUMNS, SCOPE_COLUMNS, Action, Scope, may_open
from council.database import Base, register_all

register_all()  # every table on the metadata: a feature's encrypted column must be placed in the scopes too


#: Tables whose encrypted columns are sealed under a key that is not a case's, so no case scope opens them.
NOT_UNDER_A_CASE_KEY = {"incident": "an incident's own data key (council.incidents.sealing); auditors and the "
                                    "coordinator reach it by permission, never through a case",
                        "meeting": "a meeting's own data key (council.meetings.sealing): its 議事概要, read by its "
                                   "participants and coordinator (meetings.minutes.reach), never through a case",
                        "audit_review": "a review's own data key (council.audit.reviews.sealing): the auditor's "
                                        "comment on an event, read by its council's auditors, never through a case"}


def test_full_scope_names_every_encrypted_column_of_the_schema():
    """A new encrypted column must be placed in the scopes on purpose (it is in FULL_COLUMNS, and maybe a summary)."""
    encrypted = {(table.name, column.name.removesuffix("_enc")) for table in Base.metadata.tables.values()
                 for column in table.columns if column.name.endswith("_enc") and table.name not in NOT_UNDER_A_CASE_KEY}
    assert encrypted == set(FULL_COLUMNS)


@pytest.mark.parametrize("column", [("person", "name"), ("person", "address"), ("person", "phone"),
                                    ("person", "birth_date"), ("support_record", "body"),
                                    ("support_record_revision", "body"), ("attachment", "content"),
                                    ("attachment", "filename"), ("case_plan", "assessment"), ("consent", "purpose")])
@pytest.mark.parametrize("scope", [Scope.SUMMARY, Scope.REQUEST, Scope.BRIEF, Scope.LEDGER])
def test_a_narrow_scope_never_opens_personal_details(scope, column):
    assert not may_open(scope, *column)


def test_a_summary_opens_the_contact_person_and_the_plan_and_nothing_else():
    """... and what a handoff to its reader says (the message, why it was declined or ended): the panel shows each
    party only its own handoffs."""
    handoff = {("handoff", c) for c in ("message", "emergency_reason", "decline_reason", "end_reason")}
    # The plan's roles too: what the tasks meetings gave say (役割分担, council.meetings.tasks) — of the meeting the
    # summary share rests on only (scopes.ROW_BOUND), so a handoff's summary share reads none.
    tasks = {("meeting_task", "what")}
    summary = {("case_file", "contact_person"), ("case_plan", "plan")}
    assert SCOPE_COLUMNS[Scope.SUMMARY] == summary | handoff | tasks
    # ... and a request reach, besides, its own request's question and answer (scopes.ROW_BOUND: that row only),
    # but no task: a request never rests on a meeting.
    assert SCOPE_COLUMNS[Scope.REQUEST] == summary | handoff | {("information_request", "question"),
                                                               ("information_request", "answer")}
    assert may_open(Scope.FULL, "person", "address")


def test_read_only_opens_everything_and_writes_nothing():
    """閲覧のみ, a transfer's close-out: the former lead reads its records to close out, and writes nothing."""
    from council.access.permissions import Role
    from council.access.scopes import FULL_COLUMNS, allows, may_seal

    assert SCOPE_COLUMNS[Scope.READ] == FULL_COLUMNS
    assert not any(may_seal(Scope.READ, table, column) for table, column in FULL_COLUMNS if table != "handoff")
    for action in (Action.WRITE_RECORD, Action.EDIT_DETAILS, Action.MANAGE_SHARES, Action.CLOSE):
        assert not allows(scope=Scope.READ, role=Role.SUPERVISOR, action=action, by_grant=True)
    assert allows(scope=Scope.READ, role=Role.CASEWORKER, action=Action.READ_FULL, by_grant=True)
    assert allows(scope=Scope.READ, role=Role.CASEWORKER, action=Action.READ_ATTACHMENT, by_grant=True)
