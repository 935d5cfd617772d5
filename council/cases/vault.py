"""The one entry point from case services to the crypto package: data keys per case, field ciphers, indexes."""

from __future__ import annotations

from flask import current_app, g

from council import instance
from council.cases.models import Case
from council.core.japanese import digits_only, surname
from council.core.keyfiles import read_key_file
from council.crypto.blind import BlindIndexer
from council.crypto.envelope import FieldCipher, new_data_key
from council.crypto.keyring import FileKeyProvider, Keyring


class CasePurged(Exception):
    """The case's data key was destroyed; its content no longer exists."""


class CaseVault:
    def __init__(self, keyring: Keyring, indexer: BlindIndexer):
        self.keyring, self.indexer = keyring, indexer

    @classmethod
    def from_instance(cls, folder) -> CaseVault:
        keys = instance.keys_dir(folder)
        return cls(Keyring(FileKeyProvider(keys)), BlindIndexer(read_key_file(keys / instance.INDEX_KEY,
                                                                             fix="council init")))

    def new_case_key(self, case: Case) -> FieldCipher:
        """Give a new (flushed) case its own data key, wrapped by the current KEK."""
        data_key = new_data_key()
        case.wrapped_key, case.key_version = self.keyring.wrap(data_key, case_id=case.id)
        _cache()[case.id] = cipher = FieldCipher(data_key)
        return cipher

    def cipher(self, case: Case) -> FieldCipher:
        """The field cipher of ``case`` (unwrapped once per request). Raises CasePurged or KeyUnavailable."""
        cache = _cache()
        if case.id not in cache:
            if case.wrapped_key is None:
                raise CasePurged(case.number)
            cache[case.id] = FieldCipher(self.keyring.unwrap(case.wrapped_key, version=case.key_version,
                                                             case_id=case.id))
        return cache[case.id]

    def forget(self, case: Case) -> None:
        _cache().pop(case.id, None)

    def person_indexes(self, *, name: str, kana: str, birth_iso: str, phone: str) -> dict[str, str | None]:
        """The blind-index columns of a person (None where there is nothing to index)."""
        surname_kana = surname(kana)
        values = {
            "name_kana_index": self.indexer.compute("name_kana", kana),
            "name_kanji_index": self.indexer.compute("name_kanji", name),
            "surname_kana_birth_index": self.indexer.compute("surname_kana_birth", surname_kana, birth_iso)
            if surname_kana and birth_iso else "",
            "phone_index": self.indexer.compute("phone", digits_only(phone)) if phone else "",
        }
        return {column: value or None for column, value in values.items()}


def _cache() -> dict:
    """Unwrapped data keys live for one request (or one CLI command) only."""
    if "case_ciphers" not in g:
        g.case_ciphers = {}
    return g.case_ciphers


def vault() -> CaseVault:
    return current_app.extensions["case_vault"]
