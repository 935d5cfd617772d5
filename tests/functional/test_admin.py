"""The administrator's screens: institutions and users of one council, each change audited.

Pages are switched to English so that assertions read the messages an administrator sees there.
"""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import func, select

from council.audit.models import AuditEvent
from council.auth.models import Institution, SetupLink, User
from council.database import db
from tests.conftest import PASSWORD, english, fresh, unused_code

NEW_PASSWORD = "a long sentence nobody else would pick"
GENERIC_FAILURE = "The username or password is not correct, or the account cannot sign in now."
NON_ADMIN_ROLES = ["caseworker", "supervisor", "coordinator", "member", "auditor"]


# -- helpers ---------------------------------------------------------------------------------------








def sign_in(app, client, username: str, password: str = PASSWORD):
    """Both sign-in steps; returns the last response (the password step's if that one failed)."""
    response = client.post("/login", data={"username": username, "password": password})
    if response.status_code != 302:
        return response
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        secret, last_step = user.totp_secret, user.totp_last_step
    return client.post("/login/code", data={"code": unused_code(secret, last_step)})


def signed_in_client(app, user):
    other = english(app.test_client())
    response = sign_in(app, other, user.username)
    assert response.status_code == 302 and "/login" not in response.headers["Location"]
    assert other.get("/").status_code == 200
    return other


def events(app, tag: str) -> list[AuditEvent]:
    with app.app_context():
        rows = list(db.session.scalars(select(AuditEvent).where(AuditEvent.tag == tag).order_by(AuditEvent.seq)))
        db.session.expunge_all()
        return rows


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def setup_token(page: str) -> str:
    match = re.search(r"/setup/([\w-]{20,})", page)
    assert match, "no setup link on the page"
    return match.group(1)


def totp_secret(page: str) -> str:
    match = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page)
    assert match, "no TOTP key on the setup page"
    return match.group(1)


def recovery_codes(page: str) -> list[str]:
    block = re.search(r'data-testid="recovery-codes">(.*?)</ol>', page, re.S)
    assert block, "no recovery codes on the page"
    return re.findall(r"<code>([^<]+)</code>", block.group(1))


