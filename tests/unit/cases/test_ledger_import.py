"""Reading and validating the existing ledger: encodings, .xlsx cells, header checks, row errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tracemalloc
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook

from council.cases import ledger_import
from council.cases.ledger_import import (
    EXTRA_CELLS,
    HEADER,
    MAX_ERRORS,
    ImportFileError,
    LedgerFile,
    LedgerRow,
    RowError,
    read_rows,
    split_categories,
    validate,
)
from council.core.japanese import katakana_reading

TODAY = dt.date(2026, 5, 1)
CATEGORIES = {"経済的困窮", "ひきこもり", "8050世帯", "単身高齢", "DV・虐待", "社会的孤立", "その他"}
INSTITUTIONS = {"市社会福祉協議会", "地域包括支援センター北", "NPOつながり"}

ROW_HANAKO = [
    "山田 花子",
    "ヤマダ ハナコ",
    "昭和39年10月10日",
    "女",
    "東京都千代田区1-2-3",
    "090-1234-5678",
    "近所づきあいがなく、体調が心配",
    "単身高齢、社会的孤立",
    "市社会福祉協議会",
    "2026/4/1",
]
ROW_TARO = [
    "鈴木 太郎",
    "すずき たろう",
    "H2.1.8",
    "男性",
    "",
    "",
    "就職活動がうまくいかない",
    "ひきこもり",
    "地域包括支援センター北",
    "令和8年4月10日",
]


def write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8", header=HEADER) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object] | None], *, header=HEADER) -> Path:
    """``None`` in ``rows`` leaves that sheet row out entirely (as Excel does for a row never touched)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for number, row in enumerate(rows, start=2):
        if row is None:
            continue
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=number, column=column, value=value)
    workbook.save(path)
    return path


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


class Serial(int):
    """An Excel date serial in a cell with a date format (as Excel stores a date)."""

    @classmethod
    def of(cls, day: dt.date) -> Serial:
        return cls((day - dt.date(1899, 12, 30)).days)


class Rich(list):
    """A rich-text shared string made of runs."""


class Ruby(str):
    """A text with the phonetic guide (ふりがな) that Japanese Excel keeps with what was typed."""

    reading = "ヤマダ ハナコ"


