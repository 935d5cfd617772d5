"""How far a reach of a case goes (DESIGN.md §5): scopes, the actions each allows, and the encrypted columns
each may open.

A user reaches a case by their own institution (always ``full``), by a grant (any scope but ``ledger``) or, for the
coordinator of the council's 調整機関, by the progress ledger (``ledger``). ``access.policy.authorize`` checks an
action against the scope of the reach, then against the user's role; both tables are here so that one glance
shows what a summary share can and cannot do.
"""

from __future__ import annotations

from enum import StrEnum

from council.access.permissions import Role
from council.core.i18n import lazy_gettext as _l


class Scope(StrEnum):
    FULL = "full"  # everything about the case: persons, records, plan, consent, attachments
    SUMMARY = "summary"  # case number, categories, risk, plan summary, contact person; no address, phone, bodies, files
    BRIEF = "brief"  # a meeting brief, pseudonymised (meetings write briefs sealed under the case's key)
    REQUEST = "request"  # the question of an information request and the summary
    # 閲覧のみ: every column of the case, read actions only. A transfer's former lead keeps it for its close-out
    # period: it finishes reading its own records, but writes nothing on a case it no longer leads.
    READ = "read"
    # Not a share: the coordinator's 進行管理台帳 reaches every case of the council for its metadata only (status,
    # lead institution, categories, dates), which is plaintext. It is never granted; the policy derives it from
    # the role, and no content list or case page accepts it.
    LEDGER = "ledger"
    # 会議録の保管: a case's part of a meeting's approved minutes and the wording of the tasks it gave (which the
    # part states anyway), nothing else (no brief, no case page, no list). Approving the minutes gives it, resting on
    # the meeting, to the coordinator institution (the council keeps its minutes), to whoever attended (each files
    # its copy) and to the institutions given a task (a task done stays readable on their task list): the part
    # outlives the material window, the brief does not. council.meetings.minutes.reach.keep_minutes.
    MINUTES = "minutes"

    @property
    def label(self):
        """Translated when rendered (a lazy string)."""
        return SCOPE_LABELS[self]


SCOPE_LABELS = {
    Scope.FULL: _l("Full"),
    Scope.SUMMARY: _l("Summary"),
    Scope.BRIEF: _l("Meeting brief"),
    # A request's receiver (情報提供依頼) and a referral's or transfer's while it waits: the message and the summary.
    Scope.REQUEST: _l("While asked: the message and the summary"),
    Scope.READ: _l("Read only"),
    Scope.LEDGER: _l("Progress ledger (metadata)"),
    Scope.MINUTES: _l("Approved minutes"),
}

#: Widest first: when a user reaches a case in several ways, the first scope here that allows the action is used.
#: A kept copy of minutes comes last: the coordinator's ledger reads must keep their own basis after minutes approved.
SCOPE_ORDER = (Scope.FULL, Scope.READ, Scope.REQUEST, Scope.SUMMARY, Scope.BRIEF, Scope.LEDGER, Scope.MINUTES)

#: The scopes of content lists (the case list): every reach that shows something of the case beyond the ledger and
#: beyond a filed copy of minutes (which puts no case among the reader's cases).
CONTENT_SCOPES = frozenset(SCOPE_ORDER) - {Scope.LEDGER, Scope.MINUTES}
#: Every scope: the progress ledger lists cases however they are reached.
ALL_SCOPES = frozenset(Scope)


