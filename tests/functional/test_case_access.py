"""Every case route through the case gate (DESIGN.md §5), derived from the app's ``url_map``: a rule with
``<case_id>`` that has no sample request here fails the suite, so a new route cannot skip the matrix.

For each route: the lead institution's caseworker gets the content (the subject's name, the record's text, the
file's bytes — not just a status); another institution's caseworker, another council's supervisor, an auditor, an
administrator, and a reader of a summary share where the action needs the full case get 404, and each refusal is
an audit event with that case's id and the route's action. A reader of a summary share gets the summary where the
route shows one. Then the older matrix: every kind of user × open and closed cases.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from council.access import grants
from council.access.gate import gated_action
from council.access.models import LegalBasis
from council.access.policy import Action, authorize
from council.access.scopes import SCOPE_ACTIONS, Scope
from council.audit.events import AuditTag
from council.audit.models import AuditEvent
from council.auth.models import Institution, User
from council.cases import documents, links, persons, records
from council.cases.models import Attachment, Case, CasePlan, Consent, Person, SupportRecord
from council.cases.services import PersonInput, open_case
from council.core import clock
from council.database import db
from council.handoffs.breakglass.models import BreakGlass
from council.handoffs.breakglass.services import break_glass
from council.handoffs.models import Handoff
from tests.conftest import db_get, english, fresh, sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SUBJECT, MEMBER, BODY, EARLIER = "山田 太郎", "山田 花子", "二回目の訪問。本人と話せた。", "初めの書き方。"
PLAN, KEY_PERSON, FILENAME, PURPOSE = "週1回の電話で見守る", "山田 一郎（叔父）", "面談メモ.pdf", "就労支援のため"
BREAK_REASON = "夜間に姉から電話、安否確認のため"
QUESTION = "以前こちらで相談を受けていた方でしょうか"


@dataclass
class World:
    """One case of the home institution with something in every part, and the people who try to reach it."""

    case: Case
    ids: dict[str, int | str]
    users: dict[str, User]
    version: int = 1
    #: what the tests read back (e.g. the institution a consent may name)
    extra: dict = field(default_factory=dict)


def _populate(app, case: Case, owner: User, partner: Institution) -> dict[str, int | str]:
    with app.test_request_context():
        actor, stored = db_get(app, User, owner.id), db_get(app, Case, case.id)
        edit, write = authorize(actor, Action.EDIT_DETAILS, stored), authorize(actor, Action.WRITE_RECORD, stored)
        row = records.add_record(actor=actor, case=stored, access=write, kind="visit", body=EARLIER,
                                 occurred_at=dt.datetime(2026, 4, 2, 1, 0, tzinfo=dt.UTC))
        records.edit_record(actor=actor, case=stored, access=write, row=row, version=1, kind="visit", body=BODY,
                            occurred_at=dt.datetime(2026, 4, 2, 1, 0, tzinfo=dt.UTC))
        attachment = documents.add_attachment(actor=actor, case=stored, access=write, filename=FILENAME, content=PDF)
        consent = documents.record_consent(actor=actor, case=stored, access=edit, purpose_code="referral",
                                           purpose=PURPOSE, recipients="相談窓口", scope="概要",
                                           obtained_on=dt.date(2026, 4, 1), obtained_how="written",
                                           given_by="person", recipient_institution_ids=[partner.id])
        member = persons.add_household_member(actor=actor, case=stored, access=edit,
                                              data=PersonInput(name=MEMBER, kana="ヤマダ ハナコ", relationship="母"))
        documents.save_plan(actor=actor, case=stored, access=edit, based_on=0, assessment="見立て", plan=PLAN,
                            goals="就労")
        persons.update_details(actor=actor, case=stored, access=edit, categories=stored.categories, risk="medium",
                               next_review_date=None, key_person=KEY_PERSON, assigned=[actor],
                               version=stored.version, referral_source="family", contact_person="母")
        # Two more cases of the household: one linked already (to unlink), one to link.
        linked, unlinked = (open_case(actor=actor, lead_institution=actor.institution, intake_date=dt.date(2026, 4, 1),
                                      categories=[], risk="low", subject=PersonInput(name=name, kana=""),
                                      assigned=[actor]) for name in ("山田 一子", "山田 二子"))
        link = links.link_cases(actor=actor, case=stored, access=edit, number=linked.number, reason="same_household")
        # 緊急アクセス by a worker of the partner institution (a user grant: nobody else there gains anything).
        breaker = User(username=f"breaker-{stored.id}", display_name="緊急 利用者", institution_id=partner.id,
                       role="caseworker", failed_logins=0)
        db.session.add(breaker)
        db.session.commit()
        used = break_glass(actor=breaker, case=db_get(app, Case, stored.id), risk="life", reason=BREAK_REASON,
                           via="number")
        asked = _ask_holder(stored, partner)
        return {"case_id": stored.id, "record_id": row.id, "attachment_id": attachment.id, "consent_id": consent.id,
                "person_id": member.id, "link_id": link.id, "link_to": unlinked.number,
                "break_glass_id": used.id, "information_request_id": asked.id,
                **_handoffs_for_samples(actor, stored, partner), **_meeting_brief_for_samples(actor, stored),
                **_meeting_item_for_samples(actor, stored)}


def _ask_holder(case: Case, partner: Institution):
    """A question to the case's holder from a worker of the partner institution (after a duplicate-check hit): the
    lead institution answers or declines it."""
    from council.handoffs.requests.services import ask_holder

    asker = User(username=f"asker-{case.id}", display_name="質問 者", institution_id=partner.id, role="caseworker",
                 failed_logins=0)
    db.session.add(asker)
    db.session.flush()
    return ask_holder(actor=asker, case=case, kind="information", question=QUESTION,
                      due_on=clock.japan_today() + dt.timedelta(days=14))


@pytest.fixture
def world(app, make_user, make_institution, make_case) -> World:
    home, partner = make_institution("ホーム機関"), make_institution("つなぎ先の窓口")
    owner = make_user("caseworker", institution=home)
    case = make_case(owner, name=SUBJECT)
    ids = _populate(app, case, owner, partner)
    ids["lead_supervisor_id"] = make_user("supervisor", institution=home).id
    ids["disclosure_seq"] = _disclosed(app, ids["lead_supervisor_id"], case.id)
    users = {
        "lead caseworker": owner,
        "caseworker of another institution": make_user("caseworker", institution=make_institution("ほかの機関")),
        "supervisor of another council": make_user("supervisor", institution=make_institution(
            "よその協議会の機関", council="よその協議会")),
        "auditor": make_user("auditor", institution=home),
        "admin": make_user("admin", institution=home),
        "summary share": make_user("caseworker", institution=partner),
    }
    with app.app_context():
        grants.grant(actor=db_get(app, User, owner.id), case=db_get(app, Case, case.id), scope="summary",
                     basis="referral:1", legal_basis="council_sharing",
                     institution=db_get(app, Institution, partner.id))
        db.session.commit()
    return World(case=case, ids=ids, users=users, version=fresh(app, Case, case.id).version,
                 extra={"partner": partner.id})


# -- one sample request per rule ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """A request to a case route and what the lead institution's caseworker must then see."""

    #: path with {case_id}, {record_id} … filled from the world
    path: str
    #: form data (a callable of the world where it needs the case's version)
    data: dict | Callable[[World], dict] = field(default_factory=dict)
    #: ``check(body, world)`` on the final page (POSTs follow their redirect back to the case)
    check: Callable[[bytes, World], None] = lambda body, world: None
    multipart: bool = False
    #: The id in the world of the user who gets in, when the route's action is not the lead caseworker's (a meeting's
    #: decision: a member holding the meeting's brief). Everyone of the older matrix is then refused.
    signed_in_as: str | None = None
    #: Who of the older matrix (``WHO``) gets in all the same, where ``signed_in_as`` names a role they hold too (the
    #: disclosure report: the lead institution's supervisor).
    also: frozenset[str] = frozenset()

    def request(self, client, world: World, *, method: str, follow: bool):
        data = self.data(world) if callable(self.data) else dict(self.data)
        if self.multipart:
            data = {**data, "file": (io.BytesIO(PDF), "新しい資料.pdf")}
        return client.open(self.path.format(**world.ids), method=method, data=data, follow_redirects=follow,
                           content_type="multipart/form-data" if self.multipart else None)


