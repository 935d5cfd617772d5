"""Two people saving the same thing: the second is refused with what is stored now (core.editing), never a
silent overwrite — shown on the administrators' user form, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import select, update

from council.audit.events import AuditTag
from council.audit.models import AuditEvent
from council.auth.models import User
from council.database import db
from tests.conftest import english, fresh, sign_in

REFUSED = "Someone else changed this record while you were editing"


@pytest.fixture
def first_admin(make_user):
    return make_user("admin")


@pytest.fixture
def two_admins(app, make_user, first_admin):
    """Two administrators of one council, each signed in on a client of their own (pages in English)."""
    second = make_user("admin", institution=first_admin.institution)
    clients = []
    for admin in (first_admin, second):
        client = english(app.test_client())
        assert sign_in(app, client, admin).status_code == 302
        clients.append(client)
    return clients


@pytest.fixture
def colleague(make_user, first_admin):
    return make_user("caseworker", institution=first_admin.institution)


def opened_form(client, user) -> dict:
    """What the edit page holds when an administrator opens it (the version included)."""
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    return {"username": user.username, "display_name": user.display_name, "institution_id": user.institution_id,
            "role": user.role, "version": version}


def changes_recorded(app, user) -> int:
    with app.app_context():
        return len(db.session.scalars(select(AuditEvent).where(
            AuditEvent.tag.in_((AuditTag.USER_CHANGED, AuditTag.USER_ROLE_CHANGED)),
            AuditEvent.target_id == str(user.id))).all())


def test_the_second_of_two_administrators_who_opened_the_same_user_is_refused(app, two_admins, colleague):
    first, second = two_admins
    theirs, mine = opened_form(first, colleague), opened_form(second, colleague)  # both at version 1
    assert first.post(f"/admin/users/{colleague.id}", data={**theirs, "display_name": "先に 保存"}).status_code == 302
    response = second.post(f"/admin/users/{colleague.id}", data={**mine, "display_name": "後から 保存",
                                                                  "role": "supervisor"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and REFUSED in page
    assert "先に 保存" in page and "後から 保存" in page  # what is stored now beside what was typed
    assert re.search(r'name="version"[^>]*value="2"', page)  # a second save builds on what is stored now
    now = fresh(app, User, colleague.id)
    assert (now.display_name, now.role, now.version) == ("先に 保存", "caseworker", 2)
    assert changes_recorded(app, colleague) == 1


def test_a_save_that_waits_for_anothers_lock_is_refused_after_it_commits(app, two_admins, colleague):
    """The first administrator's save holds the row; the second, based on the same version, waits for it and is
    then refused — checking the version without the lock would let both saves through on PostgreSQL."""
    _, second = two_admins
    mine = opened_form(second, colleague)
    engine = app.extensions["council.db"][0]
    holding, release = threading.Event(), threading.Event()

    def first_save():
        table = User.__table__
        with engine.begin() as connection:  # SQLite: BEGIN IMMEDIATE, the write lock
            connection.execute(select(table.c.id).where(table.c.id == colleague.id).with_for_update())
            connection.execute(update(table).where(table.c.id == colleague.id)
                               .values(display_name="先に 保存", version=table.c.version + 1))
            holding.set()
            release.wait(timeout=1.0)  # the second save arrives while this one holds the row

    holder = threading.Thread(target=first_save)
    holder.start()
    assert holding.wait(timeout=10)
    response = second.post(f"/admin/users/{colleague.id}", data={**mine, "display_name": "後から 保存"})
    holder.join()
    assert response.status_code == 200 and REFUSED in response.get_data(as_text=True)
    now = fresh(app, User, colleague.id)
    assert (now.display_name, now.version) == ("先に 保存", 2)


def test_disabling_a_user_makes_an_edit_opened_before_it_stale(app, two_admins, colleague):
    first, second = two_admins
    mine = opened_form(second, colleague)
    assert first.post(f"/admin/users/{colleague.id}/disable").status_code == 302
    response = second.post(f"/admin/users/{colleague.id}", data={**mine, "role": "supervisor"})
    assert REFUSED in response.get_data(as_text=True)
    assert fresh(app, User, colleague.id).role == "caseworker"
