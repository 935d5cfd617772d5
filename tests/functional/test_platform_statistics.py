"""The council's statistics on the platform: only genuine, well-formed files are imported, then shown."""

from __future__ import annotations

import base64
import json
import re

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from council import instance
from council.core import signedstats
from council.platform.cli import platform_group
from council.platform.database import db
from council.platform.models import PlatformAuditEvent, PlatformRole, PlatformUser
from council.platform.statistics.models import StatisticsSnapshot
from council.security import auditchain
from tests.conftest import count, english

COUNCIL = "テスト市孤独・孤立対策地域協議会"


def payload(*, generated_at: str = "2026-11-23T02:00:00Z", **changes) -> dict:
    body = {
        "format": "council-stats/1", "council": COUNCIL, "generated_at": generated_at, "k": 5,
        "period": {"from": "2026-09", "to": "2026-11"}, "total": 12,
        "dimensions": {
            "status": [{"label": s, "count": 12 if s == "support" else "<5"} for s in signedstats.STATUSES],
            "risk": [{"label": "high", "count": "<5"}, {"label": "medium", "count": 7},
                     {"label": "low", "count": "<5"}],
            "category": [{"label": "ひきこもり", "count": 12}, {"label": "8050世帯", "count": 5}],
            "age_band": [{"label": b, "count": 12 if b == "50s" else "<5"} for b in signedstats.AGE_BANDS],
            "intake_month": [{"label": "2026-09", "count": "<5"}, {"label": "2026-10", "count": 12},
                             {"label": "2026-11", "count": "<5"}],
        },
    }
    body.update(changes)
    return body


def signed(body: dict, key) -> bytes:
    """Signed with ``key`` without the payload rules, as a careless or hostile key holder could."""
    text = signedstats.canonical(body)
    return json.dumps({"format": "council-stats/1", "payload": text,
                       "signature": base64.b64encode(key.sign(text.encode())).decode(),
                       "public_key_fingerprint": signedstats.fingerprint(key.public_key())}).encode()


@pytest.fixture
def council_key(instance_dir):
    return instance.signing_key(instance_dir)


@pytest.fixture
def public_key_file(tmp_path, council_key):
    path = tmp_path / "council.pub"
    path.write_text(signedstats.public_key_pem(council_key.public_key()))
    return path


@pytest.fixture
def import_stats(platform_app, instance_dir, public_key_file, tmp_path):
    """Run `council platform import-stats` as an operator would: settings from PLATFORM_* variables."""

    def run(data: bytes, *, key_setting: str | None = str(public_key_file)):
        path = tmp_path / "upload.json"
        path.write_bytes(data)
        env = {"PLATFORM_DATABASE_URL": platform_app.config["DATABASE_URL"],
               "PLATFORM_INSTANCE_PATH": str(instance_dir / "platform"),
               "PLATFORM_COUNCIL_PUBLIC_KEY": key_setting or ""}
        return CliRunner().invoke(platform_group, ["import-stats", str(path)], env=env)

    return run


def member_client(platform_app):
    from council.security.passwords import PasswordHasher

    with platform_app.app_context():
        hasher = PasswordHasher(platform_app.config["PASSWORD_HASH"])
        db.session.add(PlatformUser(username="npo-staff", display_name="NPO 職員", role=PlatformRole.MEMBER,
                                    password_hash=hasher.hash("member passphrase here"), failed_logins=0))
        db.session.commit()
    client = platform_app.test_client()
    client.post("/language", data={"lang": "en", "next": "/"})
    response = client.post("/login", data={"username": "npo-staff", "password": "member passphrase here"})
    assert response.status_code == 302
    return client


def audit_tags(platform_app) -> list[tuple[str, str]]:
    with platform_app.app_context():
        return list(db.session.execute(select(PlatformAuditEvent.tag, PlatformAuditEvent.reason)
                                       .order_by(PlatformAuditEvent.seq)).all())


# -- importing ----------------------------------------------------------------------------------------


