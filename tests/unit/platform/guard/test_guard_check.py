import logging
import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from council.platform.guard import KINDS, Finding, check, describe, segments

PHONE = "090-1234-5678"


def test_findings_sorted_by_start_and_spans_point_at_the_data():
    text = f"山田太郎さんの電話は{PHONE}、住所は市原市五井1234-5。"
    findings = check(text)
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert {(f.kind, text[f.start:f.end]) for f in findings} >= {
        ("phone", PHONE), ("address", "市原市五井1234-5"), ("honorific_name", "山田太郎さん")}


def test_ordinary_announcement_passes():
    assert check("令和7年4月12日(土)に市原市五井地区の公民館で子ども食堂を開催します。どなたでも参加できます。") == []


def test_contact_field_allows_an_organisations_contact_details():
    text = f"担当：中村さん　電話 {PHONE}　info@example.org　〒290-0081 市原市五井中央東1-1-1"
    assert check(text, contact=True) == []
    assert {f.kind for f in check(text)} >= {"phone", "email", "address", "honorific_name"}


def test_contact_field_still_refuses_birth_dates_and_narratives():
    text = "担当：中村さん（昭和45年3月2日生まれ）。相談者は70代男性で妻を亡くし、一人暮らしをしている。"
    assert {f.kind for f in check(text, contact=True)} == {"birth_date", "narrative"}


def test_every_kind_has_an_english_explanation():
    for kind in KINDS:
        assert "personal" in str(describe(kind)).lower() or len(str(describe(kind))) > 40


def test_describe_rejects_an_unknown_kind():
    import pytest

    with pytest.raises(ValueError, match="unknown finding kind"):
        describe("shoe_size")


def test_segments_merge_overlapping_findings_and_join_back():
    text = "abcdefghij"
    findings = [Finding("phone", 2, 5, "x"), Finding("person_name", 4, 7, "y"), Finding("email", 8, 9, "z")]
    pieces = segments(text, findings)
    assert "".join(piece for piece, _ in pieces) == text
    assert [(piece, f.kind if f else None) for piece, f in pieces] == [
        ("ab", None), ("cdefg", "phone"), ("h", None), ("i", "email"), ("j", None)]


def test_the_text_is_never_logged(caplog, capsys):
    text = f"至急！電話は{PHONE}、山田太郎さんまで。相談者は70代男性で妻を亡くした。"
    with caplog.at_level(logging.DEBUG):
        assert check(text)
    captured = capsys.readouterr()
    everything = caplog.text + captured.out + captured.err + "".join(str(r.args) for r in caplog.records)
    assert PHONE not in everything and "山田" not in everything


def test_check_is_safe_from_several_threads():
    texts = [f"電話は{PHONE}です", "山田太郎さんが来た", "市原市で子ども食堂",
             "相談者は70代男性で妻を亡くし、一人暮らしをしている。"]
    expected = [check(text) for text in texts]
    results: dict[int, list] = {}

    def work(worker: int):
        results[worker] = [check(texts[(worker + n) % len(texts)]) for n in range(8)]

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for worker, got in results.items():
        assert got == [expected[(worker + n) % len(texts)] for n in range(8)]


_ALPHABET = "山田太郎さん様090１２３４-－ー()（）@＠.市区町村丁目番地号〒生まれ歳代男性女性相談者は妻。\n 0123456789ｶﾞ㈱"
_japanese = st.text(alphabet=st.sampled_from(list(_ALPHABET)), max_size=60)


@settings(max_examples=60, deadline=None)
@given(_japanese, st.booleans())
def test_offsets_inside_the_text_and_segments_join_back(text, contact):
    findings = check(text, contact=contact)
    for finding in findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.kind in KINDS
    assert "".join(piece for piece, _ in segments(text, findings)) == text