def write_excel_like_xlsx(path: Path, rows: dict[int, list[object]], *, sheet_tail: str = "</sheetData></worksheet>"):
    """A workbook as Excel writes it: every text in the shared-string table, dates as serials with a date style,
    row attributes, a print area; openpyxl itself writes inline strings, so this is built by hand.
    ``rows`` maps row numbers to cells; a number not in it is a row Excel did not write."""
    strings: list[str] = []
    sheet_rows = []
    for number in sorted(rows):
        cells = []
        for column, value in enumerate(rows[number]):
            ref = f"{chr(ord('A') + column)}{number}"
            if value is None:
                continue
            if isinstance(value, Serial):
                cells.append(f'<c r="{ref}" s="1"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif isinstance(value, Ruby):
                strings.append(
                    f'<si><t>{escape(value)}</t><rPh sb="0" eb="2"><t>{escape(value.reading)}</t></rPh>'
                    '<phoneticPr fontId="0" type="noConversion"/></si>'
                )
                cells.append(f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>')
            elif isinstance(value, Rich):
                runs = "".join(f'<r><rPr><b/></rPr><t xml:space="preserve">{escape(run)}</t></r>' for run in value)
                strings.append(f"<si>{runs}</si>")
                cells.append(f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>')
            else:
                strings.append(f"<si><t>{escape(value)}</t></si>")
                cells.append(f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>')
        sheet_rows.append(f'<row r="{number}" spans="1:10" ht="18.75" customHeight="1">{"".join(cells)}</row>')
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets><sheet name="台帳" sheetId="1" r:id="rId1"/>'
            '</sheets><definedNames><definedName name="_xlnm.Print_Area" localSheetId="0">台帳!$A$1:$J$9'
            "</definedName></definedNames></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/><name val="游ゴシック"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="標準" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        ),
        "xl/sharedStrings.xml": (
            f'<sst xmlns="{_MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{"".join(strings)}</sst>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{_MAIN}"><dimension ref="A1:J{max(rows)}"/><sheetData>{"".join(sheet_rows)}'
            + sheet_tail
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + text)
    return path


def check(rows, **kwargs):
    options = {
        "allowed_categories": CATEGORIES,
        "institutions": INSTITUTIONS,
        "default_institution": None,
        "on": TODAY,
    }
    options.update(kwargs)
    return validate(rows, **options)


def row_of(values: list[str], number: int = 2) -> tuple[int, dict[str, str]]:
    return number, dict(zip(HEADER, values, strict=True))


def where(errors: list[RowError]) -> list[tuple[int, str]]:
    return [(error.row, error.column) for error in errors]


def changed(base: list[str], **by_column: str) -> list[str]:
    values = dict(zip(HEADER, base, strict=True))
    values.update(by_column)
    return [values[name] for name in HEADER]


# ---------------------------------------------------------------------------------------------------------
# CSV


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_csv_in_each_encoding(tmp_path, encoding):
    path = write_csv(tmp_path / "ledger.csv", [ROW_HANAKO, ROW_TARO], encoding=encoding)
    rows = list(read_rows(path))
    assert [number for number, _ in rows] == [2, 3]
    assert rows[0][1] == dict(zip(HEADER, ROW_HANAKO, strict=True))
    assert rows[1][1]["氏名"] == "鈴木 太郎"


def test_cp932_specific_characters(tmp_path):
    """NEC and IBM extensions (①, ㈱, 髙) are in CP932 but not in plain Shift_JIS."""
    row = changed(ROW_HANAKO, 氏名="髙橋 ①子", 住所="㈱つながり内")
    path = write_csv(tmp_path / "ledger.csv", [row], encoding="cp932")
    [(number, values)] = list(read_rows(path))
    assert (number, values["氏名"], values["住所"]) == (2, "髙橋 ①子", "㈱つながり内")


def test_a_file_in_neither_encoding_is_refused(tmp_path):
    path = write_csv(tmp_path / "ledger.csv", [ROW_HANAKO], encoding="utf-16")
    with pytest.raises(ImportFileError) as caught:
        list(read_rows(path))
    assert "UTF-8" in str(caught.value) and "CP932" in str(caught.value)


def test_empty_rows_are_skipped_but_counted(tmp_path):
    path = tmp_path / "ledger.csv"
    write_csv(path, [ROW_HANAKO, [], [""] * 10, [" ", "　"], ROW_TARO])
    assert [number for number, _ in read_rows(path)] == [2, 6]


def test_a_quoted_line_break_stays_one_row(tmp_path):
    """Excel shows a cell with a line break as one row; the row numbers follow records, not lines."""
    multi_line = changed(ROW_HANAKO, 相談内容="一行目\n二行目\n三行目")
    path = write_csv(tmp_path / "ledger.csv", [multi_line, ROW_TARO])
    rows = list(read_rows(path))
    assert [number for number, _ in rows] == [2, 3]
    assert rows[0][1]["相談内容"] == "一行目\n二行目\n三行目"


def test_short_rows_are_padded_and_extra_cells_reported(tmp_path):
    short = ROW_TARO[:6]
    split_address = [*ROW_HANAKO[:4], "東京都千代田区1-2-3", "101号", *ROW_HANAKO[5:]]  # an unquoted comma
    path = write_csv(tmp_path / "ledger.csv", [short, split_address, [*ROW_TARO, "", ""]])
    rows = list(read_rows(path))
    assert rows[0][1]["受付日"] == "" and EXTRA_CELLS not in rows[0][1]
    assert rows[1][1][EXTRA_CELLS] == "K"
    assert EXTRA_CELLS not in rows[2][1]
    _, errors = check(rows)
    assert (3, "K") in where(errors)
    assert (4, "K") not in where(errors)


def test_csv_phone_that_lost_its_leading_zero(tmp_path):
    rows = [
        changed(ROW_HANAKO, 電話番号="9012345678"),  # mobile, saved from a number cell
        changed(ROW_HANAKO, 電話番号="312345678"),  # Tokyo landline
        changed(ROW_HANAKO, 電話番号="0312345678"),
        changed(ROW_HANAKO, 電話番号="03-1234-5678"),
    ]
    path = write_csv(tmp_path / "ledger.csv", rows)
    phones = [values["電話番号"] for _, values in read_rows(path)]
    assert phones == ["09012345678", "0312345678", "0312345678", "03-1234-5678"]


# ---------------------------------------------------------------------------------------------------------
# Header


@pytest.mark.parametrize(
    "header",
    [
        HEADER,
        [f" {name}　" for name in HEADER],  # half- and full-width spaces around
        ["氏 名", "ﾌﾘｶﾞﾅ", *HEADER[2:]],  # half-width katakana, a space inside
        [*HEADER, "", ""],  # trailing empty header cells
    ],
)
def test_header_variants_are_accepted(tmp_path, header):
    path = write_csv(tmp_path / "ledger.csv", [ROW_HANAKO], header=header)
    [(number, values)] = list(read_rows(path))
    assert number == 2 and values["フリガナ"] == "ヤマダ ハナコ"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["氏名", "ふりがな", *HEADER[2:]], ["Missing column(s): フリガナ", "Unknown column(s): ふりがな"]),
        ([name for name in HEADER if name != "受付日"], ["Missing column(s): 受付日"]),
        ([*HEADER, "備考"], ["Unknown column(s): 備考"]),
        ([HEADER[1], HEADER[0], *HEADER[2:]], ["wrong order"]),
        ([*HEADER[:5], "", *HEADER[5:]], ["Column F has no name"]),
        ([*HEADER, "氏名"], ["more than once: 氏名"]),
        (
            ["名前", "カナ", "生年月日"],
            ["Missing column(s): 氏名, フリガナ, 性別, 住所", "Unknown column(s): 名前, カナ"],
        ),
    ],
)
def test_a_wrong_header_is_refused_naming_the_columns(tmp_path, header, expected):
    path = write_csv(tmp_path / "ledger.csv", [ROW_HANAKO], header=header)
    with pytest.raises(ImportFileError) as caught:
        list(read_rows(path))
    message = str(caught.value)
    for part in expected:
        assert part in message
    assert ",".join(HEADER) in message


def test_the_header_must_be_row_one(tmp_path):
    path = tmp_path / "ledger.csv"
    path.write_text("\r\n" + ",".join(HEADER) + "\r\n" + ",".join(ROW_HANAKO) + "\r\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="first row must be the header"):
        list(read_rows(path))


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("empty.csv", b"", "empty"),
        ("ledger.xlsx", b"not a zip file", "not a readable .xlsx"),
        ("ledger.xls", b"\xd0\xcf\x11\xe0", ".xls"),
        ("ledger.txt", b"a,b", "Only .csv and .xlsx"),
    ],
)
def test_unreadable_files(tmp_path, name, content, match):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=match):
        list(read_rows(path))