def redirected_to_login(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


# -- fixtures --------------------------------------------------------------------------------------


@pytest.fixture
def admin(make_user):
    return make_user("admin")


@pytest.fixture
def as_admin(client, login, admin):
    english(client)
    return login(admin)


@pytest.fixture
def colleague(make_user, admin):
    """A caseworker in the administrator's council, with a password and TOTP."""
    return make_user("caseworker", institution=admin.institution)


def user_form(user, **changes):
    data = {"username": user.username, "display_name": user.display_name, "institution_id": user.institution_id,
            "role": user.role, "version": user.version}
    data.update(changes)
    return data


def institution_form(institution, **changes):
    data = {"name": institution.name, "kind": institution.kind, "version": institution.version}
    if institution.is_coordinator:
        data["is_coordinator"] = "y"
    data.update(changes)
    return data


# -- institutions ----------------------------------------------------------------------------------


def test_admin_creates_institution_that_is_listed_and_audited(app, as_admin, admin):
    response = as_admin.post("/admin/institutions/new", data={"name": "テスト市社会福祉協議会",
                                                              "kind": "social_welfare_council"})
    assert response.status_code == 302
    assert "テスト市社会福祉協議会" in as_admin.get("/admin/institutions").get_data(as_text=True)
    with app.app_context():
        created = db.session.scalar(select(Institution).where(Institution.name == "テスト市社会福祉協議会"))
        assert created.council_id == admin.institution.council_id and created.kind == "social_welfare_council"
        created_id = created.id
    recorded = events(app, "admin:institution:created")
    assert [(e.target_id, e.actor_user_id) for e in recorded] == [(str(created_id), admin.id)]


def test_second_coordinator_in_a_council_is_refused_and_nothing_written(app, as_admin, make_institution):
    make_institution("調整機関", coordinator=True)
    before, audited = count(app, Institution), len(events(app, "admin:institution:created"))
    response = as_admin.post("/admin/institutions/new", data={"name": "もう一つの調整機関", "kind": "government",
                                                              "is_coordinator": "y"})
    assert response.status_code == 200
    assert "already has a coordinator institution" in response.get_data(as_text=True)
    assert count(app, Institution) == before
    assert len(events(app, "admin:institution:created")) == audited


def test_coordinator_of_another_council_does_not_block_ours(app, as_admin, make_institution):
    make_institution("よその調整機関", coordinator=True, council="別の協議会")
    response = as_admin.post("/admin/institutions/new", data={"name": "うちの調整機関", "kind": "government",
                                                              "is_coordinator": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Institution).where(Institution.name == "うちの調整機関")).is_coordinator


def test_duplicate_institution_name_is_refused(app, as_admin, admin):
    before = count(app, Institution)
    response = as_admin.post("/admin/institutions/new", data={"name": admin.institution.name, "kind": "npo"})
    assert response.status_code == 200
    assert "already exists in the council" in response.get_data(as_text=True)
    assert count(app, Institution) == before


def test_stale_institution_edit_is_refused_and_stored_values_kept(app, as_admin, make_institution):
    institution = make_institution("旧名称")
    opened = institution_form(institution)  # both administrators opened the form at version 1
    first = as_admin.post(f"/admin/institutions/{institution.id}", data={**opened, "name": "先に保存した名称"})
    assert first.status_code == 302
    second = as_admin.post(f"/admin/institutions/{institution.id}", data={**opened, "name": "後から保存した名称"})
    page = second.get_data(as_text=True)
    assert second.status_code == 200
    assert "changed this record while you were editing" in page
    assert "先に保存した名称" in page  # the stored values are shown
    now = fresh(app, Institution, institution.id)
    assert (now.name, now.version) == ("先に保存した名称", 2)
    assert len(events(app, "admin:institution:changed")) == 1


def test_institution_edit_with_current_version_is_saved_and_audited(app, as_admin, make_institution):
    institution = make_institution("旧名称")
    response = as_admin.post(f"/admin/institutions/{institution.id}",
                             data=institution_form(institution, name="新名称", kind="npo"))
    assert response.status_code == 302
    now = fresh(app, Institution, institution.id)
    assert (now.name, now.kind) == ("新名称", "npo")
    assert [e.target_id for e in events(app, "admin:institution:changed")] == [str(institution.id)]


# -- creating a user and the setup link ------------------------------------------------------------


def create_user_via_screen(client, institution, username="tanaka", role="caseworker") -> str:
    response = client.post("/admin/users/new", data={"username": username, "display_name": "田中 一郎",
                                                     "institution_id": institution.id, "role": role})
    assert response.status_code == 200, response.get_data(as_text=True)
    return setup_token(response.get_data(as_text=True))


def open_setup(app, token: str):
    """A fresh browser opens the link; returns the client and the TOTP key shown."""
    browser = english(app.test_client())
    page = browser.get(f"/setup/{token}")
    assert page.status_code == 200
    return browser, totp_secret(page.get_data(as_text=True))


def complete_setup(browser, token: str, secret: str, password: str = NEW_PASSWORD):
    return browser.post(f"/setup/{token}", data={"password": password, "confirm": password,
                                                  "code": pyotp.TOTP(secret).now()})


def test_admin_creates_user_and_gets_a_setup_link_not_a_password(app, as_admin, admin):
    token = create_user_via_screen(as_admin, admin.institution)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "tanaka"))
        assert (user.role, user.institution_id) == ("caseworker", admin.institution_id)
        assert user.password_hash is None and user.totp_secret is None
        user_id = user.id
    assert [(e.target_id, e.actor_user_id) for e in events(app, "admin:user:created")] == [(str(user_id), admin.id)]
    assert app.test_client().get(f"/setup/{token}").status_code == 200


def test_new_user_completes_setup_gets_ten_recovery_codes_and_signs_in(app, as_admin, admin):
    token = create_user_via_screen(as_admin, admin.institution)
    browser, secret = open_setup(app, token)
    response = complete_setup(browser, token, secret)
    assert response.status_code == 200
    codes = recovery_codes(response.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert app.test_client().get(f"/setup/{token}").status_code == 404
    assert browser.get(f"/setup/{token}").status_code == 404
    newcomer = english(app.test_client())
    signed_in = sign_in(app, newcomer, "tanaka", NEW_PASSWORD)
    assert signed_in.status_code == 302 and "/login" not in signed_in.headers["Location"]
    assert newcomer.get("/", follow_redirects=True).status_code == 200  # the pledge comes first, then home
    assert len(events(app, "account:setup_link:used")) == 1


@pytest.mark.parametrize(("password", "message"), [
    ("password1234", "among the most commonly used"),
    ("short pass", "at least 12 characters"),
])
def test_weak_password_at_setup_is_refused_and_nothing_changes(app, as_admin, admin, password, message):
    token = create_user_via_screen(as_admin, admin.institution)
    browser, secret = open_setup(app, token)
    response = complete_setup(browser, token, secret, password=password)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "tanaka"))
        assert user.password_hash is None and user.totp_secret is None
        link = db.session.scalar(select(SetupLink).where(SetupLink.user_id == user.id))
        assert link.used_at is None
    assert events(app, "account:setup_link:used") == []
    assert browser.get(f"/setup/{token}").status_code == 200


