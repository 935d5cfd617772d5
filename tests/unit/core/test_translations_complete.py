"""Japanese first: every text the code and the templates show has a Japanese translation.

A text without one appears in English on a Japanese page (the walkthrough of issue 10 found the auditor's
break-glass review with an English column heading). This extracts the messages the way ``make extract-messages``
does, into a temporary file, and compares them with the Japanese catalogue.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]


def _translated(entry) -> bool:
    if entry is None:
        return False
    return bool(entry.string) if isinstance(entry.string, str) else all(entry.string)


def test_every_message_has_a_japanese_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-o", str(pot),
                    "--no-location", "--sort-output", "--omit-header", "."], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as extracted, (ROOT / "council/translations/ja/LC_MESSAGES/messages.po").open("rb") as ja:
        template, catalogue = read_po(extracted), read_po(ja)
    missing = [message.id for message in template if message.id and not _translated(catalogue.get(message.id))]
    assert missing == [], "texts without a Japanese translation (add them to messages.po)"
