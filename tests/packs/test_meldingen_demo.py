"""The meldingen demo generator writes realistic, reproducible Fixi/Signalen-style exports."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
import tracemalloc
from collections import Counter
from pathlib import Path

import pytest

from koers.demo.geography import DEMO_GEMEENTEN
from koers.demo.weather import load_weather
from koers.packs.meldingen import demo as demo_module
from koers.packs.meldingen.demo import (
    HEADER,
    MeldingenGroundTruth,
    generate_meldingen,
    write_ground_truth,
)

START, END = dt.date(2022, 1, 1), dt.date(2022, 12, 31)
SEED = 20260
# Storm Eunice: the KNMI file has a 33 m/s gust at Herwijnen on Friday 18 Feb 2022.
STORM_DAY = dt.date(2022, 2, 18)
HEADER_LINE = (
    "Meldingnummer;Datum melding;Datum afgehandeld;Hoofdcategorie;Subcategorie;Wijkcode;Wijk;"
    "Status;Omschrijving"
)
TIMESTAMP = re.compile(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}")
GROEN = "Openbaar groen en water"

Row = dict[str, str]
#: Rows per chunk in these tests: small, so every file is written in several chunks and the
#: boundaries between them are checked by every test (the real size is ~131,000).
SMALL_CHUNK_ROWS = 1000


def _generate(out: Path, **kwargs: object) -> MeldingenGroundTruth:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_module, "CHUNK_ROWS", SMALL_CHUNK_ROWS)
        return generate_meldingen(out, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, MeldingenGroundTruth]:
    out = tmp_path_factory.mktemp("meldingen")
    return out, _generate(out, seed=SEED, start=START, end=END)


def _files(out: Path) -> list[Path]:
    return sorted(out.glob("GM*/meldingen_*.csv"))


@functools.cache
def _read(path: Path) -> list[Row]:
    """The rows of one export; cached, as the module's files do not change (do not mutate)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _created(row: Row) -> dt.datetime | None:
    """The report time, or None when a planted bad row cannot be read."""
    try:
        created = dt.datetime.strptime(row["Datum melding"], "%d-%m-%Y %H:%M")
    except ValueError:
        return None
    return created if row["Hoofdcategorie"] else None


def _good_rows(out: Path) -> list[tuple[dt.datetime, Row]]:
    rows = (row for path in _files(out) for row in _read(path))
    return [(created, row) for row in rows if (created := _created(row)) is not None]


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(
    demo: tuple[Path, MeldingenGroundTruth], tmp_path: Path
) -> None:
    out, _ = demo
    _generate(tmp_path / "same", seed=SEED, start=START, end=END)
    _generate(tmp_path / "other", seed=SEED + 1, start=START, end=END)
    for path in _files(out):
        relative = path.relative_to(out)
        assert (tmp_path / "same" / relative).read_bytes() == path.read_bytes()
        assert (tmp_path / "other" / relative).read_bytes() != path.read_bytes()


def test_files_use_the_excel_dialect_of_a_dutch_export(
    demo: tuple[Path, MeldingenGroundTruth],
) -> None:
    out, truth = demo
    expected = {f"{g.code}/meldingen_{g.code}_2022.csv" for g in DEMO_GEMEENTEN}
    assert {str(p.relative_to(out)) for p in _files(out)} == expected
    assert ";".join(HEADER) == HEADER_LINE
    embedded_newlines = 0
    for path in _files(out):
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf" + HEADER_LINE.encode() + b"\r\n")
        rows = _read(path)
        # Every record ends in CRLF; a line break inside a quoted text is a bare LF.
        assert raw.count(b"\r\n") == len(rows) + 1
        assert b"\r" not in raw.replace(b"\r\n", b"")
        embedded_newlines += raw.count(b"\n") - raw.count(b"\r\n")
        for row in rows:
            assert None not in row  # no row has more fields than the header
            if _created(row) is not None:
                assert TIMESTAMP.fullmatch(row["Datum melding"])
            if row["Datum afgehandeld"]:
                assert TIMESTAMP.fullmatch(row["Datum afgehandeld"])
    assert embedded_newlines > 0
    texts = [row["Omschrijving"] for path in _files(out) for row in _read(path)]
    assert any(";" in text for text in texts)
    assert any('"' in text for text in texts)
    assert truth.total_rows == sum(len(_read(path)) for path in _files(out))


