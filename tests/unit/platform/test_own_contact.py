"""OwnContact lifts exactly the values of a registered public contact, compared after normalising."""

from council.platform.guard import check
from council.platform.own_contact import OwnContact

CONTACT = "事務局 0436-12-3456 / cafe@midori.example.jp"


def _lifted(text: str) -> list[str]:
    own = OwnContact.of(CONTACT)
    return [text[f.start:f.end] for f in check(text) if own.allows(text, f)]


def test_the_same_number_in_another_notation_and_the_same_address_in_another_case_are_lifted():
    assert _lifted("申込みは（0436 12 3456）まで") and _lifted("CAFE@midori.example.jp へ")


def test_other_values_are_not_lifted():
    assert _lifted("申込みは 0436-12-3457 まで") == []
    assert _lifted("tea@midori.example.jp へ") == []


def test_an_empty_contact_lifts_nothing():
    text = "申込みは 0436-12-3456 まで"
    assert not any(OwnContact().allows(text, f) for f in check(text))