def test_a_missing_file(tmp_path):
    with pytest.raises(ImportFileError, match="does not exist"):
        list(read_rows(tmp_path / "nothing.csv"))


# ---------------------------------------------------------------------------------------------------------
# .xlsx


def test_xlsx_cells_are_converted_to_text(tmp_path):
    rows: list[list[object] | None] = [
        [
            "山田 花子",
            "ヤマダ ハナコ",
            dt.date(1964, 10, 10),
            "女",
            "東京都千代田区1-2-3",
            9012345678,  # a mobile number typed into a number cell
            "近所づきあいがない",
            "単身高齢",
            "市社会福祉協議会",
            dt.datetime(2026, 4, 1, 9, 30),
        ],
        None,  # a row never touched in Excel: absent from the sheet XML
        ["", None, None, None, None, None, None, None, None, None],  # an empty string only
        [
            "鈴木 太郎",
            "スズキ タロウ",
            "平成2年1月8日",
            "男",
            12.0,
            312345678.0,  # a Tokyo landline as a float
            1.5,
            "ひきこもり",
            "地域包括支援センター北",
            "R8.4.10",
        ],
        ["佐藤 一郎", "サトウ イチロウ", None, None, None, 12345, None, None, "NPOつながり", 20260415],
    ]
    path = write_xlsx(tmp_path / "ledger.xlsx", rows)
    read = list(read_rows(path))
    assert [number for number, _ in read] == [2, 5, 6]
    first, second, third = (values for _, values in read)
    assert first["生年月日"] == "1964-10-10"
    assert first["受付日"] == "2026-04-01"
    assert first["電話番号"] == "09012345678"
    assert second["住所"] == "12"
    assert second["電話番号"] == "0312345678"
    assert second["相談内容"] == "1.5"
    assert second["生年月日"] == "平成2年1月8日"
    assert third["電話番号"] == "12345"  # too short to be a number that lost its 0: left for validation
    assert third["受付日"] == "20260415"
    assert third["住所"] == ""

    valid, errors = check(read)
    assert where(errors) == [(6, "電話番号")]
    assert [row.row for row in valid] == [2, 5]
    assert valid[0].phone == "09012345678" and valid[0].intake_date == dt.date(2026, 4, 1)
    assert valid[1].birth_date == dt.date(1990, 1, 8) and valid[1].intake_date == dt.date(2026, 4, 10)


