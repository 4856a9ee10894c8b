"""Files coming in: bounded parsing (bombs refused fast, on the web and the command line), duplicate headers
refused with their names, rejected rows written back neutralised."""

import io
import json
import time
import zipfile
from pathlib import Path

import pytest

from organizer import spreadsheets
from organizer.residents.importing import FileProblem, read_table
from tests.residents.conftest import NATIONBUILDER

SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>NUMBER</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>STREET</t></is></c></row>'
)
DATA_ROW = b'<row r="2"><c r="A2"><v>7</v></c><c r="B2" t="inlineStr"><is><t>Rue Joffre</t></is></c></row>'


def _xlsx(sheet_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A real workbook written by openpyxl whose first sheet is replaced by `sheet_xml`."""
    from openpyxl import Workbook

    plain = io.BytesIO()
    Workbook().save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def _refused_fast(data: bytes, name: str, message: str) -> None:
    started = time.perf_counter()
    with pytest.raises(FileProblem, match=message):
        read_table(data, name)
    assert time.perf_counter() - started < 2


def test_a_tiny_xlsx_declaring_the_whole_sheet_is_refused_fast():
    far_cell = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = (
        SHEET_HEAD
        + b'<dimension ref="A1:XFD1048576"/><sheetData>'
        + HEADER_ROW
        + DATA_ROW
        + far_cell
        + b"</sheetData></worksheet>"
    )
    data = _xlsx(sheet)
    assert len(data) < 8000
    _refused_fast(data, "bomb.xlsx", "more than 250 000 rows")


def test_the_declared_dimension_alone_is_ignored():
    sheet = (
        SHEET_HEAD
        + b'<dimension ref="A1:XFD1048576"/><sheetData>'
        + HEADER_ROW
        + DATA_ROW
        + b"</sheetData></worksheet>"
    )
    started = time.perf_counter()
    table = read_table(_xlsx(sheet), "small.xlsx")
    assert time.perf_counter() - started < 2
    assert table.header == ["NUMBER", "STREET"] and table.rows == [["7", "Rue Joffre"]]


def test_an_xlsx_expanding_past_the_limit_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_UNCOMPRESSED_BYTES", 20 * 1024 * 1024, raising=False)
    # 3 MB of text in the shared strings: a few kB compressed, 30 MB once expanded.
    padding = b"<sst>" + b" " * (30 * 1024 * 1024) + b"</sst>"
    sheet = SHEET_HEAD + b"<sheetData>" + HEADER_ROW + DATA_ROW + b"</sheetData></worksheet>"
    data = _xlsx(sheet, {"xl/padding.xml": padding})
    assert len(data) < 200_000
    _refused_fast(data, "zip-bomb.xlsx", "expands to 30 MB")


def test_an_xlsx_with_too_many_cells_is_counted_before_parsing(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_CELLS", 10_000, raising=False)
    row = b'<row r="3">' + b"<c/>" * 15_000 + b"</row>"
    sheet = SHEET_HEAD + b"<sheetData>" + HEADER_ROW + DATA_ROW + row + b"</sheetData></worksheet>"
    _refused_fast(_xlsx(sheet), "cells.xlsx", "more than 10 000 filled cells")


def test_a_csv_with_too_many_lines_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 1000, raising=False)
    data = ("a;b\n" + "1;2\n" * 1500).encode()
    _refused_fast(data, "long.csv", "more than 1 000 rows")


def test_the_command_line_applies_the_same_limits(app, runner, tmp_path, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(spreadsheets, "MAX_FILE_BYTES", 1024 * 1024, raising=False)
        path = tmp_path / "big.csv"
        path.write_text("a;b\n" + "1;2\n" * 300_000)
        result = runner.invoke(args=["residents", "import", str(path), "--json"])
    assert result.exit_code == 2
    assert "larger than 1 MB" in json.loads(result.output)["error"]
    far_cell = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(
        _xlsx(
            SHEET_HEAD
            + b'<dimension ref="A1:XFD1048576"/><sheetData>'
            + HEADER_ROW
            + far_cell
            + b"</sheetData></worksheet>"
        )
    )
    started = time.perf_counter()
    result = runner.invoke(args=["residents", "import", str(bomb)])
    assert result.exit_code == 2 and "more than 250 000 rows" in result.output
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"nom;prenom;Nom \n Dupont;Jeanne;Durand\n", "people.csv"),
        (
            _xlsx(
                SHEET_HEAD
                + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>nom</t></is></c>'
                + b'<c r="B1" t="inlineStr"><is><t>NOM</t></is></c></row>'
                + b'<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c></row></sheetData></worksheet>'
            ),
            "people.xlsx",
        ),
    ],
)
def test_duplicate_column_names_are_refused_with_their_names(content, name):
    with pytest.raises(FileProblem, match="These columns appear more than once in the header: “nom”"):
        read_table(content, name)


def test_rejected_rows_are_written_back_neutralised(app, runner, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        NATIONBUILDER.replace("06 12 34 56 78", "12 34").replace(
            "12 bis rue Joffre", '"=HYPERLINK(""http://evil.example"",""click"")"'
        ),
        encoding="utf-8",
    )
    result = runner.invoke(args=["residents", "import", str(path), "--skip-invalid", "--json"])
    rejects = Path(json.loads(result.output)["rejects_file"]).read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in rejects
    assert ";=HYPERLINK" not in rejects and '"=HYPERLINK' not in rejects
