"""What each platform role may do. Deny by default."""

from enum import StrEnum

from council.platform.models import PlatformRole


class PlatformPermission(StrEnum):
    ACCOUNT_MANAGE = "platform:account:manage"
    HOME_VIEW = "platform:home:view"
    STATISTICS_VIEW = "platform:statistics:view"


ROLE_PERMISSIONS = {
    PlatformRole.ADMIN: frozenset(PlatformPermission),
    PlatformRole.ORGANISATION_ADMIN: frozenset(PlatformPermission),
    PlatformRole.MEMBER: frozenset(PlatformPermission),
}


def has_permission(user, permission: str) -> bool:
    return permission in ROLE_PERMISSIONS.get(PlatformRole(user.role), frozenset())
