"""Model order comes from the SQL itself; mistakes name the file."""

from __future__ import annotations

import pytest

from koers.errors import PackError
from koers.packs import load_packs
from koers.transform.graph import build_graph, referenced_tables


def test_references_skip_ctes_and_keep_layer_tables() -> None:
    sql = "WITH a AS (SELECT * FROM staging.x) SELECT * FROM a JOIN core.y ON true"
    assert referenced_tables(sql, "t") == {"staging.x", "core.y"}


def test_unqualified_table_is_refused_with_origin() -> None:
    with pytest.raises(PackError, match=r"models/x\.sql: tabel 'meldingen' zonder laag"):
        referenced_tables("SELECT * FROM meldingen", "models/x.sql")


def test_meldingen_models_build_after_what_they_read() -> None:
    order = [n.table for n in build_graph(load_packs(["meldingen"])).order()]
    assert order.index("core.calendar") < order.index("core.meldingen")
    assert order.index("core.meldingen_normen") < order.index("core.meldingen")
    assert order.index("core.meldingen") < order.index("marts.meldingen_dag")
    assert order.index("core.meldingen") < order.index("marts.meldingen_afgehandeld")
