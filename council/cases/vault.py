"""The one entry point from case services to the crypto package: data keys per case, fields, blind indexes.

``open(row, column)`` and ``seal(row, column, value, access=...)`` take the row itself: the table, the row id the
ciphertext is bound to and the case whose key seals it all come from the row, so no caller names them by hand. A
value opens only when this request recorded reading its case in a scope that covers the column, and is sealed
only with an access that may write it (``access.reads``: ReadNotRecorded, OutsideScope, WriteRefused).
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app, g

from council import instance
from council.access import reads
from council.access.policy import Access
from council.access.scopes import ROW_KEYS
from council.cases.models import Case
from council.core.japanese import digits_only, surname
from council.core.keyfiles import read_key_file
from council.crypto.blind import BlindIndexer
from council.crypto.envelope import FieldCipher, new_data_key
from council.crypto.errors import DecryptionFailed
from council.crypto.keyring import FileKeyProvider, Keyring
from council.database import Base, db


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
        """Give a new (flushed) case its own data key, wrapped by the current KEK; its creator may then seal its
        first values (``access.reads.creating``). Returns the key's cipher for bulk loaders that write rows
        themselves (the benchmarks): it can open nothing that existed before."""
        data_key = new_data_key()
        case.wrapped_key, case.key_version = self.keyring.wrap(data_key, case_id=case.id)
        _cache()[case.id] = cipher = FieldCipher(data_key)
        reads.note_created(case.id)
        return cipher

    def open(self, row, column: str) -> str | bytes | None:
        """The plaintext of ``row``'s ``column`` (None when empty). Raises ReadNotRecorded or OutsideScope (see
        ``access.reads``), CasePurged, KeyUnavailable or DecryptionFailed."""
        return self._open(row, (column,), row.__tablename__)[0]

    def opens(self, row, column: str) -> bool:
        """Whether ``open`` would open ``row``'s ``column`` in this request (its case's read recorded, by a scope
        and a reach that cover the column and the row): a list shows a value only where it may, rather than fail."""
        _table, row_id, case_id = _binding(row)
        try:
            reads.check_open(case_id=case_id, table=row.__tablename__, columns=(column,),
                             row_id=_row_key(row, row_id))
        except reads.ReadNotRecorded:
            return False
        return True

    def text(self, row, column: str) -> str:
        """``open`` for a text column, with "" for an empty one."""
        return self.open(row, column) or ""

    def texts(self, row, columns: Sequence[str], *, table: str | None = None) -> dict[str, str]:
        """``text`` of several columns of one row, by column (a person's eight, a record's two): the row's read
        receipt, binding and case key are looked up once, not once a column — a case page opens about fifty values.
        ``table`` names the row's table when the row is plain values rather than a mapped object (a page's select
        of the table's columns, cheaper to load); a name that is not the row's table opens nothing and raises
        ValueError (``_open``). Raises as ``open``, before opening any when one of ``columns`` may not be opened."""
        values = self._open(row, columns, table or row.__tablename__)
        return {column: value or "" for column, value in zip(columns, values, strict=True)}

    def _open(self, row, columns: Sequence[str], name: str) -> list[str | bytes | None]:
        try:
            return self._open_as(row, columns, name)
        except (reads.ReadNotRecorded, AttributeError, DecryptionFailed):
            # Asked only when opening failed (checking every row cost 1% of a case page): a row opened as another
            # table's than its own is a programming error, told as one — not a refusal, nor a ciphertext that fails
            # to authenticate, which the error page would record as tampering.
            if not _of_table(row, name):
                raise ValueError(f"the row is not of {name!r}: of what table are its columns?") from None
            raise

    def _open_as(self, row, columns: Sequence[str], name: str) -> list[str | bytes | None]:
        table, row_id, case_id = _binding(row, name)
        reads.check_open(case_id=case_id, table=name, columns=columns, row_id=_row_key(row, row_id, name))
        values, cipher = [], None
        for column in columns:
            blob = getattr(row, f"{column}_enc")
            if blob is None:
                values.append(None)
                continue
            cipher = cipher or self._cipher(row, case_id)
            try:
                values.append(cipher.decrypt(blob, table=table, column=column, row_id=row_id))
            except DecryptionFailed as failure:
                failure.case_id = case_id  # the error page records it against the case
                raise
        return values

    def seal(self, row, column: str, value: str | bytes | None, *, access: Access) -> None:
        """Encrypt ``value`` into ``row``'s ``column`` (a flushed row: its id is bound); None or "" store NULL.
        Raises WriteRefused when ``access`` is not to the row's case or may not write the column."""
        table, row_id, case_id = _binding(row)
        reads.check_seal(access, case_id=case_id, table=row.__tablename__, column=column,
                         row_id=_row_key(row, row_id))
        sealed = None
        if value is not None and value != "":
            sealed = self._cipher(row, case_id).encrypt(value, table=table, column=column, row_id=row_id)
        setattr(row, f"{column}_enc", sealed)

    def carry(self, source, target, column: str, *, access: Access) -> None:
        """Seal into ``target``'s ``column`` what ``source``'s holds (two rows of one case's table, e.g. a plan
        version and the next), without the plaintext ever reaching the caller: a writer who may seal the column but
        not read it (``access.scopes.SEAL_ONLY``) keeps what it does not replace. Raises WriteRefused as ``seal``,
        ValueError for rows of different cases or tables."""
        (table, source_id, case_id), (other_table, _, target_case) = _binding(source), _binding(target)
        if (table, case_id) != (other_table, target_case):
            raise ValueError("a value is carried only between rows of one table of one case")
        blob = getattr(source, f"{column}_enc")
        value = None if blob is None else self._cipher(source, case_id).decrypt(
            blob, table=table, column=column, row_id=source_id)
        self.seal(target, column, value, access=access)

    def _cipher(self, row, case_id: int) -> FieldCipher:
        """The field cipher of case ``case_id``, which ``row`` belongs to (its key unwrapped once per request: a page
        opens dozens of values of one case, and only the first loads the case). Raises CasePurged or
        KeyUnavailable."""
        cache = _cache()
        cipher = cache.get(case_id)
        if cipher is None:
            case = row if isinstance(row, Case) else db.session.get(Case, case_id)
            if case.wrapped_key is None:
                raise CasePurged(case.number)
            try:
                data_key = self.keyring.unwrap(case.wrapped_key, version=case.key_version, case_id=case.id)
            except DecryptionFailed as failure:
                failure.case_id = case.id
                raise
            cipher = cache[case_id] = FieldCipher(data_key)
        return cipher

    def forget(self, case: Case) -> None:
        """Drop the case's unwrapped key and read receipt (batches keep only the current batch's)."""
        _cache().pop(case.id, None)
        reads.forget(case.id)

    def check_key(self, case: Case) -> None:
        """Unwrap the case's data key now. Raises CasePurged, KeyUnavailable or DecryptionFailed (a wrong key)."""
        self._cipher(case, case.id)

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


