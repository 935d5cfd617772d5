"""Files that hide personal data (issue 14): each hostile file of the security review is refused — its
hidden text is read and the guard finds what it holds, or it holds what cannot be checked — while ordinary
flyers, minutes and handouts pass."""

import pytest

from council.core.archives import DOCX, XLSX
from council.platform.resources.checking import kinds_in
from council.platform.resources.content import UnreadableFile, read, text_of
from council.platform.resources.reading import collected, pdf
from tests import pdf_files
from tests.office_files import CORE, MAIN, REL, WORD, cells, docx, docx_xml, jpeg, png, runs, sheet, styled_xlsx, xlsx

FLYER = ["つながりサポーター養成講座のご案内", "日時：令和8年5月20日(水) 10:00〜12:00", "会場：中央公民館 2階",
         "参加費無料・定員30名", "申込みは各地区の社会福祉協議会まで"]
PDF = "application/pdf"


def found(content: bytes, content_type: str) -> set[str]:
    file_text = read(content, content_type)
    return kinds_in(file_text.text, file_text.authors)


def refused_because(content: bytes, content_type: str) -> str:
    with pytest.raises(UnreadableFile) as refused:
        text_of(content, content_type)
    return str(refused.value)


# -- PDF ----------------------------------------------------------------------------------------------

def test_a_pdf_with_an_embedded_file_is_refused():
    content = pdf_files.with_attachment(pdf_files.pdf_pages(FLYER), "名簿.csv", "山田太郎,090-1234-5678".encode())
    assert "embedded file" in refused_because(content, PDF)


def test_a_pdf_with_a_file_attachment_annotation_is_refused():
    assert "embedded file" in refused_because(pdf_files.with_file_annotation(pdf_files.pdf_pages(FLYER)), PDF)


def test_a_pdf_whose_document_information_holds_a_name_phone_birth_date_and_address_is_refused():
    content = pdf_files.with_metadata(pdf_files.pdf_pages(FLYER), Author="山田太郎",
                                      Subject="生年月日 昭和23年4月5日 電話 090-1234-5678",
                                      Keywords="市原市五井中央東1-2-3")
    assert {"phone", "birth_date", "address"} <= found(content, PDF)


def test_a_pdf_whose_xmp_metadata_holds_a_phone_is_refused():
    xmp = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description>連絡先 080-3333-4444'
           "</dc:description></rdf:Description></rdf:RDF></x:xmpmeta>")
    assert "phone" in found(pdf_files.with_xmp(pdf_files.pdf_pages(FLYER), xmp), PDF)


def test_a_pdf_sticky_note_is_read():
    content = pdf_files.with_annotation(pdf_files.pdf_pages(FLYER), Contents="田中さんの携帯 090-5555-6666",
                                        T="記入者")
    assert {"phone", "honorific_name"} <= found(content, PDF)


def test_a_pdf_form_field_value_is_read():
    content = pdf_files.with_text_field(pdf_files.pdf_pages(FLYER), "連絡先", "taro.yamada@example.jp")
    assert "email" in found(content, PDF)


def test_a_pdf_bookmark_is_read():
    assert "phone" in found(pdf_files.with_bookmark(pdf_files.pdf_pages(FLYER), "緊急連絡 03-1234-5678"), PDF)


def test_a_pdf_listing_bare_full_names_is_refused():
    content = pdf_files.pdf_pages(["参加者", "山田太郎", "鈴木 花子", "佐藤健一"])
    assert found(content, PDF) == {"person_name"}


def test_names_extracted_as_kangxi_radicals_are_still_names():
    # Browsers' "save as PDF" maps 山, 田, 高 to the look-alike radicals ⼭ ⽥ ⾼ in the text layer.
    content = pdf_files.pdf_pages(["参加者", "\u2f2d\u2f65太郎", "\u2fbc橋 美咲"])
    assert found(content, PDF) == {"person_name"}


def test_a_phone_split_over_two_lines_of_a_pdf_is_found():
    content = pdf_files.pdf_pages(["お問い合わせは携帯 090-1234-", "5678 まで"])
    assert "phone" in found(content, PDF)


def test_a_pdf_with_scripts_is_refused():
    assert "scripts" in refused_because(pdf_files.with_javascript(pdf_files.pdf_pages(FLYER)), PDF)


