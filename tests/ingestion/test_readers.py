"""Every delivered format becomes the same raw table: ``_row`` plus one text column per header."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from koers.config import CsvDialect, SourceConfig, XlsxOptions
from koers.engine.base import Processor
from koers.engine.duckdb_engine import new_processor
from koers.errors import ContractError
from koers.ingestion.csv_reader import bounded_memory
from koers.ingestion.dialect import SAMPLE_BYTES
from koers.ingestion.readers import RawTable, read_raw

ENCODING_REASON = "tekens passen niet bij de codering"


@pytest.fixture
def processor() -> Iterator[Processor]:
    yield new_processor()


def source(**options: Any) -> SourceConfig:
    return SourceConfig(name="meldingen_test", contract="meldingen", path="bronnen", **options)


def write(tmp_path: Path, data: bytes | str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def rows(processor: Processor, raw: RawTable) -> list[tuple[Any, ...]]:
    return processor.query(f"SELECT * FROM {raw.name} ORDER BY _row").rows


def column_types(processor: Processor, raw: RawTable) -> dict[str, str]:
    described = processor.query(f"SELECT column_name, column_type FROM (DESCRIBE {raw.name})")
    return dict(described.rows)


# --- CSV ---------------------------------------------------------------------------------

MELDINGEN = (
    "Meldingnummer;Datum melding;Wijkcode;Bedrag;Omschrijving\n"
    "M1;04-11-2024 09:15;WK022601;1.234,50;Bank aan de straat\n"
    'M2;31-02-2024 10:00;WK022602;12,5;"Tak; half\nafgebroken"\n'
    "M3;05-11-2024 08:00;WK022601;7;te veel;velden\n"
    "M4;05-11-2024 09:00;WK022600;0,5;ok\n"
)


def test_csv_becomes_text_columns_with_excel_row_numbers(
    tmp_path: Path, processor: Processor
) -> None:
    raw = read_raw(processor, write(tmp_path, MELDINGEN), source(), "raw_meldingen")
    assert raw.headers == ["Meldingnummer", "Datum melding", "Wijkcode", "Bedrag", "Omschrijving"]
    assert (raw.format, raw.decimal, raw.thousands) == ("csv", ",", ".")
    assert column_types(processor, raw) == {"_row": "BIGINT"} | dict.fromkeys(
        raw.headers, "VARCHAR"
    )
    # A record with a line break in quotes is one row, like in Excel; 31-02-2024 is just
    # text here, the loader judges it.
    assert rows(processor, raw) == [
        (2, "M1", "04-11-2024 09:15", "WK022601", "1.234,50", "Bank aan de straat"),
        (3, "M2", "31-02-2024 10:00", "WK022602", "12,5", "Tak; half\nafgebroken"),
        (5, "M4", "05-11-2024 09:00", "WK022600", "0,5", "ok"),
    ]
    assert raw.rejected == [(4, "rij heeft meer velden dan de kopregel")]


def test_row_numbers_stay_exact_across_many_rejects_in_a_large_file(
    tmp_path: Path, processor: Processor
) -> None:
    """DuckDB reads big files in parallel chunks; numbering must not depend on that."""
    lines = ["id;waarde;tekst"]
    bad = set()
    for line_number in range(2, 300_002):
        if line_number % 997 == 0 or line_number in (2, 3, 300_001):
            bad.add(line_number)
            lines.append(f"{line_number};kapot")
        else:
            lines.append(f"{line_number};{line_number * 3};regel")
    raw = read_raw(processor, write(tmp_path, "\n".join(lines) + "\n"), source(), "raw_groot")
    assert [row for row, _ in raw.rejected] == sorted(bad)
    wrong = processor.query(
        f"SELECT count(*) FROM {raw.name} WHERE _row <> CAST(id AS BIGINT)"
    ).scalar()
    assert wrong == 0
    assert processor.query(f"SELECT count(*) FROM {raw.name}").scalar() == 300_000 - len(bad)


def test_header_only_gives_an_empty_table(tmp_path: Path, processor: Processor) -> None:
    raw = read_raw(processor, write(tmp_path, "id;naam\n"), source(), "raw_leeg")
    assert raw.headers == ["id", "naam"]
    assert rows(processor, raw) == []
    assert raw.rejected == []


def test_without_header_columns_are_numbered(tmp_path: Path, processor: Processor) -> None:
    path = write(tmp_path, "1;x;y\n2;x\n3;z;w\n")
    raw = read_raw(processor, path, source(csv=CsvDialect(header=False)), "raw_zonder")
    assert raw.headers == ["kolom1", "kolom2", "kolom3"]
    assert rows(processor, raw) == [(1, "1", "x", "y"), (3, "3", "z", "w")]
    assert raw.rejected == [(2, "rij heeft minder velden dan de kopregel")]


@pytest.mark.parametrize("header", ["id;naam;id", "id;Naam;NAAM"])
def test_duplicate_column_is_refused(tmp_path: Path, processor: Processor, header: str) -> None:
    path = write(tmp_path, f"{header}\n1;2;3\n")
    with pytest.raises(
        ContractError, match=r"export\.csv: de kopregel bevat kolom .* meer dan eens"
    ):
        read_raw(processor, path, source(), "raw_dubbel")


def test_trailing_delimiter_gives_a_numbered_column(tmp_path: Path, processor: Processor) -> None:
    raw = read_raw(processor, write(tmp_path, "id;naam;\n1;a;\n"), source(), "raw_einde")
    assert raw.headers == ["id", "naam", "kolom3"]
    assert rows(processor, raw) == [(2, "1", "a", None)]


@pytest.mark.parametrize(
    ("tail", "reason"),
    [
        ("M9;05-11", "rij heeft minder velden dan de kopregel"),
        ('M9;05-11-2024;"half afgebr', "aanhalingstekens niet goed afgesloten"),
    ],
    ids=["short", "open-quote"],
)
def test_truncated_last_line_is_a_rejected_row(
    tmp_path: Path, processor: Processor, tail: str, reason: str
) -> None:
    text = "id;datum;tekst\nM1;04-11-2024;a\nM2;05-11-2024;b\n" + tail
    raw = read_raw(processor, write(tmp_path, text), source(), "raw_afgebroken")
    assert [r[:2] for r in rows(processor, raw)] == [(2, "M1"), (3, "M2")]
    assert raw.rejected == [(4, reason)]


def test_windows_1252_reads_euro_and_accents(tmp_path: Path, processor: Processor) -> None:
    text = "naam;plaats;bedrag\nRené;Ëlst;€ 12,50\nZoë;Café ‘t Hoekje;5\n"
    raw = read_raw(processor, write(tmp_path, text.encode("cp1252")), source(), "raw_1252")
    assert rows(processor, raw) == [
        (2, "René", "Ëlst", "€ 12,50"),
        (3, "Zoë", "Café ‘t Hoekje", "5"),
    ]


def test_windows_1252_bytes_after_the_sample_are_still_read(
    tmp_path: Path, processor: Processor
) -> None:
    """The sample only has é (latin-1 would do); the € further on needs windows-1252."""
    head = "naam;bedrag\n" + "René;1\n" * (SAMPLE_BYTES // 7 + 10)
    data = (head + "Zoë;€ 5\n").encode("cp1252")
    raw = read_raw(processor, write(tmp_path, data), source(), "raw_1252_laat")
    last = processor.query(f"SELECT * FROM {raw.name} ORDER BY _row DESC LIMIT 1").rows[0]
    assert last == (head.count("\n") + 1, "Zoë", "€ 5")
    assert raw.rejected == []


def test_mixed_encoding_rejects_only_the_bad_rows(tmp_path: Path, processor: Processor) -> None:
    lines = [f"{i};Café {i}".encode() for i in range(2, 12)]
    lines[3] = "5;Caf\xe9 in windows-1252".encode("cp1252")
    lines[7] = "9;Zo\xeb".encode("cp1252")
    path = write(tmp_path, b"id;naam\n" + b"\n".join(lines) + b"\n")
    raw = read_raw(processor, path, source(), "raw_gemengd")
    assert raw.rejected == [(5, ENCODING_REASON), (9, ENCODING_REASON)]
    kept = rows(processor, raw)
    assert [r[0] for r in kept] == [2, 3, 4, 6, 7, 8, 10, 11]
    assert all(str(row[0]) == row[1] and row[2] == f"Café {row[0]}" for row in kept)


def test_utf16_with_bom(tmp_path: Path, processor: Processor) -> None:
    data = "naam;bedrag\nRené;€ 5\nZoë;7\n".encode("utf-16")
    raw = read_raw(processor, write(tmp_path, data), source(), "raw_utf16")
    assert rows(processor, raw) == [(2, "René", "€ 5"), (3, "Zoë", "7")]


def test_utf8_bom_is_not_part_of_the_first_header(tmp_path: Path, processor: Processor) -> None:
    raw = read_raw(processor, write(tmp_path, "\ufeffid;naam\n1;a\n"), source(), "raw_bom")
    assert raw.headers == ["id", "naam"]
    assert rows(processor, raw) == [(2, "1", "a")]


def test_wrong_delimiter_override_gives_one_column(tmp_path: Path, processor: Processor) -> None:
    path = write(tmp_path, "id;naam;wijk\n1;a;WK022601\n2;b;WK022602\n")
    raw = read_raw(processor, path, source(csv=CsvDialect(delimiter=",")), "raw_verkeerd")
    # The loader refuses this file because its required headers are missing.
    assert raw.headers == ["id;naam;wijk"]
    assert rows(processor, raw) == [(2, "1;a;WK022601"), (3, "2;b;WK022602")]


def test_header_with_bad_characters_is_refused(tmp_path: Path, processor: Processor) -> None:
    path = write(tmp_path, b"id;caf\xe9\n1;" + "é".encode() * 30 + b"\n")
    with pytest.raises(ContractError, match="kopregel passen niet bij codering utf-8"):
        read_raw(processor, path, source(csv=CsvDialect(encoding="utf-8")), "raw_kop")


def test_tsv_by_extension(tmp_path: Path, processor: Processor) -> None:
    path = write(tmp_path, "id\tnaam\n1\tWegen; verkeer\n", name="export.tsv")
    raw = read_raw(processor, path, source(), "raw_tsv")
    assert (raw.format, raw.headers) == ("tsv", ["id", "naam"])
    assert rows(processor, raw) == [(2, "1", "Wegen; verkeer")]


def test_point_decimals_are_reported_for_the_loader(tmp_path: Path, processor: Processor) -> None:
    path = write(tmp_path, 'id,bedrag\n1,"1,234.50"\n2,12.5\n')
    raw = read_raw(processor, path, source(), "raw_punt")
    assert (raw.decimal, raw.thousands) == (".", ",")


@pytest.mark.parametrize("name", ["export.xls", "export.pdf", "export"])
def test_unknown_extension_names_the_supported_formats(
    tmp_path: Path, processor: Processor, name: str
) -> None:
    path = write(tmp_path, "id;naam\n", name=name)
    with pytest.raises(ContractError, match=rf"{name}: onbekend bestandstype .*\.csv.*\.parquet"):
        read_raw(processor, path, source(), "raw_onbekend")


def test_declared_format_wins_over_the_extension(tmp_path: Path, processor: Processor) -> None:
    path = write(tmp_path, '{"id": 1}\n{"id": 2}\n', name="export.txt")
    raw = read_raw(processor, path, source(format="ndjson"), "raw_ndjson_txt")
    assert rows(processor, raw) == [(1, "1"), (2, "2")]


def test_memory_settings_are_restored(processor: Processor) -> None:
    before = processor.query("SELECT current_setting('memory_limit')").scalar()
    processor.execute("SET preserve_insertion_order = false")
    with bounded_memory(processor):
        inside = processor.query(
            "SELECT current_setting('memory_limit'), current_setting('preserve_insertion_order')"
        ).rows[0]
        assert inside == ("1.0 GiB", True)
    after = processor.query(
        "SELECT current_setting('memory_limit'), current_setting('preserve_insertion_order')"
    ).rows[0]
    assert after == (before, False)


# --- XLSX --------------------------------------------------------------------------------


def workbook(
    tmp_path: Path, sheets: dict[str, list[list[Any]]], formats: dict[str, str] | None = None
) -> Path:
    """A workbook with these sheets; ``formats`` sets number formats on the first sheet."""
    book = Workbook()
    book.remove(book.active)
    for title, sheet_rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in sheet_rows:
            sheet.append(row)
    for cell, number_format in (formats or {}).items():
        book.worksheets[0][cell].number_format = number_format
    path = tmp_path / "export.xlsx"
    book.save(path)
    return path


def test_xlsx_cells_become_text_with_excel_row_numbers(
    tmp_path: Path, processor: Processor
) -> None:
    path = workbook(
        tmp_path,
        {
            "Meldingen": [
                ["Meldingnummer", "Datum", "Tijdstip", "Aantal", "Bedrag", "Spoed", "Tekst"],
                ["M1", date(2024, 11, 4), datetime(2024, 11, 4, 9, 15), 3, 1234.5, True, "a"],
                [None, None, None, None, None, None, None],
                ["M2", datetime(2024, 2, 29), datetime(2024, 11, 5, 0, 0), 4.0, 0.1, False, None],
                ["M3", "31-02-2024", None, 1e20, -2.5, None, "regel\nnog een"],
            ]
        },
        # Excel keeps dates as date-times; the cell format says whether the time shows.
        formats={"B4": "dd-mm-yyyy", "C4": "dd-mm-yyyy hh:mm"},
    )
    raw = read_raw(processor, path, source(), "raw_xlsx")
    assert raw.headers == [
        "Meldingnummer",
        "Datum",
        "Tijdstip",
        "Aantal",
        "Bedrag",
        "Spoed",
        "Tekst",
    ]
    assert (raw.format, raw.decimal, raw.thousands) == ("xlsx", ".", "")
    assert column_types(processor, raw) == {"_row": "BIGINT"} | dict.fromkeys(
        raw.headers, "VARCHAR"
    )
    assert rows(processor, raw) == [
        (2, "M1", "2024-11-04", "2024-11-04 09:15:00", "3", "1234.5", "true", "a"),
        # Row 3 is empty and skipped; the numbers stay those Excel shows.
        (4, "M2", "2024-02-29", "2024-11-05 00:00:00", "4", "0.1", "false", None),
        (5, "M3", "31-02-2024", None, "100000000000000000000", "-2.5", None, "regel\nnog een"),
    ]
    assert raw.rejected == []


def test_xlsx_sheet_and_header_row_from_the_source(tmp_path: Path, processor: Processor) -> None:
    path = workbook(
        tmp_path,
        {
            "Toelichting": [["Niet dit tabblad"]],
            "Data": [
                ["Export meldingen gemeente Duiven"],
                [],
                ["id", "wijk", None],
                [1, "WK022601"],
                [2, "WK022602", "te veel"],
                [3, "WK022600"],
            ],
        },
    )
    options = XlsxOptions(sheet="Data", header_row=3)
    raw = read_raw(processor, path, source(xlsx=options), "raw_xlsx_data")
    assert raw.headers == ["id", "wijk"]
    assert rows(processor, raw) == [(4, "1", "WK022601"), (6, "3", "WK022600")]
    assert raw.rejected == [(5, "rij heeft meer velden dan de kopregel")]


def test_xlsx_missing_sheet_names_the_sheets_there_are(
    tmp_path: Path, processor: Processor
) -> None:
    path = workbook(tmp_path, {"Blad1": [["id"]], "Meldingen 2024": [["id"]]})
    with pytest.raises(
        ContractError, match=r"tabblad 'Data' bestaat niet; wel: Blad1, Meldingen 2024"
    ):
        read_raw(processor, path, source(xlsx=XlsxOptions(sheet="Data")), "raw_xlsx_mis")


def test_xlsx_header_only_and_empty_sheet(tmp_path: Path, processor: Processor) -> None:
    path = workbook(tmp_path, {"Kop": [["id", "naam"]], "Leeg": []})
    raw = read_raw(processor, path, source(), "raw_xlsx_kop")
    assert (raw.headers, rows(processor, raw)) == (["id", "naam"], [])
    with pytest.raises(ContractError, match="geen kopregel op rij 1"):
        read_raw(processor, path, source(xlsx=XlsxOptions(sheet="Leeg")), "raw_xlsx_leeg")


def test_not_a_workbook(tmp_path: Path, processor: Processor) -> None:
    path = write(tmp_path, "id;naam\n", name="export.xlsx")
    with pytest.raises(ContractError, match=r"export\.xlsx: geen leesbaar Excel-bestand"):
        read_raw(processor, path, source(), "raw_xlsx_nep")


# --- JSON and NDJSON ---------------------------------------------------------------------


def test_json_list_of_records(tmp_path: Path, processor: Processor) -> None:
    records: list[Any] = [
        {"id": "M1", "bedrag": 1.5, "locatie": {"wijk": "WK022601", "punt": [5.9, 51.9]}},
        {"id": "M2", "spoed": True, "bedrag": None},
        "geen object",
        {"status": "gemeld", "id": "M3"},
    ]
    path = write(tmp_path, json.dumps(records), name="meldingen.json")
    raw = read_raw(processor, path, source(), "raw_json")
    assert raw.headers == ["id", "bedrag", "locatie", "spoed", "status"]
    assert (raw.format, raw.decimal, raw.thousands) == ("json", ".", "")
    assert rows(processor, raw) == [
        (1, "M1", "1.5", '{"wijk":"WK022601","punt":[5.9,51.9]}', None, None),
        (2, "M2", None, None, "true", None),
        (4, "M3", None, None, None, "gemeld"),
    ]
    assert raw.rejected == [(3, "record is geen JSON-object")]


def test_json_object_with_one_list(tmp_path: Path, processor: Processor) -> None:
    document = {"meta": {"aantal": 2}, "data": [{"id": 1}, {"id": 2, "wijk": "WK022601"}]}
    path = write(tmp_path, json.dumps(document), name="antwoord.json")
    raw = read_raw(processor, path, source(), "raw_json_object")
    assert rows(processor, raw) == [(1, "1", None), (2, "2", "WK022601")]


def test_json_object_without_one_list_is_refused(tmp_path: Path, processor: Processor) -> None:
    document = {"a": [1], "b": [2]}
    path = write(tmp_path, json.dumps(document), name="antwoord.json")
    with pytest.raises(ContractError, match=r"precies één lijst erin \(lijsten: a, b\)"):
        read_raw(processor, path, source(), "raw_json_twee")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "het bestand is leeg"),
        ('[{"id": 1}, {"id": ', "geen geldige JSON"),
        ("42", "begint niet"),
    ],
    ids=["empty", "broken", "scalar"],
)
def test_json_that_cannot_be_read(
    tmp_path: Path, processor: Processor, text: str, message: str
) -> None:
    with pytest.raises(ContractError, match=message):
        read_raw(processor, write(tmp_path, text, name="kapot.json"), source(), "raw_json_kapot")


def test_ndjson_broken_line_is_a_rejected_row(tmp_path: Path, processor: Processor) -> None:
    lines = [
        '{"id": "M1", "wijk": "WK022601"}',
        '{"id": "M2", "wijk": ',
        '{"id": "M3", "tekst": "a;b \\"c\\""}',
        "",
        "[1, 2]",
        '{"id": "M4", "extra": {"x": 1}}',
    ]
    path = write(tmp_path, "\n".join(lines) + "\n", name="meldingen.ndjson")
    raw = read_raw(processor, path, source(), "raw_ndjson")
    assert raw.headers == ["id", "wijk", "tekst", "extra"]
    assert raw.format == "ndjson"
    assert rows(processor, raw) == [
        (1, "M1", "WK022601", None, None),
        (3, "M3", None, 'a;b "c"', None),
        (6, "M4", None, None, '{"x":1}'),
    ]
    assert raw.rejected == [(2, "regel is geen geldige JSON"), (5, "record is geen JSON-object")]


def test_ndjson_in_a_json_file_is_read_line_by_line(tmp_path: Path, processor: Processor) -> None:
    path = write(tmp_path, '{"id": 1}\n{"id": \n{"id": 3}\n', name="meldingen.json")
    raw = read_raw(processor, path, source(), "raw_json_regels")
    assert rows(processor, raw) == [(1, "1"), (3, "3")]
    assert raw.rejected == [(2, "regel is geen geldige JSON")]


def test_ndjson_bad_encoding_is_a_rejected_row(tmp_path: Path, processor: Processor) -> None:
    data = b'{"id": "caf\xc3\xa9"}\n{"id": "caf\xe9"}\n{"id": "x"}\n'
    raw = read_raw(processor, write(tmp_path, data, name="m.jsonl"), source(), "raw_jsonl")
    assert rows(processor, raw) == [(1, "café"), (3, "x")]
    assert raw.rejected == [(2, ENCODING_REASON)]


# --- Parquet -----------------------------------------------------------------------------


def test_parquet_columns_become_text(tmp_path: Path, processor: Processor) -> None:
    path = tmp_path / "meldingen.parquet"
    processor.execute(
        f"""
        COPY (
            SELECT * FROM (VALUES
                ('M1', DATE '2024-11-04', TIMESTAMP '2024-11-04 09:15:00', 1234.5::DOUBLE,
                 12.50::DECIMAL(6, 2), true, [1, 2], {{'wijk': 'WK022601'}}),
                ('M2', NULL, NULL, NULL, NULL, NULL, NULL, NULL)
            ) AS t(id, datum, tijdstip, bedrag, prijs, spoed, lijst, plek)
        ) TO '{path}' (FORMAT parquet)
        """
    )
    raw = read_raw(processor, path, source(), "raw_parquet")
    assert raw.headers == ["id", "datum", "tijdstip", "bedrag", "prijs", "spoed", "lijst", "plek"]
    assert (raw.format, raw.decimal, raw.thousands, raw.rejected) == ("parquet", ".", "", [])
    assert set(column_types(processor, raw).values()) == {"BIGINT", "VARCHAR"}
    assert rows(processor, raw) == [
        (
            1,
            "M1",
            "2024-11-04",
            "2024-11-04 09:15:00",
            "1234.5",
            "12.50",
            "true",
            "[1,2]",
            '{"wijk":"WK022601"}',
        ),
        (2, "M2", None, None, None, None, None, None, None),
    ]


def test_not_a_parquet_file(tmp_path: Path, processor: Processor) -> None:
    path = write(tmp_path, "id;naam\n", name="export.parquet")
    with pytest.raises(ContractError, match=r"export\.parquet: geen leesbaar Parquet-bestand"):
        read_raw(processor, path, source(), "raw_parquet_nep")