#: Tables whose ciphertext is bound to another table's row: an earlier version of a support record keeps the
#: ciphertext it had, bound to the record (so it decrypts only as that record's history).
_BOUND_TO = {"support_record_revision": ("support_record", "record_id")}


def _of_table(row, table: str) -> bool:
    """Whether ``row`` is a row of ``table``: a mapped object of it, or a plain row of its columns in their order."""
    if hasattr(type(row), "__tablename__"):
        return row.__tablename__ == table
    found = Base.metadata.tables.get(table)
    return found is not None and getattr(row, "_fields", None) == tuple(found.columns.keys())


def _binding(row, table: str | None = None) -> tuple[str, int, int]:
    """(table, row id) the row's ciphertexts are bound to, and the id of the case whose key seals them (``table``:
    the row's, when it is not a mapped object)."""
    table = table or row.__tablename__
    bound_table, id_attribute = _BOUND_TO.get(table, (table, "id"))
    case_id = row.id if table == Case.__tablename__ else row.case_id
    return bound_table, getattr(row, id_attribute), case_id


def _row_key(row, row_id: int, table: str | None = None) -> int:
    """The row a reach's basis must name for ``row`` to open (``access.scopes.ROW_KEYS``): its id, or for a brief
    its meeting's (``table``: the row's, when it is not a mapped object)."""
    column = ROW_KEYS.get(table or row.__tablename__)
    return getattr(row, column) if column else row_id


def _cache() -> dict:
    """Unwrapped data keys live for one request (or one CLI command) only."""
    return g.setdefault("case_ciphers", {})


def vault() -> CaseVault:
    return current_app.extensions["case_vault"]