def shows(*texts: str) -> Callable[[bytes, World], None]:
    def check(body: bytes, world: World) -> None:
        page = body.decode()
        missing = [text for text in texts if text.format(number=world.case.number) not in page]
        assert not missing, f"missing {missing}"

    return check


def shows_not(text: str, *also: str) -> Callable[[bytes, World], None]:
    def check(body: bytes, world: World) -> None:
        page = body.decode()
        assert text not in page and all(a in page for a in also), (text, also)

    return check


def _status(world: World) -> dict:
    return {"status": "assessment", "reason": "面談へ", "version": str(world.version)}


def _details(world: World) -> dict:
    return {"categories": ["ひきこもり"], "risk": "high", "key_person": "新しい キーパーソン",
            "version": str(world.version),
            "assigned": [world.users["lead caseworker"].id], "contact_person": "母"}


def _person(world: World) -> dict:
    return {"name": "山田 春子", "kana": "ヤマダ ハルコ", "relationship": "母", "version": str(world.version)}


def _consent(world: World) -> dict:
    return {"purpose_code": "other", "purpose": "見守りの共有", "recipients": "社協", "scope": "概要",
            "obtained_on": "2026-04-03", "obtained_how": "oral", "given_by": "person",
            "recipient_institutions": [world.extra["partner"]]}


