"""The stored next review (``case_file.next_review_due``) is kept by mapper events, which a bulk statement skips.

A bulk ``update(Case)``/``insert(Case)`` or raw SQL writing ``case_file`` anywhere but the refresh itself would leave
the ledger's 次回見直し and overdue filter wrong until the next start; this test names the line that does it.
"""

import re
from pathlib import Path

import council

BULK_WRITE = re.compile(r"\b(update|insert)\(\s*Case\b|\b(UPDATE|INSERT\s+INTO)\s+case_file\b")
ALLOWED = {Path("cases/reviews.py")}  # refresh_stored: the same rule in SQL


def test_only_the_refresh_writes_case_rows_in_bulk():
    root = Path(council.__file__).parent
    found = [f"{path.relative_to(root)}:{number}: {line.strip()}"
             for path in sorted(root.rglob("*.py")) if path.relative_to(root) not in ALLOWED
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if BULK_WRITE.search(line)]
    assert not found, "bulk writes to case_file skip next_review_due (use the ORM, or call cases.reviews." \
                      "refresh_stored in the same transaction):\n" + "\n".join(found)


def test_the_pattern_sees_a_bulk_write():
    assert BULK_WRITE.search("db.session.execute(update(Case).where(Case.id == 1).values(risk='高'))")
    assert BULK_WRITE.search('connection.exec_driver_sql("UPDATE case_file SET risk = 1")')
    assert not BULK_WRITE.search("db.session.execute(update(CaseGrant).values(ended_at=now))")
