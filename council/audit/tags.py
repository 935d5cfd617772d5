"""Every tag the council's audit chain records, named ``source:subject:action`` (as Warehouse names its events).

The auditor's log filters by prefix, so the namespaces are what an auditor types: ``case:`` for everything about
cases, ``case:record:`` for support records, ``account:`` for sign-in and sessions, ``admin:`` for accounts and
institutions. Sign-in and session tags are shared with the platform and live beside the sign-in service
(``council.security.signin.AccountEvent``); they are part of this catalogue too (``COUNCIL_TAGS``).
"""

from __future__ import annotations

from enum import StrEnum

from council.security.signin import AccountEvent


class AuditTag(StrEnum):
    """Council-side tags. Member names are stable (code refers to them); values may be renamed before a
    deployment holds real data, never after."""

    # -- accounts, institutions, councils (administrators and the command line)
    COUNCIL_CREATED = "admin:council:created"
    INSTITUTION_CREATED = "admin:institution:created"
    INSTITUTION_CHANGED = "admin:institution:changed"
    USER_CREATED = "admin:user:created"
    USER_CHANGED = "admin:user:changed"
    USER_ROLE_CHANGED = "admin:user:role_changed"
    USER_DISABLED = "admin:user:disabled"
    USER_ENABLED = "admin:user:enabled"
    USER_RESET = "admin:user:reset"
    FIRST_ADMIN_LINK_CREATED = "admin:first_admin_link:created"
    PLEDGE_ACCEPTED = "account:pledge:accepted"
    #: A user switched their inbox's notification mail on or off (the reason says which; never the address).
    INBOX_MAIL_CHANGED = "account:inbox_mail:changed"
    #: ``council inbox notify`` sent a user "N new items" (the reason is the count; nothing else went out).
    INBOX_MAIL_SENT = "account:inbox_mail:sent"
    # -- the audit trail itself
    AUDIT_VERIFIED = "audit:chain:verified"
    AUDIT_CHECKPOINT_CREATED = "audit:checkpoint:created"
    #: ``council backup`` wrote a backup (the reason names which databases and whether KEKs are in it).
    BACKUP_CREATED = "operations:backup:created"
    #: ``council restore`` loaded a backup into this (then empty) instance and checked it.
    BACKUP_RESTORED = "operations:backup:restored"
    AUDIT_LOG_VIEWED = "audit:log:viewed"
    # -- the auditor's workspace (issue 12): the reason names the filter's kinds and the rows written, never names
    #: The filtered log was exported as CSV (the case columns name the case filter's case, if any).
    AUDIT_LOG_EXPORTED = "audit:log:exported"
    #: The auditor's list of break-glass uses (the side table names the cases it showed).
    BREAK_GLASS_LISTED = "audit:break_glass:listed"
    #: An auditor marked an event reviewed (target audit_event:<seq>; the case columns are the event's; the reason
    #: names where it was reviewed from — the comment stays in audit_review, out of the chain).
    AUDIT_EVENT_REVIEWED = "audit:event:reviewed"
    #: An auditor of the council corrected a review's comment (target audit_event:<seq>; the reason names the
    #: review and its new version — the comment, old or new, stays sealed in audit_review, out of the chain).
    AUDIT_REVIEW_EDITED = "audit:review:edited"
    #: The review lists were read (the reason names the Japan-date range).
    AUDIT_REVIEWS_LISTED = "audit:reviews:listed"
    #: The anomaly rules were run (the reason names the Japan-date range and how many findings each rule made).
    AUDIT_ANOMALIES_LISTED = "audit:anomalies:listed"
    #: A sample of access events was drawn (the reason names the seed, N, the filter and the seqs drawn).
    AUDIT_SAMPLE_DRAWN = "audit:sample:drawn"
    #: An auditor asked for an event that is not of their council (404); the target is the sequence number asked for.
    AUDIT_EVENT_DENIED = "audit:event:denied"
    # -- pages a role may not open (the app's permission gate)
    #: A signed-in user's role may not open a page (403: the auditor's workspace, an administrator's or the
    #: coordinator's pages …). The target is the page's endpoint; the reason reads ``<permission> <endpoint>``.
    #: Never the URL (its query string may hold anything). A case route refused by role is a case:access:denied.
    PAGE_ACCESS_DENIED = "page:access:denied"
    # -- one case (the event's case columns say which)
    CASE_CREATED = "case:file:created"
    CASE_IMPORTED = "case:file:imported"
    CASE_VIEWED = "case:file:viewed"
    CASE_PRINTED = "case:file:printed"
    #: 開示請求: a supervisor of the lead institution generated the disclosure report (case data and access history).
    CASE_DISCLOSED = "case:disclosure:generated"
    CASE_CHANGED = "case:details:changed"
    CASE_STATUS_CHANGED = "case:status:changed"
    CASE_PURGED = "case:file:purged"
    #: A value of the case (or its data key) did not authenticate, or a key it needs was unavailable: the page
    #: showed an error instead (the reason names the table, column and row, never a value).
    CASE_UNREADABLE = "case:content:unreadable"
    #: A request for a case was refused (the user saw 404); the reason names the action asked for.
    CASE_ACCESS_DENIED = "case:access:denied"
    RECORD_CREATED = "case:record:created"
    RECORD_EDITED = "case:record:edited"
    RECORD_DELETED = "case:record:deleted"
    PERSON_ADDED = "case:person:added"
    PERSON_CHANGED = "case:person:changed"
    PERSON_REMOVED = "case:person:removed"
    CONSENT_RECORDED = "case:consent:recorded"
    CONSENT_WITHDRAWN = "case:consent:withdrawn"
    GRANT_CREATED = "case:grant:created"
    GRANT_ENDED = "case:grant:ended"
    #: 情報提供依頼 (handoffs.requests): sent to a member institution or to a case's holder, answered, declined,
    #: cancelled by its sender. Reasons carry ids and codes only.
    REQUEST_SENT = "case:request:sent"
    REQUEST_ANSWERED = "case:request:answered"
    REQUEST_DECLINED = "case:request:declined"
    REQUEST_CANCELLED = "case:request:cancelled"
    PLAN_SAVED = "case:plan:saved"
    ATTACHMENT_ADDED = "case:attachment:added"
    ATTACHMENT_DOWNLOADED = "case:attachment:downloaded"
    ATTACHMENT_REMOVED = "case:attachment:removed"
    #: The lead institution changed (a transfer's acceptance); the reason names the old and new institution ids.
    CASE_LEAD_CHANGED = "case:lead:changed"
    COUNCIL_CASE_REGISTERED = "case:council:registered"
    COUNCIL_CASE_UNREGISTERED = "case:council:unregistered"
    # -- handoffs (つなぎ・移管 and their requests): reasons name the handoff id, kind and codes, never a text
    HANDOFF_SENT = "case:handoff:sent"
    HANDOFF_APPROVED = "case:handoff:approved"
    HANDOFF_ACCEPTED = "case:handoff:accepted"
    HANDOFF_DECLINED = "case:handoff:declined"
    HANDOFF_CANCELLED = "case:handoff:cancelled"
    HANDOFF_ENDED = "case:handoff:ended"
    #: 要配慮 set or lifted by the lead institution (the reason is a code).
    CASE_RESTRICTED = "case:restriction:set"
    CASE_UNRESTRICTED = "case:restriction:lifted"
    #: Two cases of one household linked or unlinked (the event names the case it was done from; the side table both).
    CASE_LINKED = "case:link:created"
    CASE_UNLINKED = "case:link:ended"
    # -- break-glass (緊急アクセス, council.handoffs.breakglass): the events under it carry basis break_glass:<id>
    BREAK_GLASS_OPENED = "case:break_glass:opened"
    #: A break-glass asked for a case number that is not one of the council's, or a purged case (denied).
    BREAK_GLASS_REFUSED = "case:break_glass:refused"
    BREAK_GLASS_ENDED = "case:break_glass:ended"
    BREAK_GLASS_ACKNOWLEDGED = "case:break_glass:acknowledged"
    BREAK_GLASS_REVIEWED = "case:break_glass:reviewed"
    # -- meetings and briefs (council.meetings, issue 11): a meeting's events name it (target meeting:<id>) and the
    # agenda cases in the side table; a brief's events are about its case and carry basis meeting:<id> or the
    # lead's own reach. Reasons carry ids and codes only.
    MEETING_SCHEDULED = "meeting:meeting:scheduled"
    MEETING_CHANGED = "meeting:meeting:changed"
    MEETING_RESCHEDULED = "meeting:meeting:rescheduled"
    MEETING_CANCELLED = "meeting:meeting:cancelled"
    #: A request for a meeting (its page, record or minutes) was refused (404); the reason names the action asked
    #: for, the target the meeting. A refused request about a case of a meeting is a case:access:denied event.
    MEETING_ACCESS_DENIED = "meeting:access:denied"
    #: A grant's window moved with its meeting (rescheduling); the reason names the grant and the new window.
    GRANT_MOVED = "case:grant:moved"
    BRIEF_PREPARED = "case:brief:prepared"
    BRIEF_READ = "case:brief:read"
    #: The brief's personal details opened: its own event, so that an auditor finds every reveal.
    BRIEF_REVEALED = "case:brief:revealed"
    BRIEF_PRINTED = "case:brief:printed"
    # -- at the meeting: decisions, tasks and minutes (council.meetings.minutes, council.meetings.tasks). Events about
    # a case carry basis meeting:<id>; reasons name ids and codes, never what was said.
    DECISION_RECORDED = "case:decision:recorded"
    TASK_GIVEN = "case:task:given"
    TASK_COMPLETED = "case:task:completed"
    ATTENDANCE_RECORDED = "meeting:attendance:recorded"
    #: The minutes' page or print read the cases' parts (the side table says which cases).
    MINUTES_VIEWED = "meeting:minutes:viewed"
    MINUTES_EDITED = "meeting:minutes:edited"
    MINUTES_APPROVED = "meeting:minutes:approved"
    MINUTES_PRINTED = "meeting:minutes:printed"
    #: An institution's list of its tasks (the side table says which cases it showed).
    TASKS_LISTED = "meeting:tasks:listed"
    # -- the meetings' access-control fixes (issue 11, security review)
    #: A re-recorded agenda item no longer has an open task: the task row is removed (its id and institution).
    TASK_WITHDRAWN = "case:task:withdrawn"
    # -- many cases at once (the side table audit_event_case says which)
    CASE_LISTED = "case:list:viewed"
    CASE_SEARCHED = "case:search:performed"
    DUPLICATE_CHECKED = "case:duplicates:checked"
    # -- the progress ledger (council.meetings.ledger): the side table names every case exported or printed
    LEDGER_EXPORTED = "case:ledger:exported"
    LEDGER_PRINTED = "case:ledger:printed"
    CASE_KEYS_REWRAPPED = "keys:case_key:rewrapped"
    # -- keys and exports (the operator's command line)
    KEYS_ROTATED = "keys:kek:rotated"
    KEYS_RETIRED = "keys:kek:retired"
    STATISTICS_EXPORTED = "stats:export:written"
    #: A batch of cases read by the statistics export (the side table says which): their subjects' birth dates.
    STATISTICS_COUNTED = "stats:cases:counted"
    # -- 漏えい等報告 (council.incidents, the incident register): reasons carry ids, codes and dates, never its text
    INCIDENT_CREATED = "incident:register:created"
    INCIDENT_CHANGED = "incident:register:changed"
    #: Cases picked from the log as concerned by an incident (the side table says which).
    INCIDENT_CASES_ADDED = "incident:cases:added"
    INCIDENT_CASE_REMOVED = "incident:cases:removed"
    #: The audit log searched for an incident's affected cases (the side table names the cases it showed).
    INCIDENT_CASES_SEARCHED = "incident:cases:searched"
    INCIDENT_VIEWED = "incident:register:viewed"
    INCIDENT_PRINTED = "incident:report:printed"
    #: ``council keys rotate`` re-wrapped incidents' data keys (the reason names the version and the incidents).
    INCIDENT_KEYS_REWRAPPED = "keys:incident_key:rewrapped"
    #: Meetings' data keys (their sealed 議事概要, council.meetings.sealing) re-wrapped; the reason names the meetings.
    MEETING_KEYS_REWRAPPED = "keys:meeting_key:rewrapped"
    #: Auditors' reviews' data keys (their sealed comments, council.audit.reviews.sealing) re-wrapped.
    REVIEW_KEYS_REWRAPPED = "keys:review_key:rewrapped"


#: Everything the council's chain may record.
COUNCIL_TAGS: tuple[StrEnum, ...] = (*AuditTag, *AccountEvent)
