"""Cryptography for case data: envelope encryption of fields, the key-encryption keyring, and blind indexes.

- ``keyring``: versioned key-encryption keys (KEKs) from a provider (files or environment) that wrap the
  per-case data keys.
- ``envelope``: per-case data keys and the field cipher (AES-256-GCM bound to table, column, row id and
  key version).
- ``blind``: normalisation of names and phone numbers, and keyed blind indexes for exact-match search and
  duplicate detection over ciphertext.

This package is neutral: it imports nothing from the council or platform sides, only ``council.core``.
"""
