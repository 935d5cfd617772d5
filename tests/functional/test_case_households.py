"""Households across cases (issue 10): the duplicate check at intake finds household members too, a 要配慮 case's
people are never disclosed to anyone without a reach to it, and cases of one household are linked.

The 8050 story: the son's case is at the welfare office (福祉事務所) with his mother as a household member; the
mother later comes to the social welfare council (社協), whose caseworker opens her intake.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from flask import Blueprint
from sqlalchemy import func, select

from council.access import grants
from council.audit.events import AuditTag
from council.audit.models import AuditEvent, AuditEventCase
from council.auth.models import Institution, User
from council.cases import persons
from council.cases.duplicates import HitRefused, read_hit_token
from council.cases.models import Case, CaseLink
from council.cases.services import PersonInput
from council.core.permissions import route
from council.database import db
from tests.conftest import db_get, english, fresh, sign_in

SON, MOTHER = "佐藤 一郎", "佐藤 花子"
MOTHER_KANA, MOTHER_BORN = "サトウ ハナコ", dt.date(1946, 3, 3)
HELD_AS_MEMBER = "Appears as a household member in a case held by 福祉事務所"
HELD_AS_SUBJECT = "Appears as the subject of a case held by"
OFFERS = ("requests.ask_holder", "handoffs.ask_referral", "breakglass.open")


@pytest.fixture
def household(app, make_institution, make_user, make_case):
    """The son's case at 福祉事務所 with the mother as household member; a 社協 caseworker; others around."""
    welfare, shakyo = make_institution("福祉事務所"), make_institution("社協", kind="social_welfare_council")
    lead = make_user("caseworker", institution=welfare)
    son = make_case(lead, name=SON, kana="サトウ イチロウ", birth=dt.date(1976, 5, 5), phone="090-1111-2222")
    with app.test_request_context():
        from council.access.policy import Action, authorize

        actor, case = db_get(app, User, lead.id), db_get(app, Case, son.id)
        persons.add_household_member(actor=actor, case=case, access=authorize(actor, Action.EDIT_DETAILS, case),
                                     data=PersonInput(name=MOTHER, kana=MOTHER_KANA, birth_date=MOTHER_BORN,
                                                      relationship="母"))
    return {
        "son": son, "lead": lead, "welfare": welfare, "shakyo": shakyo,
        "supervisor": make_user("supervisor", institution=welfare),
        "shakyo worker": make_user("caseworker", institution=shakyo),
        "other council": make_user("caseworker", institution=make_institution("よその機関", council="よその協議会")),
    }


def _client(app, user):
    client = english(app.test_client())
    assert sign_in(app, client, user).status_code == 302
    return client


def _intake(client, *, name=MOTHER, kana=MOTHER_KANA, born="1946-03-03", phone=""):
    return client.post("/cases/new", data={
        "name": name, "kana": kana, "birth_date": born, "phone": phone, "intake_date": "2026-04-10",
        "categories": ["単身高齢"], "risk": "medium", "referral_source": "self", "summary": "本人来所。",
        "summary_kind": "office", "summary_at": "2026-04-10T10:00"})


def _checks(app, user) -> list[tuple[str, list[int]]]:
    """The reason and the cases in the side table of each duplicate check ``user`` ran."""
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.tag == AuditTag.DUPLICATE_CHECKED,
                                                             AuditEvent.actor_user_id == user.id)
                                    .order_by(AuditEvent.seq)).all()
        return [(e.reason, sorted(db.session.scalars(select(AuditEventCase.case_id)
                                                     .where(AuditEventCase.event_seq == e.seq)))) for e in events]


def _restrict(app, user, case, reason="dv"):
    client = _client(app, user)
    response = client.post(f"/cases/{case.id}/restriction",
                           data={"reason": reason, "version": str(fresh(app, Case, case.id).version)})
    return client, response


def _offer_endpoints(app):
    """The handoff pages the intake offers, as other branches build them: dummies where they are not installed."""
    missing = [endpoint for endpoint in OFFERS if endpoint not in app.view_functions]
    for endpoint in missing:
        name, view_name = endpoint.split(".")
        blueprint = Blueprint(name, __name__, url_prefix=f"/dummy-{name}")

        def view():
            return "dummy"

        view.__name__ = view_name
        route(blueprint, f"/{view_name}", view, permission="cases.work", endpoint=view_name)
        app.register_blueprint(blueprint)


