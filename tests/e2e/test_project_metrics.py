"""A BI specialist's own KPI in the project's ``metrics.toml``, split by a pack's dimension.

The dimension ``category`` is declared by the meldingen pack, the metric by the project: the
two files only meet once every pack is loaded, which is where the check belongs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.helpers import DATA, pipeline_run, write_project

from koers.config import load_project
from koers.errors import PackError
from koers.packs import load_packs
from koers.web.app import create_app

DUIVEN = "GM0226"

OWN_KPI = """
[[metrics]]
id = "eigen_meldingen"
title = "Meldingen (eigen indicator)"
description = "De meldingen van de pack, als eigen indicator van het team, per categorie."
unit = "aantal"
mart = "marts.meldingen_dag"
date_column = "report_date"
formula = "sum(received_count)"
dimensions = ["gemeente", "category"]
privacy = "openbaar"
disclosure = "geen"
owner = "Team BI"
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_project(tmp_path_factory.mktemp("eigen_kpi"))
    shutil.copyfile(
        DATA / "meldingen" / "GM0226_klein.csv", folder / "bronnen" / "meldingen" / DUIVEN / "a.csv"
    )
    (folder / "metrics.toml").write_text(OWN_KPI, encoding="utf-8")
    with pipeline_run(folder) as (summary, _):
        assert summary.rows_loaded > 0
    return folder


def test_an_own_metric_can_be_split_by_a_dimension_of_a_pack(project: Path) -> None:
    with TestClient(create_app(project)) as client:
        params = {"gemeente": DUIVEN, "by": "year,category"}
        own = client.get("/api/metrics/eigen_meldingen/data", params=params)
        pack = client.get("/api/metrics/meldingen_ontvangen/data", params=params)
    assert own.status_code == 200, own.text
    rows = own.json()["rows"]
    assert len({r["category"] for r in rows}) > 1
    assert [(r["category"], r["value"]) for r in rows] == [
        (r["category"], r["value"]) for r in pack.json()["rows"]
    ]


def test_a_dimension_no_pack_declares_is_refused_naming_the_file(tmp_path: Path) -> None:
    folder = write_project(tmp_path)
    (folder / "metrics.toml").write_text(
        OWN_KPI.replace('"category"]', '"postcode"]'), encoding="utf-8"
    )
    project = load_project(folder)
    with pytest.raises(PackError) as caught:
        load_packs(project.packs, project.dir)
    message = str(caught.value)
    assert str(folder / "metrics.toml") in message
    assert "eigen_meldingen" in message and "onbekende dimensie(s) ['postcode']" in message
