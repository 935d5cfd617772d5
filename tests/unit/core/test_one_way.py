"""One way to do each thing (README "Conventions"): a second way written anywhere in ``council`` fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Blueprint, Flask

from council.core.permissions import PUBLIC, declared_permission, route

COUNCIL = Path(__file__).resolve().parents[3] / "council"

#: (what, where it may appear, pattern of a second way)
RULES = [
    ("routes are declared with core.permissions.route", "core/permissions.py",
     re.compile(r"\.add_url_rule\(|@\w+\.route\(|\bdef _route\(|\badd_route\b")),
    ("versions are compared and bumped by core.editing.lock_for_edit", "core/editing.py",
     re.compile(r"\.version \+= 1|\.version \+ 1\b|str\(version\) != |_check_version")),
    ("kana and digits are normalised by core.japanese", "core/japanese.py",
     re.compile(r"\+ 0x60\b|0x3041|\\u3041|def digits_only|def (as_katakana|normalise_kana)\b")),
    ("texts are translated with core.i18n's gettext, lazy_gettext and ngettext", "core/i18n.py",
     re.compile(r"from flask_babel import .*\b(n|lazy_|p)?gettext\b|flask_babel\.(n|lazy_|p)?gettext\b")),
    ("every page's template helpers are registered once by core.web.template_globals", "core/web.py",
     re.compile(r"\.app_context_processor\b")),
]


def _offenders(allowed: str, pattern: re.Pattern) -> list[str]:
    found = []
    for path in sorted(COUNCIL.rglob("*.py")):
        if path == COUNCIL / allowed:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(COUNCIL.parent)}:{number}: {line.strip()}")
    return found


@pytest.mark.parametrize(("what", "allowed", "pattern"), RULES, ids=[rule[0] for rule in RULES])
def test_there_is_one_way(what, allowed, pattern):
    offenders = _offenders(allowed, pattern)
    assert not offenders, f"{what}:\n" + "\n".join(offenders)


def test_the_guards_see_what_they_forbid():
    samples = {
        0: ['bp.add_url_rule("/x", "x", view)', '@bp.route("/x")', "def _route(rule, view):"],
        1: ["case.version += 1", "row.version + 1", "if str(version) != str(row.version):"],
        2: ["chr(ord(ch) + 0x60)", 'if "\\u3041" <= ch', "def digits_only(text):"],
        3: ["from flask_babel import gettext as _", "from flask_babel import lazy_gettext as _l",
            "from flask_babel import force_locale, ngettext", "flask_babel.gettext(text)"],
        4: ["@bp.app_context_processor"],
    }
    for index, lines in samples.items():
        for line in lines:
            assert RULES[index][2].search(line), line


def test_a_route_without_a_permission_is_refused():
    blueprint = Blueprint("sample", __name__)
    with pytest.raises(TypeError):
        route(blueprint, "/x", lambda: "x")  # permission is a required keyword: no default to forget
    with pytest.raises(ValueError, match="declares no permission"):
        route(blueprint, "/x", lambda: "x", permission="")


def test_a_route_declares_its_permission_on_the_endpoint():
    app, blueprint = Flask(__name__), Blueprint("sample", __name__)

    def page():
        return "page"

    route(blueprint, "/page", page, permission=PUBLIC, methods=("GET", "POST"))
    app.register_blueprint(blueprint)
    assert declared_permission(app.view_functions["sample.page"]) == PUBLIC
    assert {"GET", "POST"} <= set(app.url_map._rules_by_endpoint["sample.page"][0].methods)


def test_one_function_cannot_need_two_permissions():
    blueprint = Blueprint("sample", __name__)

    def page():
        return "page"

    route(blueprint, "/a", page, permission="a:b:c")
    route(blueprint, "/b", page, permission="a:b:c", endpoint="again")  # the same declaration twice is fine
    with pytest.raises(ValueError, match="already"):
        route(blueprint, "/c", page, permission="x:y:z", endpoint="other")


#: Where ciphers are used directly: the crypto primitives, the account secrets' box, the cases' vault, the incidents'
#: own sealer (an incident is sealed under a key of its own, not a case's) and the backup file's own encryption (a
#: whole file under a key from the operator's passphrase, never a case's field).
_CIPHER_USERS = ("crypto/", "security/sealing.py", "cases/vault.py", "incidents/sealing.py", "backups/archive.py")


def test_case_fields_are_opened_and_sealed_by_the_vault_only():
    """A case's fields open through ``vault().open(row, column)`` after a recorded read and are sealed through
    ``vault().seal(row, column, value, access=…)`` (DESIGN §6): no (table, column) pair written by hand, no cipher
    taken out of the vault."""
    pattern = re.compile(r"\.(encrypt|decrypt)\(|\btable=\"|\.cipher\(|\._cipher\(")
    found = []
    for path in sorted(COUNCIL.rglob("*.py")):
        relative = path.relative_to(COUNCIL).as_posix()
        if relative.startswith("platform/") or relative.startswith(_CIPHER_USERS):
            continue
        found += [f"{relative}:{number}: {line.strip()}" for number, line in
                  enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert found == []
    assert pattern.search('cipher.decrypt(row.body_enc, table="support_record", column="body", row_id=row.id)')
