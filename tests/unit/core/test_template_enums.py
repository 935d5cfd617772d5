"""Templates name roles and permissions by their enums (``Role.ADMIN``, ``Permission.CASES_WORK``), never by their
strings: a renamed permission or role then fails loudly when the page renders instead of hiding a link or a
branch for everyone."""

from __future__ import annotations

import re
from pathlib import Path

from council.access.permissions import Permission, Role
from council.platform.models import PlatformRole
from council.platform.permissions import PlatformPermission

COUNCIL = Path(__file__).resolve().parents[3] / "council"
_QUOTED = r"""['"][^'"]*['"]"""
#: A role compared with a string, or a permission asked for by a string.
FORBIDDEN = re.compile(rf"\brole\s*(==|!=|\bin\b)\s*[(\[]?\s*{_QUOTED}|{_QUOTED}\s*(==|!=)\s*[\w.]*role\b|"
                       rf"has_permission\([^)]*{_QUOTED}|\bcan\(\s*{_QUOTED}")
#: Any permission value of either app, quoted anywhere in a template.
PERMISSION_VALUES = {str(p) for p in (*Permission, *PlatformPermission)}
ROLE_VALUES = {str(r) for r in (*Role, *PlatformRole)}


def _templates():
    return sorted(COUNCIL.rglob("*.html"))


def test_no_template_names_a_role_or_permission_by_its_string():
    offenders = []
    for path in _templates():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            quoted = set(re.findall(r"""['"]([\w:-]+)['"]""", line))
            if FORBIDDEN.search(line) or quoted & PERMISSION_VALUES:
                offenders.append(f"{path.relative_to(COUNCIL.parent)}:{number}: {line.strip()}")
    assert not offenders, "use Role.X / has_permission(current_user, Permission.X):\n" + "\n".join(offenders)


def test_the_guard_sees_what_it_forbids():
    for line in ("{% if role == 'admin' %}", '{% elif u.role != "member" %}', "{% if 'admin' == current_user.role %}",
                 "{% if current_user.role in ('admin', 'auditor') %}",
                 "{% if has_permission('platform:board:moderate') %}",
                 "{{ has_permission(current_user, 'cases:case:work') }}"):
        assert FORBIDDEN.search(line), line
    for line in ("{% if role == Role.ADMIN %}", "{% if has_permission(current_user, Permission.CASES_WORK) %}",
                 "{{ role_label(u.role) }}", '<div role="alert">'):
        assert not FORBIDDEN.search(line), line
    assert "cases:case:work" in PERMISSION_VALUES and "admin" in ROLE_VALUES

