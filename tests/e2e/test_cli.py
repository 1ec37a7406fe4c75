"""The koers command as a user runs it, in a temporary folder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.helpers import DATA
from tests.support.demo import koers


def test_init_then_run_loads_a_dropped_export(tmp_path: Path) -> None:
    assert koers("init", "gemeente", cwd=tmp_path).returncode == 0
    project = tmp_path / "gemeente"
    assert (project / "koers.toml").is_file()
    shutil.copyfile(
        DATA / "meldingen" / "GM0226_klein.csv",
        project / "bronnen" / "meldingen" / "GM0226" / "export.csv",
    )
    first = koers("run", cwd=project)
    assert first.returncode == 0, first.stderr
    assert "4 rijen, 4 apart gezet" in first.stdout.replace("\n", " ")
    check = koers("check", "--project", str(project), cwd=tmp_path)
    assert "geen geldige datum" in check.stdout
    second = koers("run", "--project", str(project), cwd=tmp_path)
    assert "0 bestand(en) geladen" in second.stdout and "ongewijzigd" in second.stdout


def test_run_while_the_warehouse_is_held_names_the_process_and_what_to_do(
    tmp_path: Path,
) -> None:
    """A DuckDB file has one writer: with 'koers serve' holding it, 'koers run' must say so in
    Dutch, with the process id, instead of passing on DuckDB's English lock message."""
    assert koers("init", "gemeente", cwd=tmp_path).returncode == 0
    project = tmp_path / "gemeente"
    assert koers("run", cwd=project).returncode == 0
    warehouse = next((project / "warehouse").glob("*.duckdb"))
    holder = subprocess.Popen(  # what 'koers serve' does: the file open read-only
        [sys.executable, "-c",
         f"import duckdb, sys, time; c = duckdb.connect({str(warehouse)!r}, read_only=True); "
         "print('open', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        result = koers("run", cwd=project)
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 2
    assert f"in gebruik door een ander proces (PID {holder.pid})" in result.stderr
    assert "meestal 'koers serve'" in result.stderr and "Conflicting lock" not in result.stderr
    assert koers("run", cwd=project).returncode == 0  # released: the next run works


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["opruimen"], "onbekend commando 'opruimen'"),
        (["run", "--snel"], "onbekende optie: --snel"),
        (["run"], "koers.toml: bestand niet gevonden"),
        (["serve", "--port", "abc"], "ongeldige waarde"),
    ],
)
def test_bad_usage_is_one_dutch_line_and_exit_2(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = koers(*args, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fout: ") and message in lines[0]
    assert "Traceback" not in result.stderr


def test_broken_project_file_names_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "koers.toml").write_text(
        '[project]\nname = "x"\n[[gemeenten]]\ncode = "GM1"\nnaam = "y"\n'
    )
    result = koers("run", cwd=tmp_path)
    assert result.returncode == 2
    assert f"{tmp_path / 'koers.toml'}: sleutel 'gemeenten[0].code'" in result.stderr


def test_unreachable_engine_path_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "bestand").write_text("geen map")
    (tmp_path / "koers.toml").write_text(
        '[project]\nname = "x"\n[[gemeenten]]\ncode = "GM0226"\nnaam = "Duiven"\n'
        '[engine]\npath = "bestand/koers.duckdb"\n'
    )
    result = koers("run", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("fout: ") and "bestand/koers.duckdb" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_postgres_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "koers.toml").write_text(
        '[project]\nname = "x"\n[[gemeenten]]\ncode = "GM0226"\nnaam = "Duiven"\n'
        '[engine]\ntype = "postgres"\nurl = "postgresql://koers@127.0.0.1:9/koers"\n'
    )
    result = koers("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "PostgreSQL op 127.0.0.1:9/koers niet bereikbaar" in result.stderr


def test_demo_loads_three_municipalities_through_the_drop_folders(demo_project: Path) -> None:
    toml = (demo_project / "koers.toml").read_text()
    for code in ("GM0226", "GM0293", "GM0299"):
        assert f'path = "bronnen/meldingen/{code}"' in toml
        assert list((demo_project / "bronnen" / "meldingen" / code).glob("*.csv"))
    truth = json.loads((demo_project / "grondwaarheid" / "meldingen.json").read_text())
    planted_bad = sum(len(rows) for rows in truth["malformed_rows"].values())
    check = koers("check", "--limit", "1000", cwd=demo_project)
    assert f"{planted_bad} apart gezette rij(en)" in check.stdout


def test_demo_is_deterministic_and_rerun_loads_nothing_new(
    demo_project: Path, tmp_path: Path
) -> None:
    from tests.e2e.conftest import DEMO_ARGS

    again = koers("demo", str(demo_project), "--no-serve", *DEMO_ARGS)
    assert again.returncode == 0, again.stderr
    assert "0 bestand(en) geladen" in again.stdout


def test_demo_loads_every_domain_and_sets_aside_only_the_planted_rows(
    demo_project: Path,
) -> None:
    import duckdb

    from koers.demo.project import DEMO_KEY_FILE, DEMO_PACKS
    from koers.packs.base import available_packs
    from koers.privacy.pseudonym import pseudonym

    packs = available_packs()
    contracts = [c for name in DEMO_PACKS for c in packs[name].contracts]
    for name in DEMO_PACKS:
        assert json.loads((demo_project / "grondwaarheid" / f"{name}.json").read_text())
    truth = json.loads((demo_project / "grondwaarheid" / "meldingen.json").read_text())
    planted_bad = sum(len(rows) for rows in truth["malformed_rows"].values())

    # A fake BSN as the reisdocumenten export delivers it, and the pseudonym it must become.
    export = sorted((demo_project / "bronnen" / "reisdocumenten" / "GM0226").glob("*.csv"))[-1]
    lines = export.read_text(encoding="windows-1252").splitlines()
    header = lines[0].split(";")
    bsn = lines[1].split(";")[header.index("BSN houder")]
    key = (demo_project / DEMO_KEY_FILE).read_text(encoding="utf-8").strip().encode()

    con = duckdb.connect(str(demo_project / "warehouse" / "koers.duckdb"), read_only=True)
    try:
        for contract in contracts:
            [(rows,)] = con.sql(f"SELECT count(*) FROM {contract.staging_table}").fetchall()
            assert rows > 0, contract.staging_table
        [(quarantined,)] = con.sql("SELECT count(*) FROM landing.quarantine").fetchall()
        [(outside,)] = con.sql(
            "SELECT count(*) FROM landing.quarantine WHERE source NOT LIKE 'meldingen_%'"
        ).fetchall()
        stored = {
            value
            for (value,) in con.sql(
                "SELECT DISTINCT houder_bsn FROM staging.reisdocumenten"
            ).fetchall()
        }
    finally:
        con.close()
    assert (quarantined, outside) == (planted_bad, 0)
    assert bsn not in stored
    assert pseudonym(bsn, key, "bsn") in stored


def test_demo_runs_only_the_chosen_packs_and_caps_a_scale_they_cannot_hold(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "demo"
    args = ["--no-serve", "--years", "1", "--until", "30-06-2025", "--seed", "3"]
    result = koers("demo", str(folder), *args, "--packs", "vth,weer", "--scale", "6")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "vth: gemaakt in" in result.stdout
    assert "(schaal begrensd op 5)" in result.stdout
    assert "weer: gemaakt in" in result.stdout
    assert "rijen/s" in result.stdout
    assert sorted(p.name for p in (folder / "grondwaarheid").iterdir()) == [
        "vth.json",
        "weer.json",
    ]
    assert 'enabled = ["vth", "weer"]' in (folder / "koers.toml").read_text()

    wrong = koers("demo", str(tmp_path / "other"), *args, "--packs", "vth,verkeer")
    assert wrong.returncode != 0
    assert "onbekende demopack(s): verkeer" in wrong.stderr + wrong.stdout