def excel_like_rows() -> dict[int, list[object]]:
    return {
        1: list(HEADER),
        2: [
            Ruby("山田 花子"),
            "ヤマダ ハナコ",
            Serial.of(dt.date(1964, 10, 10)),
            "女",
            "東京都千代田区1-2-3",
            9012345678,
            Rich(["近所づきあいがなく、", "体調が心配"]),
            "単身高齢、社会的孤立",
            "市社会福祉協議会",
            Serial.of(dt.date(2026, 4, 1)),
        ],
        # row 3 never touched, row 4 only an empty string
        4: [""],
        5: ["鈴木 太郎", "スズキ タロウ", "平成2年1月8日", "男", None, 312345678, None, "ひきこもり", None, "R8.4.10"],
    }


def test_xlsx_as_excel_writes_it(tmp_path):
    """Shared strings, rich text, a phonetic guide, date serials with a date style, row attributes, a missing
    row."""
    path = write_excel_like_xlsx(tmp_path / "ledger.xlsx", excel_like_rows())
    read = list(read_rows(path))
    assert [number for number, _ in read] == [2, 5]
    assert read[0][1] == {
        "氏名": "山田 花子",
        "フリガナ": "ヤマダ ハナコ",
        "生年月日": "1964-10-10",
        "性別": "女",
        "住所": "東京都千代田区1-2-3",
        "電話番号": "09012345678",
        "相談内容": "近所づきあいがなく、体調が心配",
        "分類": "単身高齢、社会的孤立",
        "担当機関": "市社会福祉協議会",
        "受付日": "2026-04-01",
    }
    assert read[1][1]["電話番号"] == "0312345678" and read[1][1]["担当機関"] == ""
    valid, errors = check(read, default_institution="NPOつながり")
    assert errors == []
    assert [(row.row, row.institution, row.intake_date) for row in valid] == [
        (2, "市社会福祉協議会", dt.date(2026, 4, 1)),
        (5, "NPOつながり", dt.date(2026, 4, 10)),
    ]


