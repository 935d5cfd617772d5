"""The one Japanese normaliser (council.core.japanese) and the blind-index values it must never change."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from council.cases.vault import CaseVault
from council.core.japanese import (
    compact,
    digits_only,
    index_form,
    is_kana_name,
    katakana,
    katakana_reading,
    surname,
)
from council.crypto.blind import BlindIndexer

#: Names as people type them (hiragana, katakana, half-width, full-width Latin, spaces of every kind, the three
#: middle dots, dakuten typed apart, a BOM and a zero-width space from a spreadsheet) with the index values
#: that the code computed BEFORE the normalisers were merged into council.core.japanese, under the root key
#: bytes(range(32)). Stored indexes of existing data were computed the same way: if any of these change,
#: search and duplicate detection stop finding people already recorded.
#: (name, kana, birth date, phone, name_kana_index, name_kanji_index, surname_kana_birth_index, phone_index)
CORPUS = [
    ("山田 太郎", "やまだ たろう", "1980-04-01", "03-1234-5678",
     "63bbeb750b49d95cf02a2279f1ce093a", "66fcb98f90647ae933ad23bf095bbe78",
     "2a2b72ab81f1dc4406d16887d9863ebc", "cbbe4febb90a41cf257bca3260972303"),
    ("山田　太郎", "ヤマダ　タロウ", "1980-04-01", "０３（１２３４）５６７８",
     "63bbeb750b49d95cf02a2279f1ce093a", "66fcb98f90647ae933ad23bf095bbe78",
     "2a2b72ab81f1dc4406d16887d9863ebc", "cbbe4febb90a41cf257bca3260972303"),
    ("山田太郎", "ﾔﾏﾀﾞ ﾀﾛｳ", "1980-04-01", "090 1234 5678",
     "63bbeb750b49d95cf02a2279f1ce093a", "66fcb98f90647ae933ad23bf095bbe78",
     "2a2b72ab81f1dc4406d16887d9863ebc", "f9df97a9cb98908cf0d5dfddc8c0ec3e"),
    ("山田・太郎", "ヤマダ・タロウ", "1975-06-01", "+81 90-1234-5678",
     "63bbeb750b49d95cf02a2279f1ce093a", "66fcb98f90647ae933ad23bf095bbe78",
     "20c73a8a2389044176466eeac624a0d4", "89ccae7a078260a392e8db6fa076df14"),
    ("ＹＡＭＡＤＡ Taro", "ﾔﾏﾀﾞ･ﾀﾛｳ", "1975-06-01", "",
     "63bbeb750b49d95cf02a2279f1ce093a", "8d9a68b269054e2ede3a222153c0b332", "20c73a8a2389044176466eeac624a0d4", None),
    ("佐々木 花子", "ささき　はなこ", "2001-12-31", "048-000-0000",
     "dddda8d8a27dbb91f3e25e7de237a78b", "fe17a651c27c8f1c7b36db608fee1163",
     "bf9324aef1f72121a9cba540ef48fc01", "e0c738a96e06d60a6f1925d4004b13ce"),
    ("髙橋 一郎", "タカハシ イチロウ", "", "0120-00-1111",
     "8065c37154075ac7ecbc87b71131cde1", "f68b3379bab2429db4ef528de9c4cd7f", None, "5daa8115ef614c8a3d25632c4d1b880a"),
    ("鈴木·次郎", "スズキ·ジロウ", "1950-01-02", "",
     "96302ff19f3547c53a942444bde66e40", "57d39bc5682c34ebb8b49fcc62e9cc65", "23fcfb5a9fa8d79ead2783d9854012d8", None),
    ("\ufeff\u4f0a\u85e4\u200b\u4e09\u90ce", "\ufeff\u30a4\u30c8\u30a6\u200b\u30b5\u30d6\u30ed\u30a6", "1960-02-29", "",
     "b017ee7d32ec010dabd6520d91d9fc35", "6c426a2b0b56ba8a00d4422e56c62b04", "6e3f71ff139a854b93580722cd16d9e0", None),
    ("小林 ゆう子", "こばやし ゆうこ", "1990-07-07", "",
     "4accbd999e625b6327f04d3cc0228525", "2a285a901997a5e5264e763cf6ec1ce7", "df90d5ae082c46f009d3a7d2afb2816b", None),
    ("小林 ユーコ", "コバヤシ ユーコ", "1990-07-07", "",
     "d8a1a21ead45a3c7c8e27fa1126074bd", "6b9286de6f773296586566a340a40f95", "df90d5ae082c46f009d3a7d2afb2816b", None),
    ("ヴィクトリア 山本", "ゔぃくとりあ やまもと", "1988-08-08", "",
     "bd6db2c443355b19b06258e2a9de39e5", "605525c10d10e94bc4097449e63187e9", "a0549ea62f5ed6b7ee466d53cd9f7774", None),
    ("みすゞ", "みすゞ", "1903-04-11", "",
     "5cd32117cadcbe5a2066b5ceb086c399", "dad45d03392ba0197d73ddd44b4c7d07", "e51d157a0451c11dc1910b778a6401b2", None),
    ("ゝゞ", "ゝゞヽヾ", "", "",
     "717b2e1881ba3e1e38d4b3b88236a512", "d9aaf15358f8b1ad0a334a471d6cea65", None, None),
    ("中村 しょう", "ナカムラ　ショウ", "1999-09-09", "",
     "4924fd7b80b4125c8216b6a954fc23f6", "790f0fe8b27863ab01b8caeef0ccb633", "ee70380165ac72ac7cbb1563ff401555", None),
    ("中村 シヨウ", "なかむら しよう", "1999-09-09", "",
     "3eafaa0923b5fb0d25c35beb36a85816", "c82c6908e8d46988bfac55e724ac4f83", "ee70380165ac72ac7cbb1563ff401555", None),
    ("", "ヤマタ゛ タロウ", "1980-04-01", "",
     "63bbeb750b49d95cf02a2279f1ce093a", None, "2a2b72ab81f1dc4406d16887d9863ebc", None),
    ("", "\u30e4\u30de\u30bf\u3099 \u30bf\u30ed\u30a6", "1980-04-01", "",
     "63bbeb750b49d95cf02a2279f1ce093a", None, "2a2b72ab81f1dc4406d16887d9863ebc", None),
    ("", "  ", "1980-04-01", "なし",
     None, None, None, None),
    ("Ｍａｒｉａ　Ｓａｎｔｏｓ", "マリア・サントス", "1985-05-05", "080-1111-2222 内線12",
     "e150b396026bfab22b4eed30d7fe18ee", "117aaf53bf4774daee5dbcb2bc5bfb98",
     "eee5bde0d134fe16151f4df02d533977", "4639d892e1cf2da2410fc97e8646d2f5"),
    ("李 美玲", "り　めいりん", "1970-03-03", "",
     "ab9f49b368a2ab2051b617b8fbd9805a", "7f262d526e9ecf1552a927778543226d", "6351b39732b3caf47b3844a89d50c889", None),
    ("\u7530\u4e2d\t\u4e00\n", " \u305f\u306a\u304b\t\u306f\u3058\u3081\n", "1970-03-03", "",
     "0a38e7f0d1fa941430541c2e8faa5e97", "26bef70a90a7d8c568802498df9514a5", "5edfa5e937648853616707e9dae4117e", None),
]
COLUMNS = ("name_kana_index", "name_kanji_index", "surname_kana_birth_index", "phone_index")


@pytest.mark.parametrize("row", CORPUS, ids=range(len(CORPUS)))
def test_blind_indexes_are_the_values_computed_before_the_merge(row):
    name, kana, birth, phone, *expected = row
    vault = CaseVault(None, BlindIndexer(bytes(range(32))))
    assert vault.person_indexes(name=name, kana=kana, birth_iso=birth, phone=phone) == dict(zip(COLUMNS, expected,
                                                                                              strict=True))


@pytest.mark.parametrize("row", CORPUS, ids=range(len(CORPUS)))
def test_the_stored_reading_is_found_by_the_same_indexes(row):
    """The person form shows the stored フリガナ (katakana_reading); saving it again must not move the person."""
    name, kana, birth, phone, *_ = row
    vault = CaseVault(None, BlindIndexer(bytes(range(32))))
    assert vault.person_indexes(name=name, kana=katakana_reading(kana), birth_iso=birth, phone=phone) == \
        vault.person_indexes(name=name, kana=kana, birth_iso=birth, phone=phone)


@given(st.text())
def test_index_form_of_the_reading_is_the_index_form(text):
    assert index_form(katakana_reading(text)) == index_form(text)


#: What people put in a フリガナ field: both kana, half-width, spaces of every kind, the middle dots, dakuten typed
#: apart, pasted invisible characters, stray Latin letters and digits.
KANA_TYPED = st.text(alphabet="やまだたろうヤマダタロウﾔﾏﾀﾞｶﾞﾊﾟﾞﾟわゝゞヴゔー゛゜ \u3000\t・･·\u3099\u309a\ufeff\u200bＡa1",
                     max_size=16)


@given(KANA_TYPED)
def test_saving_the_stored_reading_again_keeps_every_kana_index(kana):
    vault = CaseVault(None, BlindIndexer(bytes(range(32))))

    def indexes(typed):
        return vault.person_indexes(name="", kana=typed, birth_iso="1980-04-01", phone="")

    assert indexes(katakana_reading(kana)) == indexes(kana)


@pytest.mark.parametrize(
    "spelling",
    [
        "やまだ たろう",
        "ヤマダ　タロウ",  # ideographic space U+3000
        "ﾔﾏﾀﾞ ﾀﾛｳ",  # half-width with a separate half-width dakuten
        "ヤマダ・タロウ",
        "ﾔﾏﾀﾞ･ﾀﾛｳ",  # half-width middle dot
        "ヤマダ·タロウ",  # Latin middle dot
        "やまだタロウ",
        " ヤマダ\tタロウ\n",
        "ヤマタ\u3099タロウ",  # combining dakuten
        "ヤマタ゛タロウ",  # spacing dakuten, as some IMEs and old data have it
        "\ufeffヤマダ\u200bタロウ",  # BOM and zero-width space from a pasted spreadsheet cell
    ],
)
def test_kana_spellings_normalise_alike(spelling):
    assert index_form(spelling) == "ヤマダタロウ"


def test_kanji_spaces_normalise_alike():
    assert index_form("山田 太郎") == index_form("山田　太郎") == index_form("山田太郎") == "山田太郎"


def test_full_width_latin_and_case():
    assert index_form("ＪＯＨＮ　Smith") == index_form("john smith") == "johnsmith"


def test_distinct_names_stay_distinct():
    # Small and large kana, voiced and unvoiced, ヴ and ブ, long-vowel marks: different names.
    pairs = [("ヤマダ", "ヤマタ"), ("シヨウ", "ショウ"), ("ヴィ", "ビィ"), ("ユウコ", "ユーコ"), ("スズキ", "ススキ")]
    for left, right in pairs:
        assert index_form(left) != index_form(right)


def test_hiragana_range_including_iteration_marks():
    assert index_form("ぁゖゔゝゞ") == "ァヶヴヽヾ"


def test_hyphens_are_kept_by_index_form_and_dropped_by_digits_only():
    assert index_form("1980-04-01") == "1980-04-01"
    assert index_form("１９８０－０４－０１") == "1980-04-01"
    assert digits_only("03-1234-5678") == digits_only("０３（１２３４）５６７８") == "0312345678"
    assert digits_only("090 1234 5678 内線12") == "0901234567812"
    assert digits_only("なし") == ""


@given(st.text())
def test_index_form_is_idempotent(text):
    assert index_form(index_form(text)) == index_form(text)


@pytest.mark.parametrize(
    ("typed", "reading"),
    [
        ("やまだ　たろう", "ヤマダ タロウ"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"),
        ("  スミス・ジョーン  ", "スミス・ジョーン"),
        ("ヤマダ\t\tタロウ", "ヤマダ タロウ"),
        ("みすゞ", "ミスヾ"),
        ("ヴァン ヘイレン", "ヴァン ヘイレン"),
    ],
)
def test_a_reading_is_kept_in_full_width_katakana_with_one_space(typed, reading):
    assert katakana_reading(typed) == reading


def test_katakana_changes_hiragana_only():
    assert katakana("やまだ ヤマダ 山田 abc ゝゞ") == "ヤマダ ヤマダ 山田 abc ヽヾ"


def test_compact_keeps_the_script():
    assert compact("  みどり市　社会福祉協議会 ") == "みどり市 社会福祉協議会"
    assert compact("ﾐﾄﾞﾘ") == "ミドリ" and compact("みどり") == "みどり"


@pytest.mark.parametrize(("kana", "expected"), [("ヤマダ タロウ", "ヤマダ"), ("ヤマダ・タロウ", "ヤマダ"),
                                                ("ﾔﾏﾀﾞ･ﾀﾛｳ", "ﾔﾏﾀﾞ"), (" ヤマダ\u3000タロウ", "ヤマダ"),
                                                ("ヤマダタロウ", "ヤマダタロウ"), ("", "")])
def test_surname_is_what_comes_before_the_first_break(kana, expected):
    assert surname(kana) == expected


@pytest.mark.parametrize(("text", "ok"), [("ヤマダ ハナコ", True), ("やまだ・はなこ", True), ("ﾔﾏﾀﾞ", True),
                                          ("山田", False), ("ヤマダ1", False), ("Yamada", False), ("", False)])
def test_kana_names(text, ok):
    assert is_kana_name(text) is ok


def test_digits_only_reads_any_digits():
    assert digits_only("０９０－1234 (5678)") == "09012345678"
    assert digits_only("") == digits_only(None) == ""