def _restriction(world: World) -> dict:
    return {"reason": "dv", "version": str(world.version)}


def _link(world: World) -> dict:
    return {"number": world.ids["link_to"], "relation": "family"}


def _request(world: World) -> dict:
    return {"request-to_institution": str(world.extra["partner"]), "request-kind": "information",
            "request-question": "就労の状況を教えてください", "request-legal_basis": "consent",
            "request-consent": str(world.ids["consent_id"]),
            "request-due_on": (clock.japan_today() + dt.timedelta(days=14)).isoformat()}


def _answer(world: World) -> dict:
    prefix = f"answer-{world.ids['information_request_id']}"
    return {f"{prefix}-answer": "二年前まで当センターで相談を受けていました", f"{prefix}-legal_basis": "consent",
            f"{prefix}-consent": str(world.ids["consent_id"])}


def _decline(world: World) -> dict:
    return {f"decline-{world.ids['information_request_id']}-reason": "本人の同意を確認できないため"}


def _file_bytes(body: bytes, world: World) -> None:
    assert body == PDF


#: (endpoint, method) → sample. Removals last: the older matrix below sends them in this order to one case.
SAMPLES: dict[tuple[str, str], Sample] = {
    ("cases.view", "GET"): Sample("/cases/{case_id}", check=shows(SUBJECT, BODY, MEMBER, PLAN, FILENAME, PURPOSE)),
    ("cases.print", "GET"): Sample("/cases/{case_id}/print", check=shows(SUBJECT, BODY, MEMBER, PLAN)),
    # Break-glass buttons on the case page: the lead's caseworker neither used it nor supervises, so each is refused
    # with an explanation on the case page (the user who broke in, and a lead supervisor, have their own tests).
    ("breakglass.end", "POST"): Sample("/break-glass/cases/{case_id}/{break_glass_id}/end",
                                       check=shows("Only the person who used emergency access can end it.")),
    ("breakglass.acknowledge", "POST"): Sample(
        "/break-glass/cases/{case_id}/{break_glass_id}/acknowledge",
        check=shows("Only a supervisor of the lead institution acknowledges emergency access.")),
    ("cases.record_add", "POST"): Sample("/cases/{case_id}/records", {"occurred_at": "2026-04-05T10:00",
                                                                      "kind": "phone", "body": "電話で近況確認"},
                                         check=shows("電話で近況確認", BODY)),
    ("cases.record_edit", "GET"): Sample("/cases/{case_id}/records/{record_id}/edit", check=shows(BODY)),
    ("cases.record_edit", "POST"): Sample("/cases/{case_id}/records/{record_id}/edit",
                                          {"occurred_at": "2026-04-02T10:00", "kind": "visit", "body": "書き直した記録",
                                           "version": "2"}, check=shows_not(BODY, "書き直した記録")),
    ("cases.record_history", "GET"): Sample("/cases/{case_id}/records/{record_id}/history", check=shows(EARLIER)),
    ("cases.record_delete", "POST"): Sample("/cases/{case_id}/records/{record_id}/delete", {"reason": "重複して入力"},
                                            check=shows("Deleted: 重複して入力")),
    ("cases.status", "POST"): Sample("/cases/{case_id}/status", _status, check=shows("Assessment", "面談へ")),
    ("cases.consent_add", "GET"): Sample("/cases/{case_id}/consents", check=shows("つなぎ先の窓口")),
    ("cases.consent_add", "POST"): Sample("/cases/{case_id}/consents", _consent, check=shows("見守りの共有", PURPOSE)),
    ("cases.consent_withdraw", "POST"): Sample("/cases/{case_id}/consents/{consent_id}/withdraw", {"version": "1"},
                                               check=shows("Withdrawn", PURPOSE)),
    ("requests.new", "GET"): Sample("/requests/{case_id}/new", check=shows("つなぎ先の窓口", "{number}")),
    ("requests.new", "POST"): Sample("/requests/{case_id}/new", _request, check=shows("就労の状況を教えてください",
                                                                                     QUESTION)),
    ("requests.answer", "POST"): Sample("/requests/{case_id}/{information_request_id}/answer", _answer,
                                        check=shows("二年前まで当センターで相談を受けていました", BODY)),
    ("requests.decline", "POST"): Sample("/requests/{case_id}/{information_request_id}/decline", _decline,
                                         check=shows("本人の同意を確認できないため", QUESTION)),
    ("cases.plan", "GET"): Sample("/cases/{case_id}/plan", check=shows(PLAN, "見立て")),
    ("cases.plan", "POST"): Sample("/cases/{case_id}/plan", {"assessment": "新しい見立て", "plan": "月2回の訪問",
                                                             "goals": "外出", "based_on": "1"},
                                   check=shows("月2回の訪問", "新しい見立て")),
    ("cases.plan_history", "GET"): Sample("/cases/{case_id}/plan/history", check=shows(PLAN, "見立て")),
    ("cases.attachment_add", "POST"): Sample("/cases/{case_id}/attachments", multipart=True,
                                             check=shows("新しい資料.pdf", FILENAME)),
    ("cases.attachment", "GET"): Sample("/cases/{case_id}/attachments/{attachment_id}", check=_file_bytes),
    ("cases.details", "GET"): Sample("/cases/{case_id}/edit", check=shows(KEY_PERSON)),
    ("cases.details", "POST"): Sample("/cases/{case_id}/edit", _details, check=shows("新しい キーパーソン", SUBJECT)),
    ("cases.restriction", "GET"): Sample("/cases/{case_id}/restriction", check=shows("Mark 要配慮")),
    ("cases.restriction", "POST"): Sample("/cases/{case_id}/restriction", _restriction,
                                          check=shows("Domestic violence (DV)", SUBJECT)),
    # A caseworker may mark, not lift: the refusal is explained on the case page.
    ("cases.restriction_lift", "POST"): Sample("/cases/{case_id}/restriction/lift", {"version": "1"},
                                               check=shows("Only a supervisor of the lead institution", SUBJECT)),
    ("cases.link_add", "POST"): Sample("/cases/{case_id}/links", _link, check=shows("Family living apart", SUBJECT)),
    ("cases.link_end", "POST"): Sample("/cases/{case_id}/links/end", lambda world: {
        "link_id": str(world.ids["link_id"]), "reason": "mistake"}, check=shows("No linked cases.", SUBJECT)),
    ("cases.person_new", "GET"): Sample("/cases/{case_id}/persons/new", check=shows("Household member · {number}")),
    ("cases.person_new", "POST"): Sample("/cases/{case_id}/persons/new", _person, check=shows("山田 春子", MEMBER)),
    ("cases.person_edit", "GET"): Sample("/cases/{case_id}/persons/{person_id}/edit", check=shows(MEMBER)),
    ("cases.person_edit", "POST"): Sample("/cases/{case_id}/persons/{person_id}/edit", _person,
                                          check=shows_not(MEMBER, "山田 春子", SUBJECT)),
    ("cases.person_remove", "GET"): Sample("/cases/{case_id}/persons/{person_id}/remove", check=shows(MEMBER)),
    ("cases.attachment_remove", "GET"): Sample("/cases/{case_id}/attachments/{attachment_id}/remove",
                                               check=shows(FILENAME)),
    ("cases.person_remove", "POST"): Sample("/cases/{case_id}/persons/{person_id}/remove", {"reason": "誤登録"},
                                            check=shows_not(MEMBER, SUBJECT)),
    ("cases.attachment_remove", "POST"): Sample("/cases/{case_id}/attachments/{attachment_id}/remove",
                                                {"reason": "誤登録"}, check=shows_not(FILENAME, SUBJECT)),
}