class Action(StrEnum):
    """What a user wants to do with one case (DESIGN §5)."""

    READ_FULL = "case:content:read"  # record and plan histories: everything decrypted
    # The case page and its print: a reach that allows it sees what its scope opens (cases.page): all of a full one.
    READ_SUMMARY = "case:summary:read"
    READ_BRIEF = "case:brief:read"
    READ_LEDGER = "case:ledger:read"  # plaintext metadata only (status, lead institution, categories, dates)
    REVEAL = "case:field:reveal"  # open a field that pages keep hidden until asked (e.g. the address)
    WRITE_RECORD = "case:record:write"  # add, edit and delete support records and attachments
    EDIT_DETAILS = "case:details:edit"  # persons, categories, risk, assignment, status, plan, consent
    READ_ATTACHMENT = "case:attachment:read"
    MANAGE_SHARES = "case:share:manage"
    TRANSFER = "case:lead:transfer"
    CLOSE = "case:status:close"
    RECORD_DECISION = "case:decision:record"
    ANSWER_REQUEST = "case:request:answer"
    # A party to a handoff (つなぎ・移管) answers it: accepts, declines, cancels or ends it (handoffs checks which
    # party may do which). Every reach a handoff gives its parties allows it, so a pending receiver can decline.
    ANSWER_HANDOFF = "case:handoff:answer"
    # Ask the lead to hand the case over (移管の申し出): someone who works on the case in full, e.g. a referral's
    # receiver.
    ASK_TRANSFER = "case:lead:ask"
    # Register the case as a 協議会ケース (or take it back): the coordinator, from the progress ledger.
    REGISTER_COUNCIL_CASE = "case:council:register"
    # 会議資料: the lead institution's caseworker prepares the brief of its case for a meeting.
    PREPARE_BRIEF = "case:brief:prepare"
    # Open a brief's personal details (name, address …): its own action, so that it is audited on its own.
    REVEAL_BRIEF = "case:brief:reveal"
    # 開示請求: the report of a person's case data and its access history for a data-subject request
    # (council.disclosure) — a supervisor of the lead institution, by its own reach (DESIGN §5).
    DISCLOSE = "case:disclosure:generate"
    # Read a case's part of a meeting's minutes (council.meetings.minutes).
    READ_MINUTES = "case:minutes:read"


_READ_ALL = {Action.READ_FULL, Action.READ_SUMMARY, Action.READ_BRIEF, Action.READ_LEDGER, Action.REVEAL,
             Action.READ_ATTACHMENT, Action.REVEAL_BRIEF, Action.READ_MINUTES}

#: What each scope allows. A summary share reads the summary and nothing else, whatever a template shows.
SCOPE_ACTIONS: dict[Scope, frozenset[Action]] = {
    Scope.FULL: frozenset(Action),
    Scope.READ: frozenset(_READ_ALL | {Action.ANSWER_HANDOFF}),
    Scope.SUMMARY: frozenset({Action.READ_SUMMARY, Action.READ_LEDGER, Action.ANSWER_HANDOFF}),
    Scope.BRIEF: frozenset({Action.READ_BRIEF, Action.REVEAL_BRIEF, Action.RECORD_DECISION, Action.READ_MINUTES}),
    Scope.MINUTES: frozenset({Action.READ_MINUTES}),
    Scope.REQUEST: frozenset({Action.READ_SUMMARY, Action.READ_LEDGER, Action.ANSWER_REQUEST, Action.ANSWER_HANDOFF}),
    Scope.LEDGER: frozenset({Action.READ_LEDGER, Action.REGISTER_COUNCIL_CASE}),
}

#: Actions that pass the case on or end it: only its lead institution's own reach allows them, never a grant, even a
#: full one. Whoever a case was shared with works on it; they do not share it further, hand it over or close it.
LEAD_ONLY_ACTIONS = frozenset({Action.MANAGE_SHARES, Action.TRANSFER, Action.CLOSE, Action.REGISTER_COUNCIL_CASE,
                               Action.PREPARE_BRIEF, Action.DISCLOSE})

_CASEWORK = _READ_ALL | {Action.WRITE_RECORD, Action.EDIT_DETAILS, Action.ANSWER_REQUEST, Action.MANAGE_SHARES,
                         Action.ANSWER_HANDOFF, Action.ASK_TRANSFER, Action.PREPARE_BRIEF,
                         # DESIGN §5 has the supervisor *approve* closures. Until that approval exists, caseworkers
                         # close their cases themselves, as they always have (the role does not narrow it yet).
                         Action.CLOSE}

