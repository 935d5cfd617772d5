"""Case attachments and platform resources accept real Word and Excel files only among zips, under the same limits
as the ledger import."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from council.cases.models import Attachment
from council.core.archives import DOCX, XLSX
from council.database import db
from tests.office_files import BILLION_LAUGHS, CT, docx, ledger_xlsx, zip_of

OTHER_ZIPS = {
    "jar": zip_of({"META-INF/MANIFEST.MF": "Manifest-Version: 1.0\n", "Main.class": b"\xca\xfe\xba\xbe"}),
    "odt": zip_of({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<document-content/>"}),
    "plain zip": zip_of({"photos/1.jpg": b"\xff\xd8\xff"}),
    "docm": docx("macro", main_type="application/vnd.ms-word.document.macroEnabled.main+xml"),
}


def attach(client, case, content: bytes, name: str):
    return client.post(f"/cases/{case.id}/attachments", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), name)})


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Attachment))


@pytest.mark.parametrize(("content", "name", "content_type"), [
    (docx("ケース会議の記録"), "記録.docx", DOCX),
    (ledger_xlsx([["山田 花子"]]), "一覧.xlsx", XLSX),
], ids=["docx", "xlsx"])
def test_word_and_excel_files_are_attached_and_downloaded_as_what_they_are(app, client, login, make_user, make_case,
                                                                           content, name, content_type):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    assert attach(client, case, content, name).status_code == 302
    with app.app_context():
        row = db.session.scalars(select(Attachment)).one()
    assert row.content_type == content_type
    download = client.get(f"/cases/{case.id}/attachments/{row.id}")
    assert download.data == content and download.mimetype == content_type


@pytest.mark.parametrize("kind", list(OTHER_ZIPS))
def test_other_zips_are_refused_with_a_clear_message(app, client, login, make_user, make_case, kind):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    response = attach(client, case, OTHER_ZIPS[kind], "資料.docx")
    page = response.get_data(as_text=True)  # the case page again, the refusal in the upload form's summary
    assert response.status_code == 400
    assert "zip 形式のファイルは Word（.docx）と Excel（.xlsx）だけを受け付けます" in page
    assert stored(app) == 0


@pytest.mark.parametrize(("content", "message"), [
    (docx("x", extra={"word/comments.xml": BILLION_LAUGHS}), "文書型宣言（DOCTYPE）"),
    (docx("x", extra={"word/media/padding.xml": "<a>" + " " * (20 * 1024 * 1024) + "</a>"}), "圧縮率"),
], ids=["entity expansion", "zip bomb"])
def test_hostile_office_files_are_refused_as_attachments(app, client, login, make_user, make_case, content, message):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    response = attach(client, case, content, "資料.docx")
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert stored(app) == 0


@pytest.mark.parametrize(("content", "message"), [
    (OTHER_ZIPS["jar"], "zip 形式のファイルは Word（.docx）と Excel（.xlsx）だけ"),
    (docx("x", extra={"word/comments.xml": BILLION_LAUGHS}), "文書型宣言（DOCTYPE）"),
    (docx("x", main_type=f"{CT}.wordprocessingml.template.main+xml"), "zip 形式のファイルは Word（.docx）と Excel"),
], ids=["jar", "entity expansion", "template"])
def test_platform_resources_refuse_the_same_files(platform_app, make_organisation, make_platform_user,
                                                  platform_login, content, message):
    from council.platform.database import db as platform_db
    from council.platform.resources.models import Resource

    client = platform_login(make_platform_user("member", organisation=make_organisation()))
    response = client.post("/resources/new", content_type="multipart/form-data", data={
        "kind": "document", "title": "資料", "description": "", "file": (io.BytesIO(content), "flyer.docx")})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    with platform_app.app_context():
        assert platform_db.session.scalar(select(func.count()).select_from(Resource)) == 0


def test_a_word_flyer_is_shared_on_the_platform_as_a_word_file(platform_app, make_organisation, make_platform_user,
                                                                platform_login):
    from council.platform.database import db as platform_db
    from council.platform.resources.models import Resource

    client = platform_login(make_platform_user("member", organisation=make_organisation()))
    flyer = docx("つながりサポーター養成講座", "会場：中央公民館")
    response = client.post("/resources/new", content_type="multipart/form-data", data={
        "kind": "document", "title": "講座のご案内", "description": "", "file": (io.BytesIO(flyer), "案内.docx")})
    assert response.status_code == 302
    with platform_app.app_context():
        resource_id, file_type = platform_db.session.execute(select(Resource.id, Resource.file_type)).one()
    assert file_type == DOCX
    download = client.get(f"/resources/{resource_id}/file")
    assert download.data == flyer and f"resource-{resource_id}.docx" in download.headers["Content-Disposition"]