# -- handoffs (council.handoffs): a request for the lead to answer, a pending referral and a transfer awaiting approval
# the lead sent, a referral another institution accepted — none of them with the summary share's institution, whose
# reader is refused as a bystander (the case page again, with the panel's error).


def _handoffs_for_samples(actor: User, case: Case, partner: Institution) -> dict[str, int]:
    from council.handoffs import decisions, services
    from council.handoffs.models import HandoffKind

    def institution_with_worker(name: str) -> tuple[Institution, User]:
        institution = Institution(council_id=case.council_id, name=f"{name}{case.id}", kind="npo")
        db.session.add(institution)
        db.session.flush()
        worker = User(username=f"{name}-worker-{case.id}", display_name="テスト 利用者", institution_id=institution.id,
                      role="caseworker", failed_logins=0)
        db.session.add(worker)
        db.session.commit()
        return institution, worker

    joined, joiner = institution_with_worker("つなぎ済みの機関")
    asked, _asked_worker = institution_with_worker("依頼中の機関")
    _partner_institution, asker = institution_with_worker("依頼元")
    asker.institution_id = partner.id
    db.session.commit()
    access = authorize(actor, Action.MANAGE_SHARES, case)

    def sent(kind: HandoffKind, to: Institution) -> int:
        return services.send(actor=actor, case=case, access=access, data=services.HandoffInput(
            kind=kind, receiver=to, legal_basis=LegalBasis.EMERGENCY, emergency_reason="至急の見守り",
            message=HANDOFF_MESSAGE)).id

    accepted = db.session.get(Handoff, sent(HandoffKind.REFERRAL, joined))
    decisions.accept(actor=joiner, case=case, handoff=accepted, version=accepted.version)
    return {"handoff_id": sent(HandoffKind.REFERRAL, asked), "transfer_id": sent(HandoffKind.TRANSFER, asked),
            "accepted_id": accepted.id, "request_id": decisions.ask_referral(actor=asker, case=case).id}


