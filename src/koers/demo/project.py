"""Writing the demo project: ``koers.toml`` plus each pack's generated exports.

The demo goes through the normal ingestion: it only writes files into drop folders and
declares those folders as sources in its ``koers.toml``, exactly as a municipality would.

A pack's demo generator is called with the project's ``bronnen/`` folder and writes each
contract's deliveries to ``bronnen/<contract>/<GMcode>/`` (one source per gemeente) or, for
data that belongs to no single gemeente such as the regional weather, to
``bronnen/<contract>/`` (one source without gemeente). The sources are read back from the
folders, so a generator never has to repeat what it wrote.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, is_dataclass
from datetime import date
from pathlib import Path

from koers.config import PROJECT_FILE
from koers.config.starter import demo_project
from koers.demo.geography import DEMO_GEMEENTEN
from koers.errors import ConfigError
from koers.formatting import number
from koers.packs.base import available_packs

#: The packs the demo enables, in the order their generators run.
DEMO_PACKS = (
    "meldingen",
    "weer",
    "reisdocumenten",
    "sociaal_domein",
    "inhuur",
    "projecten",
    "vth",
    "financien",
    "bevolking",
)
_GEMEENTE_FOLDER = re.compile(r"GM\d{4}")
#: Where the demo keeps its own pseudonymisation key (never a real project's practice).
DEMO_KEY_FILE = "demo-pseudoniemsleutel.txt"


@dataclass(frozen=True)
class DemoSource:
    """One drop folder the demo wrote, as it goes into ``koers.toml``."""

    name: str
    contract: str
    path: str  # relative to the project folder, with forward slashes
    gemeente: str | None


def demo_sources(directory: Path, contracts: dict[str, str]) -> list[DemoSource]:
    """The sources for the folders under ``bronnen/``; ``contracts`` maps contract to pack."""
    gemeente_names = {g.code: g.naam.lower() for g in DEMO_GEMEENTEN}
    sources = []
    bronnen = directory / "bronnen"
    for folder in sorted(p for p in bronnen.iterdir() if p.is_dir()):
        contract = folder.name
        if contract not in contracts:
            raise ConfigError(f"demo: map {folder} hoort bij geen contract van de demopacks")
        per_gemeente = sorted(
            p for p in folder.iterdir() if p.is_dir() and _GEMEENTE_FOLDER.fullmatch(p.name)
        )
        for sub in per_gemeente:
            sources.append(
                DemoSource(
                    name=f"{contract}_{gemeente_names.get(sub.name, sub.name.lower())}",
                    contract=contract,
                    path=f"bronnen/{contract}/{sub.name}",
                    gemeente=sub.name,
                )
            )
        if not per_gemeente:
            sources.append(DemoSource(contract, contract, f"bronnen/{contract}", None))
    return sources


def write_demo_project(
    directory: Path,
    *,
    seed: int,
    scale: float,
    years: int,
    end: date,
    port: int = 8000,
    packs: tuple[str, ...] = DEMO_PACKS,
    report: Callable[[str], None] | None = None,
) -> dict[str, object]:
    """Write (or rewrite, identically for the same arguments) the demo project.

    ``report`` receives one Dutch line per pack (time taken, a capped scale), for the CLI.
    """
    unknown = [name for name in packs if name not in DEMO_PACKS]
    if unknown:
        raise ConfigError(
            f"onbekende demopack(s): {', '.join(unknown)} (kies uit {', '.join(DEMO_PACKS)})"
        )
    directory.mkdir(parents=True, exist_ok=True)
    start = date(end.year - years, end.month, min(end.day, 28))
    truths: dict[str, object] = {}
    available = available_packs()
    contracts: dict[str, str] = {}
    bronnen = directory / "bronnen"
    bronnen.mkdir(exist_ok=True)
    for name in packs:
        pack = available[name]
        contracts.update({contract.name: name for contract in pack.contracts})
        if pack.demo is None:
            continue
        pack_scale = scale
        if pack.demo_max_scale is not None and scale > pack.demo_max_scale:
            pack_scale = pack.demo_max_scale
        started = time.perf_counter()
        truth = pack.demo(bronnen, seed=seed, start=start, end=end, scale=pack_scale)
        if report is not None:
            seconds = time.perf_counter() - started
            capped = f" (schaal begrensd op {number(pack_scale)})" if pack_scale != scale else ""
            rows = truth.get("total_rows") if isinstance(truth, dict) else None
            if rows is None and is_dataclass(truth):
                rows = getattr(truth, "total_rows", None)
            speed = (
                f", {number(rows)} rijen ({number(rows / max(seconds, 1e-9))} rijen/s)"
                if isinstance(rows, int)
                else ""
            )
            report(f"  {name}: gemaakt in {number(seconds, 1)} s{speed}{capped}")
        truths[name] = (
            asdict(truth) if is_dataclass(truth) and not isinstance(truth, type) else truth
        )
        # The planted patterns, beside (not inside) the drop folders, for tests and analysts.
        folder = directory / "grondwaarheid"
        folder.mkdir(exist_ok=True)
        (folder / f"{name}.json").write_text(
            json.dumps(truths[name], default=str, indent=1, sort_keys=True, ensure_ascii=False),
            encoding="utf-8",
        )
    gemeenten = [(g.code, g.naam) for g in DEMO_GEMEENTEN]
    (directory / PROJECT_FILE).write_text(
        demo_project(gemeenten, packs, demo_sources(directory, contracts), port=port),
        encoding="utf-8",
    )
    return truths


def use_demo_pseudonym_key(directory: Path, env_name: str) -> Path | None:
    """Make sure ``env_name`` holds a pseudonymisation key for this demo project.

    A real collaboration keeps its key in a vault and passes it through the environment. The
    demo holds only invented people, so when the variable is not set it uses a random key
    kept beside the demo (created once, then reused so that a rerun gives the same
    pseudonyms). Returns the key file when it was used, so the caller can say so.
    """
    if os.environ.get(env_name):
        return None
    path = directory / DEMO_KEY_FILE
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48) + "\n", encoding="utf-8")
        path.chmod(0o600)
    os.environ[env_name] = path.read_text(encoding="utf-8").strip()
    return path