def test_lines_are_byte_for_byte_what_csv_writer_writes(
    demo: tuple[Path, MeldingenGroundTruth],
) -> None:
    """The generator writes lines itself for speed; Python's csv module must agree."""
    out, _ = demo
    for path in _files(out):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            records = list(csv.reader(handle, delimiter=";"))
        again = io.StringIO(newline="")
        csv.writer(again, delimiter=";", lineterminator="\r\n").writerows(records)
        assert ("\ufeff" + again.getvalue()).encode("utf-8") == path.read_bytes()


def test_rows_are_in_report_order_and_numbers_run_on_over_chunks(
    demo: tuple[Path, MeldingenGroundTruth],
) -> None:
    out, _ = demo
    for path in _files(out):
        rows = _read(path)
        assert len(rows) > 3 * SMALL_CHUNK_ROWS  # at least four chunks per file
        code = path.parent.name.removeprefix("GM")
        assert [row["Meldingnummer"] for row in rows] == [
            f"M{code}-{i:06d}" for i in range(1, len(rows) + 1)
        ]
        created = [c for row in rows if (c := _created(row)) is not None]
        assert created == sorted(created)


def test_meldingnummers_are_unique_and_nothing_closes_after_the_end(
    demo: tuple[Path, MeldingenGroundTruth],
) -> None:
    out, _ = demo
    rows = _good_rows(out)
    numbers = [row["Meldingnummer"] for _, row in rows]
    assert len(set(numbers)) == len(numbers)
    closed = [
        dt.datetime.strptime(row["Datum afgehandeld"], "%d-%m-%Y %H:%M")
        for _, row in rows
        if row["Datum afgehandeld"]
    ]
    assert max(closed).date() <= END
    last_week = [row for created, row in rows if created.date() > END - dt.timedelta(days=7)]
    open_statuses = {"Gemeld", "In behandeling"}
    assert sum(row["Status"] in open_statuses for row in last_week) > len(last_week) / 3
    statuses = Counter(row["Status"] for _, row in rows)
    assert 0.01 < statuses["Geannuleerd"] / len(rows) < 0.03


def test_monday_is_busier_than_sunday(demo: tuple[Path, MeldingenGroundTruth]) -> None:
    out, _ = demo
    per_weekday = Counter(created.weekday() for created, _ in _good_rows(out))
    assert per_weekday[0] > 1.3 * per_weekday[6]
    assert per_weekday[0] == max(per_weekday.values())


def test_leaf_fall_lifts_the_groen_share_in_autumn(
    demo: tuple[Path, MeldingenGroundTruth],
) -> None:
    out, _ = demo

    def groen_share(months: set[int]) -> float:
        rows = [row for created, row in _good_rows(out) if created.month in months]
        return sum(row["Hoofdcategorie"] == GROEN for row in rows) / len(rows)

    # November, the height of leaf fall, against the growing season's mowing and weeding
    # (planned: 30% against 21%).
    assert groen_share({11}) > groen_share({4, 5, 6}) + 0.04


def test_a_real_storm_day_multiplies_fallen_tree_reports(
    demo: tuple[Path, MeldingenGroundTruth],
) -> None:
    out, truth = demo
    weather = load_weather()
    gust = weather[STORM_DAY].windstoot_max_ms
    assert gust is not None and gust >= 20.0
    stormy = {
        day
        for day, w in weather.items()
        if w.windstoot_max_ms is not None and w.windstoot_max_ms >= 20.0
    }
    near_storm = {day + dt.timedelta(days=lag) for day in stormy for lag in range(3)}
    boom = Counter(
        created.date() for created, row in _good_rows(out) if row["Subcategorie"] == "Boom"
    )
    calm_same_weekday = [
        boom[day]
        for day in (START + dt.timedelta(days=i) for i in range(365))
        if day.weekday() == STORM_DAY.weekday() and day not in near_storm
    ]
    typical = sum(calm_same_weekday) / len(calm_same_weekday)
    assert boom[STORM_DAY] > 5 * typical
    planted = [p for p in truth.peaks if p.date == STORM_DAY and p.cause == "storm"]
    assert {p.gemeente_code for p in planted} == {g.code for g in DEMO_GEMEENTEN}
    assert all(p.category == "Boom" and p.expected_extra > 0 for p in planted)
    # Where the storm struck: the recorded wijken hold the planted rows, and each wijk's
    # tree reports on the day are at least what was planted there.
    per_wijk = Counter(
        row["Wijkcode"]
        for created, row in _good_rows(out)
        if row["Subcategorie"] == "Boom" and created.date() == STORM_DAY
    )
    for peak in planted:
        wijken = {w.code for g in DEMO_GEMEENTEN if g.code == peak.gemeente_code for w in g.wijken}
        assert set(peak.wijken) <= wijken
        assert sum(peak.wijken.values()) == peak.planted
        for code, count in peak.wijken.items():
            assert per_wijk[code] >= count - 2  # a planted row may have been made malformed


