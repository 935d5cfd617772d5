"""Audit events in words an auditor reads: what happened, on what basis, with what outcome (Japanese and English).

Every tag the council's chain may record has a label here (``TAG_LABELS``) and belongs to a kind of event
(``KINDS``): a unit test fails on a tag without either, so a feature that adds a tag adds its words too.
A basis is recorded as a code (``own_institution``, ``referral:17``, a list's ``own_institution,referral``);
``basis_words`` turns it into 「所属機関として」「つなぎ（社協へ、要約）」… with the grants it names.
"""

from __future__ import annotations

from dataclasses import dataclass

from council.audit.tags import AuditTag
from council.core.i18n import gettext as _
from council.core.i18n import lazy_gettext as _l
from council.security.auditchain import Outcome
from council.security.signin import AccountEvent

TAG_LABELS = {
    AuditTag.CASE_UNREADABLE: _l("A value of the case did not authenticate (shown as an error)"),
    AuditTag.MEETING_SCHEDULED: _l("Meeting scheduled"),
    AuditTag.MEETING_CHANGED: _l("Meeting changed"),
    AuditTag.MEETING_RESCHEDULED: _l("Meeting rescheduled"),
    AuditTag.MEETING_CANCELLED: _l("Meeting cancelled"),
    AuditTag.MEETING_ACCESS_DENIED: _l("Access to a meeting refused"),
    AuditTag.AUDIT_EVENT_DENIED: _l("An event of another council asked for (refused)"),
    AuditTag.PAGE_ACCESS_DENIED: _l("Page refused: the role may not open it"),
    AuditTag.GRANT_MOVED: _l("Share's period moved with its meeting"),
    AuditTag.BRIEF_PREPARED: _l("Meeting brief prepared"),
    AuditTag.BRIEF_READ: _l("Meeting brief read"),
    AuditTag.BRIEF_REVEALED: _l("Meeting brief's personal details shown"),
    AuditTag.BRIEF_PRINTED: _l("Meeting brief printed"),
    AuditTag.DECISION_RECORDED: _l("Meeting decision recorded on the case"),
    AuditTag.TASK_GIVEN: _l("Task given by a meeting (役割分担)"),
    AuditTag.TASK_COMPLETED: _l("Task completed"),
    AuditTag.TASK_WITHDRAWN: _l("Task withdrawn when the meeting's record was changed"),
    AuditTag.ATTENDANCE_RECORDED: _l("Meeting attendance recorded"),
    AuditTag.MINUTES_VIEWED: _l("Minutes read"),
    AuditTag.MINUTES_EDITED: _l("Minutes edited"),
    AuditTag.MINUTES_APPROVED: _l("Minutes approved (with a signed checkpoint)"),
    AuditTag.MINUTES_PRINTED: _l("Minutes printed"),
    AuditTag.TASKS_LISTED: _l("An institution's tasks listed"),
    AuditTag.LEDGER_EXPORTED: _l("Progress ledger exported"),
    AuditTag.LEDGER_PRINTED: _l("Progress ledger printed"),
    AuditTag.INCIDENT_CREATED: _l("Incident registered"),
    AuditTag.INCIDENT_CHANGED: _l("Incident changed"),
    AuditTag.INCIDENT_CASES_ADDED: _l("Affected cases added to an incident"),
    AuditTag.INCIDENT_CASE_REMOVED: _l("Affected case removed from an incident"),
    AuditTag.INCIDENT_CASES_SEARCHED: _l("Log searched for an incident's affected cases"),
    AuditTag.INCIDENT_VIEWED: _l("Incident viewed"),
    AuditTag.INCIDENT_PRINTED: _l("Incident report printed"),
    AuditTag.INCIDENT_KEYS_REWRAPPED: _l("Incident keys re-wrapped with a new key version"),
    AuditTag.MEETING_KEYS_REWRAPPED: _l("Meeting keys (minutes' summaries) re-wrapped with a new key version"),
    AuditTag.COUNCIL_CREATED: _l("Council created"),
    AuditTag.INSTITUTION_CREATED: _l("Institution created"),
    AuditTag.INSTITUTION_CHANGED: _l("Institution changed"),
    AuditTag.USER_CREATED: _l("Account created by an administrator"),
    AuditTag.USER_CHANGED: _l("Account changed by an administrator"),
    AuditTag.USER_ROLE_CHANGED: _l("Account's role or institution changed"),
    AuditTag.USER_DISABLED: _l("Account disabled"),
    AuditTag.USER_ENABLED: _l("Account enabled again"),
    AuditTag.USER_RESET: _l("Account's sign-in reset"),
    AuditTag.FIRST_ADMIN_LINK_CREATED: _l("First administrator's setup link created"),
    AuditTag.PLEDGE_ACCEPTED: _l("Confidentiality pledge accepted"),
    AuditTag.INBOX_MAIL_CHANGED: _l("Inbox notification mail switched"),
    AuditTag.INBOX_MAIL_SENT: _l("Inbox notification mail sent"),
    AuditTag.AUDIT_VERIFIED: _l("Audit chain verified"),
    AuditTag.AUDIT_CHECKPOINT_CREATED: _l("Audit checkpoint signed"),
    AuditTag.BACKUP_CREATED: _l("Backup written"),
    AuditTag.BACKUP_RESTORED: _l("Backup restored"),
    AuditTag.AUDIT_LOG_VIEWED: _l("Audit log read"),
    AuditTag.AUDIT_LOG_EXPORTED: _l("Audit log exported (CSV)"),
    AuditTag.BREAK_GLASS_LISTED: _l("List of emergency accesses read"),
    AuditTag.AUDIT_EVENT_REVIEWED: _l("Audit event reviewed by an auditor"),
    AuditTag.AUDIT_REVIEW_EDITED: _l("An auditor's review comment corrected"),
    AuditTag.REVIEW_KEYS_REWRAPPED: _l("Review keys (auditors' comments) re-wrapped with a new key version"),
    AuditTag.AUDIT_REVIEWS_LISTED: _l("Auditor's review lists read"),
    AuditTag.AUDIT_ANOMALIES_LISTED: _l("Anomaly rules run over the log"),
    AuditTag.AUDIT_SAMPLE_DRAWN: _l("Sample of access events drawn for review"),
    AuditTag.CASE_CREATED: _l("Case opened"),
    AuditTag.CASE_IMPORTED: _l("Case imported from a ledger"),
    AuditTag.CASE_VIEWED: _l("Case page viewed"),
    AuditTag.CASE_PRINTED: _l("Case printed"),
    AuditTag.CASE_DISCLOSED: _l("Disclosure report generated (開示請求)"),
    AuditTag.CASE_CHANGED: _l("Case details changed"),
    AuditTag.CASE_STATUS_CHANGED: _l("Case status changed"),
    AuditTag.CASE_PURGED: _l("Case purged (crypto-shredded)"),
    AuditTag.CASE_ACCESS_DENIED: _l("Access to a case refused"),
    AuditTag.RECORD_CREATED: _l("Support record written"),
    AuditTag.RECORD_EDITED: _l("Support record edited"),
    AuditTag.RECORD_DELETED: _l("Support record deleted"),
    AuditTag.PERSON_ADDED: _l("Household member added"),
    AuditTag.PERSON_CHANGED: _l("Person's details changed"),
    AuditTag.PERSON_REMOVED: _l("Household member removed"),
    AuditTag.CONSENT_RECORDED: _l("Consent recorded"),
    AuditTag.CONSENT_WITHDRAWN: _l("Consent withdrawn"),
    AuditTag.GRANT_CREATED: _l("Case shared"),
    AuditTag.GRANT_ENDED: _l("Share ended"),
    AuditTag.REQUEST_SENT: _l("Information request sent"),
    AuditTag.REQUEST_ANSWERED: _l("Information request answered"),
    AuditTag.REQUEST_DECLINED: _l("Information request declined"),
    AuditTag.REQUEST_CANCELLED: _l("Information request cancelled"),
    AuditTag.PLAN_SAVED: _l("Support plan saved"),
    AuditTag.ATTACHMENT_ADDED: _l("File attached"),
    AuditTag.ATTACHMENT_DOWNLOADED: _l("Attached file downloaded"),
    AuditTag.ATTACHMENT_REMOVED: _l("Attached file removed"),
    AuditTag.CASE_LEAD_CHANGED: _l("Lead institution changed"),
    AuditTag.COUNCIL_CASE_REGISTERED: _l("Registered as a council case"),
    AuditTag.COUNCIL_CASE_UNREGISTERED: _l("Council case registration ended"),
    AuditTag.HANDOFF_SENT: _l("Referral or transfer sent"),
    AuditTag.HANDOFF_APPROVED: _l("Referral or transfer approved"),
    AuditTag.HANDOFF_ACCEPTED: _l("Referral or transfer accepted"),
    AuditTag.HANDOFF_DECLINED: _l("Referral or transfer declined"),
    AuditTag.HANDOFF_CANCELLED: _l("Referral or transfer cancelled"),
    AuditTag.HANDOFF_ENDED: _l("Referral or transfer ended"),
    AuditTag.CASE_RESTRICTED: _l("Case marked as needing special care"),
    AuditTag.CASE_UNRESTRICTED: _l("Special care mark lifted"),
    AuditTag.CASE_LINKED: _l("Cases of one household linked"),
    AuditTag.CASE_UNLINKED: _l("Household link ended"),
    AuditTag.BREAK_GLASS_OPENED: _l("Emergency access opened"),
    AuditTag.BREAK_GLASS_REFUSED: _l("Emergency access refused"),
    AuditTag.BREAK_GLASS_ENDED: _l("Emergency access ended"),
    AuditTag.BREAK_GLASS_ACKNOWLEDGED: _l("Emergency access acknowledged by the lead institution"),
    AuditTag.BREAK_GLASS_REVIEWED: _l("Emergency access reviewed"),
    AuditTag.CASE_LISTED: _l("Case list viewed"),
    AuditTag.CASE_SEARCHED: _l("Cases searched"),
    AuditTag.DUPLICATE_CHECKED: _l("Duplicate check at intake"),
    AuditTag.CASE_KEYS_REWRAPPED: _l("Case keys re-wrapped"),
    AuditTag.KEYS_ROTATED: _l("Key-encryption key rotated"),
    AuditTag.KEYS_RETIRED: _l("Old key-encryption key retired"),
    AuditTag.STATISTICS_EXPORTED: _l("Statistics exported"),
    AuditTag.STATISTICS_COUNTED: _l("Cases counted for the statistics"),
    AccountEvent.LOGIN_SUCCEEDED: _l("Signed in (password)"),
    AccountEvent.LOGIN_FAILED: _l("Sign-in failed"),
    AccountEvent.MFA_SUCCEEDED: _l("Second factor accepted"),
    AccountEvent.MFA_FAILED: _l("Second factor refused"),
    AccountEvent.RECOVERY_CODE_USED: _l("Recovery code used"),
    AccountEvent.RECOVERY_CODES_REPLACED: _l("Recovery codes replaced"),
    AccountEvent.RECOVERY_CODES_REFUSED: _l("Recovery codes not replaced"),
    AccountEvent.LOCKOUT: _l("Account locked after failed sign-ins"),
    AccountEvent.LOGOUT: _l("Signed out"),
    AccountEvent.SESSION_REVOKED: _l("Session ended by an administrator or a change"),
    AccountEvent.SETUP_LINK_CREATED: _l("Setup link created"),
    AccountEvent.SETUP_LINK_USED: _l("Setup link used"),
    AccountEvent.SETUP_LINK_REFUSED: _l("Setup link refused"),
    AccountEvent.PASSWORD_CHANGED: _l("Password changed"),
    AccountEvent.PASSWORD_CHANGE_FAILED: _l("Password change refused"),
}


