"""Checkpoint files as ``council audit verify --checkpoint`` reads them: the indented object ``council audit
checkpoint`` writes, or lines of ``audit-checkpoints.jsonl`` — as copied from approved minutes or decoded from their
QR code."""

import json

import pytest

from council.audit.checkpoints import FORMAT, CheckpointError, checkpoint_line, read_checkpoints

BODY = {"format": FORMAT, "seq": 42, "hash": "ab" * 32, "signed_at": "2026-12-01T00:30:00+00:00",
        "signature": "c2lnbmF0dXJl"}


def test_a_line_is_one_line_of_sorted_compact_json_and_reads_back():
    line = checkpoint_line(BODY)
    assert "\n" not in line and " " not in line and line.startswith('{"format":')
    assert read_checkpoints(line) == [BODY]


def test_the_indented_file_of_the_checkpoint_command_still_reads():
    assert read_checkpoints(json.dumps(BODY, indent=2)) == [BODY]


def test_several_lines_with_blank_ones_between_read_as_several_checkpoints():
    other = {**BODY, "seq": 43}
    text = f"{checkpoint_line(BODY)}\n\n{checkpoint_line(other)}\r\n"
    assert read_checkpoints(text) == [BODY, other]


@pytest.mark.parametrize("text", ["", "\n\n", "not json", f"{checkpoint_line(BODY)}\n[1, 2]"])
def test_what_is_not_checkpoint_lines_is_refused_with_a_message(text):
    with pytest.raises(CheckpointError):
        read_checkpoints(text)