@pytest.mark.parametrize("build", ["excel", "openpyxl"])
def test_xlsx_cells_read_as_openpyxl_reads_them(tmp_path, build):
    """The streaming reader gives every cell the value openpyxl's own reader gives it."""
    from openpyxl import load_workbook

    if build == "excel":
        path = write_excel_like_xlsx(tmp_path / "ledger.xlsx", excel_like_rows())
    else:
        path = write_xlsx(tmp_path / "ledger.xlsx", [[dt.date(1964, 10, 10), 9012345678, 1.5, True, dt.time(9, 30),
                                                      dt.datetime(2026, 4, 1, 9, 30), "東京", None, 12.0, "R8.4.10"]])
    workbook = load_workbook(path, read_only=True, data_only=True)
    expected = {number: [ledger_import._text(value) for value in row][: len(HEADER)]
                for number, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1)
                if number > 1 and any(value not in (None, "") for value in row)}
    workbook.close()
    read = {number: [values[name] for name in HEADER] for number, values in read_rows(path)}
    for cells in expected.values():  # the phone column aside: it gets its lost 0 back
        cells[5] = ledger_import._restore_phone(cells[5])
        cells.extend([""] * (len(HEADER) - len(cells)))
    assert read == expected


def test_a_damaged_xlsx_sheet_is_reported(tmp_path):
    path = write_excel_like_xlsx(tmp_path / "ledger.xlsx", excel_like_rows(), sheet_tail="<row r=")
    with pytest.raises(ImportFileError, match="damaged"):
        list(read_rows(path))


def test_an_xlsx_with_the_header_elsewhere(tmp_path):
    rows = excel_like_rows()
    path = write_excel_like_xlsx(tmp_path / "ledger.xlsx", {number + 1: cells for number, cells in rows.items()})
    with pytest.raises(ImportFileError, match="first row must be the header"):
        list(read_rows(path))


def test_xlsx_wrong_header(tmp_path):
    path = write_xlsx(tmp_path / "ledger.xlsx", [ROW_HANAKO], header=["氏名", "カナ", *HEADER[2:]])
    with pytest.raises(ImportFileError) as caught:
        list(read_rows(path))
    assert "フリガナ" in str(caught.value) and "カナ" in str(caught.value)


def test_xlsx_reads_the_first_sheet_and_whole_rows_despite_a_wrong_dimension(tmp_path):
    workbook = Workbook()
    first = workbook.active
    first.append(list(HEADER))
    first.append(ROW_HANAKO)
    workbook.create_sheet("メモ").append(["関係のないシート"])
    path = tmp_path / "ledger.xlsx"
    workbook.save(path)
    [(number, values)] = list(read_rows(path))
    assert number == 2 and values == dict(zip(HEADER, ROW_HANAKO, strict=True))


# ---------------------------------------------------------------------------------------------------------
# Validation


def test_valid_rows_become_ledger_rows(tmp_path):
    path = write_csv(tmp_path / "ledger.csv", [ROW_HANAKO, ROW_TARO], encoding="cp932")
    valid, errors = check(read_rows(path))
    assert errors == []
    assert valid == [
        LedgerRow(
            name="山田 花子",
            kana="ヤマダ ハナコ",
            birth_date=dt.date(1964, 10, 10),
            sex="female",
            address="東京都千代田区1-2-3",
            phone="09012345678",
            summary="近所づきあいがなく、体調が心配",
            categories=["単身高齢", "社会的孤立"],
            institution="市社会福祉協議会",
            intake_date=dt.date(2026, 4, 1),
            row=2,
        ),
        LedgerRow(
            name="鈴木 太郎",
            kana="スズキ タロウ",  # hiragana stored as katakana
            birth_date=dt.date(1990, 1, 8),
            sex="male",
            address="",
            phone="",
            summary="就職活動がうまくいかない",
            categories=["ひきこもり"],
            institution="地域包括支援センター北",
            intake_date=dt.date(2026, 4, 10),
            row=3,
        ),
    ]