@dataclass(frozen=True)
class Kind:
    """A kind of event the auditor filters by: the tags that start with one of ``prefixes``."""

    key: str
    label: object
    prefixes: tuple[str, ...]


#: The kinds of event, in the order of the filter's list. Every tag is in at least one (a unit test checks).
KINDS = (
    Kind("case", _l("Everything about cases"), ("case:",)),
    Kind("case_read", _l("Case pages viewed, printed, downloaded"),
         ("case:file:viewed", "case:file:printed", "case:attachment:downloaded", "case:disclosure:generated")),
    Kind("lists", _l("Case lists, searches and duplicate checks"),
         ("case:list:", "case:search:", "case:duplicates:")),
    Kind("refused", _l("Refused case requests"), ("case:access:denied", "case:break_glass:refused")),
    Kind("pages_refused", _l("Pages refused by role"), ("page:access:denied",)),
    Kind("case_writes", _l("Cases opened and changed"),
         ("case:file:created", "case:file:imported", "case:file:purged", "case:details:", "case:status:",
          "case:person:", "case:plan:", "case:attachment:added", "case:attachment:removed", "case:lead:",
          "case:council:", "case:restriction:", "case:link:")),
    Kind("records", _l("Support records"), ("case:record:",)),
    Kind("consent", _l("Consent"), ("case:consent:",)),
    Kind("shares", _l("Shares (grants)"), ("case:grant:",)),
    Kind("handoffs", _l("Referrals, transfers and information requests"), ("case:handoff:", "case:request:")),
    Kind("break_glass", _l("Emergency access (緊急アクセス)"), ("case:break_glass:", "audit:break_glass:")),
    Kind("sign_in", _l("Sign-in, sessions and pledges"), ("account:",)),
    Kind("admin", _l("Accounts and institutions (administrators)"), ("admin:",)),
    Kind("audit", _l("The audit log itself"), ("audit:",)),
    Kind("operations", _l("Keys, backups and statistics"), ("keys:", "operations:", "stats:")),
    Kind("meetings", _l("Meetings, briefs, decisions, tasks and minutes"),
         ("meeting:", "case:brief:", "case:decision:", "case:task:")),
    Kind("ledger", _l("The progress ledger"), ("case:ledger:",)),
    Kind("incidents", _l("Incidents (漏えい等報告)"), ("incident:", "keys:incident_key:")),
)
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}