# -- the duplicate check --------------------------------------------------------------------------------------


def test_a_household_member_is_found_and_the_message_says_so(app, household):
    client = _client(app, household["shakyo worker"])
    response = _intake(client)
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and HELD_AS_MEMBER in page
    assert HELD_AS_SUBJECT not in page
    # Nothing of the case: neither its number nor anyone's name or a link to it.
    son = household["son"]
    assert son.number not in page and SON not in page and f"/cases/{son.id}" not in page
    assert _checks(app, household["shakyo worker"]) == [
        ("by name,kana,birth: 1 found, 1 as household member", [son.id])]


def test_the_subject_is_found_as_the_subject(app, household):
    client = _client(app, household["shakyo worker"])
    page = unescape(_intake(client, name=SON, kana="サトウ イチロウ", born="1976-05-05").get_data(as_text=True))
    assert f"{HELD_AS_SUBJECT} 福祉事務所" in page and "household member" not in page


def test_the_reader_of_the_case_gets_its_number_instead_of_offers(app, household):
    _offer_endpoints(app)
    page = _intake(_client(app, household["supervisor"])).get_data(as_text=True)
    son = household["son"]
    assert f'href="/cases/{son.id}"' in page and son.number in page and "hit=" not in page


def test_only_the_handoff_pages_that_exist_are_offered(app, household):
    page = _intake(_client(app, household["shakyo worker"])).get_data(as_text=True)
    offered = re.findall(r'href="([^"?]+)\?[^"]*" data-testid="hit-offer"', page)
    with app.test_request_context():
        from flask import url_for

        # Each offer is shown only where its page exists (the features land one by one).
        assert offered == [url_for(e) for e in OFFERS if e in app.view_functions]


def test_the_offers_carry_a_hit_token_for_that_user_and_case_only(app, household):
    _offer_endpoints(app)
    worker = household["shakyo worker"]
    page = _intake(_client(app, worker)).get_data(as_text=True)
    with app.test_request_context():
        from flask import url_for

        prefixes = [url_for(endpoint) for endpoint in OFFERS]
    hrefs = re.findall(r'href="([^"]+)" data-testid="hit-offer"', page)
    assert [href.split("?")[0] for href in hrefs] == prefixes
    tokens = {unescape(href).split("hit=", 1)[1] for href in hrefs}
    assert len(tokens) == 1
    token = tokens.pop()
    with app.test_request_context():
        from urllib.parse import unquote

        token = unquote(token)
        assert read_hit_token(token, worker) == household["son"].id
        with pytest.raises(HitRefused):
            read_hit_token(token, household["lead"])
        assert read_hit_token(token + "x", worker) is None


def test_a_removed_household_member_is_not_found(app, household):
    with app.test_request_context():
        from council.access.policy import Action, authorize

        actor, case = db_get(app, User, household["lead"].id), db_get(app, Case, household["son"].id)
        member = next(p for p in case.persons if p.relationship_kind == "household")
        persons.remove_household_member(actor=actor, case=case, access=authorize(actor, Action.EDIT_DETAILS, case),
                                        person=member, reason="誤登録")
    response = _intake(_client(app, household["shakyo worker"]))
    assert response.status_code == 302  # no possible duplicate: the case was opened at once


# -- 要配慮 ------------------------------------------------------------------------------------------------------


def test_a_restricted_case_is_never_disclosed_to_those_without_a_reach(app, household):
    son = household["son"]
    _client_, response = _restrict(app, household["lead"], son)
    assert response.status_code == 302
    worker = household["shakyo worker"]
    client = _client(app, worker)
    for name, kana, born in ((MOTHER, MOTHER_KANA, "1946-03-03"), (SON, "サトウ イチロウ", "1976-05-05")):
        response = _intake(client, name=name, kana=kana, born=born)
        # No possible duplicate at all: the case is opened at once.
        assert response.status_code == 302, unescape(response.get_data(as_text=True))
    # Not as a hit, not in the count, not in the side table of the check.
    assert [case_ids for _reason, case_ids in _checks(app, worker)] == [[], []]
    assert all(reason.endswith(": 0 found, 0 as household member") for reason, _ids in _checks(app, worker))
    found = client.post("/cases/search", data={"kana": MOTHER_KANA}).get_data(as_text=True)
    assert f"/cases/{son.id}" not in found and son.number not in found