def test_admin_user_list_never_shows_password_hashes_or_totp_secrets(app, as_admin, colleague):
    now = fresh(app, User, colleague.id)
    for url in ("/admin/users", f"/admin/users/{colleague.id}"):
        page = as_admin.get(url).get_data(as_text=True)
        assert colleague.username in page
        assert now.totp_secret not in page
        assert now.password_hash not in page and "$argon2" not in page


# -- changing, disabling, resetting ----------------------------------------------------------------


def test_role_change_ends_the_users_sessions_and_is_audited(app, as_admin, colleague):
    theirs = signed_in_client(app, colleague)
    response = as_admin.post(f"/admin/users/{colleague.id}", data=user_form(colleague, role="supervisor"))
    assert response.status_code == 302
    assert fresh(app, User, colleague.id).role == "supervisor"
    assert redirected_to_login(theirs.get("/"))
    assert [e.target_id for e in events(app, "admin:user:role_changed")] == [str(colleague.id)]


def test_display_name_change_keeps_sessions(app, as_admin, colleague):
    theirs = signed_in_client(app, colleague)
    response = as_admin.post(f"/admin/users/{colleague.id}", data=user_form(colleague, display_name="新しい 名前"))
    assert response.status_code == 302
    assert fresh(app, User, colleague.id).display_name == "新しい 名前"
    assert theirs.get("/").status_code == 200
    assert events(app, "admin:user:role_changed") == []


def test_stale_user_edit_is_refused(app, as_admin, colleague):
    opened = user_form(colleague)
    first = as_admin.post(f"/admin/users/{colleague.id}", data={**opened, "display_name": "先の 名前"})
    assert first.status_code == 302
    response = as_admin.post(f"/admin/users/{colleague.id}", data={**opened, "role": "supervisor"})
    assert "changed this record while you were editing" in response.get_data(as_text=True)
    now = fresh(app, User, colleague.id)
    assert (now.display_name, now.role) == ("先の 名前", "caseworker")


def test_disable_ends_sessions_blocks_sign_in_with_the_generic_message_and_is_audited(app, as_admin, colleague):
    theirs = signed_in_client(app, colleague)
    response = as_admin.post(f"/admin/users/{colleague.id}/disable")
    assert response.status_code == 302
    assert fresh(app, User, colleague.id).disabled_at is not None
    assert redirected_to_login(theirs.get("/"))
    refused = sign_in(app, english(app.test_client()), colleague.username)
    wrong_password = sign_in(app, english(app.test_client()), colleague.username, "not the password at all")
    assert refused.status_code == wrong_password.status_code == 401
    assert GENERIC_FAILURE in refused.get_data(as_text=True)
    assert GENERIC_FAILURE in wrong_password.get_data(as_text=True)
    assert [e.target_id for e in events(app, "admin:user:disabled")] == [str(colleague.id)]


def test_enable_restores_sign_in(app, as_admin, colleague):
    as_admin.post(f"/admin/users/{colleague.id}/disable")
    response = as_admin.post(f"/admin/users/{colleague.id}/enable")
    assert response.status_code == 302
    assert fresh(app, User, colleague.id).disabled_at is None
    signed_in_client(app, colleague)
    assert [e.target_id for e in events(app, "admin:user:enabled")] == [str(colleague.id)]


def test_reset_stops_the_old_password_and_yields_a_new_setup_link(app, as_admin, colleague):
    theirs = signed_in_client(app, colleague)
    response = as_admin.post(f"/admin/users/{colleague.id}/reset")
    assert response.status_code == 200
    token = setup_token(response.get_data(as_text=True))
    assert redirected_to_login(theirs.get("/"))
    refused = sign_in(app, english(app.test_client()), colleague.username)
    assert refused.status_code == 401 and GENERIC_FAILURE in refused.get_data(as_text=True)
    assert [e.target_id for e in events(app, "admin:user:reset")] == [str(colleague.id)]
    browser, secret = open_setup(app, token)
    assert complete_setup(browser, token, secret).status_code == 200
    signed_in = sign_in(app, english(app.test_client()), colleague.username, NEW_PASSWORD)
    assert signed_in.status_code == 302 and "/login" not in signed_in.headers["Location"]


