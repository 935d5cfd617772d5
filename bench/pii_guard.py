"""How well and how fast does the platform's PII guard work on the corpus? (DESIGN.md §2, issue #4)

    .venv/bin/python bench/pii_guard.py [--rounds 5] [--misses]

Runs tests/data/pii/refuse.jsonl (texts that must be refused) and pass.jsonl (texts that must pass), each in
its own field mode ("text" or "contact"), and prints:
- per detector: findings on refuse and pass texts, refuse texts only it catches (its recall contribution),
  pass texts only it refuses (its pass-rate cost);
- overall: recall (refused refuse texts / all), pass rate (passed pass texts / all), precision (refused
  texts that should be refused / all refused texts), and expected kinds missed;
- timings: model load, median per text with all detectors and without the NER (after load), and of each
  detector but the NER alone.
``--misses`` lists the texts each side gets wrong, by corpus line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from pathlib import Path

from council.platform.guard import detection, person_name
from council.platform.guard.findings import CONTACT_ALLOWED

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "pii"
ALL = list(detection.DETECTORS)
WITHOUT_NER = [name for name in ALL if name != person_name.DETECTOR]


def load(name: str) -> list[dict]:
    with (CORPUS / name).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def run(entry: dict, detectors: list[str]):
    return detection.run(entry["text"], contact=entry.get("field") == "contact", detectors=detectors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--misses", action="store_true", help="list the corpus lines each side gets wrong")
    options = parser.parse_args()
    refuse, passing = load("refuse.jsonl"), load("pass.jsonl")

    start = time.perf_counter()
    detection.run("準備さん", contact=False, detectors=["honorific"])
    dictionary_load = time.perf_counter() - start
    start = time.perf_counter()
    person_name.load()
    model_load = time.perf_counter() - start

    refused = [run(entry, ALL) for entry in refuse]
    passed = [run(entry, ALL) for entry in passing]
    report_detectors(refused, passed)
    report_overall(refuse, passing, refused, passed, options.misses)
    report_timings(refuse + passing, options.rounds, dictionary_load, model_load)


def report_detectors(refused, passed) -> None:
    print(f"{'detector':<13} {'findings (refuse/pass)':>22} {'recall only it':>15} {'pass texts it costs':>20}")
    for name in ALL:
        on_refuse = sum(1 for findings in refused for f in findings if f.detector == name)
        on_pass = sum(1 for findings in passed for f in findings if f.detector == name)
        only = sum(1 for findings in refused if findings and {f.detector for f in findings} == {name})
        costs = sum(1 for findings in passed if any(f.detector == name for f in findings))
        only_costs = sum(1 for findings in passed if findings and {f.detector for f in findings} == {name})
        print(f"{name:<13} {on_refuse:>10} / {on_pass:<9} {only:>15} {costs:>11} ({only_costs} only it)")


def report_overall(refuse, passing, refused, passed, misses: bool) -> None:
    caught = sum(1 for findings in refused if findings)
    clean = sum(1 for findings in passed if not findings)
    wrongly = len(passing) - clean
    kinds_missed = [(n, entry) for n, (entry, findings) in enumerate(zip(refuse, refused, strict=True), start=1)
                    if findings and not refusable_kinds(entry) <= {f.kind for f in findings}]
    print(f"\nrecall     {caught}/{len(refuse)} = {caught / len(refuse):.3f}")
    print(f"pass rate  {clean}/{len(passing)} = {clean / len(passing):.3f}")
    print(f"precision  {caught}/{caught + wrongly} = {caught / max(1, caught + wrongly):.3f}")
    print(f"refused with an expected kind missing: {len(kinds_missed)}")
    print("kinds found on refuse texts:", dict(Counter(f.kind for findings in refused for f in findings)))
    if not misses:
        return
    print("\nrefuse texts let through:")
    for n, (entry, findings) in enumerate(zip(refuse, refused, strict=True), start=1):
        if not findings:
            print(f"  refuse.jsonl:{n} {entry.get('kinds')} {entry['text']}")
    print("refuse texts without an expected kind:")
    for n, entry in kinds_missed:
        got = sorted({f.kind for f in refused[n - 1]})
        print(f"  refuse.jsonl:{n} expected {sorted(refusable_kinds(entry))} got {got}")
    print("pass texts refused:")
    for n, (entry, findings) in enumerate(zip(passing, passed, strict=True), start=1):
        if findings:
            spans = [(f.kind, f.detector, entry["text"][f.start:f.end]) for f in findings]
            print(f"  pass.jsonl:{n} {spans} {entry['text']}")


def refusable_kinds(entry: dict) -> set[str]:
    """The expected kinds the field refuses: a contact field keeps its phone, e-mail, address and names."""
    kinds = set(entry.get("kinds", []))
    return kinds - CONTACT_ALLOWED if entry.get("field") == "contact" else kinds


def report_timings(entries, rounds: int, dictionary_load: float, model_load: float) -> None:
    def median_ms(detectors: list[str]) -> float:
        per_text = []
        for entry in entries:
            timings = []
            for _ in range(rounds):
                start = time.perf_counter()
                run(entry, detectors)
                timings.append(time.perf_counter() - start)
            per_text.append(statistics.median(timings))
        return statistics.median(per_text) * 1000

    print(f"\nSudachi dictionary load {dictionary_load:.2f} s; GiNZA model load {model_load:.2f} s")
    print(f"median per text, all detectors:     {median_ms(ALL):.1f} ms")
    print(f"median per text, without the NER:   {median_ms(WITHOUT_NER):.2f} ms")
    for name in WITHOUT_NER:
        print(f"  median per text, {name + ':':<14} {median_ms([name]):.3f} ms")


if __name__ == "__main__":
    main()
