"""koers.toml: every mistake names the file, the key and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from koers.config import find_project_dir, load_project
from koers.config.starter import starter_project
from koers.errors import ConfigError
from koers.packs import load_packs

MINIMAL = '[project]\nname = "X"\n[[gemeenten]]\ncode = "GM0226"\nnaam = "Duiven"\n'


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "koers.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_minimal_project_gets_duckdb_in_the_project_folder(tmp_path: Path) -> None:
    project = load_project(write(tmp_path, MINIMAL))
    assert project.engine.type == "duckdb"
    assert project.resolve(project.engine.path) == tmp_path / "warehouse" / "koers.duckdb"
    assert project.packs == ("meldingen",)


def test_starter_project_loads_and_names_its_packs(tmp_path: Path) -> None:
    project = load_project(write(tmp_path, starter_project("Liemers")))
    assert project.name == "Liemers"
    assert [s.name for s in project.sources] == ["meldingen_duiven"]
    load_packs(project.packs)


def test_missing_file_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"koers\.toml: bestand niet gevonden"):
        find_project_dir(tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[project\nname=", r"geen geldige TOML"),
        ('[[gemeenten]]\ncode = "GM0226"\nnaam = "D"\n', r"sleutel 'project': ontbreekt"),
        (
            MINIMAL + '[engine]\ntype = "mysql"\n',
            r"sleutel 'engine\.type': onbekende waarde 'mysql'",
        ),
        (MINIMAL + "[engine]\nsize = 3\n", r"sleutel 'engine\.size': onbekende sleutel"),
        (
            '[project]\nname = "X"\n[[gemeenten]]\ncode = "0226"\nnaam = "D"\n',
            r"sleutel 'gemeenten\[0\]\.code': '0226' is geen CBS-gemeentecode",
        ),
        (
            MINIMAL + '[engine]\ntype = "postgres"\nurl = "postgresql://u:geheim@h/db"\n',
            r"sleutel 'engine\.url': een wachtwoord hoort niet in koers\.toml",
        ),
        (MINIMAL + '[engine]\ntype = "postgres"\n', r"sleutel 'engine\.url': verplicht"),
        (
            MINIMAL
            + '[[sources]]\nname = "a"\ncontract = "meldingen"\ngemeente = "GM0999"\npath = "x"\n',
            r"sleutel 'sources\[0\]\.gemeente': 'GM0999' staat niet onder \[\[gemeenten\]\]",
        ),
    ],
)
def test_config_errors_name_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_project(tmp_path)
    assert str(tmp_path / "koers.toml") in caught.value.message


def test_unknown_pack_lists_the_available_ones(tmp_path: Path) -> None:
    project = load_project(write(tmp_path, MINIMAL + '[packs]\nenabled = ["vuilnis"]\n'))
    with pytest.raises(ConfigError, match=r"onbekende pack 'vuilnis' \(beschikbaar: .*meldingen"):
        load_packs(project.packs)


def test_password_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        MINIMAL
        + '[engine]\ntype = "postgres"\nurl = "postgresql://k@h/db"\npassword_env = "KOERS_T_PW"\n'
    )
    project = load_project(write(tmp_path, text))
    monkeypatch.delenv("KOERS_T_PW", raising=False)
    with pytest.raises(ConfigError, match="KOERS_T_PW, maar die is niet gezet"):
        project.engine.password()
    monkeypatch.setenv("KOERS_T_PW", "s3cret")
    assert project.engine.password() == "s3cret"


def test_disclosure_rule_comes_from_the_project(tmp_path: Path) -> None:
    project = load_project(
        write(tmp_path, MINIMAL + "\n[privacy.disclosure]\nthreshold = 20\nrounding = 10\n")
    )
    rule = project.privacy.disclosure.rule()
    assert (rule.threshold, rule.rounding, rule.show_zero) == (20, 10, False)


def test_disclosure_rule_that_cannot_hold_is_refused_in_dutch(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="kies een hogere drempel"):
        load_project(
            write(tmp_path, MINIMAL + "\n[privacy.disclosure]\nthreshold = 2\nrounding = 5\n")
        )
