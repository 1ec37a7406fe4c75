"""Every kind of bad delivery the issue names: each gives a clear Dutch error (the file is
refused whole) or quarantined rows; the good file delivered beside it always loads, and a
refused file leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.helpers import write_project

from koers.config import load_project
from koers.engine import connect
from koers.errors import PipelineError
from koers.packs import load_packs
from koers.pipeline.run import RunSummary, run_pipeline

HEADER = (
    "Meldingnummer;Datum melding;Datum afgehandeld;Hoofdcategorie;Subcategorie;Wijkcode;Wijk;"
    "Status;Omschrijving"
)
GOOD_ROW = "G1;01-11-2024 09:00;;Afval;Grofvuil;WK022600;Duiven;Gemeld;goed"


def row(number: str, text: str = "tekst", date: str = "04-11-2024 09:15") -> str:
    return f"{number};{date};;Openbaar groen en water;Boom;WK022601;Groessen;Gemeld;{text}"


def lines(*rows: str) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode("utf-8")


def run_with(tmp_path: Path, bad: bytes, toml_extra: str = "") -> tuple[RunSummary | None, str]:
    """Deliver ``bad`` beside a good file; returns the summary (None if the run failed) and
    the failure message."""
    project_dir = write_project(tmp_path, sources=("GM0226",))
    if toml_extra:
        with (project_dir / "koers.toml").open("a", encoding="utf-8") as handle:
            handle.write(toml_extra)
    folder = project_dir / "bronnen" / "meldingen" / "GM0226"
    (folder / "a_goed.csv").write_bytes(lines(GOOD_ROW))
    (folder / "b_slecht.csv").write_bytes(bad)
    project = load_project(project_dir)
    with connect(project) as warehouse:
        try:
            summary: RunSummary | None = run_pipeline(
                project, warehouse, load_packs(project.packs, project.dir)
            )
            message = ""
        except PipelineError as exc:
            summary, message = None, exc.message
        ids = {r[0] for r in warehouse.query("SELECT melding_id FROM staging.meldingen").rows}
        files = {r[0] for r in warehouse.query("SELECT file_name FROM landing.loads").rows}
    assert "G1" in ids, "the good file must load whatever happens to the bad one"
    if summary is None:
        assert files == {"a_goed.csv"}, "a refused file leaves nothing behind"
        assert ids == {"G1"}
    return summary, message


def quarantined(tmp_path: Path) -> list[tuple[object, ...]]:
    with connect(load_project(tmp_path)) as warehouse:
        return warehouse.query(
            "SELECT row_number, column_name, value, reason FROM landing.quarantine "
            "WHERE file_name = 'b_slecht.csv' ORDER BY row_number"
        ).rows


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "b_slecht.csv: het bestand is leeg"),
        (
            lines(row("B1")).replace(b";Wijkcode;Wijk", b";Wijk").replace(b";WK022601", b""),
            "verplichte kolom(men) ontbreken: Wijkcode",
        ),
        (
            lines(row("B1"))
            .replace(b";Status;", b";Status;Status;")
            .replace(b";Gemeld;", b";Gemeld;Gemeld;"),
            "meer dan eens",
        ),
    ],
    ids=["leeg", "kolom-ontbreekt", "kolom-dubbel"],
)
def test_a_broken_file_is_refused_whole_with_a_clear_message(
    tmp_path: Path, content: bytes, message: str
) -> None:
    summary, failure = run_with(tmp_path, content)
    assert summary is None
    assert message in failure and "b_slecht.csv" in failure


def test_a_header_only_file_loads_as_an_empty_delivery(tmp_path: Path) -> None:
    summary, _ = run_with(tmp_path, lines())
    assert summary is not None
    assert {(load.file_name, load.rows_loaded) for load in summary.loads} == {
        ("a_goed.csv", 1),
        ("b_slecht.csv", 0),
    }


def test_an_extra_column_is_ignored_and_reported(tmp_path: Path) -> None:
    content = lines(row("B1") + ";extra").replace(b";Omschrijving", b";Omschrijving;Notitie")
    summary, _ = run_with(tmp_path, content)
    assert summary is not None
    bad = next(load for load in summary.loads if load.file_name == "b_slecht.csv")
    assert bad.rows_loaded == 1
    assert bad.notes == ["kolom(men) niet in het contract, genegeerd: Notitie"]


def test_a_comma_file_is_detected_but_a_wrong_override_is_refused(tmp_path: Path) -> None:
    comma = lines(row("B1")).replace(b";", b",")
    summary, _ = run_with(tmp_path / "detect", comma)
    assert summary is not None and summary.rows_loaded == 2

    override = '\n[sources.csv]\ndelimiter = ";"\n'
    summary, failure = run_with(tmp_path / "override", comma, toml_extra=override)
    assert summary is None
    assert "scheidingsteken" in failure


def test_mixed_encoding_quarantines_only_the_rows_that_do_not_decode(tmp_path: Path) -> None:
    good = lines(row("B1", "café"), row("B2", "XX"), row("B3", "één"))
    mixed = good.replace(b"XX", "caf\u00e9".encode("cp1252"))
    summary, _ = run_with(tmp_path, mixed)
    assert summary is not None
    assert [r[0] for r in quarantined(tmp_path)] == [3]
    assert "codering" in str(quarantined(tmp_path)[0][3])
    assert summary.rows_loaded == 3


def test_a_windows_1252_export_is_read_as_such(tmp_path: Path) -> None:
    cp1252 = ("\r\n".join([HEADER, row("B1", "één café €5")]) + "\r\n").encode("cp1252")
    summary, _ = run_with(tmp_path, cp1252)
    assert summary is not None and summary.rows_loaded == 2


def test_a_windows_1252_byte_after_the_sample_is_still_read(tmp_path: Path) -> None:
    """The sample (é only) reads as latin-1, which refuses the € further on: the file is
    then read again, transcoded, rather than refused."""
    rows = [row(f"B{i}", "café") for i in range(1, 20_000)] + [row("B20000", "€ 5")]
    cp1252 = ("\r\n".join([HEADER, *rows]) + "\r\n").encode("cp1252")
    summary, _ = run_with(tmp_path, cp1252)
    assert summary is not None
    assert (summary.rows_loaded, summary.rows_quarantined) == (20_001, 0)


def test_a_truncated_last_line_is_quarantined_and_the_rest_loads(tmp_path: Path) -> None:
    content = lines(row("B1"), row("B2")) + b"B3;04-11-2024 09:1"
    summary, _ = run_with(tmp_path, content)
    assert summary is not None
    assert [(r[0], r[1]) for r in quarantined(tmp_path)] == [(4, None)]
    assert summary.rows_loaded == 3


def test_an_impossible_date_is_quarantined_with_the_expected_format(tmp_path: Path) -> None:
    summary, _ = run_with(tmp_path, lines(row("B1", date="31-02-2024 10:00"), row("B2")))
    assert summary is not None
    assert quarantined(tmp_path) == [
        (2, "created_at", "31-02-2024 10:00", "geen geldige datum (verwacht dd-mm-jjjj uu:mm)")
    ]


def test_markup_and_formulas_are_stored_as_plain_text(tmp_path: Path) -> None:
    content = lines(row("=HYPERLINK(1)"), row("<script>alert(1)</script>"))
    summary, _ = run_with(tmp_path, content)
    assert summary is not None
    with connect(load_project(tmp_path)) as warehouse:
        ids = {r[0] for r in warehouse.query("SELECT melding_id FROM staging.meldingen").rows}
    assert {"=HYPERLINK(1)", "<script>alert(1)</script>"} <= ids


def test_an_empty_key_is_quarantined(tmp_path: Path) -> None:
    summary, _ = run_with(tmp_path, lines(row(""), row("B2")))
    assert summary is not None
    assert [(r[0], r[1], r[3]) for r in quarantined(tmp_path)] == [
        (2, "melding_id", "verplicht veld is leeg")
    ]