def test_those_who_reach_a_restricted_case_still_find_its_people(app, household):
    son = household["son"]
    _restrict(app, household["lead"], son)
    supervisor = household["supervisor"]
    page = _intake(_client(app, supervisor)).get_data(as_text=True)
    assert son.number in page
    found = _client(app, supervisor).post("/cases/search", data={"kana": MOTHER_KANA}).get_data(as_text=True)
    assert f"/cases/{son.id}" in found
    # A share (here a summary one) is a reach: the check tells its holder where the case is.
    with app.app_context():
        grants.grant(actor=db_get(app, User, household["lead"].id), case=db_get(app, Case, son.id), scope="summary",
                     basis="referral:1", legal_basis="council_sharing",
                     institution=db_get(app, Institution, household["shakyo"].id))
        db.session.commit()
    assert HELD_AS_MEMBER in unescape(_intake(_client(app, household["shakyo worker"])).get_data(as_text=True))


def test_marking_is_audited_shown_and_lifting_needs_a_supervisor(app, household):
    son = household["son"]
    client, response = _restrict(app, household["lead"], son, reason="stalking")
    assert response.status_code == 302
    page = client.get(f"/cases/{son.id}").get_data(as_text=True)
    assert 'data-testid="restricted-banner"' in page and "Stalking" in page
    assert 'data-testid="restricted"' in client.get("/cases/").get_data(as_text=True)
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.tag == AuditTag.CASE_RESTRICTED)).one()
        assert (event.case_id, event.reason, event.actor_user_id) == (son.id, "stalking", household["lead"].id)
    # The caseworker may not lift it: explained, nothing changes.
    version = str(fresh(app, Case, son.id).version)
    lifted = client.post(f"/cases/{son.id}/restriction/lift", data={"version": version}, follow_redirects=True)
    assert "Only a supervisor" in lifted.get_data(as_text=True) and fresh(app, Case, son.id).restricted
    supervisor = _client(app, household["supervisor"])
    assert "Lift 要配慮" in supervisor.get(f"/cases/{son.id}/restriction").get_data(as_text=True)
    assert supervisor.post(f"/cases/{son.id}/restriction/lift", data={"version": version}).status_code == 302
    stored = fresh(app, Case, son.id)
    assert not stored.restricted and stored.restricted_reason is None
    assert HELD_AS_MEMBER in unescape(_intake(_client(app, household["shakyo worker"])).get_data(as_text=True))


def test_only_the_lead_marks_a_case_restricted(app, household):
    son = household["son"]
    # A full share may edit the case, not decide how findable it is: explained, not marked.
    with app.app_context():
        grants.grant(actor=db_get(app, User, household["lead"].id), case=db_get(app, Case, son.id), scope="full",
                     basis="referral:1", legal_basis="council_sharing",
                     institution=db_get(app, Institution, household["shakyo"].id))
        db.session.commit()
    _client_, response = _restrict(app, household["shakyo worker"], son)
    assert response.status_code == 400 and "Only the lead institution" in response.get_data(as_text=True)
    assert not fresh(app, Case, son.id).restricted
    _client_, response = _restrict(app, household["other council"], son)
    assert response.status_code == 404 and not fresh(app, Case, son.id).restricted


def test_a_stale_or_unknown_reason_is_refused_with_what_was_chosen(app, household):
    son = household["son"]
    client = _client(app, household["lead"])
    response = client.post(f"/cases/{son.id}/restriction", data={"reason": "dv", "version": "0"})
    assert response.status_code == 409 and 'data-testid="error-summary"' in response.get_data(as_text=True)
    response = client.post(f"/cases/{son.id}/restriction", data={"reason": "about the person", "version": "1"})
    assert response.status_code == 400 and not fresh(app, Case, son.id).restricted


# -- linked cases -----------------------------------------------------------------------------------------------


def _mother_case(app, make_case, household):
    return make_case(household["shakyo worker"], name=MOTHER, kana=MOTHER_KANA, birth=MOTHER_BORN, phone="")


def _link(client, case, number, reason="same_household"):
    return client.post(f"/cases/{case.id}/links", data={"number": number, "relation": reason})


def _links(app) -> list[CaseLink]:
    with app.app_context():
        return list(db.session.scalars(select(CaseLink).order_by(CaseLink.id)))


