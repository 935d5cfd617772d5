import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from council.security.auditchain import GENESIS_HASH, event_hash

WHEN = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)


def test_hash_covers_every_field_and_the_previous_hash():
    base = {"seq": 1, "occurred_at": WHEN, "tag": "account:login:failed", "reason": None}
    reference = event_hash(GENESIS_HASH, base)
    assert event_hash(GENESIS_HASH, {**base, "tag": "account:login:succeeded"}) != reference
    assert event_hash(GENESIS_HASH, {**base, "reason": ""}) != reference
    assert event_hash("1" * 64, base) != reference


def test_timezone_representation_does_not_change_the_hash():
    tokyo = WHEN.astimezone(dt.timezone(dt.timedelta(hours=9)))
    assert event_hash(GENESIS_HASH, {"occurred_at": WHEN}) == event_hash(GENESIS_HASH, {"occurred_at": tokyo})


@given(st.dictionaries(st.text(min_size=1, max_size=8), st.one_of(st.none(), st.integers(), st.text()), max_size=6))
def test_key_order_does_not_matter(fields):
    reordered = dict(reversed(list(fields.items())))
    assert event_hash(GENESIS_HASH, fields) == event_hash(GENESIS_HASH, reordered)


def test_later_formats_hash_the_values_in_the_format_s_own_order():
    from council.security.auditchain import ChainFormat

    fields = {"seq": 1, "occurred_at": WHEN, "tag": "account:login:failed", "reason": None}
    listed = ChainFormat(("seq", "occurred_at", "tag", "reason"))
    assert event_hash(GENESIS_HASH, fields, listed) != event_hash(GENESIS_HASH, fields)  # not format 1's object
    assert event_hash(GENESIS_HASH, fields, ChainFormat(("occurred_at", "seq", "tag", "reason"))) != \
        event_hash(GENESIS_HASH, fields, listed)  # the order is part of the format
    assert event_hash(GENESIS_HASH, fields, ChainFormat(tuple(fields), as_object=True)) == \
        event_hash(GENESIS_HASH, fields)
    assert event_hash(GENESIS_HASH, {**fields, "reason": ""}, listed) != event_hash(GENESIS_HASH, fields, listed)