def test_errors_in_several_rows_are_all_reported_with_row_and_column(tmp_path):
    rows = [
        ROW_HANAKO,  # row 2: fine
        changed(ROW_TARO, 氏名="", フリガナ="鈴木"),  # row 3
        [],  # row 4: empty, skipped
        changed(ROW_HANAKO, 生年月日="平成31年5月1日", 電話番号="03-1234"),  # row 5
        changed(ROW_TARO, 受付日="", 分類="ひきこもり、ゲーム依存", 担当機関="県警"),  # row 6
        ROW_TARO,  # row 7: fine
        changed(ROW_HANAKO, 性別="無回答", 受付日="2026/5/2", 生年月日="2026/2/30"),  # row 8
    ]
    path = write_csv(tmp_path / "ledger.csv", rows)
    valid, errors = check(read_rows(path))
    assert [row.row for row in valid] == [2, 7]
    assert where(errors) == [
        (3, "氏名"),
        (3, "フリガナ"),
        (5, "生年月日"),
        (5, "電話番号"),
        (6, "受付日"),
        (6, "分類"),
        (6, "担当機関"),
        (8, "受付日"),
        (8, "生年月日"),
        (8, "性別"),
    ]
    messages = {(error.row, error.column): str(error.message) for error in errors}
    assert "平成" in messages[5, "生年月日"] and "2019-04-30" in messages[5, "生年月日"]
    assert messages[6, "分類"].startswith("Unknown category: ゲーム依存. Known categories: ")
    assert "県警" in messages[6, "担当機関"]
    assert "future" in messages[8, "受付日"]
    # Personal values are never repeated in messages (they may end up in logs).
    for message in messages.values():
        assert "鈴木" not in message and "03-1234" not in message and "無回答" not in message


def test_full_width_input(tmp_path):
    row = changed(
        ROW_HANAKO,
        生年月日="Ｓ３９．１０．１０",
        電話番号="０９０－１２３４－５６７８",
        受付日="２０２６年４月１日",
        分類="８０５０世帯／単身高齢",
        性別="Ｆ",
        フリガナ="ﾔﾏﾀﾞ ﾊﾅｺ",
        担当機関="ＮＰＯつながり",
    )
    path = write_csv(tmp_path / "ledger.csv", [row], encoding="cp932")
    [ledger_row], errors = check(read_rows(path))
    assert errors == []
    assert ledger_row.birth_date == dt.date(1964, 10, 10)
    assert ledger_row.phone == "09012345678"
    assert ledger_row.intake_date == dt.date(2026, 4, 1)
    assert ledger_row.categories == ["8050世帯", "単身高齢"]
    assert ledger_row.sex == "female"
    assert ledger_row.kana == "ヤマダ ハナコ"
    assert ledger_row.institution == "NPOつながり"


@pytest.mark.parametrize(
    ("text", "found", "unknown"),
    [
        ("", [], []),
        ("単身高齢", ["単身高齢"], []),
        ("単身高齢、社会的孤立", ["単身高齢", "社会的孤立"], []),
        ("単身高齢,社会的孤立", ["単身高齢", "社会的孤立"], []),
        ("単身高齢・社会的孤立", ["単身高齢", "社会的孤立"], []),
        ("単身高齢/社会的孤立 ひきこもり", ["単身高齢", "社会的孤立", "ひきこもり"], []),
        ("単身高齢　社会的孤立", ["単身高齢", "社会的孤立"], []),
        ("単身高齢、、単身高齢", ["単身高齢"], []),
        ("DV・虐待", ["DV・虐待"], []),  # a category that contains a separator
        ("DV・虐待・ひきこもり", ["DV・虐待", "ひきこもり"], []),
        ("ひきこもり・DV・虐待", ["ひきこもり", "DV・虐待"], []),
        ("ＤＶ・虐待", ["DV・虐待"], []),
        ("DV", [], ["DV"]),
        ("虐待、ゲーム依存、その他", ["その他"], ["虐待", "ゲーム依存"]),
    ],
)
def test_split_categories(text, found, unknown):
    assert split_categories(text, {name: name for name in CATEGORIES}) == (found, unknown)


def test_unknown_category_is_named():
    _, errors = check([row_of(changed(ROW_HANAKO, 分類="単身高齢、ゲーム依存、買い物難民"), 9)])
    [error] = errors
    assert (error.row, error.column) == (9, "分類")
    assert "ゲーム依存, 買い物難民" in str(error.message)


