"""How long do field decryption and data-key unwrapping take? (DESIGN.md §8: a case list page ≤ 50 ms)

    .venv/bin/python bench/crypto_fields.py [--rounds 200]

Reports medians over the rounds for:
- decrypting 50 short names with one FieldCipher (the cipher already built);
- unwrapping one data key with a Keyring whose KEK is cached (and, for scale, with a fresh Keyring that
  reads the KEK file first);
- a case list page as it really is: 50 cases, each with its own wrapped data key, so 50 unwraps, 50
  FieldCiphers and 50 name decryptions (KEK cached, as in a running server);
- 50 blind-index computations (a duplicate check computes a handful).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from council.crypto.blind import NAME_KANA, BlindIndexer
from council.crypto.envelope import FieldCipher, new_data_key
from council.crypto.keyring import FileKeyProvider, Keyring

NAMES = [f"ヤマダ タロウ{n}" for n in range(50)]


def median_ms(action: Callable[[], object], rounds: int) -> float:
    action()  # warm-up
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds

    provider = FileKeyProvider(Path(tempfile.mkdtemp()) / "keys")
    provider.create()
    ring = Keyring(provider)

    data_key = new_data_key()
    cipher = FieldCipher(data_key)
    blobs = [(row_id, cipher.encrypt(name, table="persons", column="name_kana", row_id=row_id))
             for row_id, name in enumerate(NAMES, start=1)]

    def decrypt_50() -> None:
        for row_id, blob in blobs:
            cipher.decrypt(blob, table="persons", column="name_kana", row_id=row_id)

    wrapped, version = ring.wrap(data_key, case_id=1)

    # 50 cases, one data key each, as a case list page sees them.
    page = []
    for case_id, name in enumerate(NAMES, start=1):
        key = new_data_key()
        key_blob, key_version = ring.wrap(key, case_id=case_id)
        name_blob = FieldCipher(key).encrypt(name, table="persons", column="name_kana", row_id=case_id)
        page.append((case_id, key_blob, key_version, name_blob))

    def list_page() -> None:
        for case_id, key_blob, key_version, name_blob in page:
            case_cipher = FieldCipher(ring.unwrap(key_blob, version=key_version, case_id=case_id))
            case_cipher.decrypt(name_blob, table="persons", column="name_kana", row_id=case_id)

    indexer = BlindIndexer(new_data_key())

    results = {
        "decrypt 50 names, one FieldCipher": median_ms(decrypt_50, rounds),
        "unwrap one data key (KEK cached)": median_ms(lambda: ring.unwrap(wrapped, version=version, case_id=1), rounds),
        "unwrap one data key (fresh Keyring, reads KEK file)": median_ms(
            lambda: Keyring(provider).unwrap(wrapped, version=version, case_id=1), rounds),
        "case list page: 50 cases x (unwrap + FieldCipher + decrypt name)": median_ms(list_page, rounds),
        "50 blind-index values (name_kana)": median_ms(
            lambda: [indexer.compute(NAME_KANA, name) for name in NAMES], rounds),
    }
    width = max(map(len, results))
    print(f"medians over {rounds} rounds")
    for label, ms in results.items():
        print(f"  {label:<{width}}  {ms * 1000:9.1f} µs  ({ms:.3f} ms)")


if __name__ == "__main__":
    main()