def test_reset_replaces_an_unused_setup_link(app, as_admin, admin):
    first = create_user_via_screen(as_admin, admin.institution)
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == "tanaka"))
    second = setup_token(as_admin.post(f"/admin/users/{user_id}/reset").get_data(as_text=True))
    assert app.test_client().get(f"/setup/{first}").status_code == 404
    assert app.test_client().get(f"/setup/{second}").status_code == 200


def test_revoke_ends_every_session_of_the_user(app, as_admin, colleague):
    phone, desk = signed_in_client(app, colleague), signed_in_client(app, colleague)
    response = as_admin.post(f"/admin/users/{colleague.id}/revoke")
    assert response.status_code == 302
    assert redirected_to_login(phone.get("/"))
    assert redirected_to_login(desk.get("/"))
    assert fresh(app, User, colleague.id).disabled_at is None  # revoking is not disabling
    assert [e.target_id for e in events(app, "account:session:revoked")] == [str(colleague.id)]


def test_admin_cannot_disable_themself(app, as_admin, admin):
    response = as_admin.post(f"/admin/users/{admin.id}/disable", follow_redirects=True)
    assert "You cannot disable your own account" in response.get_data(as_text=True)
    assert fresh(app, User, admin.id).disabled_at is None
    assert as_admin.get("/admin/users").status_code == 200
    assert events(app, "admin:user:disabled") == []


def test_admin_cannot_change_their_own_role(app, as_admin, admin):
    response = as_admin.post(f"/admin/users/{admin.id}", data=user_form(admin, role="caseworker"))
    assert "You cannot change your own role" in response.get_data(as_text=True)
    assert fresh(app, User, admin.id).role == "admin"
    assert as_admin.get("/admin/users").status_code == 200
    assert events(app, "admin:user:role_changed") == []


# -- councils are invisible to each other ----------------------------------------------------------


@pytest.fixture
def other_council(make_institution, make_user):
    institution = make_institution("よその市役所", council="よその市孤独・孤立対策地域協議会")
    return institution, make_user("caseworker", institution=institution, username="someone-else")


@pytest.mark.parametrize(("method", "url"), [
    ("GET", "/admin/users/{user}"),
    ("POST", "/admin/users/{user}"),
    ("POST", "/admin/users/{user}/disable"),
    ("POST", "/admin/users/{user}/enable"),
    ("POST", "/admin/users/{user}/revoke"),
    ("POST", "/admin/users/{user}/reset"),
    ("GET", "/admin/institutions/{institution}"),
    ("POST", "/admin/institutions/{institution}"),
])
def test_admin_gets_404_for_another_councils_records(app, as_admin, other_council, method, url):
    institution, user = other_council
    data = institution_form(institution, name="乗っ取り") if "institutions" in url else user_form(user, role="admin")
    response = as_admin.open(url.format(user=user.id, institution=institution.id), method=method, data=data)
    assert response.status_code == 404
    now = fresh(app, User, user.id)
    assert (now.role, now.disabled_at, now.password_hash) == ("caseworker", None, user.password_hash)
    assert fresh(app, Institution, institution.id).name == "よその市役所"


def test_admin_lists_show_only_their_own_council(as_admin, other_council, colleague):
    users = as_admin.get("/admin/users").get_data(as_text=True)
    institutions = as_admin.get("/admin/institutions").get_data(as_text=True)
    assert colleague.username in users and "someone-else" not in users
    assert colleague.institution.name in institutions and "よその市役所" not in institutions


# -- who may use the admin pages at all ------------------------------------------------------------

ADMIN_PAGES = [
    ("GET", "/admin/institutions"),
    ("GET", "/admin/institutions/new"),
    ("POST", "/admin/institutions/new"),
    ("GET", "/admin/institutions/{institution}"),
    ("POST", "/admin/institutions/{institution}"),
    ("GET", "/admin/users"),
    ("GET", "/admin/users/new"),
    ("POST", "/admin/users/new"),
    ("GET", "/admin/users/{user}"),
    ("POST", "/admin/users/{user}"),
    ("POST", "/admin/users/{user}/disable"),
    ("POST", "/admin/users/{user}/enable"),
    ("POST", "/admin/users/{user}/revoke"),
    ("POST", "/admin/users/{user}/reset"),
]


@pytest.fixture
def target(make_user, make_institution):
    institution = make_institution("対象機関")
    return institution, make_user("caseworker", institution=institution, username="target-user")