def test_institution_with_and_without_default():
    unknown = row_of(changed(ROW_HANAKO, 担当機関="県警"), 2)
    empty = row_of(changed(ROW_HANAKO, 担当機関=""), 3)
    spaced = row_of(changed(ROW_HANAKO, 担当機関=" 市社会福祉協議会　"), 4)

    valid, errors = check([unknown, empty, spaced])
    assert where(errors) == [(2, "担当機関"), (3, "担当機関")]
    assert "県警" in str(errors[0].message)
    assert [row.institution for row in valid] == ["市社会福祉協議会"]

    valid, errors = check([unknown, empty, spaced], default_institution="NPOつながり")
    assert where(errors) == [(2, "担当機関")]  # the default fills empty cells only
    assert [(row.row, row.institution) for row in valid] == [(3, "NPOつながり"), (4, "市社会福祉協議会")]


def test_a_default_institution_must_be_known():
    with pytest.raises(ValueError):
        check([row_of(ROW_HANAKO)], default_institution="県警")


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("女", "female"),
        ("女性", "female"),
        ("F", "female"),
        ("f", "female"),
        ("female", "female"),
        ("Female", "female"),
        ("男", "male"),
        ("男性", "male"),
        ("M", "male"),
        ("Ｍ", "male"),
        ("male", "male"),
        ("その他", "other"),
        ("不明", "unknown"),
        ("", "unknown"),
        ("  ", "unknown"),
    ],
)
def test_sex(text, sex):
    [row], errors = check([row_of(changed(ROW_HANAKO, 性別=text))])
    assert errors == [] and row.sex == sex


@pytest.mark.parametrize(
    ("text", "kana"),
    [
        ("ヤマダ ハナコ", "ヤマダ ハナコ"),
        ("やまだ　はなこ", "ヤマダ ハナコ"),
        ("ﾔﾏﾀﾞ ﾊﾅｺ", "ヤマダ ハナコ"),
        ("  スミス・ジョーン  ", "スミス・ジョーン"),
        ("ヴァン ヘイレン", "ヴァン ヘイレン"),
        ("ささき", "ササキ"),
    ],
)
def test_kana_is_normalised(text, kana):
    [row], errors = check([row_of(changed(ROW_HANAKO, フリガナ=text))])
    assert errors == [] and row.kana == kana
    assert katakana_reading(text) == kana


@pytest.mark.parametrize("text", ["山田 花子", "Yamada Hanako", "ヤマダ1", "ヤマダ-ハナコ", "ヤマダ（ハナコ）"])
def test_kana_only(text):
    _, errors = check([row_of(changed(ROW_HANAKO, フリガナ=text))])
    assert where(errors) == [(2, "フリガナ")]


@pytest.mark.parametrize(
    ("text", "phone", "ok"),
    [
        ("", "", True),
        ("090-1234-5678", "09012345678", True),
        ("03(1234)5678", "0312345678", True),
        ("０３ー１２３４ー５６７８", "0312345678", True),
        ("+81 90-1234-5678", "09012345678", True),
        ("03-1234-567", None, False),
        ("090-1234-56789", None, False),
        ("1234567890", None, False),  # does not start with 0
        ("なし", None, False),
    ],
)
def test_phone(text, phone, ok):
    valid, errors = check([row_of(changed(ROW_HANAKO, 電話番号=text))])
    if ok:
        assert errors == [] and valid[0].phone == phone
    else:
        assert where(errors) == [(2, "電話番号")] and valid == []




def test_dates_in_the_future_or_birth_after_intake():
    rows = [
        row_of(changed(ROW_HANAKO, 生年月日="2026/5/2"), 2),
        row_of(changed(ROW_HANAKO, 受付日="2026-05-02"), 3),
        row_of(changed(ROW_HANAKO, 生年月日="2026/4/2", 受付日="2026/4/1"), 4),
        row_of(changed(ROW_HANAKO, 生年月日="", 受付日="令和8年5月1日"), 5),  # today is fine
    ]
    valid, errors = check(rows)
    assert where(errors) == [(2, "生年月日"), (3, "受付日"), (4, "生年月日")]
    assert [(row.row, row.birth_date) for row in valid] == [(5, None)]