OUTCOME_LABELS = {Outcome.ALLOWED: _l("Allowed"), Outcome.DENIED: _l("Refused"), Outcome.ERROR: _l("Error")}

#: A basis's kind (its code, or what comes before ``:<id>``) in words, for the filter and for lists' bases.
BASIS_KINDS = {
    "assigned": _l("As the assigned worker"),
    "own_institution": _l("As their own institution's case"),
    "coordinator_ledger": _l("The coordinator's progress ledger"),
    "coordinator": _l("As the coordinator"),
    "referral": _l("Referral (つなぎ)"),
    "transfer": _l("Transfer (移管)"),
    "consent": _l("The person's consent (本人同意)"),
    "meeting": _l("Sharing within the council (協議会内の情報共有)"),
    "request": _l("Information request (情報提供依頼)"),
    "break_glass": _l("Emergency access (緊急アクセス)"),
    "creating": _l("As the case's creator"),
    "import": _l("Ledger import"),
    "operator": _l("The operator on the server"),
}
#: What a refused request asked to do (``case:access:denied`` records the action in its reason).
ACTION_LABELS = {
    "case:content:read": _l("read the whole case"),
    "case:summary:read": _l("read the summary"),
    "case:brief:read": _l("read a meeting brief"),
    "case:ledger:read": _l("read the progress ledger's line"),
    "case:field:reveal": _l("open a hidden field"),
    "case:record:write": _l("write support records"),
    "case:details:edit": _l("edit the case's details"),
    "case:attachment:read": _l("download an attachment"),
    "case:share:manage": _l("manage shares"),
    "case:lead:transfer": _l("transfer the case"),
    "case:status:close": _l("close the case"),
    "case:decision:record": _l("record a meeting decision"),
    "case:request:answer": _l("answer an information request"),
    "case:handoff:answer": _l("answer a referral or transfer"),
    "case:lead:ask": _l("ask for a transfer"),
    "case:council:register": _l("register it as a council case"),
    "case:brief:prepare": _l("prepare a meeting brief"),
    "case:brief:reveal": _l("open a meeting brief's hidden field"),
    "case:disclosure:generate": _l("generate a disclosure report (開示請求)"),
    "case:disclosure:open": _l("open a disclosure report someone else generated"),
    "case:task:complete": _l("complete a task of a meeting"),
    "meeting:meeting:view": _l("open a meeting"),
    "meeting:meeting:manage": _l("change or cancel a meeting"),
    "meeting:minutes:read": _l("read a meeting's minutes"),
    "meeting:minutes:manage": _l("record a meeting or edit its minutes"),
    "audit:event:review": _l("open an event to review it"),
    "audit:verification:view": _l("open a verification run of another council"),
    "case:minutes:read": _l("read its part of a meeting's minutes"),
}
#: What a page refused by role needed (``page:access:denied`` records the permission and the page's endpoint).
PERMISSION_LABELS = {
    "council:home:view": _l("open the home page"),
    "account:self:manage": _l("manage their own account"),
    "admin:institutions:manage": _l("manage institutions (administrators)"),
    "admin:users:manage": _l("manage accounts (administrators)"),
    "audit:log:view": _l("open the auditor's workspace"),
    "cases:case:work": _l("work on cases"),
    "cases:ledger:view": _l("open the progress ledger (coordinator)"),
    "cases:ledger:import": _l("import a case ledger"),
    "cases:case:break_glass": _l("use emergency access (緊急アクセス)"),
    "meetings:meeting:view": _l("open meetings"),
    "meetings:meeting:manage": _l("schedule and record meetings (coordinator)"),
    "meetings:task:view": _l("open the tasks of meetings"),
    "meetings:notice:view": _l("open the council's public notice (公示)"),
    "incidents:incident:manage": _l("open the incident register (漏えい等報告)"),
}