def test_an_encrypted_pdf_is_refused():
    assert "Encrypted" in refused_because(pdf_files.encrypted(pdf_files.pdf_pages(FLYER)), PDF)


def test_a_scanned_pdf_is_refused_even_with_metadata():
    content = pdf_files.with_metadata(pdf_files.pdf_pages(""), Producer="Scanner")
    assert "scanned" in refused_because(content, PDF)


def test_an_ordinary_pdf_flyer_with_metadata_passes():
    content = pdf_files.with_metadata(pdf_files.pdf_pages(FLYER, ["主催：市原市社会福祉協議会"]),
                                      Title="養成講座チラシ", Producer="Microsoft Word")
    assert found(content, PDF) == set()


# -- Word ---------------------------------------------------------------------------------------------

def test_document_properties_are_read():
    core = CORE.format("<dc:creator>山田太郎</dc:creator><dc:description>自宅 0436-22-3344</dc:description>")
    assert "phone" in found(docx(*FLYER, extra={"docProps/core.xml": core}), DOCX)


def test_the_names_of_a_files_writers_are_allowed_but_nothing_else_personal_there():
    core = CORE.format("<dc:creator>山田 太郎</dc:creator><cp:lastModifiedBy>鈴木 花子</cp:lastModifiedBy>")
    comments = (f'<w:comments xmlns:w="{WORD}"><w:comment w:id="0" w:author="高橋 美咲" w:initials="高"><w:p>'
                "<w:r><w:t>日時を確認してください</w:t></w:r></w:p></w:comment></w:comments>")
    content = docx(*FLYER, extra={"docProps/core.xml": core, "word/comments.xml": comments})
    assert found(content, DOCX) == set()  # a flyer written by two staff and commented on by a third
    assert read(content, DOCX).authors.splitlines() == ["山田 太郎", "鈴木 花子", "高橋 美咲", "高"]
    assert found(pdf_files.with_metadata(pdf_files.pdf_pages(FLYER), Author="山田 太郎"), PDF) == set()
    assert "phone" in found(pdf_files.with_metadata(pdf_files.pdf_pages(FLYER), Author="山田 090-1234-5678"), PDF)


def test_custom_and_app_properties_are_read():
    custom = ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
              'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
              '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="連絡先">'
              "<vt:lpwstr>hanako@example.jp</vt:lpwstr></property></Properties>")
    assert "email" in found(docx(*FLYER, extra={"docProps/custom.xml": custom}), DOCX)


def test_the_glossary_is_read():
    glossary = (f'<w:glossaryDocument xmlns:w="{WORD}"><w:docParts><w:docPart><w:docPartBody><w:p><w:r>'
                "<w:t>定型文：090-7777-8888</w:t></w:r></w:p></w:docPartBody></w:docPart></w:docParts>"
                "</w:glossaryDocument>")
    assert "phone" in found(docx(*FLYER, extra={"word/glossary/document.xml": glossary}), DOCX)


def test_an_images_alternative_text_is_read():
    body = (runs(FLYER[0]) + '<w:p><w:r><w:drawing><wp:inline><wp:docPr id="1" name="図 1" '
            'descr="生年月日 昭和23年4月5日の山田様"/></wp:inline></w:drawing></w:r></w:p>')
    assert {"birth_date", "honorific_name"} <= found(docx_xml(body), DOCX)


def test_a_phone_split_over_word_runs_is_one_number():
    assert "phone" in found(docx_xml(runs("連絡先：", "090-", "1234", "-5678")), DOCX)


def test_comments_footers_and_tracked_deletions_are_read():
    comments = (f'<w:comments xmlns:w="{WORD}"><w:comment w:id="0" w:author="事務局"><w:p><w:r><w:t>'
                "本人携帯 080-1111-2222</w:t></w:r></w:p></w:comment></w:comments>")
    footer = f'<w:ftr xmlns:w="{WORD}"><w:p><w:r><w:t>jimu@example.jp</w:t></w:r></w:p></w:ftr>'
    deleted = '<w:p><w:del w:id="1" w:author="x"><w:r><w:delText>市原市五井中央東1-2-3</w:delText></w:r></w:del></w:p>'
    content = docx_xml(runs(*FLYER) + deleted, extra={"word/comments.xml": comments, "word/footer1.xml": footer})
    assert {"phone", "email", "address"} <= found(content, DOCX)


