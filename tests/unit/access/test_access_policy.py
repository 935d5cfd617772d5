"""The one policy, table-driven: every role × every way of (not) reaching a case × every action (DESIGN.md §5).

The expectations below restate DESIGN §5 in test form — which scope allows which action, which role may do what,
which actions stay with the lead institution — independently of ``access.scopes``, so that a change to either
table shows up here as a difference someone has to explain.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import bindparam, select
from werkzeug.exceptions import NotFound

from council.access import grants
from council.access.models import CaseGrant
from council.access.policy import (
    Access,
    accesses,
    authorize,
    authorize_case,
    newest_reached,
    newest_visible,
    visible_cases,
)
from council.access.scopes import ALL_SCOPES, Action, Scope
from council.auth.models import Institution, User
from council.cases import documents
from council.cases.models import Case
from council.core.clock import utcnow
from council.database import db
from tests.conftest import db_get

A = Action
#: DESIGN §5: what each scope allows.
SCOPE_ALLOWS = {
    "full": set(Action),
    # 閲覧のみ (a transfer's close-out): everything read, nothing written; the parties answer their handoff.
    "read": {A.READ_FULL, A.READ_SUMMARY, A.READ_BRIEF, A.READ_LEDGER, A.REVEAL, A.READ_ATTACHMENT, A.REVEAL_BRIEF,
             A.READ_MINUTES, A.ANSWER_HANDOFF},
    "summary": {A.READ_SUMMARY, A.READ_LEDGER, A.ANSWER_HANDOFF},
    "request": {A.READ_SUMMARY, A.READ_LEDGER, A.ANSWER_REQUEST, A.ANSWER_HANDOFF},
    # a meeting's participant reads the brief, opens its personal details on purpose, records decisions and reads
    # the minutes' part of the case
    "brief": {A.READ_BRIEF, A.REVEAL_BRIEF, A.RECORD_DECISION, A.READ_MINUTES},
    # the kept copy of approved minutes: that part only
    "minutes": {A.READ_MINUTES},
    # the coordinator registers 協議会ケース from the ledger
    "ledger": {A.READ_LEDGER, A.REGISTER_COUNCIL_CASE},
}
_CASEWORK = set(Action) - {A.TRANSFER, A.RECORD_DECISION, A.REGISTER_COUNCIL_CASE, A.DISCLOSE}
#: DESIGN §5: what each role may do at all (transfers and disclosure reports: supervisors; decisions: members and the
#: coordinator).
ROLE_ALLOWS = {
    "caseworker": _CASEWORK,
    "supervisor": _CASEWORK | {A.TRANSFER, A.DISCLOSE},
    "coordinator": _CASEWORK | {A.RECORD_DECISION, A.REGISTER_COUNCIL_CASE},
    "member": {A.READ_BRIEF, A.REVEAL_BRIEF, A.RECORD_DECISION, A.READ_MINUTES},
    "auditor": set(),
    "admin": set(),
}
#: Passing a case on or ending it stays with its lead institution, whatever a grant's scope; so does preparing its
#: brief for a meeting (the lead presents the case to the council), and answering a disclosure request for it.
LEAD_ONLY = {A.MANAGE_SHARES, A.TRANSFER, A.CLOSE, A.REGISTER_COUNCIL_CASE, A.PREPARE_BRIEF, A.DISCLOSE}

STAFF = ("caseworker", "supervisor", "coordinator")
ROLES = (*STAFF, "member", "auditor", "admin")
OWN = ("own_institution", "full")

#: relation → {role: (basis kind, scope)}. A role not named does not reach the case: NotFound for every action.
REACH = {
    "own, assigned": {"caseworker": ("assigned", "full"), "supervisor": OWN, "coordinator": OWN},
    "own, not assigned": {"supervisor": OWN, "coordinator": OWN},
    "own, the institution lets every caseworker see": {role: OWN for role in STAFF},
    "own, purged": {},
    "other institution": {},
    "other council": {},
    "coordinator institution, no grant": {"coordinator": ("coordinator_ledger", "ledger")},
    "granted full to the institution": {role: ("referral", "full") for role in STAFF},
    "granted summary to the institution, on consent": {role: ("consent", "summary") for role in STAFF},
    "granted request to the institution": {role: ("request", "request") for role in STAFF},
    "granted full to the user": {role: ("break_glass", "full") for role in (*STAFF, "member")},
    "granted summary to the user": {role: ("transfer", "summary") for role in (*STAFF, "member")},
    "granted brief to the user": {role: ("meeting", "brief") for role in (*STAFF, "member")},
    "granted full to a colleague": {},
    "granted full, expired": {},
    "granted full, ended": {},
    "granted full, not yet started": {},
    "granted full, expiring in an hour": {role: ("referral", "full") for role in STAFF},
}
GRANT_KINDS = {"referral", "consent", "request", "break_glass", "transfer", "meeting"}


def expected_allowed(role: str, scope: str, by_grant: bool, action: Action) -> bool:
    return action in SCOPE_ALLOWS[scope] and action in ROLE_ALLOWS[role] and not (by_grant and action in LEAD_ONLY)


@pytest.fixture
def world(app, make_institution, make_user, make_case):
    """For one role: a user of that role at each kind of institution, and a case per relation of REACH."""

    def build(role: str) -> dict[str, tuple[int, int]]:
        home, shared_with = make_institution("ホーム機関"), make_institution("つなぎ先の機関")
        open_institution = make_institution("全員閲覧機関")
        coordinator_institution = make_institution("調整機関", coordinator=True)
        elsewhere = make_institution("よその協議会の機関", council="よその協議会")
        with app.app_context():
            db_get(app, Institution, open_institution.id).caseworkers_see_all = True
            db.session.commit()
        owner = make_user("caseworker", institution=home)
        open_owner = make_user("caseworker", institution=open_institution)
        colleague = make_user("caseworker", institution=shared_with)
        user = {"home": make_user(role, institution=home), "open": make_user(role, institution=open_institution),
                "other": make_user(role, institution=shared_with),
                "coordinator": make_user(role, institution=coordinator_institution),
                "elsewhere": make_user(role, institution=elsewhere)}
        special = {"own, assigned": lambda: make_case(owner, assigned=[owner, user["home"]]),
                   "own, purged": lambda: make_case(owner, assigned=[owner, user["home"]]),
                   "own, the institution lets every caseworker see": lambda: make_case(open_owner)}
        plain = {relation: special.get(relation, lambda: make_case(owner))() for relation in REACH}
        with app.app_context():
            actor = db_get(app, User, owner.id)
            case = {relation: db_get(app, Case, made.id) for relation, made in plain.items()}
            other, now = db_get(app, Institution, shared_with.id), utcnow()
            recipient = db_get(app, User, user["other"].id)

            def share(relation, scope, basis, legal="council_sharing", **kwargs):
                return grants.grant(actor=actor, case=case[relation], scope=scope, basis=basis, legal_basis=legal,
                                    **({"institution": other} | kwargs))

            def share_with_user(relation, scope, basis, legal="council_sharing"):
                if role in ("auditor", "admin"):
                    # grants.grant refuses them; a row written some other way must not count either.
                    db.session.add(CaseGrant(case_id=case[relation].id, user_id=recipient.id, scope=scope,
                                             basis=basis, legal_basis=legal, starts_at=now, created_by=actor.id))
                    return
                share(relation, scope, basis, legal, institution=None, user=recipient)

            share("granted full to the institution", "full", "referral:1")
            consent = documents.record_consent(
                actor=actor, case=case["granted summary to the institution, on consent"],
                access=authorize(actor, Action.EDIT_DETAILS, case["granted summary to the institution, on consent"]),
                purpose_code="referral", purpose="就労支援のため", recipients="つなぎ先", scope="概要",
                obtained_on=dt.date(2026, 4, 1), obtained_how="written", given_by="person",
                recipient_institution_ids=[other.id])
            share("granted summary to the institution, on consent", "summary", f"consent:{consent.id}", "consent",
                  consent=consent)
            share("granted request to the institution", "request", "request:3")
            share_with_user("granted full to the user", "full", "break_glass:4", "emergency")
            share_with_user("granted summary to the user", "summary", "transfer:5")
            share_with_user("granted brief to the user", "brief", "meeting:6")
            share("granted full to a colleague", "full", "referral:7", institution=None,
                  user=db_get(app, User, colleague.id))
            share("granted full, expired", "full", "referral:8", starts_at=now - dt.timedelta(days=2),
                  expires_at=now - dt.timedelta(days=1))
            ended = share("granted full, ended", "full", "referral:9")
            grants.end(actor=actor, grant=ended, reason="revoked")
            share("granted full, not yet started", "full", "referral:10", starts_at=now + dt.timedelta(days=1))
            share("granted full, expiring in an hour", "full", "referral:11", expires_at=now + dt.timedelta(hours=1))
            purged = case["own, purged"]
            purged.purged_at, purged.wrapped_key, purged.key_version = now, None, None
            db.session.commit()
        who = {"own, assigned": "home", "own, not assigned": "home", "own, purged": "home",
               "own, the institution lets every caseworker see": "open", "other council": "elsewhere",
               "coordinator institution, no grant": "coordinator"}
        return {relation: (user[who.get(relation, "other")].id, case[relation].id) for relation in REACH}

    return build


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_each_case_as_designed_for_every_action(app, world, role):
    pairs = world(role)
    wrong = []
    with app.app_context():
        def listed_for(user_id, **scopes):
            user = db.session.get(User, user_id)
            return set(db.session.scalars(select(Case.id).where(visible_cases(user, **scopes))))

        listed = {user_id: (listed_for(user_id), listed_for(user_id, scopes=ALL_SCOPES))
                  for user_id, _ in pairs.values()}
        for relation, (user_id, case_id) in pairs.items():
            user, case = db.session.get(User, user_id), db.session.get(Case, case_id)
            expected = REACH[relation].get(role)
            content_list, ledger_list = listed[user_id]
            if (case_id in content_list) != (expected is not None and expected[1] != "ledger"):
                wrong.append((relation, "case list"))
            if (case_id in ledger_list) != (expected is not None):
                wrong.append((relation, "progress ledger"))
            for action in Action:
                try:
                    access = authorize(user, action, case)
                except NotFound:
                    access = None
                try:  # the case gate's: the case by its id, loaded with its reach
                    loaded, by_id = authorize_case(user, action, case_id)
                except NotFound:
                    loaded, by_id = None, None
                if by_id != access or (by_id is not None and loaded is not case):
                    wrong.append((relation, action.name, f"by id: {by_id}"))
                if expected is None or not expected_allowed(role, expected[1], expected[0] in GRANT_KINDS, action):
                    if access is not None:
                        wrong.append((relation, action.name, f"allowed as {access}"))
                    continue
                kind, scope = expected
                if access is None:
                    wrong.append((relation, action.name, "refused"))
                elif (access.basis.split(":")[0], access.scope) != (kind, scope) \
                        or access.by_grant != (kind in GRANT_KINDS):
                    wrong.append((relation, action.name, f"reached as {access}"))
    assert not wrong, "\n".join(map(str, wrong))


def test_a_grant_counts_from_its_start_until_its_expiry_checked_at_the_time_asked(app, make_institution, make_user,
                                                                                    make_case):
    owner = make_user("caseworker")
    reader = make_user("caseworker", institution=make_institution("つなぎ先"))
    case = make_case(owner)
    starts = utcnow() + dt.timedelta(hours=1)
    with app.app_context():
        row = grants.grant(actor=db_get(app, User, owner.id), case=db_get(app, Case, case.id), scope="full",
                           basis="referral:1", legal_basis="council_sharing",
                           institution=db_get(app, Institution, reader.institution_id), starts_at=starts,
                           expires_at=starts + dt.timedelta(days=7))
        db.session.commit()
        user, stored = db_get(app, User, reader.id), db_get(app, Case, case.id)
        week = dt.timedelta(days=7)
        for moment, reaches in ((starts - dt.timedelta(seconds=1), False), (starts, True),
                                (starts + week - dt.timedelta(seconds=1), True), (starts + week, False)):
            listed = case.id in set(db.session.scalars(select(Case.id).where(visible_cases(user, now=moment))))
            try:
                access = authorize(user, Action.READ_FULL, stored, now=moment)
            except NotFound:
                access = None
            assert listed is reaches and (access is not None) is reaches, moment
        assert access is None
        assert authorize(user, Action.READ_FULL, stored, now=starts) == Access(
            basis="referral:1", scope=Scope.FULL, grant_id=row.id, expires_at=starts + dt.timedelta(days=7),
            case_id=stored.id)


def test_the_widest_reach_wins_and_the_lead_institutions_own_reach_before_a_grant(app, make_institution, make_user,
                                                                                   make_case):
    owner = make_user("caseworker")
    reader = make_user("caseworker", institution=make_institution("つなぎ先"))
    shared, own = make_case(owner), make_case(owner)
    with app.app_context():
        actor, user = db_get(app, User, owner.id), db_get(app, User, reader.id)
        institution = db_get(app, Institution, reader.institution_id)
        for scope, basis in (("summary", "referral:1"), ("full", "break_glass:2")):
            grants.grant(actor=actor, case=db_get(app, Case, shared.id), scope=scope, basis=basis,
                         legal_basis="emergency" if scope == "full" else "council_sharing",
                         **({"user": user} if scope == "full" else {"institution": institution}))
        # The owner holds a grant of their own case too (break-glass by mistake): their own reach still counts.
        grants.grant(actor=actor, case=db_get(app, Case, own.id), scope="full", basis="break_glass:3",
                     legal_basis="emergency", user=actor)
        db.session.commit()
        assert authorize(user, Action.READ_SUMMARY, db_get(app, Case, shared.id)).basis == "break_glass:2"
        assert accesses(user, [shared.id, own.id])[shared.id].scope == Scope.FULL
        assert own.id not in accesses(user, [shared.id, own.id])
        mine = authorize(actor, Action.CLOSE, db_get(app, Case, own.id))
        assert (mine.basis, mine.by_grant) == ("assigned", False)
        with pytest.raises(NotFound):  # a grant, even a full one, does not let its holder close the case
            authorize(user, Action.CLOSE, db_get(app, Case, shared.id))


def test_a_missing_case_is_not_found(app, make_user):
    with app.app_context(), pytest.raises(NotFound):
        authorize(db_get(app, User, make_user("supervisor").id), Action.READ_LEDGER, None)
    with app.app_context(), pytest.raises(NotFound):
        authorize_case(db_get(app, User, make_user("supervisor").id), Action.READ_LEDGER, 2**62)


def test_a_list_page_merges_own_and_shared_cases_newest_first_each_once(app, make_institution, make_user, make_case):
    """The list reads each part of the reach in index order and merges the pages: the same cases, in the same order,
    as one filter over everything would give, page after page; a case reached two ways is listed once."""
    owner = make_user("caseworker")
    partner = make_institution("つなぎ先")
    reader = make_user("supervisor", institution=partner)
    own = [make_case(reader, assigned=[]) for _ in range(4)]
    theirs = [make_case(owner) for _ in range(5)]
    with app.app_context():
        for case, day in zip(own + theirs, (1, 3, 5, 7, 2, 3, 6, 8, 9), strict=True):
            db_get(app, Case, case.id).intake_date = dt.date(2026, 4, day)
        actor, user = db_get(app, User, owner.id), db_get(app, User, reader.id)
        for case in theirs[:4]:
            grants.grant(actor=actor, case=db_get(app, Case, case.id), scope="summary", basis="referral:1",
                         legal_basis="council_sharing", institution=db_get(app, Institution, partner.id))
        # A supervisor of the partner also holds a user grant of one of them: still listed once.
        grants.grant(actor=actor, case=db_get(app, Case, theirs[0].id), scope="full", basis="break_glass:2",
                     legal_basis="emergency", user=user)
        db.session.commit()
        everything = list(db.session.scalars(select(Case.id).where(visible_cases(user))
                                             .order_by(Case.intake_date.desc(), Case.id.desc())))
        assert set(everything) == {c.id for c in own + theirs[:4]}
        paged = [case.id for offset in range(0, 10, 3) for case in db.session.scalars(
            newest_visible(user, offset=offset, limit=3))]
        assert paged == everything
        only_open = [c.id for c in db.session.scalars(newest_visible(user, conditions=[Case.intake_date >= dt.date(
            2026, 4, 6)], limit=10))]
        assert only_open == [theirs[3].id, own[3].id, theirs[2].id]


def test_a_search_finds_the_newest_cases_reached_in_full_each_with_its_widest_reach(app, make_institution, make_user,
                                                                                     make_case):
    """``newest_reached`` (the search's one statement) keeps what ``visible_cases`` and ``accesses`` said apart: only
    full reaches, each case once with the reach ``authorize`` would pick, the newest ``limit`` cases first."""
    owner = make_user("caseworker")
    partner = make_institution("つなぎ先")
    reader = make_user("supervisor", institution=partner)
    stranger = make_user("supervisor", institution=make_institution("よその機関"))  # the same form of the rule
    own = [make_case(reader, assigned=[]) for _ in range(2)]
    theirs = [make_case(owner) for _ in range(4)]
    with app.app_context():
        for case, day in zip(own + theirs, (9, 2, 8, 7, 6, 5), strict=True):
            db_get(app, Case, case.id).intake_date = dt.date(2026, 4, day)
        actor, user = db_get(app, User, owner.id), db_get(app, User, reader.id)
        institution = db_get(app, Institution, partner.id)
        for case, scope, basis in ((theirs[0], "full", "referral:1"), (theirs[1], "summary", "referral:2"),
                                   (theirs[2], "summary", "referral:3")):
            grants.grant(actor=actor, case=db_get(app, Case, case.id), scope=scope, basis=basis,
                         legal_basis="council_sharing", institution=institution)
        for case, basis in ((theirs[2], "break_glass:4"), (own[0], "break_glass:5")):
            grants.grant(actor=actor if case is theirs[2] else user, case=db_get(app, Case, case.id), scope="full",
                         basis=basis, legal_basis="emergency", user=user)
        db.session.commit()
        among = select(Case.id).where(Case.id.in_(bindparam("ids", expanding=True)))
        values = {"ids": [c.id for c in own + theirs]}

        def found(who, limit: int) -> list[tuple[int, str, str]]:
            return [(case.id, access.basis, access.scope) for case, access in newest_reached(
                db_get(app, User, who.id), among=among, values=values, scopes={Scope.FULL}, limit=limit)]

        everything = [(own[0].id, "own_institution", "full"), (theirs[0].id, "referral:1", "full"),
                      (theirs[2].id, "break_glass:4", "full"), (own[1].id, "own_institution", "full")]
        assert found(reader, 100) == everything  # not theirs[1] (summary only), nor theirs[3] (not shared)
        assert found(reader, 2) == everything[:2]  # two cases, though the newest is reached two ways
        assert found(stranger, 100) == []  # the statement built for the reader, run with the stranger's ids
        expected = {case_id: accesses(user, [case_id])[case_id] for case_id, _, _ in everything}
        assert {case.id: access for case, access in newest_reached(
            user, among=among, values=values, scopes={Scope.FULL}, limit=100)} == expected
