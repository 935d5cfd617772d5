"""A file that hides personal data is refused at upload, with the reason shown to its sharer, and leaves
nothing of itself in the platform database — not in its tables, and not in SQLite's WAL or PostgreSQL's
write-ahead log (the security review found names there after an accepted upload)."""

import io
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

from council.platform.database import db
from council.platform.models import PlatformAuditEvent
from council.platform.resources.models import Resource
from tests import pdf_files
from tests.conftest import PG_URL, count
from tests.office_files import docx

FLYER = ["つながりサポーター養成講座のご案内", "日時：令和8年5月20日(水) 10:00〜12:00", "会場：中央公民館"]


@pytest.fixture
def member(platform_app, make_organisation, make_platform_user, platform_login):
    return platform_login(make_platform_user("member", organisation=make_organisation()))


def upload(client, content: bytes, name: str):
    return client.post("/resources/new", content_type="multipart/form-data", data={
        "kind": "document", "title": "講座資料", "description": "", "file": (io.BytesIO(content), name)})


class DatabaseBytes:
    """The bytes the database wrote while a request ran: SQLite's files (database, -wal, -shm), or the
    PostgreSQL write-ahead log between the insert positions before and after."""

    def __init__(self, platform_app):
        self.url = platform_app.config["DATABASE_URL"]
        self.start = self._position() if self.url.startswith("postgresql") else None

    def written(self) -> bytes:
        if self.start is None:
            path = Path(self.url.removeprefix("sqlite:///"))
            return b"".join(Path(f"{path}{suffix}").read_bytes() for suffix in ("", "-wal", "-shm")
                            if Path(f"{path}{suffix}").exists())
        with psycopg.connect(PG_URL, autocommit=True) as connection:
            end = self._position(connection)
            chunks = []
            for (name,) in connection.execute(
                    "SELECT name FROM pg_ls_waldir() WHERE name >= pg_walfile_name(%s::pg_lsn) "
                    "AND name <= pg_walfile_name(%s::pg_lsn) AND name ~ '^[0-9A-F]{24}$' ORDER BY name",
                    (self.start, end)):
                chunks.append(connection.execute("SELECT pg_read_binary_file('pg_wal/' || %s)",
                                                 (name,)).fetchone()[0])
            return b"".join(chunks)

    @staticmethod
    def _position(connection=None) -> str:
        if connection is None:
            with psycopg.connect(PG_URL, autocommit=True) as fresh:
                return fresh.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()[0]
        return connection.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()[0]


def unique_marker() -> str:
    """Letters only, so that no detector reads a number in it."""
    return "marker" + uuid.uuid4().hex.translate(str.maketrans("0123456789", "ghijklmnop"))


def test_a_refused_file_leaves_nothing_in_the_database_or_its_log(platform_app, member):
    marker = unique_marker()
    refused = pdf_files.with_metadata(pdf_files.pdf_pages(FLYER), Title=marker, Author="山田太郎",
                                      Subject="携帯 090-1234-5678")
    database = DatabaseBytes(platform_app)
    response = upload(member, refused, f"{marker}.pdf")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "電話番号" in page
    written = database.written()
    assert marker.encode() not in written and marker.encode("utf-16-le") not in written
    assert count(platform_app, Resource) == 0
    with platform_app.app_context():
        reasons = list(db.session.scalars(select(PlatformAuditEvent.reason).where(
            PlatformAuditEvent.target_id == "resource.file")))
    assert reasons == ["phone"]  # the kinds found, never the text


def test_the_check_sees_an_accepted_file_in_the_database(platform_app, member):
    """The control for the test above: what an accepted upload stores is found where the test looks. (Its
    name: PostgreSQL may compress the file's bytes in its log, so the marker in the file need not appear.)"""
    marker = unique_marker()
    accepted = pdf_files.with_metadata(pdf_files.pdf_pages(FLYER), Title=marker)
    database = DatabaseBytes(platform_app)
    assert upload(member, accepted, f"{marker}.pdf").status_code == 302
    assert marker.encode() in database.written()


@pytest.mark.parametrize("content,name,reason", [
    (pdf_files.with_attachment(pdf_files.pdf_pages(FLYER), "名簿.csv", "山田太郎,090-1234-5678".encode()),
     "chirashi.pdf", "埋め込まれたファイル"),
    (docx(*FLYER, extra={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": b"PK\x03\x04"}), "chirashi.docx",
     "埋め込まれたファイルやオブジェクト"),
    (docx(*FLYER, extra={"customXml/item1.xml": "<r><p>山田太郎</p></r>"}), "chirashi.docx", "カスタム XML"),
    (docx("参加者名簿", "山田太郎", "鈴木花子", "高橋美咲"), "meibo.docx", "人の名前"),
], ids=["pdf-attachment", "docx-embedding", "custom-xml", "bare-names"])
def test_the_sharer_is_told_why_a_file_was_refused_in_japanese(platform_app, member, content, name, reason):
    response = upload(member, content, name)
    assert response.status_code == 200 and reason in response.get_data(as_text=True)
    assert count(platform_app, Resource) == 0
