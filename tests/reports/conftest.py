"""One demo for both council-report modules, made the way a user makes it: through the CLI.

The meldingen and the sociaal-domein report read different packs of the same project; one
demo with both sets of packs saves generating and loading the shared ones (bevolking) twice.
The year 2025 is complete, so 2025-Q3 can be compared with the same quarter a year earlier.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.demo import make_demo

REPORT_DEMO_ARGS = [
    "--packs", "meldingen,weer,bevolking,sociaal_domein,financien",
    "--years", "2", "--seed", "7", "--until", "31-12-2025",
]  # fmt: skip


@pytest.fixture(scope="session")
def report_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo(tmp_path_factory.mktemp("rapporten") / "demo", REPORT_DEMO_ARGS)
