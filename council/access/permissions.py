"""Roles and what each may do (DESIGN.md §5). Deny by default: a permission not listed is not granted."""

from __future__ import annotations

from enum import StrEnum

from council.core.i18n import lazy_gettext as _l


class Role(StrEnum):
    CASEWORKER = "caseworker"
    SUPERVISOR = "supervisor"
    COORDINATOR = "coordinator"
    MEMBER = "member"
    AUDITOR = "auditor"
    ADMIN = "admin"

    @property
    def label(self):
        """Translated when rendered (a lazy string), so form choices built at import follow the page's language."""
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.CASEWORKER: _l("Caseworker (相談支援員)"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.COORDINATOR: _l("Coordinator (調整機関)"),
    Role.MEMBER: _l("Council member"),
    Role.AUDITOR: _l("Auditor"),
    Role.ADMIN: _l("Administrator"),
}


class Permission(StrEnum):
    """``scope:resource:action``."""

    HOME_VIEW = "council:home:view"
    ACCOUNT_MANAGE = "account:self:manage"
    INSTITUTIONS_MANAGE = "admin:institutions:manage"
    USERS_MANAGE = "admin:users:manage"
    AUDIT_LOG_VIEW = "audit:log:view"
    CASES_WORK = "cases:case:work"  # list, open, search and write cases (object access via access.policy)
    LEDGER_VIEW = "cases:ledger:view"
    CASES_IMPORT = "cases:ledger:import"
    #: 緊急アクセス: open a case outside one's grants, stating a reason (council.handoffs.breakglass). The issue names
    #: caseworkers and supervisors: coordinators reach council cases through the ledger and information requests.
    CASES_BREAK_GLASS = "cases:case:break_glass"
    #: Meetings one takes part in (and, for a case's lead, the briefs to prepare); a brief itself is a case reach.
    MEETINGS_VIEW = "meetings:meeting:view"
    #: Schedule meetings, set their agendas and participants, record them and approve their minutes: the coordinator.
    MEETINGS_MANAGE = "meetings:meeting:manage"
    #: 役割分担: the tasks meetings gave one's institution.
    TASKS_VIEW = "meetings:task:view"
    #: 公示: the printable announcement of the council and its member institutions (Act Art. 15(2)).
    COUNCIL_NOTICE = "meetings:notice:view"
    #: 漏えい等報告: the council's incident register (council.incidents): auditors and the coordinator.
    INCIDENTS_MANAGE = "incidents:incident:manage"


_EVERYONE = {Permission.HOME_VIEW, Permission.ACCOUNT_MANAGE}
_MEETINGS = {Permission.MEETINGS_VIEW, Permission.TASKS_VIEW}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CASEWORKER: frozenset(_EVERYONE | _MEETINGS | {Permission.CASES_WORK, Permission.CASES_BREAK_GLASS}),
    Role.SUPERVISOR: frozenset(_EVERYONE | _MEETINGS | {Permission.CASES_WORK, Permission.CASES_IMPORT,
                                                        Permission.CASES_BREAK_GLASS}),
    # The coordinator imports the council's shared ledger into its member institutions (access.policy.import_scope).
    Role.COORDINATOR: frozenset(_EVERYONE | _MEETINGS | {Permission.CASES_WORK, Permission.LEDGER_VIEW,
                                                         Permission.CASES_IMPORT, Permission.MEETINGS_MANAGE,
                                                         Permission.COUNCIL_NOTICE, Permission.INCIDENTS_MANAGE}),
    # Members take part in meetings (briefs in the window, decisions) and see their institution's tasks.
    Role.MEMBER: frozenset(_EVERYONE | _MEETINGS),
    # Auditors read the audit trail, never case content; they keep the incident register with the coordinator.
    Role.AUDITOR: frozenset(_EVERYONE | {Permission.AUDIT_LOG_VIEW, Permission.INCIDENTS_MANAGE}),
    # Administrators manage accounts and institutions, never case content or the audit trail.
    Role.ADMIN: frozenset(_EVERYONE | {Permission.INSTITUTIONS_MANAGE, Permission.USERS_MANAGE}),
}


def has_permission(user, permission: str) -> bool:
    return permission in ROLE_PERMISSIONS.get(Role(user.role), frozenset())
