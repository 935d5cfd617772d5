import pytest

from council.crypto import aad


def test_field_boundaries_are_unambiguous():
    assert aad.encode(b"l", "a", "bc") != aad.encode(b"l", "ab", "c")
    assert aad.encode(b"l", "a", "") != aad.encode(b"l", "", "a")
    assert aad.encode(b"l", "x") != aad.encode(b"lx")


def test_text_and_integers_differ():
    assert aad.encode(b"l", "12") != aad.encode(b"l", 12)
    assert aad.encode(b"l", 1, 23) != aad.encode(b"l", 12, 3)


def test_bool_and_other_types_are_refused():
    for value in (True, 1.0, b"x", None):
        with pytest.raises(TypeError):
            aad.encode(b"l", value)


def test_fields_can_be_encoded_in_pieces():
    pieces = aad.encode(b"l", 1, "t") + aad.encode_fields("c", 7) + aad.encode_fields(2)
    assert aad.encode(b"l", 1, "t", "c", 7, 2) == pieces
