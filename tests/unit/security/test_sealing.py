"""Sealing of TOTP secrets: AES-256-GCM bound to table and column, and the start-up step for old rows."""

import os

import pytest
from sqlalchemy import BigInteger, Integer, MetaData, create_engine, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from council.security.sealing import (
    PREFIX,
    SEALED_LENGTH,
    SealedSecret,
    SealError,
    SecretBox,
    seal_plaintext_secrets,
)

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def box():
    return SecretBox(os.urandom(32))


def test_a_sealed_secret_opens_to_itself_and_does_not_show_it(box):
    sealed = box.seal(SECRET, aad="user_account.totp_secret")
    assert sealed.startswith(PREFIX) and SECRET not in sealed and len(sealed) <= SEALED_LENGTH
    assert box.open(sealed, aad="user_account.totp_secret") == SECRET
    assert box.seal(SECRET, aad="user_account.totp_secret") != sealed  # a fresh nonce each time


def test_the_longest_secret_fits_the_column(box):
    assert len(box.seal("A" * 64, aad="platform_setup_link.pending_totp_secret")) <= SEALED_LENGTH
    with pytest.raises(ValueError, match="longer than 64"):
        box.seal("A" * 65, aad="user_account.totp_secret")


def test_another_column_another_key_or_a_plaintext_value_does_not_open(box):
    sealed = box.seal(SECRET, aad="setup_link.pending_totp_secret")
    with pytest.raises(SealError, match="user_account.totp_secret"):
        box.open(sealed, aad="user_account.totp_secret")
    with pytest.raises(SealError, match="does not open"):
        SecretBox(os.urandom(32)).open(sealed, aad="setup_link.pending_totp_secret")
    with pytest.raises(SealError, match="not sealed"):
        box.open(SECRET, aad="user_account.totp_secret")
    with pytest.raises(SealError):
        box.open(PREFIX + "not base64 at all!", aad="user_account.totp_secret")


def test_the_key_is_never_shown(box):
    assert "key hidden" in repr(box)
    with pytest.raises(ValueError, match="32 bytes"):
        SecretBox(b"short")


class Base(DeclarativeBase):
    metadata = MetaData()


class Account(Base):
    __tablename__ = "account"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    totp_secret: Mapped[str | None] = mapped_column(SealedSecret(aad="account.totp_secret"))


def test_start_up_seals_plaintext_rows_once_and_leaves_the_rest(box):
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO account (id, totp_secret) VALUES (1, :s), (2, NULL)"), {"s": SECRET})
    assert seal_plaintext_secrets(engine, Base.metadata, box) == 1
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT totp_secret FROM account WHERE id = 1")).scalar()
        assert connection.execute(text("SELECT totp_secret FROM account WHERE id = 2")).scalar() is None
    assert box.open(stored, aad="account.totp_secret") == SECRET
    assert seal_plaintext_secrets(engine, Base.metadata, box) == 0
    with engine.connect() as connection:
        assert connection.execute(text("SELECT totp_secret FROM account WHERE id = 1")).scalar() == stored


def test_the_model_reads_and_writes_plaintext_in_the_app_of_the_key(box):
    from flask import Flask
    from sqlalchemy.orm import Session

    app = Flask(__name__)
    app.config["TOTP_SECRET_BOX"] = box
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with app.app_context(), Session(engine) as session:
        session.add(Account(id=1, totp_secret=SECRET))
        session.commit()
        assert session.scalar(select(Account.totp_secret)) == SECRET
        raw = session.execute(text("SELECT totp_secret FROM account")).scalar()
    assert raw.startswith(PREFIX) and SECRET not in raw