def _attack(client, method, url, target):
    institution, user = target
    data = {"name": "乗っ取り", "kind": "police", "is_coordinator": "y", "username": "intruder",
            "display_name": "x", "institution_id": institution.id, "role": "admin", "version": 1}
    return client.open(url.format(user=user.id, institution=institution.id), method=method, data=data)


def _untouched(app, target):
    institution, user = target
    now = fresh(app, User, user.id)
    assert (now.role, now.disabled_at, now.password_hash) == ("caseworker", None, user.password_hash)
    assert fresh(app, Institution, institution.id).name == "対象機関"
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "intruder")) is None
        assert db.session.scalar(select(Institution).where(Institution.name == "乗っ取り")) is None


@pytest.mark.parametrize(("method", "url"), ADMIN_PAGES)
@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_non_admin_roles_get_403_on_every_admin_page(app, client, login, make_user, target, role, method, url):
    login(make_user(role, institution=target[0]))
    assert _attack(client, method, url, target).status_code == 403
    _untouched(app, target)


@pytest.mark.parametrize(("method", "url"), ADMIN_PAGES)
def test_anonymous_visitor_is_sent_to_sign_in(app, client, target, method, url):
    assert redirected_to_login(_attack(client, method, url, target))
    _untouched(app, target)


# -- the coordinator role and one's own account (issue 8) --------------------------------------------


def test_coordinator_role_is_refused_outside_the_coordinator_institution(app, as_admin, admin, make_institution):
    ordinary = admin.institution  # not the coordinator institution
    response = as_admin.post("/admin/users/new", data={"username": "chosei", "display_name": "調整 太郎",
                                                       "institution_id": ordinary.id, "role": "coordinator"})
    page = response.get_data(as_text=True)
    assert "only at the council&#39;s coordinator institution" in page and "/setup/" not in page
    assert 'value="chosei"' in page  # what was typed is kept
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "chosei")) is None
    assert events(app, "admin:user:created") == []
    coordinating = make_institution("調整機関", coordinator=True)
    create_user_via_screen(as_admin, coordinating, username="chosei", role="coordinator")
    with app.app_context():
        assert db.session.scalar(select(User.role).where(User.username == "chosei")) == "coordinator"


def test_role_change_to_coordinator_is_refused_outside_the_coordinator_institution(app, as_admin, colleague):
    response = as_admin.post(f"/admin/users/{colleague.id}", data=user_form(colleague, role="coordinator"))
    assert "only at the council&#39;s coordinator institution" in response.get_data(as_text=True)
    assert fresh(app, User, colleague.id).role == "caseworker"
    assert events(app, "admin:user:role_changed") == []


def test_moving_a_coordinator_to_an_ordinary_institution_is_refused(app, as_admin, admin, make_user,
                                                                    make_institution):
    coordinating = make_institution("調整機関", coordinator=True)
    coordinator = make_user("coordinator", institution=coordinating)
    response = as_admin.post(f"/admin/users/{coordinator.id}",
                             data=user_form(coordinator, institution_id=admin.institution_id))
    assert "only at the council&#39;s coordinator institution" in response.get_data(as_text=True)
    assert fresh(app, User, coordinator.id).institution_id == coordinating.id


def test_an_institution_with_coordinators_stays_the_coordinator_institution(app, as_admin, admin, make_user,
                                                                            make_institution):
    coordinating = make_institution("調整機関", coordinator=True)
    make_user("coordinator", institution=coordinating)
    form = institution_form(fresh(app, Institution, coordinating.id))
    del form["is_coordinator"]
    response = as_admin.post(f"/admin/institutions/{coordinating.id}", data=form)
    assert "Give them another role first" in response.get_data(as_text=True)
    assert fresh(app, Institution, coordinating.id).is_coordinator


def test_cli_refuses_a_coordinator_outside_the_coordinator_institution(app, runner, make_institution):
    ordinary = make_institution("普通の機関")
    from council.cli import cli

    result = runner.invoke(cli, ["create-user", "chosei", "--institution", ordinary.name, "--role", "coordinator"])
    assert result.exit_code != 0 and "coordinator institution" in result.output


def test_admin_cannot_reset_their_own_account(app, as_admin, admin):
    before = fresh(app, User, admin.id)
    response = as_admin.post(f"/admin/users/{admin.id}/reset", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "You cannot reset your own account" in page and "/setup/" not in page
    after = fresh(app, User, admin.id)
    assert after.password_hash == before.password_hash and after.totp_secret == before.totp_secret
    assert as_admin.get("/admin/users").status_code == 200  # still signed in
    assert events(app, "admin:user:reset") == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SetupLink).where(SetupLink.user_id == admin.id)) == 0