def test_a_council_export_is_imported_and_shown(app, runner, make_user, make_case, platform_app, import_stats,
                                                tmp_path):
    """End to end: the council exports, the platform imports with the council's public key, members see it."""
    from council.cli import cli

    actor = make_user("caseworker")
    for _ in range(6):
        make_case(actor)
    out = tmp_path / "export.json"
    assert runner.invoke(cli, ["stats", "export", "--out", str(out)]).exit_code == 0
    result = import_stats(out.read_bytes())
    assert result.exit_code == 0, result.output
    assert "Imported the statistics of " + COUNCIL in result.output
    with platform_app.app_context():
        snapshot = db.session.scalar(select(StatisticsSnapshot))
        assert snapshot.payload == json.loads(out.read_text())["payload"] and snapshot.k == 5
        assert auditchain.verify(db.session, PlatformAuditEvent).intact
    (tag, reason), = audit_tags(platform_app)
    assert tag == "platform:statistics:imported" and snapshot.sha256 in reason

    page = member_client(platform_app).get("/statistics").get_data(as_text=True)
    assert COUNCIL in page and 'data-testid="total">6<' in page
    for dimension in signedstats.DIMENSIONS:
        figure = page.split(f'data-testid="chart-{dimension}"', 1)[1].split("</figure>", 1)[0]
        assert "<figcaption" in figure and "<svg" in figure and '<th scope="row">' in figure
    status = page.split('data-testid="chart-status"', 1)[1].split("</figure>", 1)[0]
    assert re.search(r'<th scope="row">Intake</th><td>6</td>', status)
    assert '<th scope="row">Closed</th><td>&lt;5</td>' in status
    assert 'fill="url(#hatch-status)"' in status and "Hatched bars: fewer than 5" in status


def test_missing_key_setting_refuses_with_the_setting_named(platform_app, import_stats, council_key):
    result = import_stats(signed(payload(), council_key), key_setting=None)
    assert result.exit_code == 1 and "COUNCIL_PUBLIC_KEY" in result.output
    assert count(platform_app, StatisticsSnapshot) == 0
    assert audit_tags(platform_app)[-1][0] == "platform:statistics:refused"


def test_an_unreadable_key_setting_is_refused(platform_app, import_stats, council_key, tmp_path):
    (tmp_path / "not-a-key.pem").write_text("hello")
    result = import_stats(signed(payload(), council_key), key_setting=str(tmp_path / "not-a-key.pem"))
    assert result.exit_code == 1 and "not a readable Ed25519 public key" in result.output


def _tampered(key) -> bytes:
    body = json.loads(signed(payload(), key))
    body["payload"] = body["payload"].replace('"count":7', '"count":8')
    return json.dumps(body).encode()


def _forged_fingerprint(key) -> bytes:
    body = json.loads(signed(payload(), Ed25519PrivateKey.generate()))
    body["public_key_fingerprint"] = signedstats.fingerprint(key.public_key())
    return json.dumps(body).encode()


def _small_cell(key) -> bytes:
    body = payload()
    body["dimensions"]["risk"][0]["count"] = 3
    body["dimensions"]["risk"][1]["count"] = 9
    body["dimensions"]["risk"][2]["count"] = "<5"
    return signed(body, key)


REFUSALS = {
    "tampered": (_tampered, "signature does not match"),
    "another key": (lambda key: signed(payload(), Ed25519PrivateKey.generate()), "signed by another key"),
    "forged fingerprint": (_forged_fingerprint, "signature does not match"),
    "small cell": (_small_cell, "below k=5 but not suppressed"),
    "unknown key": (lambda key: signed({**payload(), "note": "x"}, key), "missing or unknown keys"),
    "case number": (lambda key: signed(payload(council="2026-0042"), key), "case number"),
    "k below 5": (lambda key: signed(payload(k=3), key), "at least 5"),
    "not json": (lambda key: "2026-0042,山田太郎".encode(), "not a statistics export"),
}