def test_own_cases_are_linked_and_unlinked(app, household, make_case):
    lead, son = household["lead"], household["son"]
    sister = make_case(lead, name="佐藤 春子", kana="サトウ ハルコ")
    client = _client(app, lead)
    assert _link(client, son, sister.number).status_code == 302
    for here, there in ((son, sister), (sister, son)):
        page = client.get(f"/cases/{here.id}").get_data(as_text=True)
        assert f'<a href="/cases/{there.id}">{there.number}</a>' in page
    link = _links(app)[0]
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.tag == AuditTag.CASE_LINKED)).one()
        linked = sorted(db.session.scalars(select(AuditEventCase.case_id).where(AuditEventCase.event_seq == event.seq)))
    assert event.case_id == son.id and event.reason == "same_household" and linked == sorted([son.id, sister.id])
    assert _link(client, sister, son.number).status_code == 400  # already linked, from either side
    response = client.post(f"/cases/{sister.id}/links/end", data={"link_id": link.id, "reason": "mistake"})
    assert response.status_code == 302 and _links(app)[0].ended_at is not None
    assert f'href="/cases/{sister.id}"' not in client.get(f"/cases/{son.id}").get_data(as_text=True)


def test_a_granted_worker_links_and_each_side_sees_what_it_may(app, household, make_case):
    son, mother = household["son"], _mother_case(app, make_case, household)
    worker = household["shakyo worker"]
    client = _client(app, worker)
    # Unrelated: no reach to the son's case, so its number is not one they may link (nor told it exists).
    response = _link(client, mother, son.number)
    assert response.status_code == 400 and f"No case you may read has the number {son.number}" in response.get_data(
        as_text=True)
    assert _link(client, mother, "2026-9999").get_data(as_text=True).count("No case you may read") == 1
    with app.app_context():
        grants.grant(actor=db_get(app, User, household["lead"].id), case=db_get(app, Case, son.id), scope="full",
                     basis="referral:1", legal_basis="council_sharing",
                     institution=db_get(app, Institution, household["shakyo"].id))
        db.session.commit()
    assert _link(client, mother, son.number).status_code == 302
    # The 社協 worker reaches both: numbers on both sides.
    assert f'<a href="/cases/{son.id}">' in client.get(f"/cases/{mother.id}").get_data(as_text=True)
    # The welfare office does not reach the mother's case: the institution only, no number, no link.
    page = _client(app, household["lead"]).get(f"/cases/{son.id}").get_data(as_text=True)
    assert "A related case is held by 社協." in page
    assert mother.number not in page and f"/cases/{mother.id}" not in page


def test_a_restricted_linked_case_is_not_shown_to_those_without_a_reach(app, household, make_case):
    son, mother = household["son"], _mother_case(app, make_case, household)
    with app.app_context():
        grants.grant(actor=db_get(app, User, household["lead"].id), case=db_get(app, Case, son.id), scope="full",
                     basis="referral:1", legal_basis="council_sharing",
                     institution=db_get(app, Institution, household["shakyo"].id))
        db.session.commit()
    client = _client(app, household["shakyo worker"])
    assert _link(client, mother, son.number).status_code == 302
    _restrict(app, household["shakyo worker"], mother)
    page = _client(app, household["lead"]).get(f"/cases/{son.id}").get_data(as_text=True)
    # (The share with the 社協 itself is listed by the handoffs panel; the link to its restricted case is not.)
    links = re.search(r'<section data-panel="links">.*?</section>', page, re.S)
    assert (links is None or "社協" not in links.group(0)) and 'data-testid="linked-case"' not in page


def test_linking_across_councils_or_to_itself_is_refused(app, household, make_case):
    son = household["son"]
    stranger = household["other council"]
    own = make_case(stranger, name="別人 三郎", kana="ベツジン サブロウ")
    client = _client(app, stranger)
    assert _link(client, son, own.number).status_code == 404  # the other council's case does not exist for them
    # Numbers are per council: the son's number names, if anything, a case of their own council.
    assert _link(client, own, son.number).status_code == 400
    assert "cannot be linked to itself" in _link(client, own, own.number).get_data(as_text=True)
    assert _links(app) == []