#: What each role may do at all, whatever the scope. DESIGN §5 gives transfers to supervisors and decisions to
#: members (and the coordinator, who runs the meetings). Where it is silent, today's behaviour stands: caseworkers,
#: supervisors and coordinators work their institution's cases alike. Auditors and administrators never read case
#: content, and the policy gives them no reach at all.
ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.CASEWORKER: frozenset(_CASEWORK),
    # Disclosure reports are a supervisor's (DESIGN §5), answering for the institution that leads the case.
    Role.SUPERVISOR: frozenset(_CASEWORK | {Action.TRANSFER, Action.DISCLOSE}),
    # Registering a 協議会ケース is the coordinator's (council.cases.council_cases also asks for the 調整機関).
    Role.COORDINATOR: frozenset(_CASEWORK | {Action.RECORD_DECISION, Action.REGISTER_COUNCIL_CASE}),
    Role.MEMBER: frozenset({Action.READ_BRIEF, Action.REVEAL_BRIEF, Action.RECORD_DECISION, Action.READ_MINUTES}),
    Role.AUDITOR: frozenset(),
    Role.ADMIN: frozenset(),
}


def allows(*, scope: Scope, role: Role, action: Action, by_grant: bool) -> bool:
    """Whether a reach of ``scope`` (through a grant or not) lets a user of ``role`` do ``action``."""
    if by_grant and action in LEAD_ONLY_ACTIONS:
        return False
    return action in SCOPE_ACTIONS[scope] and action in ROLE_ACTIONS[role]


# -- what each scope may decrypt ----------------------------------------------------------------------------

#: What a handoff (つなぎ・移管, council.handoffs) says, sealed under the case's key: the sender's message, the
#: emergency's reason, why it was declined or ended. Each of its parties reads it in whatever scope the handoff gave
#: them — a pending receiver in ``request`` scope included — of that one handoff only (ROW_BOUND).
HANDOFF_COLUMNS = frozenset(("handoff", column) for column in ("message", "emergency_reason", "decline_reason",
                                                               "end_reason"))

#: 会議資料 (council.meetings): the brief the lead prepares for a meeting — a pseudonymised header and the body —
#: and the personal details it keeps for an explicit reveal (opened with ``only``, by its own audited action).
BRIEF_COLUMNS = frozenset(("meeting_brief", column) for column in (
    "initials", "age_band", "household", "situation", "assessment", "proposed_plan", "questions"))
BRIEF_PERSONAL_COLUMNS = frozenset({("meeting_brief", "personal")})
#: What a meeting decided on a case (状況把握, 支援方針, キーパーソン, the item's minutes) and the tasks it gave.
MEETING_COLUMNS = frozenset({*(("meeting_item", column) for column in ("situation", "plan", "key_person", "minutes")),
                             ("meeting_task", "what")})
#: 役割分担 (council.meetings.tasks): what a task says. The institution given a task reaches the case by a summary
#: grant resting on the meeting (``meeting:<id>``) while it has open tasks there, and reads the wording of that
#: meeting's tasks with the plan's summary — no other summary share reads any task (ROW_BOUND: a task is named by its
#: meeting, and only a basis ``meeting:<id>`` names one).
TASK_COLUMNS = frozenset({("meeting_task", "what")})

