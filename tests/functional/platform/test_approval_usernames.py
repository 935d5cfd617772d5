"""The open application form says nothing about which usernames exist; the platform administrator confirms the
applicant's wished username, or chooses another, when approving (issue 14)."""

from sqlalchemy import select

from council.platform.database import db
from council.platform.models import PlatformUser
from council.platform.organisations.models import Application, Organisation, OrganisationStatus
from tests.conftest import english, fresh

APPLICATION = {"name": "NPO法人こもれび", "kind": "npo", "area": "北部", "fields": ["places"],
               "description": "駅前で月2回の居場所カフェを開いています。",
               "public_contact": "事務局 0436-22-3333 info@komorebi.example.jp",
               "website": "", "display_name": "事務局 担当"}


def _apply(platform_app, username: str, name: str = "NPO法人こもれび"):
    client = platform_app.test_client()
    response = client.post("/organisations/apply", data={**APPLICATION, "name": name, "username": username})
    with platform_app.app_context():
        organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
        application = db.session.get(Application, organisation.id) if organisation else None
        return response, organisation, application


def test_applying_with_a_taken_username_looks_exactly_like_applying_with_a_free_one(platform_app, make_platform_user):
    make_platform_user("member", username="taken-name")
    taken, _organisation, application = _apply(platform_app, "taken-name", name="NPO法人いちばん")
    free, _other, _ = _apply(platform_app, "free-name", name="NPO法人にばん")
    assert taken.status_code == free.status_code == 302
    assert taken.headers["Location"] == free.headers["Location"] == "/organisations/applied"
    assert application.username == "taken-name"  # kept as the wish; the administrator sees it is in use
    applied = platform_app.test_client().get("/organisations/applied").get_data(as_text=True)
    assert "taken" not in applied.lower()


def test_a_second_application_with_the_same_wish_is_accepted_too(platform_app):
    _apply(platform_app, "same-wish", name="NPO法人ひとつめ")
    response, organisation, application = _apply(platform_app, "same-wish", name="NPO法人ふたつめ")
    assert response.status_code == 302
    assert application.username == f"same-wish-{organisation.id}"


def test_the_administrator_confirms_the_wished_username(platform_app, make_platform_user, platform_login):
    _response, organisation, _application = _apply(platform_app, "komorebi")
    admin = platform_login(make_platform_user("admin"))
    queue = admin.get("/organisations/review").get_data(as_text=True)
    assert f'name="approve-{organisation.id}-username"' in queue and 'value="komorebi"' in queue
    page = admin.post(f"/organisations/{organisation.id}/approve",
                      data={f"approve-{organisation.id}-username": "komorebi"}).get_data(as_text=True)
    assert 'data-testid="setup-link"' in page and "komorebi" in page
    with platform_app.app_context():
        founder = db.session.scalar(select(PlatformUser).where(PlatformUser.username == "komorebi"))
        assert founder.organisation_id == organisation.id and founder.role == "organisation_admin"


def test_the_administrator_chooses_another_username_when_the_wish_is_in_use(platform_app, make_platform_user,
                                                                            platform_login):
    make_platform_user("member", username="taken-name")
    _response, organisation, _application = _apply(platform_app, "taken-name")
    admin = english(platform_login(make_platform_user("admin")))
    queue = admin.get("/organisations/review").get_data(as_text=True)
    assert "An account already has this username" in queue

    field = f"approve-{organisation.id}-username"
    refused = admin.post(f"/organisations/{organisation.id}/approve", data={field: "taken-name"})
    assert refused.status_code == 409
    assert "The username taken-name is already in use. Choose another." in refused.get_data(as_text=True)
    assert fresh(platform_app, Organisation, organisation.id).status == OrganisationStatus.PENDING

    typed = admin.post(f"/organisations/{organisation.id}/approve", data={field: "Bad name!"})
    assert typed.status_code == 400 and 'value="Bad name!"' in typed.get_data(as_text=True)  # kept, explained

    approved = admin.post(f"/organisations/{organisation.id}/approve", data={field: "Komorebi-Admin"})
    assert approved.status_code == 200 and 'data-testid="setup-link"' in approved.get_data(as_text=True)
    with platform_app.app_context():
        founder = db.session.scalar(select(PlatformUser).where(PlatformUser.organisation_id == organisation.id))
        assert founder.username == "komorebi-admin"


def test_only_platform_administrators_approve(platform_app, make_organisation, make_platform_user, platform_login):
    _response, organisation, _application = _apply(platform_app, "komorebi")
    organisation_admin = make_platform_user("organisation_admin", organisation=make_organisation())
    client = platform_login(organisation_admin)
    assert client.get("/organisations/review").status_code == 403
    assert client.post(f"/organisations/{organisation.id}/approve",
                       data={f"approve-{organisation.id}-username": "komorebi"}).status_code == 403
    assert fresh(platform_app, Organisation, organisation.id).status == OrganisationStatus.PENDING


def test_the_application_pages_say_how_the_link_is_handed_over(platform_app):
    client = platform_app.test_client()
    for page in ("/organisations/apply", "/organisations/applied"):
        text = client.get(page, headers={"Accept-Language": "ja"}).get_data(as_text=True)
        assert "公開連絡先" in text and "メールアドレス" in text, page
