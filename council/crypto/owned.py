"""Data keys of rows that are not a case: an incident (council.incidents), a meeting's minutes (council.meetings).

Such a row's text may describe people without belonging to any one case: sealing it under a case's key would make
it unreadable when that case is purged and readable to whoever reaches that case; sealing it under no key would
leave it in plaintext. So each row gets its own random data key, wrapped by the current KEK exactly as a case's
is, under a label of its own kind (``council/incident-dek``, ``council/meeting-dek``) so that incident 7's or
meeting 7's wrapped key can never pass for case 7's. Values are bound to (table, column, row id, key version) by
the field cipher, like a case's.

``RowKeys`` is the one implementation; a feature makes one for its model and registers ``usage`` and ``rewrap``
as a key holder (``council.cases.keys``), so that ``council keys rotate`` re-wraps them, ``council keys retire``
and ``council keys status`` count them, and a backup names the KEK versions they need. The row needs three
columns: ``wrapped_key``, ``key_version`` and, per sealed column, ``<name>_enc``. Neutral: the caller hands in
the keyring, the per-request key cache and the database session.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import func, select, update

from council.crypto.envelope import FieldCipher, new_data_key
from council.crypto.keyring import Keyring


@dataclass(frozen=True)
class RowKeys:
    """Sealing the ``columns`` of ``model``'s rows under a data key per row, wrapped with ``label``."""

    model: type
    label: bytes
    columns: tuple[str, ...]
    #: The keyring of the KEKs (the case vault's).
    keyring: Callable[[], Keyring]
    #: A dict that lives for one request or command: unwrapped keys by row id.
    cache: Callable[[], dict]

    @property
    def table(self) -> str:
        return self.model.__tablename__

    def new_key(self, row) -> None:
        """Give a (flushed) row its own data key, wrapped by the current KEK. Raises KeyUnavailable."""
        data_key = new_data_key()
        row.wrapped_key, row.key_version = self.keyring().wrap_for(data_key, label=self.label, owner_id=row.id)
        self.cache()[row.id] = FieldCipher(data_key)

    def seal(self, row, column: str, value: str | None) -> None:
        """Encrypt ``value`` (stripped) into ``row``'s sealed ``column``; "" and None store NULL. A row without a
        data key yet gets one first."""
        self._check(column)
        value = (value or "").strip()
        if value and row.wrapped_key is None:
            self.new_key(row)
        setattr(row, f"{column}_enc", self._cipher(row).encrypt(value, table=self.table, column=column,
                                                                 row_id=row.id) if value else None)

    def open_text(self, row, column: str) -> str:
        """The plaintext of ``row``'s sealed ``column`` ("" when empty). Raises KeyUnavailable, DecryptionFailed."""
        self._check(column)
        blob = getattr(row, f"{column}_enc")
        if blob is None:
            return ""
        return self._cipher(row).decrypt(blob, table=self.table, column=column, row_id=row.id)

    def usage(self, session) -> dict[int, int]:
        """KEK version → number of these rows' data keys it wraps."""
        rows = session.execute(select(self.model.key_version, func.count())
                               .where(self.model.wrapped_key.is_not(None)).group_by(self.model.key_version))
        return dict(rows.all())

    def rewrap(self, session, version: int) -> list:
        """Re-wrap every data key not yet under KEK ``version`` with the current KEK; returns the rows re-wrapped
        (the caller audits and commits). The sealed text itself is untouched."""
        keyring = self.keyring()
        rows: Sequence = list(session.scalars(select(self.model).where(
            self.model.wrapped_key.is_not(None), self.model.key_version != version).order_by(self.model.id)))
        for row in rows:
            data_key = keyring.unwrap_for(row.wrapped_key, label=self.label, owner_id=row.id,
                                          version=row.key_version)
            row.wrapped_key, row.key_version = keyring.wrap_for(data_key, label=self.label, owner_id=row.id)
        return list(rows)

    def seal_legacy(self, session, legacy, column: str) -> int:
        """Seal every row's text still in the old plaintext column ``legacy`` (a model attribute) into ``column`` and
        empty ``legacy``; return how many rows changed. Idempotent, and safe when several workers start at once: a
        row is changed only while it still holds the plaintext that was read and has no data key. The caller
        commits."""
        count = 0
        for row_id, text in session.execute(select(self.model.id, legacy).where(legacy.is_not(None))).all():
            # sealed on a stand-in, so that the row itself changes only by the guarded UPDATE below
            probe = SimpleNamespace(id=row_id, wrapped_key=None, key_version=None, **{f"{column}_enc": None})
            self.seal(probe, column, text)
            changed = session.execute(update(self.model).where(
                self.model.id == row_id, legacy == text, self.model.wrapped_key.is_(None)).values(
                {getattr(self.model, f"{column}_enc"): getattr(probe, f"{column}_enc"),
                 self.model.wrapped_key: probe.wrapped_key, self.model.key_version: probe.key_version,
                 legacy: None}).execution_options(synchronize_session=False))
            count += changed.rowcount
            self.cache().pop(row_id, None)
        return count

    def _check(self, column: str) -> None:
        if column not in self.columns:
            raise ValueError(f"{self.table}.{column} is not a sealed column")

    def _cipher(self, row) -> FieldCipher:
        cache = self.cache()
        if row.id not in cache:
            cache[row.id] = FieldCipher(self.keyring().unwrap_for(row.wrapped_key, label=self.label, owner_id=row.id,
                                                                  version=row.key_version))
        return cache[row.id]
