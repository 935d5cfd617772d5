"""Platform administrators manage accounts in the UI (issue 14): list them, reset one (a new setup link, the
password and second factor cleared), disable and enable it, end its sessions — audited in the platform's chain.
Nobody else may, and no administrator can reset or disable another platform administrator."""

import pytest
from sqlalchemy import select

from council.platform.database import db
from council.platform.models import PlatformAuditEvent, PlatformSetupLink, PlatformUser
from tests.conftest import english, fresh


def _events(platform_app, tag: str, user_id: int) -> int:
    with platform_app.app_context():
        return len(db.session.scalars(select(PlatformAuditEvent).where(
            PlatformAuditEvent.tag == tag, PlatformAuditEvent.target_id == str(user_id))).all())


@pytest.fixture
def world(make_organisation, make_platform_user, platform_login):
    organisation = make_organisation("NPO法人あかり")
    founder = make_platform_user("organisation_admin", organisation=organisation, username="akari-admin")
    admin = make_platform_user("admin", username="pf-admin")
    return {"organisation": organisation, "founder": founder, "admin": admin,
            "admin_client": english(platform_login(admin))}


def test_the_list_shows_every_account_with_its_organisation_and_state(world, make_platform_user, platform_app):
    make_platform_user("member", organisation=world["organisation"], username="akari-staff")
    page = world["admin_client"].get("/accounts/").get_data(as_text=True)
    for text in ("akari-admin", "akari-staff", "pf-admin", "NPO法人あかり", "Organisation administrator"):
        assert text in page


def test_resetting_an_organisation_administrator_gives_a_new_link_and_ends_their_sessions(world, platform_app,
                                                                                         platform_login):
    founder_client = platform_login(world["founder"])
    assert founder_client.get("/organisations/mine").status_code == 200
    page = world["admin_client"].post(f"/accounts/{world['founder'].id}/reset")
    assert page.status_code == 200
    link = page.get_data(as_text=True).split('data-testid="setup-link">', 1)[1].split("<", 1)[0]
    assert "/setup/" in link
    assert founder_client.get("/organisations/mine").status_code == 302  # signed out: back to sign-in
    founder = fresh(platform_app, PlatformUser, world["founder"].id)
    assert founder.password_hash is None and founder.totp_secret is None
    assert platform_app.test_client().get("/" + link.split("/", 3)[3]).status_code == 200
    assert _events(platform_app, "platform:user:reset", founder.id) == 1
    assert _events(platform_app, "account:session:revoked", founder.id) == 1


def test_disabling_ends_sessions_and_links_and_enabling_lets_them_back(world, platform_app, platform_login):
    founder_client = platform_login(world["founder"])
    world["admin_client"].post(f"/accounts/{world['founder'].id}/reset")  # an unused link exists
    response = world["admin_client"].post(f"/accounts/{world['founder'].id}/disable")
    assert response.headers["Location"] == f"/accounts/{world['founder'].id}"
    founder = fresh(platform_app, PlatformUser, world["founder"].id)
    assert founder.disabled_at is not None and not founder.is_active
    assert founder_client.get("/organisations/mine").status_code == 302
    with platform_app.app_context():
        assert all(link.used_at is not None for link in db.session.scalars(
            select(PlatformSetupLink).where(PlatformSetupLink.user_id == founder.id)))
    assert "Disabled since" in world["admin_client"].get(f"/accounts/{founder.id}").get_data(as_text=True)
    world["admin_client"].post(f"/accounts/{founder.id}/enable")
    assert fresh(platform_app, PlatformUser, founder.id).disabled_at is None
    assert _events(platform_app, "platform:user:disabled", founder.id) == 1
    assert _events(platform_app, "platform:user:enabled", founder.id) == 1


def test_ending_sessions_signs_the_user_out_everywhere(world, platform_app, platform_login):
    first, second = platform_login(world["founder"]), platform_login(world["founder"])
    response = world["admin_client"].post(f"/accounts/{world['founder'].id}/sessions", follow_redirects=True)
    assert "2 sessions were ended." in response.get_data(as_text=True)
    assert first.get("/organisations/mine").status_code == 302 and second.get("/organisations/mine").status_code == 302
    assert fresh(platform_app, PlatformUser, world["founder"].id).disabled_at is None  # still may sign in


def test_another_platform_administrator_cannot_be_reset_or_disabled_only_signed_out(world, make_platform_user,
                                                                                    platform_app, platform_login):
    other = make_platform_user("admin", username="pf-other")
    other_client = platform_login(other)
    for action in ("reset", "disable"):
        page = world["admin_client"].post(f"/accounts/{other.id}/{action}", follow_redirects=True)
        assert "take over another" in page.get_data(as_text=True)
    assert fresh(platform_app, PlatformUser, other.id).password_hash is not None
    assert fresh(platform_app, PlatformUser, other.id).disabled_at is None
    world["admin_client"].post(f"/accounts/{other.id}/sessions")
    assert other_client.get("/").status_code == 200 and other_client.get("/accounts/").status_code == 302


def test_an_administrator_cannot_act_on_their_own_account_here(world, platform_app):
    admin_id = world["admin"].id
    for action in ("reset", "disable", "sessions"):
        page = world["admin_client"].post(f"/accounts/{admin_id}/{action}", follow_redirects=True)
        assert "your own account" in page.get_data(as_text=True)
    assert world["admin_client"].get("/accounts/").status_code == 200  # still signed in


@pytest.mark.parametrize("role", ["organisation_admin", "member"])
def test_nobody_but_platform_administrators_reaches_account_administration(world, role, make_platform_user,
                                                                           platform_login, platform_app):
    client = platform_login(make_platform_user(role, organisation=world["organisation"]))
    assert client.get("/accounts/").status_code == 403
    assert client.get(f"/accounts/{world['founder'].id}").status_code == 403
    for action in ("reset", "disable", "enable", "sessions"):
        assert client.post(f"/accounts/{world['founder'].id}/{action}").status_code == 403
    assert fresh(platform_app, PlatformUser, world["founder"].id).password_hash is not None
    assert platform_app.test_client().get("/accounts/").status_code == 302  # anonymous: to sign in


def test_an_unknown_account_is_not_found(world):
    assert world["admin_client"].get("/accounts/999999").status_code == 404
    assert world["admin_client"].post("/accounts/999999/disable").status_code == 404
