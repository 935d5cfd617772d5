"""How well and how fast are uploaded files checked? (issue 14, "Files"; docs/pii-guard.md, "Files")

    .venv/bin/python bench/pii_documents.py [--rounds 3] [--large 100000]

Turns every text of tests/data/pii/documents/ (``pass``: ordinary flyers, training material, 分科会 minutes;
``refuse``: rosters, sign-in sheets, notes holding personal data) into a PDF, a .docx and an .xlsx, reads each
file as an upload is read and checks it, and prints per format: the pass rate (ordinary files accepted /
all), the recall (files with personal data refused / all), and the median time to read and check one file.
With ``--large N``, also times one document of about N characters (the reading limit is 200,000), the
worst case an uploader can make the server spend. With ``--chromium PATH``, each text is also printed to a
real PDF by that browser (A4, embedded subset fonts, lines wrapped where the page ends; a few seconds a
file), as an office's "save as PDF" makes them.
"""

from __future__ import annotations

import argparse
import html
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Flask  # noqa: E402
from flask_babel import Babel  # noqa: E402

from council.platform.resources.checking import kinds_in  # noqa: E402
from council.platform.resources.content import UnreadableFile, text_of  # noqa: E402
from tests.document_files import as_files, corpus  # noqa: E402


def refused(content: bytes, content_type: str) -> tuple[bool, str]:
    try:
        kinds = kinds_in(text_of(content, content_type))
    except UnreadableFile as error:
        return True, f"unreadable: {error}"
    return bool(kinds), ",".join(sorted(kinds))


def printed(text: str, chromium: str) -> bytes:
    """``text`` printed to PDF by a headless browser, one paragraph per line."""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines())
    with tempfile.TemporaryDirectory() as folder:
        page, pdf = Path(folder) / "document.html", Path(folder) / "document.pdf"
        page.write_text(f'<!doctype html><html lang="ja"><meta charset="utf-8"><body>{body}</body></html>',
                        encoding="utf-8")
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--print-to-pdf={pdf}", page.as_uri()], check=True, capture_output=True, timeout=120)
        return pdf.read_bytes()


def files(path: Path, chromium: str) -> dict[str, tuple[bytes, str]]:
    text = path.read_text(encoding="utf-8")
    made = as_files(text)
    if chromium:
        made["chromium pdf"] = (printed(text, chromium), "application/pdf")
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--large", type=int, default=0)
    parser.add_argument("--chromium", default="", help="a Chromium binary, e.g. /usr/bin/chromium")
    arguments = parser.parse_args()
    app = Flask(__name__)
    Babel(app)
    with app.app_context():
        kinds_in("準備")  # load the morphological dictionary before timing
        results: dict[str, dict[str, list]] = {}
        for side in ("pass", "refuse"):
            for path in corpus(side):
                for kind, (content, content_type) in files(path, arguments.chromium).items():
                    timings = []
                    for _round in range(arguments.rounds):
                        start = time.perf_counter()
                        outcome, found = refused(content, content_type)
                        timings.append(time.perf_counter() - start)
                    entry = results.setdefault(kind, {"pass": [], "refuse": [], "times": [], "wrong": []})
                    entry[side].append(outcome)
                    entry["times"].append(statistics.median(timings))
                    if outcome != (side == "refuse"):
                        entry["wrong"].append(f"{side}/{path.name} ({found or 'accepted'})")
        print(f"{'format':12} {'pass rate':>14} {'recall':>14} {'median ms':>10}")
        for kind, entry in results.items():
            passed = entry["pass"].count(False)
            caught = entry["refuse"].count(True)
            print(f"{kind:12} {passed:3}/{len(entry['pass']):3} = {passed / len(entry['pass']):.3f} "
                  f"{caught:3}/{len(entry['refuse']):3} = {caught / len(entry['refuse']):.3f} "
                  f"{1000 * statistics.median(entry['times']):10.1f}")
            for wrong in entry["wrong"]:
                print(f"             wrong: {wrong}")
        if arguments.large:
            text = "\n".join(path.read_text(encoding="utf-8") for path in corpus("pass"))
            lines = (text.splitlines() * (arguments.large // len(text) + 1))
            size = 0
            for count, line in enumerate(lines):
                size += len(line) + 1
                if size >= arguments.large:
                    lines = lines[:count + 1]
                    break
            for kind, (content, content_type) in as_files("\n".join(lines)).items():
                start = time.perf_counter()
                outcome, found = refused(content, content_type)
                print(f"large {kind}: {size} characters, {len(content)} bytes, {time.perf_counter() - start:.2f} s, "
                      f"{'refused ' + found if outcome else 'accepted'}")


if __name__ == "__main__":
    main()
