"""The signed statistics format (council.core.signedstats): what is signed, and what a payload may hold."""

import base64
import copy
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from council.cases.models import CaseStatus, Risk
from council.core import signedstats
from council.core.signedstats import StatisticsFileError

KEY = Ed25519PrivateKey.generate()


def payload(**changes) -> dict:
    body = {
        "format": "council-stats/1", "council": "テスト市孤独・孤立対策地域協議会",
        "generated_at": "2026-11-23T02:00:00Z",
        "k": 5, "period": {"from": "2026-09", "to": "2026-11"}, "total": 12,
        "dimensions": {
            "status": [{"label": s, "count": c} for s, c in zip(signedstats.STATUSES, [12, "<5", "<5", "<5", "<5"],
                                                                 strict=True)],
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


def signed_raw(body: dict, key=KEY) -> bytes:
    """Sign without the payload check, as someone holding the key but not the rules might."""
    text = signedstats.canonical(body)
    return json.dumps({"format": "council-stats/1", "payload": text,
                       "signature": base64.b64encode(key.sign(text.encode())).decode(),
                       "public_key_fingerprint": signedstats.fingerprint(key.public_key())}).encode()


def test_the_closed_label_sets_match_the_council_model():
    assert tuple(s.value for s in CaseStatus) == signedstats.STATUSES
    assert tuple(r.value for r in Risk) == signedstats.RISKS


def test_a_signed_file_verifies_and_hashes_its_signed_text():
    body = signedstats.sign(payload(), KEY)
    verified = signedstats.verify(json.dumps(body, indent=2).encode(), KEY.public_key())
    assert verified.payload == payload() and verified.text == body["payload"]
    # Formatting the outer file differently does not change what was signed.
    assert signedstats.verify(json.dumps(body).encode(), KEY.public_key()).sha256 == verified.sha256


def mutate(path, value):
    body = payload()
    target = body
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return body


@pytest.mark.parametrize(("body", "message"), [
    (mutate(("dimensions", "risk", 0, "count"), 3), "below k=5 but not suppressed"),
    (mutate(("dimensions", "risk", 0, "count"), 0), "below k=5 but not suppressed"),
    (mutate(("total",), 4), "below k=5"),
    (mutate(("k",), 3), "at least 5"),
    (mutate(("k",), True), "at least 5"),
    (mutate(("dimensions", "risk", 1, "count"), 7.0), "neither a whole number"),
    (mutate(("dimensions", "risk", 1, "count"), "<6"), "neither a whole number"),
    (mutate(("dimensions", "category", 0, "label"), "2026-0042"), "case number"),
    (mutate(("council",), "市 2026-0042 の件"), "case number"),
    (mutate(("dimensions", "category", 0, "label"), "x" * 41), "short line"),
    (mutate(("dimensions", "status", 0, "label"), "open"), "expected labels"),
    (mutate(("dimensions", "status"), payload()["dimensions"]["status"][:4]), "expected labels"),
    (mutate(("dimensions", "intake_month", 1, "label"), "2026-12"), "expected labels"),
    (mutate(("dimensions", "category", 1, "label"), "ひきこもり"), "repeats a label"),
    (mutate(("dimensions", "status"), [{"label": s, "count": 6} for s in signedstats.STATUSES]), "do not add up"),
    (mutate(("dimensions", "risk", 1, "count"), 13), "larger than the total"),
    (mutate(("dimensions", "risk", 2, "count"), 5), "hides exactly one cell"),
    (mutate(("dimensions", "risk", 1, "extra"), 1), "cells"),
    (mutate(("period", "from"), "2026-12"), "period"),
    (mutate(("period", "from"), "1900-01"), "period"),
    (mutate(("generated_at",), "2026-11-23"), "UTC timestamp"),
    ({**payload(), "cases": ["2026-0042"]}, "unknown keys"),
    (mutate(("dimensions", "meetings"), []), "dimensions"),
])
def test_a_payload_breaking_a_rule_is_refused_even_when_signed(body, message):
    with pytest.raises(StatisticsFileError, match=message) as refused:
        signedstats.verify(signed_raw(body), KEY.public_key())
    assert refused.value.kind == "payload"
    with pytest.raises(StatisticsFileError):
        signedstats.sign(body, KEY)  # the council never signs what the platform would refuse


def test_another_key_an_altered_payload_and_a_non_canonical_one_are_refused():
    other = Ed25519PrivateKey.generate()
    with pytest.raises(StatisticsFileError, match="another key") as refused:
        signedstats.verify(signed_raw(payload(), key=other), KEY.public_key())
    assert refused.value.kind == "fingerprint"
    forged = json.loads(signed_raw(payload(), key=other))
    forged["public_key_fingerprint"] = signedstats.fingerprint(KEY.public_key())
    with pytest.raises(StatisticsFileError, match="signature") as refused:
        signedstats.verify(json.dumps(forged).encode(), KEY.public_key())
    assert refused.value.kind == "signature"
    body = json.loads(signed_raw(payload()))
    body["payload"] = body["payload"].replace('"total":12', '"total":13')
    with pytest.raises(StatisticsFileError, match="signature"):
        signedstats.verify(json.dumps(body).encode(), KEY.public_key())
    text = json.dumps(payload())  # signed, but not the canonical text
    loose = {"format": "council-stats/1", "payload": text, "public_key_fingerprint": signedstats.fingerprint(
        KEY.public_key()), "signature": base64.b64encode(KEY.sign(text.encode())).decode()}
    with pytest.raises(StatisticsFileError, match="canonical"):
        signedstats.verify(json.dumps(loose).encode(), KEY.public_key())


@pytest.mark.parametrize("data", [b"not json", b"\xff\xfe", b"[]", b'{"format": "council-stats/1"}',
                                  b'{"format": "council-audit-checkpoint/1", "seq": 1}',
                                  b'{"format": "council-stats/1", "format": "x"}'])
def test_what_is_not_a_statistics_file_is_refused(data):
    with pytest.raises(StatisticsFileError) as refused:
        signedstats.verify(data, KEY.public_key())
    assert refused.value.kind == "format"


def test_a_checkpoint_signature_cannot_pass_for_statistics():
    """The same key signs checkpoints: their signed text is not a statistics payload."""
    text = json.dumps({"format": "council-audit-checkpoint/1", "hash": "ab", "seq": 1, "signed_at": "x"},
                      sort_keys=True, separators=(",", ":"))
    body = {"format": "council-stats/1", "payload": text, "public_key_fingerprint": signedstats.fingerprint(
        KEY.public_key()), "signature": base64.b64encode(KEY.sign(text.encode())).decode()}
    with pytest.raises(StatisticsFileError, match="unknown keys"):
        signedstats.verify(json.dumps(body).encode(), KEY.public_key())


def test_months_between_crosses_years():
    assert signedstats.months_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert copy.deepcopy(payload()) == payload()