def test_every_peak_records_its_rows_per_wijk(demo: tuple[Path, MeldingenGroundTruth]) -> None:
    _, truth = demo
    assert truth.peaks
    for peak in truth.peaks:
        assert sum(peak.wijken.values()) == peak.planted
        assert all(code.startswith("WK" + peak.gemeente_code[2:]) for code in peak.wijken)


def test_ground_truth_points_at_the_rows_that_fail_to_parse(
    demo: tuple[Path, MeldingenGroundTruth], tmp_path: Path
) -> None:
    out, truth = demo
    for path in _files(out):
        rows = _read(path)
        failing = [number for number, row in enumerate(rows, 1) if _created(row) is None]
        assert truth.malformed_rows[path.name] == failing
        assert len(rows) < 500 or failing
    well_formed = sum(truth.per_gemeente.values())
    assert well_formed + sum(map(len, truth.malformed_rows.values())) == truth.total_rows
    write_ground_truth(truth, tmp_path / "truth.json")
    assert '"date": "2022-02-18"' in (tmp_path / "truth.json").read_text(encoding="utf-8")


def test_personal_data_in_free_text_is_recorded(demo: tuple[Path, MeldingenGroundTruth]) -> None:
    out, truth = demo
    pattern = re.compile(r"@example\.nl|06-\d{8}|\b\d{4} [A-Z]{2} \d+\b")
    for path in _files(out):
        rows = _read(path)
        found = [i for i, row in enumerate(rows, 1) if pattern.search(row["Omschrijving"])]
        assert found == truth.pii_rows[path.name]
        assert 0.015 < len(found) / len(rows) < 0.05


def test_volume_follows_about_2000_per_10000_inhabitants(
    demo: tuple[Path, MeldingenGroundTruth],
) -> None:
    """Top of the sourced 1,000-2,000 (Fixi 2021: ~1,900), peaks included."""
    _, truth = demo
    inhabitants = sum(g.inwoners for g in DEMO_GEMEENTEN)
    expected = inhabitants * 0.20 * 1  # one year
    assert abs(truth.total_rows - expected) < 0.08 * expected
    for gemeente in DEMO_GEMEENTEN:
        share = truth.per_gemeente[gemeente.code] / truth.total_rows
        assert share == pytest.approx(gemeente.inwoners / inhabitants, rel=0.1)


def test_days_after_the_weather_file_get_no_weather_peaks(tmp_path: Path) -> None:
    last_weather_day = max(load_weather())
    start = last_weather_day + dt.timedelta(days=1)
    truth = _generate(tmp_path, seed=1, start=start, end=dt.date(start.year, 12, 31), scale=0.2)
    causes = {p.cause for p in truth.peaks}
    assert causes <= {"oud_en_nieuw", "bladval"}
    assert {"oud_en_nieuw", "bladval"} <= causes


# How the texts of planted rows start; the baseline never writes them.
NEW_YEAR_TEXTS = ("Knallen de hele nacht", "Vuurwerk afgestoken naar", "Vuurwerkafval op straat")
LEAF_TEXTS = ("Veel blad op de stoep", "Bladkorf aan de", "Goot verstopt door bladeren")


def _planted_text_rows(out: Path, starts: tuple[str, ...]) -> list[dt.date]:
    """Report dates of rows whose text only a planted peak writes (malformed rows included)."""
    found = []
    for path in _files(out):
        for row in _read(path):
            if row["Omschrijving"].startswith(starts):
                created = _created(row)
                found.append(created.date() if created else dt.date.min)
    return found


def test_new_year_fireworks_are_in_the_files_and_recorded_with_their_cause(
    demo: tuple[Path, MeldingenGroundTruth],
) -> None:
    out, truth = demo
    planted = [p for p in truth.peaks if p.cause == "oud_en_nieuw"]
    new_year = {dt.date(2022, 1, 1), *(dt.date(2022, 12, d) for d in (28, 29, 30, 31))}
    assert {p.date for p in planted} == new_year
    for gemeente in DEMO_GEMEENTEN:
        jan_1 = {p.category for p in planted if p.gemeente_code == gemeente.code}
        assert {"Vuurwerkoverlast", "Overlast door afsteken vuurwerk", "Veeg-/zwerfvuil"} <= jan_1
    fireworks = Counter(
        created.date()
        for created, row in _good_rows(out)
        if row["Subcategorie"] in ("Vuurwerkoverlast", "Overlast door afsteken vuurwerk")
    )
    summer = [fireworks[dt.date(2022, 7, 1) + dt.timedelta(days=i)] for i in range(62)]
    assert fireworks[dt.date(2022, 12, 31)] > 10 * max(1.0, sum(summer) / len(summer))
    # Rows carrying a New Year text are exactly the planted ones (1% lose their text).
    texts = _planted_text_rows(out, NEW_YEAR_TEXTS)
    total = sum(p.planted for p in planted)
    assert 0.95 * total - 2 <= len(texts) <= total
    assert {day for day in texts if day != dt.date.min} <= new_year


