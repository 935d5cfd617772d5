"""An organisation's own registered public contact may appear in what its staff write — an event's 参加方法
「申込みは事務局（0436-12-3456）まで」 — and nothing else may: another number, another organisation's contact, or
the same number written by someone outside the organisation is still refused (issue 14)."""

import pytest
from sqlalchemy import select

from council.platform.database import db
from council.platform.organisations.models import Organisation
from council.platform.places.models import Place
from tests.conftest import count

PLACE = {"name": "なかよしカフェ", "kind": "event", "area": "北部", "fields": ["places"], "venue": "市民会館 1階",
         "schedule": "毎月第2土曜 13時〜15時", "audience": "どなたでも", "cost": "無料", "accessibility": "",
         "description": ""}
OWN = "事務局 0436-12-3456 / cafe@midori.example.jp"


@pytest.fixture
def organisations(platform_app, make_organisation):
    own, other = make_organisation("NPO法人みどりの輪"), make_organisation("NPO法人となり")
    with platform_app.app_context():
        db.session.get(Organisation, own.id).public_contact = OWN
        db.session.get(Organisation, other.id).public_contact = "となり事務局 0436-77-8888"
        db.session.commit()
    return own, other


def _publish(client, how_to_join: str):
    return client.post("/places/new", data={**PLACE, "how_to_join": how_to_join})


@pytest.mark.parametrize("how_to_join", [
    "申込みは事務局（0436-12-3456）まで", "申込みは事務局（0436123456）まで", "申込みは ０４３６－１２－３４５６ まで",
    "メールで cafe@midori.example.jp へ", "事務局 0436-12-3456 または cafe@midori.example.jp まで",
])
def test_the_organisations_own_contact_is_accepted_in_its_post(organisations, make_platform_user, platform_login,
                                                               platform_app, how_to_join):
    staff = platform_login(make_platform_user("member", organisation=organisations[0]))
    response = _publish(staff, how_to_join)
    assert response.status_code == 302, how_to_join
    with platform_app.app_context():
        assert db.session.scalar(select(Place.how_to_join)) == how_to_join


@pytest.mark.parametrize("how_to_join", [
    "申込みは 0436-12-9999 まで",                      # another number
    "申込みは となり事務局 0436-77-8888 まで",          # another organisation's registered contact
    "申込みは事務局（0436-12-3456）か担当の 090-1234-5678 まで",  # the own number does not carry a second one
    "メールで someone@midori.example.jp へ",            # another address at the same domain
])
def test_any_other_contact_is_still_refused(organisations, make_platform_user, platform_login, platform_app,
                                            how_to_join):
    staff = platform_login(make_platform_user("member", organisation=organisations[0]))
    response = _publish(staff, how_to_join)
    assert response.status_code == 200 and 'data-testid="pii-found"' in response.get_data(as_text=True)
    assert count(platform_app, Place) == 0


def test_staff_of_another_organisation_may_not_write_its_number(organisations, make_platform_user, platform_login,
                                                                 platform_app):
    neighbour = platform_login(make_platform_user("member", organisation=organisations[1]))
    assert _publish(neighbour, "申込みは事務局（0436-12-3456）まで").status_code == 200
    assert count(platform_app, Place) == 0


def test_a_board_post_may_carry_the_own_contact_but_not_a_personal_one(organisations, make_platform_user,
                                                                         platform_login):
    admin = platform_login(make_platform_user("admin"))
    topic = admin.post("/board/topics", data={"name": "居場所づくり分科会", "description": "", "position": "1"})
    topic_id = int(topic.headers["Location"].rsplit("/", 1)[1])
    # The platform administrator has no organisation: the number is not theirs to write.
    assert admin.post(f"/board/topics/{topic_id}/new",
                      data={"title": "見学会", "body": "問い合わせは 0436-12-3456 へ"}).status_code == 200
    staff = platform_login(make_platform_user("member", organisation=organisations[0]))
    new_thread = f"/board/topics/{topic_id}/new"
    accepted = staff.post(new_thread, data={"title": "見学会", "body": "問い合わせは 0436-12-3456 へ"})
    assert accepted.status_code == 302
    refused = staff.post(new_thread, data={"title": "見学会", "body": "問い合わせは 090-1111-2222 へ"})
    assert refused.status_code == 200 and 'data-testid="pii-found"' in refused.get_data(as_text=True)
