"""Detecting how a CSV export is written, and how the dates in a column are written."""

from __future__ import annotations

from pathlib import Path

import pytest

from koers.config import CsvDialect
from koers.engine.duckdb_engine import new_processor
from koers.errors import ContractError
from koers.ingestion.dialect import SAMPLE_BYTES, detect_csv, detect_date_format

AUTO = CsvDialect()


def write(tmp_path: Path, data: bytes | str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_delimiter_is_the_one_the_rows_agree_on(tmp_path: Path, delimiter: str) -> None:
    rows = [["id", "wijk", "omschrijving"], ["1", "WK022601", "tak"], ["2", "WK022602", "lamp"]]
    path = write(tmp_path, "".join(delimiter.join(r) + "\n" for r in rows))
    assert detect_csv(path, AUTO).delimiter == delimiter


def test_commas_in_text_do_not_beat_the_semicolon(tmp_path: Path) -> None:
    text = "id;categorie;bedrag\n1;Wegen, verkeer;1,5\n2;Afval;2,25\n3;Groen, water, bomen;3\n"
    settings = detect_csv(write(tmp_path, text), AUTO)
    assert (settings.delimiter, settings.quote) == (";", '"')


def test_quoted_delimiters_and_line_breaks_are_one_field(tmp_path: Path) -> None:
    text = 'id,tekst\n1,"a, b, c"\n2,"regel\nnog een, regel"\n3,x\n'
    settings = detect_csv(write(tmp_path, text), AUTO)
    assert (settings.delimiter, settings.quote) == (",", '"')


def test_single_quote_is_found_when_it_quotes(tmp_path: Path) -> None:
    text = "id;tekst\n1;'a; b'\n2;'c; d; e'\n3;x\n"
    assert detect_csv(write(tmp_path, text), AUTO).quote == "'"


def test_apostrophes_in_dutch_text_are_not_quotes(tmp_path: Path) -> None:
    text = "id;plaats;tekst\n1;'s-Hertogenbosch;auto's\n2;'t Harde;x\n3;Ede;y\n"
    assert detect_csv(write(tmp_path, text), AUTO).quote == '"'


@pytest.mark.parametrize(
    ("data", "encoding", "duckdb_encoding"),
    [
        ("naam;plaats\nRené;Zwolle\n".encode(), "utf-8", "utf-8"),
        ("\ufeffnaam;plaats\nRené;Zwolle\n".encode(), "utf-8-sig", "utf-8"),
        ("naam;plaats\nRené;Zwolle\n".encode("utf-16"), "utf-16", "utf-16"),
        # é and ë are the same in latin-1, so DuckDB may read the file itself ...
        ("naam;plaats\nRené;Ëlst\n".encode("cp1252"), "windows-1252", "latin-1"),
        # ... but not with €, which latin-1 does not have.
        ("naam;bedrag\nRené;€ 5\n".encode("cp1252"), "windows-1252", None),
        (b"naam;plaats\nJan;Zwolle\n", "utf-8", "utf-8"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "cp1252", "cp1252-euro", "ascii"],
)
def test_encoding(tmp_path: Path, data: bytes, encoding: str, duckdb_encoding: str | None) -> None:
    settings = detect_csv(write(tmp_path, data), AUTO)
    assert (settings.encoding, settings.duckdb_encoding) == (encoding, duckdb_encoding)


def test_a_few_windows_1252_lines_keep_a_utf8_file_utf8(tmp_path: Path) -> None:
    good = "".join(f"{i};Café {i}\n" for i in range(20)).encode()
    data = b"id;naam\n" + good + "99;Caf\xe9 fout\n".encode("latin-1") + good
    assert detect_csv(write(tmp_path, data), AUTO).encoding == "utf-8"


def test_a_character_cut_at_the_end_of_the_sample_is_not_an_encoding_error(
    tmp_path: Path,
) -> None:
    line = b"1;abcdefghij\n"
    head = b"id;tekst\n" + line * ((SAMPLE_BYTES - 200) // len(line))
    filler = b"2;" + b"x" * (SAMPLE_BYTES - len(head) - 3)
    data = head + filler + "é;\n".encode() + line * 10  # é straddles the sample end
    assert data[SAMPLE_BYTES - 1 : SAMPLE_BYTES + 1] == "é".encode()
    settings = detect_csv(write(tmp_path, data), AUTO)
    assert (settings.encoding, settings.delimiter) == ("utf-8", ";")


@pytest.mark.parametrize(
    ("values", "decimal", "thousands"),
    [
        (["1.234,56", "12,5", "7"], ",", "."),
        (["1234,5", "0,14"], ",", "."),
        (["1,234.56", "12.5"], ".", ","),
        (["1234.5", "0.14"], ".", ""),
        (["1.234.567", "12"], ",", "."),
        # 1.234 may be a thousand or one-and-a-bit: no evidence, so the Dutch default.
        (["1.234", "5"], ",", "."),
        (["geen", "getallen"], ",", "."),
    ],
)
def test_number_separators(tmp_path: Path, values: list[str], decimal: str, thousands: str) -> None:
    text = "id;bedrag\n" + "".join(f"{i};{v}\n" for i, v in enumerate(values))
    settings = detect_csv(write(tmp_path, text), AUTO)
    assert (settings.decimal, settings.thousands) == (decimal, thousands)


def test_dates_do_not_count_as_numbers(tmp_path: Path) -> None:
    text = "id;datum;bedrag\n1;12.03.2024;1234,5\n2;13.03.2024;0,5\n3;14.03.2024;7\n"
    assert detect_csv(write(tmp_path, text), AUTO).decimal == ","


def test_overrides_win_over_detection(tmp_path: Path) -> None:
    text = "id;bedrag\n1;1234.5\n2;0.14\n"
    path = write(tmp_path, text.encode("cp1252"))
    overrides = CsvDialect(
        delimiter=",", quote="'", encoding="latin-1", decimal=",", thousands="", header=False
    )
    settings = detect_csv(path, overrides)
    assert settings.delimiter == ","
    assert settings.quote == "'"
    assert (settings.encoding, settings.codec) == ("latin-1", "latin-1")
    assert (settings.decimal, settings.thousands) == (",", "")
    assert settings.header is False


def test_decimal_override_sets_a_fitting_thousands_separator(tmp_path: Path) -> None:
    path = write(tmp_path, "id;bedrag\n1;1,5\n")
    settings = detect_csv(path, CsvDialect(decimal="."))
    assert (settings.decimal, settings.thousands) == (".", "")


def test_same_decimal_and_thousands_separator_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "id;bedrag\n1;1,5\n")
    with pytest.raises(ContractError, match="allebei"):
        detect_csv(path, CsvDialect(decimal=",", thousands=","))


@pytest.mark.parametrize("data", [b"", b"\n\n  \n", b"\xef\xbb\xbf"], ids=["0", "blank", "bom"])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(ContractError, match=r"export\.csv: het bestand is leeg"):
        detect_csv(write(tmp_path, data), AUTO)


def test_no_delimiter_found(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match=r"export\.csv: geen scheidingsteken gevonden"):
        detect_csv(write(tmp_path, "alleen\neen\nkolom\n"), AUTO)


def test_no_consistent_delimiter(tmp_path: Path) -> None:
    text = "a;b;c\n1\n2\n3;4\n5\n6\n"
    with pytest.raises(ContractError, match="geen eenduidig scheidingsteken"):
        detect_csv(write(tmp_path, text), AUTO)


def test_workbook_named_csv_is_recognised(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match="Excel-bestand"):
        detect_csv(write(tmp_path, b"PK\x03\x04\x14\x00rest"), AUTO)


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("samples", "expected"),
    [
        (["04-11-2024", "4-1-2024", "31-12-2023"], "%d-%m-%Y"),
        (["04/11/2024", "31/12/2023"], "%d/%m/%Y"),
        (["04.11.2024", "31.12.2023"], "%d.%m.%Y"),
        (["2024-11-04", "2023-12-31"], "%Y-%m-%d"),
        (["04-11-24", "31-12-23"], "%d-%m-%y"),
        # Both readings are valid: Dutch exports put the day first.
        (["03-04-2024", "05-06-2024"], "%d-%m-%Y"),
        # One impossible date among many is a bad value, not a different format.
        (["31-02-2024", *(f"{d:02d}-11-2024" for d in range(1, 10))], "%d-%m-%Y"),
        (["", "  ", "01-02-2024"], "%d-%m-%Y"),
    ],
)
def test_date_format(samples: list[str], expected: str) -> None:
    assert detect_date_format(samples, with_time=False) == expected


@pytest.mark.parametrize(
    ("samples", "expected"),
    [
        (["04-11-2024 09:15", "4-11-2024 9:05"], "%d-%m-%Y %H:%M"),
        (["04-11-2024 09:15:00", "05-11-2024 23:59:59"], "%d-%m-%Y %H:%M:%S"),
        (["2024-11-04 09:15:00"], "%Y-%m-%d %H:%M:%S"),
        (["2024-11-04T09:15:00", "2024-11-05T10:00:00"], "%Y-%m-%dT%H:%M:%S"),
        (["04/11/2024 09:15"], "%d/%m/%Y %H:%M"),
        (["04-11-2024", "05-11-2024"], "%d-%m-%Y"),
    ],
)
def test_timestamp_format(samples: list[str], expected: str) -> None:
    assert detect_date_format(samples, with_time=True) == expected


@pytest.mark.parametrize(
    "samples", [[], ["", " "], ["morgen", "gisteren"], ["04-11-2024", "x", "y", "z"]]
)
def test_no_date_format(samples: list[str]) -> None:
    assert detect_date_format(samples, with_time=False) is None


def test_duckdb_parses_what_detection_chooses() -> None:
    """The loader parses with DuckDB's try_strptime, which must agree on one-digit parts."""
    samples = ["4-1-2024 9:05", "04-11-2024 10:30", "31-12-2023 23:59"]
    fmt = detect_date_format(samples, with_time=True)
    assert fmt == "%d-%m-%Y %H:%M"
    processor = new_processor()
    parsed = processor.query(
        "SELECT count(try_strptime(v, ?)) FROM unnest(?::VARCHAR[]) AS t(v)", [fmt, samples]
    ).scalar()
    assert parsed == len(samples)