@pytest.mark.parametrize("name", REFUSALS)
def test_what_is_not_genuine_and_well_formed_is_refused(platform_app, import_stats, council_key, name):
    make, message = REFUSALS[name]
    result = import_stats(make(council_key))
    assert result.exit_code == 1
    assert result.output.startswith("Refused: ") and message in result.output and result.output.count("\n") == 1
    assert count(platform_app, StatisticsSnapshot) == 0
    (tag, reason), = audit_tags(platform_app)
    # The refusal is audited by kind and file hash only: nothing of what the file said.
    assert tag == "platform:statistics:refused" and "file sha256" in reason
    assert "2026-0042" not in reason and "山田" not in reason and COUNCIL not in reason


def test_the_same_statistics_are_not_imported_twice(platform_app, import_stats, council_key):
    data = signed(payload(), council_key)
    assert import_stats(data).exit_code == 0
    again = import_stats(json.dumps(json.loads(data), indent=4).encode())  # reformatted: still the same
    assert again.exit_code == 1 and "already imported" in again.output
    assert count(platform_app, StatisticsSnapshot) == 1
    assert [tag for tag, _reason in audit_tags(platform_app)] == ["platform:statistics:imported",
                                                                  "platform:statistics:refused"]


# -- the dashboard ------------------------------------------------------------------------------------


def test_statistics_need_sign_in(platform_app):
    for path in ("/statistics", "/statistics/1"):
        response = platform_app.test_client().get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/login")


def test_the_dashboard_explains_the_figures_to_members_and_the_commands_only_to_administrators(
        platform_app, make_platform_user, platform_login):
    page = member_client(platform_app).get("/statistics").get_data(as_text=True)
    assert 'data-testid="no-statistics"' in page and 'data-testid="statistics-meaning"' in page
    assert "add up to more than the total" in page
    assert "council platform import-stats" not in page and "council stats export" not in page
    admin = english(platform_login(make_platform_user("admin")))
    page = admin.get("/statistics").get_data(as_text=True)
    assert 'data-testid="statistics-commands"' in page and "council platform import-stats stats.json" in page


def test_earlier_snapshots_can_be_chosen(platform_app, import_stats, council_key):
    assert import_stats(signed(payload(generated_at="2026-10-01T00:00:00Z", total=10, dimensions={
        **payload()["dimensions"],
        "status": [{"label": s, "count": 10 if s == "support" else "<5"} for s in signedstats.STATUSES],
        "risk": [{"label": "high", "count": "<5"}, {"label": "medium", "count": "<5"}, {"label": "low", "count": 10}],
        "category": [{"label": "ひきこもり", "count": 10}],
        "age_band": [{"label": b, "count": 10 if b == "50s" else "<5"} for b in signedstats.AGE_BANDS],
        "intake_month": [{"label": "2026-09", "count": 10}, {"label": "2026-10", "count": "<5"},
                         {"label": "2026-11", "count": "<5"}]}), council_key)).exit_code == 0
    assert import_stats(signed(payload(), council_key)).exit_code == 0
    with platform_app.app_context():
        older, newer = db.session.scalars(select(StatisticsSnapshot.id).order_by(StatisticsSnapshot.generated_at))
    client = member_client(platform_app)
    latest = client.get("/statistics").get_data(as_text=True)
    assert 'data-testid="total">12<' in latest and f'href="/statistics/{older}"' in latest
    chosen = client.get(f"/statistics/{older}").get_data(as_text=True)
    assert 'data-testid="total">10<' in chosen and f'href="/statistics/{newer}"' in chosen
    assert client.get("/statistics/999999").status_code == 404


def test_the_dashboard_keeps_to_the_content_security_policy(platform_app, import_stats, council_key):
    assert import_stats(signed(payload(), council_key)).exit_code == 0
    response = member_client(platform_app).get("/statistics")
    page = response.get_data(as_text=True)
    assert "style-src 'self' 'nonce-" in response.headers["Content-Security-Policy"]
    # No inline script or style: the only scripts are the site's own files (script-src 'self').
    assert " style=" not in page and not re.search(r"<script(?![^>]*\bsrc=\"/)", page)
    assert "http://" not in page.replace("http://www.w3", "")
    assert 'href="/statistics"' in page  # the navigation link