def test_unlinking_a_link_of_another_case_is_refused(app, household, make_case):
    lead, son = household["lead"], household["son"]
    a, b = make_case(lead, name="甲 一"), make_case(lead, name="乙 二")
    client = _client(app, lead)
    _link(client, a, b.number)
    link = _links(app)[0]
    response = client.post(f"/cases/{son.id}/links/end", data={"link_id": link.id, "reason": "mistake"})
    assert response.status_code == 400 and 'data-testid="unlink-refused"' in response.get_data(as_text=True)
    assert _links(app)[0].ended_at is None
    # Someone who may not edit the case cannot end its links.
    outsider = _client(app, household["shakyo worker"])
    assert outsider.post(f"/cases/{a.id}/links/end", data={"link_id": link.id, "reason": "mistake"}).status_code == 404


# -- the demo ------------------------------------------------------------------------------------------------


def test_the_demo_shows_the_household_a_restricted_case_and_a_link(app, runner):
    from council.cases.search import SearchTerms, possible_duplicates
    from council.cli import cli

    assert runner.invoke(cli, ["demo"]).exit_code == 0
    with app.test_request_context():
        caseworker = db.session.scalar(select(User).where(User.username == "demo-caseworker"))  # at 社協
        mother = possible_duplicates(actor=caseworker, terms=SearchTerms(
            name="緑川 タツ子", kana="ミドリカワ タツコ", birth_date=dt.date(1948, 2, 11)))
        assert [(hit.institution.name, hit.as_subject, hit.visible_case) for hit in mother] == [
            ("みどり市 福祉総合相談課", False, None)]
        assert mother[0].hit_token
        for name, kana in (("青葉 由紀", "アオバ ユキ"), ("青葉 剛", "アオバ ツヨシ")):
            assert possible_duplicates(actor=caseworker, terms=SearchTerms(name=name, kana=kana)) == []
        assert db.session.scalar(select(func.count()).select_from(Case).where(Case.restricted.is_(True))) == 1
        assert db.session.scalar(select(func.count()).select_from(CaseLink)) == 1


def test_the_ledger_import_does_not_disclose_a_restricted_case(app, household, make_user, tmp_path):
    """A supervisor importing a ledger whose row names the son: refused naming 福祉事務所 while the case is open to
    matching; imported without a word about it once the case is 要配慮 (that institution reaches nothing of it)."""
    import csv

    supervisor = make_user("supervisor", institution=household["shakyo"])
    path = tmp_path / "ledger.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([
            ["氏名", "フリガナ", "生年月日", "性別", "住所", "電話番号", "相談内容", "分類", "担当機関", "受付日"],
            [SON, "サトウ イチロウ", "1976-05-05", "男", "", "", "来所相談", "ひきこもり", "", "2026-04-02"]])

    def upload():
        client = _client(app, supervisor)
        with path.open("rb") as handle:
            return client.post("/cases/import", data={"ledger": (handle, "台帳.csv"), "institution": "社協"},
                               content_type="multipart/form-data")

    refused = upload()
    assert refused.status_code == 400 and "福祉事務所" in refused.get_data(as_text=True)
    _restrict(app, household["lead"], household["son"])
    assert upload().status_code == 302


def test_a_hit_may_not_be_acted_on_once_the_case_is_restricted(app, household):
    from council.cases.search import may_ask_about

    son, worker = household["son"], household["shakyo worker"]
    with app.app_context():
        assert may_ask_about(db_get(app, User, worker.id), db_get(app, Case, son.id))
        assert not may_ask_about(db_get(app, User, household["other council"].id), db_get(app, Case, son.id))
    _restrict(app, household["lead"], son)
    with app.app_context():
        assert not may_ask_about(db_get(app, User, worker.id), db_get(app, Case, son.id))
        assert may_ask_about(db_get(app, User, household["supervisor"].id), db_get(app, Case, son.id))


def test_the_progress_ledger_and_the_list_mark_a_restricted_case(app, household, make_institution, make_user):
    coordinator = make_user("coordinator", institution=make_institution("調整機関", coordinator=True))
    son = household["son"]
    _restrict(app, household["lead"], son)
    page = _client(app, coordinator).get("/cases/ledger").get_data(as_text=True)
    row = next(line for line in page.split("<tr") if son.number in line)
    assert 'data-testid="restricted"' in row and MOTHER not in page and SON not in page
    assert 'data-testid="restricted"' in _client(app, household["supervisor"]).get("/cases/").get_data(as_text=True)
