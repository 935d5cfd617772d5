"""`council stats export`: counts, suppression, signature, council choice and audit, on both databases."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import stat

import pytest
from sqlalchemy import select, update

from council import instance
from council.audit.models import AuditEvent, AuditEventCase
from council.cases.models import Case
from council.cli import cli
from council.core import signedstats
from council.core.db import utcnow
from council.database import db

COUNCIL = "テスト市孤独・孤立対策地域協議会"


def export(runner, out, *args):
    return runner.invoke(cli, ["stats", "export", "--out", str(out), *args])


def read(path) -> tuple[dict, dict]:
    body = json.loads(path.read_text())
    return body, json.loads(body["payload"])


def cells(payload, dimension) -> dict:
    return {cell["label"]: cell["count"] for cell in payload["dimensions"][dimension]}


@pytest.fixture
def twelve_cases(app, make_user, make_case):
    """12 cases of one council: 5 high risk (born 1975, one also 8050世帯 … ) and 7 medium (born 1990)."""
    actor = make_user("caseworker")
    made = [make_case(actor, name=f"山田 太郎{i}", risk="high", birth=dt.date(1975, 6, 1),
                      categories=["ひきこもり", "8050世帯"]) for i in range(5)]
    made += [make_case(actor, name=f"佐藤 花子{i}", risk="medium", birth=dt.date(1990, 1, 1),
                       categories=["ひきこもり"]) for i in range(7)]
    return made


def test_export_counts_suppresses_and_signs(app, runner, twelve_cases, tmp_path):
    out = tmp_path / "stats.json"
    result = export(runner, out)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    body, payload = read(out)
    public_key = instance.signing_key(app.config["INSTANCE_PATH"]).public_key()
    assert signedstats.verify(out.read_bytes(), public_key).payload == payload
    assert body["public_key_fingerprint"] == signedstats.fingerprint(public_key)
    assert (payload["council"], payload["k"], payload["total"]) == (COUNCIL, 5, 12)
    assert cells(payload, "status") == {"intake": 12, "assessment": "<5", "support": "<5", "monitoring": "<5",
                                        "closed": "<5"}
    # low (0) is hidden; medium (7) alone would give high = 12 - 7, so high (5) is hidden as well.
    assert cells(payload, "risk") == {"high": "<5", "medium": 7, "low": "<5"}
    assert cells(payload, "age_band")["50s"] == 5 and cells(payload, "age_band")["30s"] == 7
    assert cells(payload, "age_band")["unknown"] == "<5"
    categories = cells(payload, "category")
    assert (categories["ひきこもり"], categories["8050世帯"], categories["DV・虐待"]) == (12, 5, "<5")
    assert list(categories)[:3] == ["経済的困窮", "ひきこもり", "8050世帯"]  # the configured order, all listed
    months = cells(payload, "intake_month")
    assert payload["period"]["from"] == "2026-04" and months["2026-04"] == 12 and months["2026-05"] == "<5"
    assert list(months) == signedstats.months_between(payload["period"]["from"], payload["period"]["to"])
    assert "Statistics of 12 case(s)" in result.output


def test_the_file_holds_no_case_number_name_or_date(app, runner, twelve_cases, tmp_path):
    out = tmp_path / "stats.json"
    assert export(runner, out).exit_code == 0
    # The signature (base64) and the key's fingerprint (hex) are random digits: "090" or "1975" turn up there by
    # chance, so everything else in the file is searched, the payload included.
    envelope = json.loads(out.read_text())
    text = json.dumps({k: v for k, v in envelope.items() if k not in ("signature", "public_key_fingerprint")},
                      ensure_ascii=False) + envelope["payload"]
    assert not signedstats.CASE_NUMBER.search(text)
    for case in twelve_cases:
        assert case.number not in text
    for word in ("山田", "佐藤", "1975", "1990", "090", "本町", "2026-04-01"):
        assert word not in text


def test_purged_cases_are_not_counted(app, runner, twelve_cases, tmp_path):
    with app.app_context():
        db.session.execute(update(Case).where(Case.id == twelve_cases[0].id).values(purged_at=utcnow(),
                                                                                   wrapped_key=None))
        db.session.commit()
    out = tmp_path / "stats.json"
    assert export(runner, out).exit_code == 0
    assert read(out)[1]["total"] == 11


def test_the_export_is_audited_with_the_file_hash(app, runner, twelve_cases, tmp_path):
    out = tmp_path / "stats.json"
    assert export(runner, out).exit_code == 0
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.tag == "stats:export:written"))
        council_id = db.session.get(Case, twelve_cases[0].id).council_id
    assert event.council_id == council_id and event.request_id == "cli"
    assert hashlib.sha256(out.read_bytes()).hexdigest() in event.reason
    hidden = sum(1 for cell in out.read_text().split('\\"count\\":\\"<5\\"')[1:])
    assert f"{hidden} cells suppressed, k=5" in event.reason


def test_each_batch_the_export_reads_is_recorded_under_its_cases(app, twelve_cases):
    """The export decrypts the subjects' birth dates: each case's history shows that it read them, in batches."""
    from council.core.clock import japan_today
    from council.stats.counting import count_cases

    with app.app_context():
        council_id = db.session.get(Case, twelve_cases[0].id).council_id
        assert count_cases(council_id, today=japan_today(), batch=5).total == 12
        counted = db.session.scalars(select(AuditEvent).where(AuditEvent.tag == "stats:cases:counted")
                                     .order_by(AuditEvent.seq)).all()
        named = db.session.scalars(select(AuditEventCase.case_id).join(
            AuditEvent, AuditEvent.seq == AuditEventCase.event_seq).where(AuditEvent.tag == "stats:cases:counted")
            .order_by(AuditEventCase.case_id)).all()
    assert [(e.basis, e.reason) for e in counted] == [("operator", "5 cases: ages for the statistics"),
                                                       ("operator", "5 cases: ages for the statistics"),
                                                       ("operator", "2 cases: ages for the statistics")]
    assert named == sorted(case.id for case in twelve_cases)


@pytest.mark.parametrize("k", ["4", "0", "-1"])
def test_k_below_five_is_refused(app, runner, twelve_cases, tmp_path, k):
    out = tmp_path / "stats.json"
    result = export(runner, out, "--k", k)
    assert result.exit_code == 1 and "at least 5" in result.output
    assert not out.exists()


def test_a_raised_k_hides_more(app, runner, twelve_cases, tmp_path):
    out = tmp_path / "stats.json"
    assert export(runner, out, "--k", "10").exit_code == 0
    payload = read(out)[1]
    assert payload["k"] == 10 and cells(payload, "risk") == {"high": "<10", "medium": "<10", "low": "<10"}
    assert cells(payload, "status")["intake"] == 12


def test_a_small_council_publishes_nothing_but_markers(app, runner, make_case, tmp_path):
    make_case()
    out = tmp_path / "stats.json"
    assert export(runner, out).exit_code == 0
    payload = read(out)[1]
    assert payload["total"] == "<5"
    assert {count for dimension in payload["dimensions"].values() for count in
            (cell["count"] for cell in dimension)} == {"<5"}


def test_with_several_councils_one_must_be_named(app, runner, twelve_cases, make_institution, make_user, make_case,
                                                 tmp_path):
    other = make_institution(council="別市孤独・孤立対策地域協議会")
    actor = make_user("caseworker", institution=other)
    for _ in range(6):
        make_case(actor, risk="low")
    out = tmp_path / "stats.json"
    result = export(runner, out)
    assert result.exit_code == 1 and "--council" in result.output and "別市孤独・孤立対策地域協議会" in result.output
    assert not out.exists()
    assert export(runner, out, "--council", "別市孤独・孤立対策地域協議会").exit_code == 0
    payload = read(out)[1]
    assert (payload["council"], payload["total"]) == ("別市孤独・孤立対策地域協議会", 6)
    assert cells(payload, "risk")["low"] == 6
    assert export(runner, out, "--council", str(other.council_id)).exit_code == 0
    assert read(out)[1]["total"] == 6
    assert export(runner, out, "--council", "無い協議会").exit_code == 1


def test_an_unusable_output_path_is_refused(app, runner, twelve_cases, tmp_path):
    result = export(runner, tmp_path / "missing" / "stats.json")
    assert result.exit_code == 1 and "existing folder" in result.output


def test_public_key_prints_the_pem_the_platform_needs(app, runner):
    result = runner.invoke(cli, ["stats", "public-key"])
    assert result.exit_code == 0
    key = signedstats.load_public_key(result.stdout.encode())
    assert signedstats.fingerprint(key) == signedstats.fingerprint(
        instance.signing_key(app.config["INSTANCE_PATH"]).public_key())