HANDOFF_MESSAGE = "見守りをお願いします"


def _referral(world: World) -> dict:
    return {"kind": "referral", "receiver": world.extra["partner"], "receiver_user": "0", "scope": "summary",
            "legal_basis": "consent", "consent": world.ids["consent_id"], "message": "つなぎのお願い"}


_HANDOFF = "/cases/{case_id}/handoffs"
SAMPLES |= {
    ("handoffs.send", "GET"): Sample(f"{_HANDOFF}/new", check=shows("つなぎ先の窓口", "Refer or transfer")),
    ("handoffs.send", "POST"): Sample(f"{_HANDOFF}/new", _referral, check=shows("つなぎのお願い", SUBJECT)),
    ("handoffs.ask_transfer", "GET"): Sample(f"{_HANDOFF}/ask-transfer", check=shows("nobody to ask")),
    ("handoffs.ask_transfer", "POST"): Sample(f"{_HANDOFF}/ask-transfer", {"message": "当会で引き継ぎたい"},
                                              check=shows("nobody to ask", SUBJECT)),
    ("handoffs.accept", "POST"): Sample(_HANDOFF + "/{request_id}/accept", {"version": "1"},
                                        check=shows("This answers a request from つなぎ先の窓口")),
    ("handoffs.decline", "POST"): Sample(_HANDOFF + "/{request_id}/decline",
                                         {"version": "1", "reason": "当所で継続して支援"},
                                         check=shows("当所で継続して支援")),
    ("handoffs.cancel", "POST"): Sample(_HANDOFF + "/{handoff_id}/cancel", {"version": "1"},
                                        check=shows("Cancelled (取消)", HANDOFF_MESSAGE)),
    ("handoffs.end", "POST"): Sample(_HANDOFF + "/{accepted_id}/end", {"version": "2", "reason": "支援が終わったため"},
                                     check=shows("支援が終わったため")),
    # A caseworker does not approve a transfer: told so on the case page (a supervisor's approval is tested in
    # tests/functional/handoffs).
    ("handoffs.approve", "POST"): Sample(_HANDOFF + "/{transfer_id}/approve", {"version": "1"},
                                         check=shows("Only a supervisor of the sending institution approves this.")),
}


# -- meetings (council.meetings): a case review meeting with the case on its agenda and the brief its lead prepared.
# The lead reads, reveals, prints and changes it; nobody else reaches it (participants' windows: tests/functional/
# meetings).

BRIEF_SITUATION, BRIEF_PERSONAL = "会議で協議したい状況", "氏名と住所（会議用）"


def _meeting_brief_for_samples(actor: User, case: Case) -> dict[str, int]:
    from council.meetings import briefs
    from council.meetings.models import Meeting, MeetingItem

    starts = clock.utcnow() + dt.timedelta(days=7)
    meeting = Meeting(council_id=case.council_id, kind="case_review", state="scheduled", title="第1回会議",
                      starts_at=starts, ends_at=starts + dt.timedelta(hours=2), place="会議室", created_by=actor.id)
    meeting.items = [MeetingItem(position=1, case_id=case.id)]
    db.session.add(meeting)
    db.session.commit()
    briefs.save_brief(actor=actor, case=case, access=authorize(actor, Action.PREPARE_BRIEF, case), meeting=meeting,
                      data=briefs.BriefInput(initials="Y.T.", situation=BRIEF_SITUATION, personal=BRIEF_PERSONAL))
    return {"meeting_id": meeting.id}


_BRIEF = "/meetings/{meeting_id}/cases/{case_id}/brief"
SAMPLES |= {
    ("meetings.brief", "GET"): Sample(_BRIEF, check=shows(BRIEF_SITUATION, "{number}")),
    ("meetings.brief_reveal", "POST"): Sample(f"{_BRIEF}/reveal", check=shows(BRIEF_SITUATION, BRIEF_PERSONAL)),
    ("meetings.brief_print", "GET"): Sample(f"{_BRIEF}/print", check=shows(BRIEF_SITUATION, "Printed by")),
    ("meetings.brief_edit", "GET"): Sample(f"{_BRIEF}/edit", check=shows(BRIEF_SITUATION, BRIEF_PERSONAL)),
    ("meetings.brief_edit", "POST"): Sample(f"{_BRIEF}/edit", {"situation": "書き直した状況", "version": "1"},
                                            check=shows("Brief prepared")),
}


# -- the disclosure report (council.disclosure): a supervisor of the lead institution only (its caseworker is
# refused: tests/functional/disclosure). The GET confirms, the POST generates and redirects to the report's own address
# (the generation's event), which is its generator's only: the matrix's supervisor of the institution reaches the one
# generated for them (``disclosure_seq``).