#: Bases that rest on a grant: ``<kind>:<id>``, described with the grant's recipient and scope.
_GRANT_KINDS = {"referral", "transfer", "consent", "request"}


@dataclass(frozen=True)
class GrantFacts:
    """What a basis's grant says: to whom (an institution's or a user's name) and in which scope."""

    recipient: str
    scope: object


def tag_label(tag: str) -> str:
    """The words for a tag; an unknown tag (one recorded by a version that is gone) is shown as it is."""
    label = TAG_LABELS.get(tag)
    return str(label) if label is not None else tag


def outcome_label(outcome: str) -> str:
    label = OUTCOME_LABELS.get(outcome)
    return str(label) if label is not None else outcome


def basis_kind(basis: str) -> str:
    """``referral:17`` → ``referral``; a code without an id is its own kind."""
    return basis.split(":", 1)[0]


def basis_words(basis: str | None, grant: GrantFacts | None = None) -> str:
    """A recorded basis in words: 「担当者として」, 「つなぎ（社協へ、概要）」, 「協議会内の情報共有（会議 12）」,
    a list's kinds joined (「所属機関として、つなぎ」). ``grant``: what the basis's grant says, when it was found."""
    if not basis:
        return ""
    if "," in basis:
        return _(", ").join(basis_words(part) for part in basis.split(","))
    kind, _colon, number = basis.partition(":")
    label = BASIS_KINDS.get(kind)
    if label is None:
        return basis
    if kind == "meeting":
        return _("Sharing within the council (meeting %(id)s)", id=number)
    if kind == "break_glass":
        return _("Emergency access (緊急アクセス no. %(id)s)", id=number)
    if kind in _GRANT_KINDS and grant is not None:
        return _("%(kind)s (to %(recipient)s, %(scope)s)", kind=label, recipient=grant.recipient,
                 scope=grant.scope)
    return str(label)
