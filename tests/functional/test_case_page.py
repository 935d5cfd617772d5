"""The case page names the people it shows from the ids on the page: one query for those ids, never every user or
institution of the council on each request (cases.page)."""

from __future__ import annotations

import re

from sqlalchemy import event

from council.auth.models import User
from council.database import db
from tests.conftest import db_get, english, fresh


def _statements(app, client, path: str) -> tuple[str, list[str]]:
    """The page at ``path`` and every SQL statement its request ran."""
    engine = db.engine_of(app)
    seen: list[str] = []

    def remember(_connection, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        page = client.get(path).get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    return page, seen


def test_the_case_page_loads_only_the_users_and_institutions_it_names(app, client, login, make_user, make_case,
                                                                     make_institution):
    worker = make_user("caseworker")
    with app.app_context():
        db_get(app, User, worker.id).display_name = "担当 一郎"
        db.session.commit()
    colleague = make_user("caseworker", institution=worker.institution)  # writes a record, is named by it
    with app.app_context():
        db_get(app, User, colleague.id).display_name = "記録 二郎"
        db.session.commit()
    for _ in range(5):  # people of the council the page does not mention
        make_user("caseworker", institution=make_institution())
    case = make_case(worker, assigned=[worker, colleague])
    english(client)
    login(colleague)
    assert client.post(f"/cases/{case.id}/records", data={"occurred_at": "2026-04-05T10:00", "kind": "phone",
                                                           "body": "電話で近況確認"}).status_code == 302
    version = fresh(app, type(case), case.id).version
    assert client.post(f"/cases/{case.id}/status", data={"status": "assessment", "reason": "面談へ",
                                                          "version": str(version)}).status_code == 302
    page, statements = _statements(app, client, f"/cases/{case.id}")
    assert "担当 一郎" in page and "記録 二郎" in page  # assignees, record authors, who changed the status
    assert re.search(r"記録 二郎（[^）]+）", page)  # the record's institution is named too
    users = [s for s in statements if re.search(r"\bFROM user_account\b", s)]
    # One for the signed-in user (the session), one for the names on the page: both by id.
    assert all(re.search(r"user_account\.id (=|IN) ", s) for s in users), users
    assert len([s for s in users if "user_account.id IN" in s]) == 1
    institutions = [s for s in statements if re.search(r"\bFROM institution\b", s)]
    assert all(re.search(r"institution\.id (=|IN) ", s) for s in institutions), institutions