def _disclosed(app, supervisor_id: int, case_id: int) -> int:
    """What the report's POST records for ``supervisor_id`` on ``case_id``: the generation's event (its seq)."""
    from council.disclosure.services import Watermark, generate

    with app.test_request_context():
        supervisor, case = db_get(app, User, supervisor_id), db_get(app, Case, case_id)
        return generate(actor=supervisor, case=case, access=authorize(supervisor, Action.DISCLOSE, case),
                        watermark=Watermark.PERSON)


_LEAD_SUPERVISOR = {"signed_in_as": "lead_supervisor_id", "also": frozenset({"supervisor of the institution"})}
SAMPLES |= {
    ("disclosure.generate", "GET"): Sample("/cases/{case_id}/disclosure", check=shows("Watermark of the print"),
                                           **_LEAD_SUPERVISOR),
    ("disclosure.generate", "POST"): Sample("/cases/{case_id}/disclosure", {"watermark": "institution"},
                                            check=shows(SUBJECT, BODY, "Who accessed"), **_LEAD_SUPERVISOR),
    ("disclosure.report", "GET"): Sample("/cases/{case_id}/disclosure/{disclosure_seq}",
                                         check=shows(SUBJECT, BODY, "Who accessed"), **_LEAD_SUPERVISOR),
}


#: Who must get 404 (and leave a denied event) everywhere a case is in the URL; the summary share where the action
#: needs more than the summary.
REFUSED = ("caseworker of another institution", "supervisor of another council", "auditor", "admin")


# -- a meeting's record (council.meetings.minutes): the decisions on an agenda case, recorded by a member who holds
# the meeting's brief in its material window; the lead's caseworker may not record decisions (the role does not).

MEETING_PLAN = "会議で決めた支援方針"


def _meeting_item_for_samples(actor: User, case: Case) -> dict[str, int]:
    import pyotp

    from council.auth.models import PledgeAcceptance
    from council.auth.pledge import CURRENT_VERSION
    from council.auth.services import accounts
    from council.meetings.models import Meeting, MeetingItem, MeetingParticipant
    from tests.conftest import PASSWORD

    now = clock.utcnow()
    member = User(username=f"meeting-member-{case.id}", display_name="会議 委員", institution_id=actor.institution_id,
                  role="member", failed_logins=0, password_hash=accounts().hasher.hash(PASSWORD),
                  totp_secret=pyotp.random_base32(32))
    db.session.add(member)
    db.session.flush()
    db.session.add(PledgeAcceptance(user_id=member.id, version=CURRENT_VERSION, accepted_at=now))
    meeting = Meeting(council_id=case.council_id, kind="case_review", state="scheduled", title="検討会議",
                      starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=1), place="会議室",
                      created_by=actor.id, participants=[MeetingParticipant(user_id=member.id, attended=True)],
                      items=[MeetingItem(position=1, case_id=case.id)])
    db.session.add(meeting)
    db.session.flush()
    grants.grant(actor=actor, case=case, scope="brief", basis=f"meeting:{meeting.id}",
                 legal_basis=LegalBasis.COUNCIL_SHARING, user=member, starts_at=now - dt.timedelta(days=3),
                 expires_at=meeting.ends_at + dt.timedelta(hours=24))
    db.session.commit()
    return {"meeting_item_id": meeting.items[0].id, "meeting_member_id": member.id}


def _decision(world: World) -> dict:
    return {"situation": "落ち着いている", "risk": "low", "urgency": "low", "plan": MEETING_PLAN,
            "lead_institution": str(world.case.lead_institution_id), "key_person_role": "", "key_person": "",
            "next_review_date": "2027-03-01", "version": "1"}


_ITEM = "/cases/{case_id}/meeting-items/{meeting_item_id}/record"
SAMPLES |= {
    ("minutes.record_item", "GET"): Sample(_ITEM, check=shows("Decisions on case {number}"),
                                           signed_in_as="meeting_member_id"),
    ("minutes.record_item", "POST"): Sample(_ITEM, _decision, check=shows(MEETING_PLAN),
                                            signed_in_as="meeting_member_id"),
}


def case_rules(app) -> set[tuple[str, str]]:
    """Every (endpoint, method) of the app whose rule carries a case id."""
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules() if "case_id" in rule.arguments
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_case_route_has_a_sample_and_goes_through_the_gate(app):
    rules = case_rules(app)
    assert rules - set(SAMPLES) == set(), "a case route without a sample request in SAMPLES"
    assert set(SAMPLES) - rules == set(), "a sample for a route that no longer exists"
    ungated = sorted(endpoint for endpoint, _method in rules if gated_action(app.view_functions[endpoint]) is None)
    assert ungated == [], "a case route not behind access.gate.case_gate"


def _denials(app, user: User, case_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.reason).where(
            AuditEvent.tag == AuditTag.CASE_ACCESS_DENIED, AuditEvent.actor_user_id == user.id,
            AuditEvent.case_id == case_id, AuditEvent.outcome == "denied")))