def test_leaf_fall_is_in_the_files_and_recorded_as_a_season_with_its_cause(
    demo: tuple[Path, MeldingenGroundTruth],
) -> None:
    out, truth = demo
    planted = [p for p in truth.peaks if p.cause == "bladval"]
    seasons = {(p.date, p.days) for p in planted}
    # Mid-October to mid-January (Westervoort), clipped to the generated year.
    assert seasons == {(dt.date(2022, 1, 1), 15), (dt.date(2022, 10, 15), 78)}
    assert {p.gemeente_code for p in planted} == {g.code for g in DEMO_GEMEENTEN}
    assert all(p.category == "Overig" and p.hoofdcategorie == GROEN for p in planted)
    texts = _planted_text_rows(out, LEAF_TEXTS)
    total = sum(p.planted for p in planted)
    assert 0.95 * total - 2 <= len(texts) <= total
    dated = [day for day in texts if day != dt.date.min]
    assert all(day <= dt.date(2022, 1, 15) or day >= dt.date(2022, 10, 15) for day in dated)
    by_month = Counter(day.month for day in dated)
    assert by_month[11] > by_month[10] and by_month[11] > by_month[12]


def test_a_period_over_several_years_is_one_numbered_series_with_seasons_across_new_year(
    tmp_path: Path,
) -> None:
    start, end = dt.date(2021, 10, 1), dt.date(2023, 1, 31)
    truth = _generate(tmp_path, seed=SEED, start=start, end=end, scale=0.3)
    for gemeente in DEMO_GEMEENTEN:
        files = sorted((tmp_path / gemeente.code).glob("*.csv"))
        assert [p.name for p in files] == [
            f"meldingen_{gemeente.code}_{year}.csv" for year in (2021, 2022, 2023)
        ]
        rows = [row for path in files for row in _read(path)]
        number = gemeente.code.removeprefix("GM")
        assert [row["Meldingnummer"] for row in rows] == [
            f"M{number}-{i:06d}" for i in range(1, len(rows) + 1)
        ]
        for path in files:
            year = int(path.stem[-4:])
            dated = [c for row in _read(path) if (c := _created(row)) is not None]
            assert {c.year for c in dated} == {year}
            failing = [i for i, row in enumerate(_read(path), 1) if _created(row) is None]
            assert truth.malformed_rows[path.name] == failing
        well_formed = sum(_created(row) is not None for row in rows)
        assert truth.per_gemeente[gemeente.code] == well_formed
    # A leaf-fall season that runs over New Year is one entry, from 15 October to 15 January.
    leaves = [p for p in truth.peaks if p.cause == "bladval"]
    assert {(p.date, p.days) for p in leaves} == {
        (dt.date(2021, 10, 15), 93),
        (dt.date(2022, 10, 15), 93),
    }
    texts = _planted_text_rows(tmp_path, LEAF_TEXTS)
    total = sum(p.planted for p in leaves)
    assert 0.95 * total - 2 <= len(texts) <= total


def test_memory_does_not_grow_with_scale(tmp_path: Path) -> None:
    """Rows are written chunk by chunk: eight times the rows, about the same peak memory."""
    westervoort = [g for g in DEMO_GEMEENTEN if g.code == "GM0293"]

    def peak_bytes(scale: float) -> tuple[int, int]:
        tracemalloc.start()
        try:
            truth = _generate(
                tmp_path / str(scale),
                seed=SEED,
                start=START,
                end=END,
                scale=scale,
                gemeenten=westervoort,
            )
            return truth.total_rows, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    peak_bytes(0.1)  # tables made once per process are not part of the comparison
    small_rows, small_peak = peak_bytes(2)
    large_rows, large_peak = peak_bytes(16)
    assert large_rows > 7 * small_rows > 40 * SMALL_CHUNK_ROWS
    assert large_peak < 1.25 * small_peak
