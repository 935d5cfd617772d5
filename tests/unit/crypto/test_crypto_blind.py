import hashlib
import hmac
import re

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hypothesis import given
from hypothesis import strategies as st

from council.core.japanese import index_form
from council.crypto.blind import (
    INDEXES,
    NAME_KANA,
    NAME_KANJI,
    PHONE,
    SURNAME_KANA_BIRTH,
    BlindIndexer,
)

ROOT = bytes(range(32))
INDEXER = BlindIndexer(ROOT)
HEX32 = re.compile(r"[0-9a-f]{32}")


def test_compute_matches_the_documented_construction():
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"council blind index v1:surname_kana_birth")
    expected = hmac.new(key.derive(ROOT), "ヤマダ".encode() + b"\x1f" + b"1980-04-01", hashlib.sha256)
    assert INDEXER.compute(SURNAME_KANA_BIRTH, "やまだ", "1980-04-01") == expected.digest()[:16].hex()


def test_compute_equal_for_equivalent_spellings():
    spellings = ("やまだ たろう", "ヤマダ　タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ・タロウ")
    values = {INDEXER.compute(NAME_KANA, name) for name in spellings}
    assert len(values) == 1
    assert HEX32.fullmatch(values.pop())
    assert INDEXER.compute(NAME_KANJI, "山田 太郎") == INDEXER.compute(NAME_KANJI, "山田　太郎")


def test_compute_differs_for_different_names():
    assert INDEXER.compute(NAME_KANA, "ヤマダタロウ") != INDEXER.compute(NAME_KANA, "ヤマダジロウ")


def test_different_indexes_give_different_values_for_the_same_input():
    values = {INDEXER.compute(index, "0312345678") for index in (NAME_KANA, NAME_KANJI, PHONE)}
    values.add(INDEXER.compute(SURNAME_KANA_BIRTH, "0312345678", "0312345678"))
    assert len(values) == len(INDEXES)
    assert len({INDEXER.key_for(index) for index in INDEXES}) == len(INDEXES)


def test_different_root_keys_give_different_values():
    other = BlindIndexer(bytes(reversed(ROOT)))
    assert other.compute(PHONE, "0312345678") != INDEXER.compute(PHONE, "0312345678")


def test_compound_parts_cannot_shift():
    whole = INDEXER.compute(SURNAME_KANA_BIRTH, "ヤマダ", "1980")
    assert INDEXER.compute(SURNAME_KANA_BIRTH, "ヤマ", "ダ1980") != whole
    # the separator cannot be smuggled into a part: normalisation removes it
    assert INDEXER.compute(SURNAME_KANA_BIRTH, "ヤマ\x1fダ", "1980") == whole


@pytest.mark.parametrize("blank", ["", " ", "\u3000", "・", " ･ ", "\u200b"])
def test_nothing_to_index_gives_empty(blank):
    assert INDEXER.compute(NAME_KANA, blank) == ""
    assert INDEXER.compute(SURNAME_KANA_BIRTH, "ヤマダ", blank) == ""
    assert INDEXER.compute(SURNAME_KANA_BIRTH, blank, "1980-04-01") == ""


@pytest.mark.parametrize(
    "value", ["ヤマダタロウ", "山田太郎", "0312345678", "09012345678", "yamadataro", "1980-04-01"]
)
def test_blind_index_never_contains_the_input(value):
    for index in (NAME_KANA, NAME_KANJI, PHONE):
        result = INDEXER.compute(index, value)
        assert HEX32.fullmatch(result)
        assert value not in result
        assert value.encode().hex() not in result


@given(st.text(min_size=1).filter(lambda text: len(index_form(text)) >= 8))
def test_blind_index_is_32_hex_and_hides_any_input(text):
    result = INDEXER.compute(NAME_KANA, text)
    assert HEX32.fullmatch(result)
    assert index_form(text) not in result


def test_unknown_index_and_wrong_part_count_are_refused():
    with pytest.raises(ValueError, match="unknown blind index 'kana_name'"):
        INDEXER.compute("kana_name", "ヤマダ")
    with pytest.raises(ValueError, match="unknown blind index"):
        INDEXER.key_for("kana_name")
    with pytest.raises(ValueError, match="takes 2 part"):
        INDEXER.compute(SURNAME_KANA_BIRTH, "ヤマダ")
    with pytest.raises(ValueError, match="takes 1 part"):
        INDEXER.compute(PHONE, "03", "1234")
    with pytest.raises(TypeError):
        INDEXER.compute(PHONE, 312345678)


def test_root_key_must_be_at_least_32_bytes():
    with pytest.raises(ValueError, match="32 bytes"):
        BlindIndexer(bytes(16))
    assert ROOT.hex() not in repr(INDEXER)


def test_per_index_keys_are_cached():
    indexer = BlindIndexer(ROOT)
    assert indexer.key_for(PHONE) is indexer.key_for(PHONE)