@pytest.mark.parametrize(("endpoint", "method"), list(SAMPLES), ids=[f"{m} {e}" for e, m in SAMPLES])
def test_the_gate_lets_the_lead_in_and_refuses_and_records_everyone_else(app, world, endpoint, method):
    sample, case_id = SAMPLES[(endpoint, method)], world.ids["case_id"]
    action = gated_action(app.view_functions[endpoint])
    summary_reads = action in SCOPE_ACTIONS[Scope.SUMMARY]
    for who in (*REFUSED, *(() if summary_reads else ("summary share",))):
        client = english(app.test_client())
        assert sign_in(app, client, world.users[who]).status_code == 302
        response = sample.request(client, world, method=method, follow=False)
        assert response.status_code == 404, (who, response.status_code)
        assert SUBJECT not in response.get_data(as_text=True)
        assert _denials(app, world.users[who], case_id) == [str(action)], who
    if summary_reads:  # the summary, and nothing of what it withholds
        client = english(app.test_client())
        sign_in(app, client, world.users["summary share"])
        page = sample.request(client, world, method=method, follow=False).get_data(as_text=True)
        assert world.case.number in page and PLAN in page
        assert [text for text in (SUBJECT, MEMBER, BODY, FILENAME, KEY_PERSON, PURPOSE) if text in page] == []
    client = english(app.test_client())
    allowed = fresh(app, User, world.ids[sample.signed_in_as]) if sample.signed_in_as else \
        world.users["lead caseworker"]
    sign_in(app, client, allowed)
    response = sample.request(client, world, method=method, follow=True)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    sample.check(response.get_data(), world)
    assert _denials(app, allowed, case_id) == []


def test_a_row_of_another_case_is_not_found_through_this_one(app, world, make_case):
    """The gate checks that the record, file, consent or person in the URL belongs to the case in it."""
    owner = world.users["lead caseworker"]
    other = make_case(owner, name="別人 次郎")
    client = english(app.test_client())
    sign_in(app, client, owner)
    for path in ("/cases/{other}/records/{record_id}/history", "/cases/{other}/attachments/{attachment_id}",
                 "/cases/{other}/persons/{person_id}/edit"):
        assert client.get(path.format(other=other.id, **world.ids)).status_code == 404, path
    assert client.post(f"/cases/{other.id}/consents/{world.ids['consent_id']}/withdraw",
                       data={"version": "1"}).status_code == 404
    assert len(_denials(app, owner, other.id)) == 4


# -- the older matrix: every kind of user × open and closed cases ---------------------------------------------

#: who → may they read and write the case?
WHO = {
    "assigned caseworker": True,
    "colleague caseworker, not assigned": False,
    "colleague caseworker, institution lets all see": True,
    "supervisor of the institution": True,
    "caseworker of another institution": False,
    "supervisor of another institution": False,
    "coordinator of the coordinator institution": False,
    "caseworker of another council": False,
    "member": False,
    "auditor": False,
    "admin": False,
}


@pytest.fixture
def everyone(app, make_user, make_institution, make_case):
    home, other = make_institution("ホーム機関"), make_institution("ほかの機関")
    coordinator_institution = make_institution("調整機関", coordinator=True)
    elsewhere = make_institution("よその協議会の機関", council="よその協議会")
    open_institution = make_institution("全員閲覧機関")
    with app.app_context():
        db_get(app, Institution, open_institution.id).caseworkers_see_all = True
        db.session.commit()
    owner = make_user("caseworker", institution=home)
    users = {
        "assigned caseworker": owner,
        "colleague caseworker, not assigned": make_user("caseworker", institution=home),
        "supervisor of the institution": make_user("supervisor", institution=home),
        "caseworker of another institution": make_user("caseworker", institution=other),
        "supervisor of another institution": make_user("supervisor", institution=other),
        "coordinator of the coordinator institution": make_user("coordinator", institution=coordinator_institution),
        "caseworker of another council": make_user("caseworker", institution=elsewhere),
        "member": make_user("member", institution=home),
        "auditor": make_user("auditor", institution=home),
        "admin": make_user("admin", institution=home),
    }
    case = make_case(owner)
    # The opt-in institution has its own case, opened by one caseworker and read by another.
    opener = make_user("caseworker", institution=open_institution)
    users["colleague caseworker, institution lets all see"] = make_user("caseworker", institution=open_institution)
    cases = {who: case for who in users}
    cases["colleague caseworker, institution lets all see"] = opened = make_case(opener)
    ids = {case.id: _populate(app, case, owner, other), opened.id: _populate(app, opened, opener, other)}
    seq = _disclosed(app, users["supervisor of the institution"].id, case.id)  # the report's sample, theirs
    for reached in ids.values():
        reached["disclosure_seq"] = seq  # on the opt-in institution's case: an event of another case (404)
    return users, cases, ids, {case.id: owner, opened.id: opener}


