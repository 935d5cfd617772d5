"""What each platform role may do. Deny by default; which organisation's content one may edit is checked
in the services (``may_edit``), since it depends on the object."""

from enum import StrEnum

from council.platform.models import PlatformRole


class PlatformPermission(StrEnum):
    ACCOUNT_MANAGE = "platform:account:manage"
    HOME_VIEW = "platform:home:view"
    #: Review organisations' applications; approve or decline them.
    ORGANISATIONS_REVIEW = "platform:organisations:review"
    #: Edit one's own organisation's profile and invite its staff.
    ORGANISATION_MANAGE = "platform:organisation:manage"
    #: See one's own organisation and its staff.
    ORGANISATION_VIEW = "platform:organisation:view"
    #: Publish and edit one's organisation's places and activities.
    PLACES_PUBLISH = "platform:places:publish"
    #: See co-creation projects; start one, join one, post updates.
    PROJECTS_WORK = "platform:projects:work"
    #: Read the board and write in its threads.
    BOARD_USE = "platform:board:use"
    #: Topics, announcements, hiding posts, locking threads, the reports queue.
    BOARD_MODERATE = "platform:board:moderate"
    #: See and share resources (documents, training announcements).
    RESOURCES_USE = "platform:resources:use"
    #: Maintain the list of public consultation windows.
    CONSULT_MANAGE = "platform:consult:manage"
    STATISTICS_VIEW = "platform:statistics:view"
    #: See every platform account; reset, disable or enable one, end its sessions (issue 14).
    USERS_MANAGE = "platform:users:manage"


_MEMBER = frozenset({
    PlatformPermission.ACCOUNT_MANAGE, PlatformPermission.HOME_VIEW, PlatformPermission.ORGANISATION_VIEW,
    PlatformPermission.PLACES_PUBLISH, PlatformPermission.PROJECTS_WORK, PlatformPermission.BOARD_USE,
    PlatformPermission.RESOURCES_USE, PlatformPermission.STATISTICS_VIEW,
})

ROLE_PERMISSIONS = {
    PlatformRole.ADMIN: frozenset({
        PlatformPermission.ACCOUNT_MANAGE, PlatformPermission.HOME_VIEW, PlatformPermission.ORGANISATIONS_REVIEW,
        PlatformPermission.PLACES_PUBLISH,
        PlatformPermission.PROJECTS_WORK, PlatformPermission.BOARD_USE, PlatformPermission.BOARD_MODERATE,
        PlatformPermission.RESOURCES_USE, PlatformPermission.CONSULT_MANAGE, PlatformPermission.STATISTICS_VIEW,
        PlatformPermission.USERS_MANAGE,
    }),
    PlatformRole.ORGANISATION_ADMIN: _MEMBER | {PlatformPermission.ORGANISATION_MANAGE},
    PlatformRole.MEMBER: _MEMBER,
}


def has_permission(user, permission: str) -> bool:
    return permission in ROLE_PERMISSIONS.get(PlatformRole(user.role), frozenset())