def test_an_external_mailto_link_is_read():
    link = (f'<Relationship Id="rId9" Type="{REL}/hyperlink" Target="mailto:taro.yamada%40example.jp" '
            'TargetMode="External"/>')
    assert "email" in found(docx_xml(runs("申込みはこちら"), relationships=link), DOCX)


def test_a_workbook_embedded_in_a_document_is_refused():
    inner = xlsx(sheet(cells(1, ["山田太郎", "090-1234-5678"])))
    link = f'<Relationship Id="rId5" Type="{REL}/package" Target="embeddings/Microsoft_Excel_Worksheet.xlsx"/>'
    content = docx_xml(runs(*FLYER), relationships=link,
                       extra={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": inner})
    assert "embedded file or object" in refused_because(content, DOCX)


def test_ole_objects_and_activex_controls_are_refused():
    assert "embedded" in refused_because(docx(*FLYER, extra={"word/embeddings/oleObject1.bin": b"\xd0\xcf"}), DOCX)
    assert "embedded" in refused_because(docx(*FLYER, extra={"word/activeX/activeX1.bin": b"\x00"}), DOCX)


def test_custom_xml_data_is_refused_but_an_empty_bibliography_is_not():
    data = '<root xmlns="urn:example"><person>山田太郎</person></root>'
    assert "custom XML" in refused_because(docx(*FLYER, extra={"customXml/item1.xml": data}), DOCX)
    bibliography = ('<b:Sources xmlns:b="http://schemas.openxmlformats.org/officeDocument/2006/bibliography" '
                    'SelectedStyle="\\APASixthEditionOfficeOnline.xsl" StyleName="APA" Version="6"/>')
    assert found(docx(*FLYER, extra={"customXml/item1.xml": bibliography}), DOCX) == set()


def test_macros_and_unknown_parts_are_refused():
    assert "macro" in refused_because(docx(*FLYER, extra={"word/vbaProject.bin": b"\x00"}), DOCX)
    assert "cannot be checked" in refused_because(docx(*FLYER, extra={"word/afchunk.mht": b"MIME"}), DOCX)


def test_a_word_list_of_bare_names_is_refused():
    assert found(docx("ボランティア名簿", "山田太郎", "鈴木 花子", "ヤマダ タロウ"), DOCX) == {"person_name"}


def test_the_metadata_of_a_photo_in_a_document_is_read():
    photo = jpeg(description="Entrance, tel 090-3333-4444", windows_comment="山田様宅の玄関")
    assert {"honorific_name", "phone"} <= found(docx(*FLYER, extra={"word/media/image1.jpeg": photo}), DOCX)
    picture = png(Comment="会場係の連絡先は hanako.suzuki@example.jp です")
    assert "email" in found(xlsx(sheet(cells(1, ["会場図"])), extra={"xl/media/image1.png": picture}), XLSX)


def test_a_photo_that_records_where_it_was_taken_is_refused():
    content = docx(*FLYER, extra={"word/media/image1.jpeg": jpeg(gps=True)})
    assert "GPS" in refused_because(content, DOCX)


def test_an_ordinary_word_flyer_with_a_picture_passes():
    body = runs(*FLYER) + '<w:p><w:r><w:drawing><wp:inline><wp:docPr id="1" name="図 1" descr="公民館の外観"/>' \
                          "</wp:inline></w:drawing></w:r></w:p>"
    core = CORE.format("<dc:creator>事務局</dc:creator><dc:title>養成講座のご案内</dc:title>")
    content = docx_xml(body, extra={"docProps/core.xml": core, "word/media/image1.png": png(Software="paint"),
                                    "word/media/image2.jpeg": jpeg(description="公民館の外観")})
    assert found(content, DOCX) == set()


# -- Excel --------------------------------------------------------------------------------------------

def test_a_phone_stored_as_a_number_with_a_phone_format_is_read_as_shown():
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>連絡先</t></is></c><c r="B1" s="1"><v>9012345678</v></c></row>'
    content = styled_xlsx(rows, formats={164: "000-0000-0000"}, cell_formats=[0, 164])
    assert "090-1234-5678" in text_of(content, XLSX)
    assert "phone" in found(content, XLSX)


def test_excels_japanese_phone_format_is_read_as_shown():
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>連絡先</t></is></c><c r="B1" s="1"><v>312345678</v></c></row>'
    content = styled_xlsx(rows, formats={176: "[<=99999999]####-####;(00) ####-####"}, cell_formats=[0, 176])
    assert "(03) 1234-5678" in text_of(content, XLSX)
    assert "phone" in found(content, XLSX)


def test_a_birth_date_stored_as_a_date_serial_is_read_as_shown():
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>生年月日</t></is></c><c r="B1" s="1"><v>17628</v></c></row>')
    content = styled_xlsx(rows, formats={}, cell_formats=[0, 14])
    assert "1948年4月5日" in text_of(content, XLSX)
    assert "birth_date" in found(content, XLSX)


def test_a_phone_split_over_rich_text_runs_is_one_number():
    strings = (f'<sst xmlns="{MAIN}"><si><r><t>090-1234</t></r><r><rPr><b/></rPr><t>-5678</t></r>'
               '<rPh sb="0" eb="1"><t>デンワ</t></rPh></si></sst>')
    content = xlsx(sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), strings=strings)
    assert "090-1234-5678" in text_of(content, XLSX).splitlines()
    assert "phone" in found(content, XLSX)


def test_sheet_names_and_validation_prompts_are_read():
    workbook = (f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="山田太郎" sheetId="1" r:id="rId1"/>'
                '<sheet name="鈴木花子" sheetId="2" r:id="rId1"/></sheets></workbook>')
    validation = ('<dataValidations count="1"><dataValidation sqref="A1" promptTitle="連絡先" '
                  'prompt="不明なときは 090-2222-3333 へ"/></dataValidations>')
    content = xlsx(f'<worksheet xmlns="{MAIN}"><sheetData/>{validation}</worksheet>',
                   extra={"xl/workbook.xml": workbook})
    assert {"person_name", "phone"} <= found(content, XLSX)


def test_an_excel_list_of_bare_names_is_refused():
    content = xlsx(sheet(cells(1, ["氏名", "担当"]) + cells(2, ["山田太郎", "A"]) + cells(3, ["高橋美咲", "B"])))
    assert found(content, XLSX) == {"person_name"}


def test_an_ordinary_workbook_with_formatted_numbers_passes():
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>開催日</t></is></c><c r="B1" s="1"><v>46162</v></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>参加費</t></is></c><c r="B2" s="2"><v>1500</v></c></row>'
            '<row r="3"><c r="A3" t="inlineStr"><is><t>参加者数</t></is></c><c r="B3"><v>28</v></c></row>')
    content = styled_xlsx(rows, formats={164: '#,##0"円"'}, cell_formats=[0, 14, 164],
                          extra={"xl/printerSettings/printerSettings1.bin": b"\x00" * 64})
    assert found(content, XLSX) == set()


def test_a_long_document_is_checked_in_pieces():
    lines = [*FLYER * 400, "連絡先 090-1234-5678"]  # past Sudachi's single-call limit of 49,149 bytes
    assert "phone" in found(docx(*lines), DOCX)


def test_reading_stops_at_the_text_limit():
    assert "too much text" in refused_because(docx(*(["あ" * 1000] * 210)), DOCX)


@pytest.mark.parametrize("content,content_type", [(pdf_files.pdf_pages(FLYER, FLYER), PDF), (docx(*FLYER), DOCX)],
                         ids=["pdf", "docx"])
def test_reading_stops_when_a_file_takes_too_long(monkeypatch, content, content_type):
    monkeypatch.setattr(collected, "MAX_SECONDS", -1)  # as if every page or part had taken far too long
    assert "too long" in refused_because(content, content_type)


def test_a_pdf_with_too_many_annotations_is_refused(monkeypatch):
    monkeypatch.setattr(pdf, "MAX_OBJECTS", 2)
    content = pdf_files.with_bookmark(pdf_files.with_bookmark(pdf_files.pdf_pages(FLYER), "一"), "二")
    assert "annotations, form fields or bookmarks" in refused_because(content, PDF)

