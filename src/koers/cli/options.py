"""Options shared by the ``koers`` sub-commands, defined once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ProjectOption = Annotated[
    Path | None,
    typer.Option("--project", "-p", help="Projectmap met koers.toml (standaard: huidige map)."),
]
