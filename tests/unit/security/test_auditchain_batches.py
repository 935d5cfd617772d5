"""Verification's prefetching reader: same batches as a plain read, errors raised, the thread always stopped."""

import threading

import pytest

from council.security.auditverify import _batches


class Cursor:
    def __init__(self, rows: int, fail_after: int | None = None):
        self.rows, self.fail_after, self.fetches = list(range(rows)), fail_after, 0

    def fetchmany(self, size: int) -> list:
        self.fetches += 1
        if self.fail_after is not None and self.fetches > self.fail_after:
            raise ConnectionError("server went away")
        batch, self.rows = self.rows[:size], self.rows[size:]
        return batch


def _fetch_threads() -> int:
    return sum(1 for thread in threading.enumerate() if thread.name == "audit-verify-fetch")


@pytest.mark.parametrize("prefetch", [False, True])
def test_batches_are_the_cursor_s_rows_in_order(prefetch):
    assert [len(b) for b in _batches(Cursor(12), prefetch=prefetch, size=5)] == [5, 5, 2]
    assert _fetch_threads() == 0


def test_an_error_while_prefetching_is_raised_in_the_reader():
    read = []
    with pytest.raises(ConnectionError):
        for batch in _batches(Cursor(100, fail_after=2), prefetch=True, size=5):
            read.append(batch)
    assert len(read) == 2 and _fetch_threads() == 0


def test_stopping_early_stops_the_thread():
    batches = _batches(Cursor(10_000), prefetch=True, size=5)
    next(batches)
    batches.close()  # verification found a bad event and returned
    assert _fetch_threads() == 0
