"""The commented starter project that ``koers init`` writes, and the demo's project file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from koers.demo.project import DemoSource

STARTER = """\
# koers.toml: het projectbestand van een samenwerking van gemeenten.
# Elk koers-commando zoekt dit bestand in de huidige map (of in de map na --project).
# Geheimen (wachtwoorden, sleutels) staan hier nooit: noem de omgevingsvariabele die ze bevat.

[project]
name = "{name}"

# De deelnemende gemeenten, met hun CBS-code (GM + vier cijfers).
[[gemeenten]]
code = "GM0226"
naam = "Duiven"

# [[gemeenten]]
# code = "GM0293"
# naam = "Westervoort"

# Waar het warehouse staat. Standaard een DuckDB-bestand in deze map:
[engine]
type = "duckdb"
path = "warehouse/koers.duckdb"
# Een gedeelde PostgreSQL-server gebruiken? Dan zo (wachtwoord uit de omgeving):
# type = "postgres"
# url = "postgresql://koers@db.example.nl:5432/koers"
# password_env = "KOERS_DB_WACHTWOORD"

# Welke domeinpacks aan staan.
[packs]
enabled = ["meldingen"]

# De bronnen. Elke bron levert gegevens volgens een contract uit een pack of uit de map
# contracts/ van dit project. Soorten: "files" (een map waarin exports komen: CSV, TSV,
# XLSX, JSON, NDJSON of Parquet), "http" (een JSON-API), "sql" (een andere database) en
# "cbs" (een tabel van CBS open data). Nieuwe gegevens worden bij 'koers run' geladen.
[[sources]]
name = "meldingen_duiven"
contract = "meldingen"
gemeente = "GM0226"
type = "files"
path = "bronnen/meldingen/GM0226"
pattern = "*.csv"
# Scheidingsteken, aanhalingstekens, codering en decimaalteken worden per bestand herkend.
# Wijkt de herkenning af, zet ze dan vast:
# csv = {{ delimiter = ";", encoding = "windows-1252", decimal = ",", thousands = "." }}

# Een JSON-API, alleen wat sinds de vorige keer is gewijzigd (zie docs/ingestion.md):
# [[sources]]
# name = "meldingen_api"
# contract = "meldingen"
# type = "http"
# gemeente = "GM0226"
# [sources.http]
# url = "https://meldingen.example.nl/api/meldingen"
# records = "results"
# pagination = "next_link"
# token_env = "KOERS_MELDINGEN_TOKEN"
# watermark_param = "gewijzigd_na"
# watermark_field = "gewijzigd_op"

# Pseudonimiseren: de sleutel staat in een omgevingsvariabele, nooit in dit bestand.
# Ruwe leveringen met persoonsgegevens blijven zoveel dagen in landing/.
[privacy]
pseudonym_key_env = "KOERS_PSEUDONIEM_SLEUTEL"
landing_retention_days = 30

[web]
host = "127.0.0.1"
port = 8000
"""


def starter_project(name: str) -> str:
    return STARTER.format(name=name.replace('"', "'"))


def demo_project(
    gemeenten: Sequence[tuple[str, str]],
    packs: Sequence[str],
    sources: Sequence[DemoSource],
    port: int = 8000,
) -> str:
    """The demo's koers.toml: every demo gemeente, and a source per drop folder the demo wrote."""
    lines = [
        "# Demoproject van Koers: fictieve gegevens voor echte gemeenten, gemaakt door 'koers demo'.",
        "",
        "[project]",
        'name = "Demo Liemers (Duiven, Westervoort, Zevenaar)"',
        "",
    ]
    for code, naam in gemeenten:
        lines += ["[[gemeenten]]", f'code = "{code}"', f'naam = "{naam}"', ""]
    lines += [
        "[engine]",
        'type = "duckdb"',
        'path = "warehouse/koers.duckdb"',
        "",
        "[packs]",
        "enabled = [" + ", ".join(f'"{p}"' for p in packs) + "]",
        "",
    ]
    for source in sources:
        lines += [
            "[[sources]]",
            f'name = "{source.name}"',
            f'contract = "{source.contract}"',
            *([f'gemeente = "{source.gemeente}"'] if source.gemeente else []),
            'type = "files"',
            f'path = "{source.path}"',
            "",
        ]
    lines += ["[web]", 'host = "127.0.0.1"', f"port = {port}", ""]
    return "\n".join(lines)