def test_name_and_intake_date_are_required():
    _, errors = check([row_of(changed(ROW_HANAKO, 氏名="  ", フリガナ="", 受付日=""))])
    assert where(errors) == [(2, "氏名"), (2, "フリガナ"), (2, "受付日")]


def test_lengths_as_on_the_intake_form():
    _, errors = check([row_of(changed(ROW_HANAKO, 氏名="山" * 101, 住所="東" * 301))])
    assert where(errors) == [(2, "氏名"), (2, "住所")]


def test_errors_are_capped_and_the_rest_counted(tmp_path):
    bad = changed(ROW_HANAKO, 氏名="", 受付日="")  # two errors a row
    path = write_csv(tmp_path / "ledger.csv", [bad] * 150)
    valid, errors = check(read_rows(path))
    assert valid == []
    assert len(errors) == MAX_ERRORS + 1
    assert where(errors[:4]) == [(2, "氏名"), (2, "受付日"), (3, "氏名"), (3, "受付日")]
    assert errors[MAX_ERRORS - 1].row == 101
    summary = errors[-1]
    assert (summary.row, summary.column) == (0, "")
    assert "100 more errors" in str(summary.message)


def test_validation_consumes_everything_even_after_many_errors():
    consumed = []

    def rows():
        for number in range(2, 400):
            consumed.append(number)
            yield row_of(changed(ROW_HANAKO, 氏名=""), number)

    _, errors = check(rows())
    assert consumed[-1] == 399
    assert "198 more errors" in str(errors[-1].message)


# ---------------------------------------------------------------------------------------------------------
# Memory: reading streams


def _peak_while_reading(path: Path) -> int:
    ledger = LedgerFile.from_path(path)  # the file itself is in memory, as an upload is
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_rows(ledger))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count > 0
    return peak


def _shared_strings_size(path: Path) -> int:
    if path.suffix == ".csv":
        return 0
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        return archive.getinfo("xl/sharedStrings.xml").file_size if "xl/sharedStrings.xml" in names else 0


@pytest.mark.parametrize("kind", ["csv", "xlsx (openpyxl, inline strings)", "xlsx (Excel, shared strings)"])
def test_reading_keeps_no_row_in_memory(tmp_path, kind):
    """Beyond the file itself, reading keeps nothing per row; only Excel's shared-string table (every distinct
    text of the workbook) is held, compactly, so memory grows by less than that table's size."""

    def build(count: int) -> Path:
        rows = [
            changed(ROW_HANAKO, 氏名=f"山田 花子{number}", 住所=f"東京都千代田区{number}", 相談内容=f"相談{number}")
            for number in range(count)
        ]
        if kind == "csv":
            return write_csv(tmp_path / f"ledger{count}.csv", rows)
        path = tmp_path / f"ledger{count}.xlsx"
        if kind.startswith("xlsx (Excel"):
            return write_excel_like_xlsx(path, {1: list(HEADER)} | dict(enumerate(rows, start=2)))
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(list(HEADER))
        for row in rows:
            sheet.append(row)
        workbook.save(path)
        return path

    # Above a few 64 KiB chunks of the sheet in both, so read buffers are full in both.
    small, large = (build(1_000), build(20_000)) if kind == "csv" else (build(2_000), build(10_000))
    _peak_while_reading(small)  # warm up imports and caches
    small_peak = _peak_while_reading(small)
    large_peak = _peak_while_reading(large)
    # Five or twenty times the rows (and distinct texts); keeping even 20 bytes a row would add 160 KB.
    assert large_peak < small_peak + 64 * 1024 + _shared_strings_size(large), (small_peak, large_peak)
