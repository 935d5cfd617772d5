"""What each scope may decrypt (DESIGN.md §5): a summary never opens a name, an address, a phone, a record or a file."""

import pytest

import council.access.models  # noqa: F401  (every case table on the metadata)
import council.cases.models  # noqa: F401
from council.access.scopes import FULL_COLUMNS, SCOPE_COLUMNS, Scope, may_open
from council.database import Base


def test_full_scope_names_every_encrypted_column_of_the_schema():
    """A new encrypted column must be placed in the scopes on purpose (it is in FULL_COLUMNS, and maybe a summary)."""
    encrypted = {(table.name, column.name.removesuffix("_enc")) for table in Base.metadata.tables.values()
                 for column in table.columns if column.name.endswith("_enc")}
    assert encrypted == set(FULL_COLUMNS)


@pytest.mark.parametrize("column", [("person", "name"), ("person", "address"), ("person", "phone"),
                                    ("person", "birth_date"), ("support_record", "body"),
                                    ("support_record_revision", "body"), ("attachment", "content"),
                                    ("attachment", "filename"), ("case_plan", "assessment"), ("consent", "purpose")])
@pytest.mark.parametrize("scope", [Scope.SUMMARY, Scope.REQUEST, Scope.BRIEF, Scope.LEDGER])
def test_a_narrow_scope_never_opens_personal_details(scope, column):
    assert not may_open(scope, *column)


def test_a_summary_opens_the_contact_person_and_the_plan_and_nothing_else():
    assert SCOPE_COLUMNS[Scope.SUMMARY] == {("case_file", "contact_person"), ("case_plan", "plan")}
    assert may_open(Scope.FULL, "person", "address")
