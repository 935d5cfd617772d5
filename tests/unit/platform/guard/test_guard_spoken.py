"""Phone numbers, e-mail addresses and messenger IDs written the ways the guard missed before issue 14."""

import pytest

from council.platform.guard import check
from council.platform.guard.detection import run


def spans(detector: str, text: str) -> list[str]:
    return [text[f.start:f.end] for f in run(text, contact=False, detectors=[detector])]


def kinds(text: str, contact: bool = False) -> set[str]:
    return {f.kind for f in check(text, contact=contact)}


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("携帯は080の2231の7745です", "080の2231の7745"),
        ("電話 090 の 3345 の 1290 まで", "090 の 3345 の 1290"),
        ("〇八〇の五五一二の九〇三三へ", "〇八〇の五五一二の九〇三三"),
        ("ゼロキューゼロ、イチニーサンヨン、ゴーロクナナハチ", "ゼロキューゼロ、イチニーサンヨン、ゴーロクナナハチ"),
        ("れんらくは ぜろはちぜろ よんよんにいいち ろくななはちきゅう",
         "ぜろはちぜろ よんよんにいいち ろくななはちきゅう"),
        ("まるきゅうまる・さんさんいちいち・にーにーよんよん", "まるきゅうまる・さんさんいちいち・にーにーよんよん"),
        ("自宅の電話は市外局番0436、市内局番74、番号5521です", "0436、市内局番74、番号5521"),
        ("TEL 090-1234-\n5678", "090-1234-\n5678"),  # split over two lines
    ],
)
def test_spoken_and_spread_out_phone_numbers_are_found(text, number):
    assert spans("spoken_phone", text) == [number]


@pytest.mark.parametrize(
    "text",
    [
        "令和8年4月12日(土)10:00〜13:00、定員20名、参加費300円",
        "0歳〜3歳のお子さんと保護者の方、1回500円、全10回",
        "Zoom ミーティングID 812 3456 7890",
        "ISBN978-4-10-101013-7",
        "いちはら市民活動センター 研修室3-2（3階）",
        "郵便振替口座 00190-8-765432",
        "090-1234-5678",  # written the usual way: the phonenumbers detector's (one finding, not two)
    ],
)
def test_numbers_that_are_not_spoken_phone_numbers(text):
    assert spans("spoken_phone", text) == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("メール：k o b a . y @ e x a m p l e . j p", "k o b a . y @ e x a m p l e . j p"),
        ("ｈ ａ ｙ ａ ｔ ｏ ＠ ｅ ｘ ａ ｍ ｐ ｌ ｅ ． ｃ ｏ ｍ へ",
         "ｈ ａ ｙ ａ ｔ ｏ ＠ ｅ ｘ ａ ｍ ｐ ｌ ｅ ． ｃ ｏ ｍ"),
        ("r i k o @ example.org まで", "r i k o @ example.org"),
        ("mika.s アットマーク example.jp", "mika.s アットマーク example.jp"),
    ],
)
def test_e_mail_addresses_with_spaces_between_the_characters(text, address):
    assert spans("email", text) == [address]


@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("LINE ID：mako_chan77 で追加してください", "mako_chan77"),
        ("個人のLINEは kenta.o1985 です", "kenta.o1985"),
        ("ラインのIDは「hinata-mama」です", "hinata-mama"),
        ("LINEでどうぞ。ID: sora2020", "sora2020"),
        ("ライン　ＩＤ　ｍｏｍｏ＿０３", "ｍｏｍｏ＿０３"),
        ("カカオトーク：jiwoo1102", "jiwoo1102"),
        ("Telegram @akira_n で連絡を", "@akira_n"),
        ("WeChat：zhang_ichihara", "zhang_ichihara"),
        ("インスタのDMでも → @yui.k_0101", "@yui.k_0101"),
    ],
)
def test_messenger_ids_are_found(text, handle):
    assert spans("messenger", text) == [handle]


@pytest.mark.parametrize(
    "text",
    [
        "LINE公式アカウント（@ichihara-hiroba）を友だち追加してください",
        "公式LINE @kosodate-example で開館情報を配信中",
        "Instagram・X のアカウント @midori_example で活動を発信中です",
        "シニアのスマホ教室。LINEの使い方からビデオ通話まで。",
        "オンライン参加のZoom ID 812 3456 7890",
        "個人情報の取扱いガイドライン_v1.2.pdf",
        "インスタント食品の寄付をお願いします（賞味期限2026-05）",
    ],
)
def test_official_accounts_and_ordinary_mentions_pass(text):
    assert spans("messenger", text) == []


def test_an_organisations_messenger_account_is_allowed_in_its_contact_field_only():
    text = "LINE ID：hidamari_salon01"
    assert kinds(text) == {"messenger_id"}
    assert kinds(text, contact=True) == set()