#: Every encrypted column of a case, as (table, column) — the associated data each value is sealed with.
FULL_COLUMNS = frozenset({
    ("case_file", "key_person"), ("case_file", "contact_person"), ("case_file", "closure_reason"),
    ("case_status_change", "reason"),
    *(("person", column) for column in ("name", "kana", "birth_date", "sex", "address", "phone", "notes",
                                        "relationship", "delete_reason")),
    ("support_record", "body"), ("support_record", "delete_reason"), ("support_record_revision", "body"),
    *(("consent", column) for column in ("purpose", "recipients", "scope", "representative_relationship")),
    ("case_plan", "assessment"), ("case_plan", "plan"), ("case_plan", "goals"),
    ("attachment", "filename"), ("attachment", "content"), ("attachment", "delete_reason"),
    # Why a user broke the glass (handoffs.breakglass): read on the case by whoever reaches it in full.
    ("break_glass", "reason"),
    *(("information_request", column) for column in ("question", "answer", "decline_reason", "emergency_reason")),
    *HANDOFF_COLUMNS,
    *BRIEF_COLUMNS, *BRIEF_PERSONAL_COLUMNS, *MEETING_COLUMNS,
})

#: DESIGN §5's summary: case number, categories and risk (plaintext, nothing to open), the plan's summary (the
#: 支援方針 itself, not the assessment or goals) and the contact person. No name, address, phone, record body or file.
SUMMARY_COLUMNS = frozenset({("case_file", "contact_person"), ("case_plan", "plan")})


#: What each scope may decrypt. A brief opens nothing of the case file, only the brief meetings seal for it; an
#: information request adds its question; both in tables of their own features.
SCOPE_COLUMNS: dict[Scope, frozenset[tuple[str, str]]] = {
    Scope.FULL: FULL_COLUMNS,
    Scope.READ: FULL_COLUMNS,
    # The plan's roles (役割分担) too, of the meeting a task grant rests on only (ROW_BOUND): a handoff's or a
    # consent's summary share names no meeting and reads no task.
    Scope.SUMMARY: SUMMARY_COLUMNS | HANDOFF_COLUMNS | TASK_COLUMNS,
    # The question of the request the reach rests on, and its answer (which reaches whoever asked a case's holder
    # from a duplicate-check hit): of that one request only (ROW_BOUND), never another's.
    Scope.REQUEST: SUMMARY_COLUMNS | HANDOFF_COLUMNS | {("information_request", "question"),
                                                        ("information_request", "answer")},
    # A meeting's brief, and what that meeting decided and minuted on the case (council.meetings.minutes reads an
    # item only by the reach resting on the item's own meeting, ``meeting:<id>``).
    Scope.BRIEF: BRIEF_COLUMNS | BRIEF_PERSONAL_COLUMNS | MEETING_COLUMNS,
    # The item's minuted part and the tasks' wording it states: not the brief, not what the item form holds.
    Scope.MINUTES: frozenset({("meeting_item", "minutes")}) | TASK_COLUMNS,
    Scope.LEDGER: frozenset(),
}


def may_open(scope: Scope, table: str, column: str) -> bool:
    """Whether a reach of ``scope`` may decrypt ``table.column`` (the vault asks before it opens a value)."""
    return (table, column) in SCOPE_COLUMNS[scope]


#: Tables whose rows a grant reaches one at a time, and the kinds of basis that name a row: a reach resting on a
#: handoff (``referral:<id>``, ``transfer:<id>``) opens and writes that handoff's texts only, one resting on an
#: information request (``request:<id>``) that request only — whatever its scope (request, summary, read), and any
#: other grant (consent, meeting) none of them. Column rules alone cannot say it: every handoff and request of a
#: case is sealed under the same key, in the same columns, and one may be addressed to one named worker. A full
#: reach (the lead institution's own, a full share) reads every row, as it reads every record.
ROW_BOUND: dict[str, frozenset[str]] = {"information_request": frozenset({"request"}),
                                        "handoff": frozenset({"referral", "transfer"}),
                                        # 会議資料 (council.meetings): a brief reach resting on ``meeting:5`` opens
                                        # meeting 5's brief of the case only, never the brief another meeting had.
                                        # Its row is named by the brief's meeting (ROW_KEYS), not its own id.
                                        "meeting_brief": frozenset({"meeting"}),
                                        # What a meeting decided on the case and the tasks it gave: a brief grant
                                        # of meeting 1 reads meeting 1's items, never meeting 2's of the same case;
                                        # a task's summary grant (``meeting:<id>``) that meeting's tasks only.
                                        "meeting_item": frozenset({"meeting"}),
                                        "meeting_task": frozenset({"meeting"})}