@pytest.mark.parametrize("who", list(WHO))
@pytest.mark.parametrize("state", ["open", "closed"])
def test_case_routes(app, everyone, who, state):
    users, cases, ids, owners = everyone
    user, case = users[who], cases[who]
    if state == "closed":
        with app.app_context():
            db_get(app, Case, case.id).status = "closed"
            db.session.commit()
    world = World(case=case, ids=ids[case.id], users={"lead caseworker": owners[case.id]},
                  version=fresh(app, Case, case.id).version,
                  extra={"partner": users["caseworker of another institution"].institution_id})
    client = app.test_client()
    assert sign_in(app, client, user).status_code == 302
    for (_endpoint, method), sample in SAMPLES.items():
        response = sample.request(client, world, method=method, follow=False)
        if WHO[who] and (sample.signed_in_as is None or who in sample.also):
            # A closed case refuses writes with an explanation (400) until it is reopened, and a write based on an
            # outdated version is refused (409) — explained refusals, never a 404.
            allowed = (200, 302, 400, 409) if method == "POST" else (200, 302)
            assert response.status_code in allowed, (method, sample.path, response.status_code)
        else:
            assert response.status_code == 404, (method, sample.path, response.status_code)


@pytest.mark.parametrize("who", list(WHO))
def test_lists_and_search_show_only_visible_cases(app, everyone, who):
    users, cases, _ids, _owners = everyone
    user, case = users[who], cases[who]
    client = app.test_client()
    sign_in(app, client, user)
    listing = client.get("/cases/")
    found = client.post("/cases/search", data={"kana": "ヤマダ タロウ"})
    if who in ("member", "auditor", "admin"):  # no case pages at all
        assert listing.status_code == 403 and found.status_code == 403
        return
    assert (case.number in listing.get_data(as_text=True)) is WHO[who]
    assert (f"/cases/{case.id}\"" in found.get_data(as_text=True)) is WHO[who]
    assert "山田 太郎" not in listing.get_data(as_text=True) or WHO[who]


def test_coordinator_ledger_shows_metadata_without_names(app, everyone):
    users, cases, _ids, _owners = everyone
    client = app.test_client()
    sign_in(app, client, users["coordinator of the coordinator institution"])
    page = client.get("/cases/ledger").get_data(as_text=True)
    case = cases["assigned caseworker"]
    assert case.number in page and "ホーム機関" in page
    assert "山田" not in page and f"/cases/{case.id}" not in page


def test_ledger_is_for_coordinators_only(app, everyone):
    users, _cases, _ids, _owners = everyone
    client = app.test_client()
    sign_in(app, client, users["supervisor of the institution"])
    assert client.get("/cases/ledger").status_code == 403


def test_a_purged_case_is_gone_for_everyone(app, everyone):
    users, cases, _ids, _owners = everyone
    case = cases["assigned caseworker"]
    with app.app_context():
        stored = db_get(app, Case, case.id)
        stored.wrapped_key, stored.key_version = None, None
        from council.core.db import utcnow

        stored.purged_at = utcnow()
        db.session.commit()
    client = app.test_client()
    sign_in(app, client, users["assigned caseworker"])
    assert client.get(f"/cases/{case.id}").status_code == 404
    assert case.number not in client.get("/cases/").get_data(as_text=True)


def test_admin_lets_all_caseworkers_of_an_institution_read_its_cases(app, make_user, make_case):
    owner = make_user("caseworker")
    colleague = make_user("caseworker", institution=owner.institution)
    case = make_case(owner)
    admin = make_user("admin", institution=owner.institution)
    reader = app.test_client()
    sign_in(app, reader, colleague)
    assert reader.get(f"/cases/{case.id}").status_code == 404
    admin_client = app.test_client()
    sign_in(app, admin_client, admin)
    with app.app_context():
        version = db_get(app, Institution, owner.institution_id).version
    response = admin_client.post(f"/admin/institutions/{owner.institution_id}", data={
        "name": owner.institution.name, "kind": "government", "caseworkers_see_all": "y", "version": str(version)})
    assert response.status_code == 302
    assert reader.get(f"/cases/{case.id}").status_code == 200


def test_rows_of_the_case_exist_for_the_samples(app, world):
    """The world holds one of each row the samples name (a sample against a missing row would prove nothing)."""
    with app.app_context():
        for model, key in ((SupportRecord, "record_id"), (Attachment, "attachment_id"), (Consent, "consent_id"),
                           (Person, "person_id"), (BreakGlass, "break_glass_id")):
            assert db.session.get(model, world.ids[key]).case_id == world.ids["case_id"]
        assert db.session.scalar(select(CasePlan.version).where(CasePlan.case_id == world.ids["case_id"])) == 1