#: Row-bound tables whose rows a basis names by another column than their id: a brief, an agenda item and a task
#: are named by their meeting (``meeting:<meeting_id>``). The vault passes that column's value as the row to
#: ``may_touch_row``.
ROW_KEYS: dict[str, str] = {"meeting_brief": "meeting_id", "meeting_item": "meeting_id", "meeting_task": "meeting_id"}

#: Row-bound tables a read-only reach (a transfer's former lead, closing out) reads whole, like a full one: what the
#: meetings decided on the case it led. Its handoffs and requests stay bound to the basis (the transfer).
READ_WHOLE: frozenset[str] = frozenset({"meeting_item", "meeting_task"})


def may_touch_row(scope: Scope, basis: str, table: str, row_id: int | None) -> bool:
    """Whether a reach of ``scope`` on ``basis`` may open or seal row ``row_id`` of ``table`` at all (the vault asks
    besides ``may_open`` / ``may_seal``): False only for a narrower reach than full and a row-bound table's row
    its basis does not name."""
    kinds = ROW_BOUND.get(table)
    if kinds is None or scope == Scope.FULL or (scope == Scope.READ and table in READ_WHOLE):
        return True
    return row_id is not None and basis in {f"{kind}:{row_id}" for kind in kinds}



#: The action that writes each table's encrypted columns: records and files are casework, an information request's
#: question, answer and reasons are written by who asks and who answers, a handoff's texts by its parties in the
#: scope it gave them, everything else (persons, the case's own fields, status reasons, consent, plan) the case's
#: details.
WRITE_ACTIONS: dict[str, Action] = {"support_record": Action.WRITE_RECORD, "attachment": Action.WRITE_RECORD,
                                    "information_request": Action.ANSWER_REQUEST, "handoff": Action.ANSWER_HANDOFF,
                                    # what a meeting decided, minuted and gave as tasks: its record
                                    "meeting_item": Action.RECORD_DECISION, "meeting_task": Action.RECORD_DECISION}

#: What a scope may write without being able to read it. The receiver of an information request answers it: the
#: answer (and a decline's reason) go into its request, and the answer lands on the case as a support record
#: written by the receiver's institution — yet the request scope still opens no record body, no other request and,
#: after answering, nothing at all (its grant ends). The one write a request reach has, and nothing it could read.
SEAL_ONLY: dict[Scope, frozenset[tuple[str, str]]] = {
    Scope.REQUEST: frozenset({("support_record", "body"), ("information_request", "answer"),
                              ("information_request", "decline_reason")}),
    # A meeting's decision (council.meetings.minutes, through council.cases.decisions) lands on the case: a new plan
    # version (its 支援方針; the assessment and goals carried over unread) and the key person. Whoever records it
    # reaches the case by a brief, which reads nothing of the case file — and still does not after writing.
    Scope.BRIEF: frozenset({("case_plan", "plan"), ("case_plan", "assessment"), ("case_plan", "goals"),
                            ("case_file", "key_person")}),
}


def may_seal(scope: Scope, table: str, column: str) -> bool:
    """Whether a reach of ``scope`` may write ``table.column`` (the vault asks before it seals a value): a column the
    scope may write without reading it (SEAL_ONLY), or one it may read whose writing action the scope allows."""
    if (table, column) in SEAL_ONLY.get(scope, frozenset()):
        return True
    action = WRITE_ACTIONS.get(table, Action.EDIT_DETAILS)
    return may_open(scope, table, column) and action in SCOPE_ACTIONS[scope]
