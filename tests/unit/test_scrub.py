"""Scrubbing free text: identifiers become markers, the rest stays, Python and SQL agree."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koers.engine.base import Processor
from koers.engine.duckdb_engine import new_processor
from koers.privacy.scrub import SCRUB_RULES, scrub, scrub_sql

# Pieces that come close to an identifier; hypothesis glues them between arbitrary text.
_FRAGMENTS = st.sampled_from(
    [
        " ",
        ",",
        ".",
        "-",
        "(",
        ")",
        "+",
        "@",
        "'",
        "\\1",
        "é",
        "\x00",
        "0",
        "06",
        "12",
        "12345678",
        "123456782",
        "+31",
        "0031",
        "(0)",
        "6921",
        "AB",
        "ab",
        "jan@",
        "example.nl",
    ]
)
TEXTS = st.lists(st.one_of(st.text(max_size=6), _FRAGMENTS), max_size=10).map("".join)


@pytest.fixture(scope="module")
def processor() -> Iterator[Processor]:
    yield new_processor()


def scrub_in_sql(processor: Processor, text: str | None) -> str | None:
    result = processor.query(
        f"SELECT {scrub_sql('v')} FROM (SELECT CAST(? AS VARCHAR) AS v)", [text]
    ).scalar()
    assert result is None or isinstance(result, str)
    return result


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("Mail jan.jansen@example.nl graag.", "Mail [e-mail] graag."),
        ("Van: J.de-Vries+melding@gemeente-duiven.nl", "Van: [e-mail]"),
        ("Bel 06-12345678.", "Bel [telefoon]."),
        ("Bel 06 1234 5678 of 06 12 34 56 78", "Bel [telefoon] of [telefoon]"),
        ("mobiel +31 6 12345678", "mobiel [telefoon]"),
        ("mobiel 0031 6 12345678", "mobiel [telefoon]"),
        ("mobiel +31 (0)6-12345678", "mobiel [telefoon]"),
        ("vast 026-3123456, 0263123456", "vast [telefoon], [telefoon]"),
        ("vast (026) 312 34 56!", "vast [telefoon]!"),
        ("tel:0612345678", "tel:[telefoon]"),
        ("Londen +44 20 7946 0958", "Londen [telefoon]"),
        ("BSN 123456782", "BSN [bsn]"),
        ("bsn 12345678 (voorloopnul kwijt)", "bsn [bsn] (voorloopnul kwijt)"),
        ("bsn 123.456.782 of 1234.56.782", "bsn [bsn] of [bsn]"),
        ("Woont op 6921 AB 12.", "Woont op [adres]."),
        ("6921AB 12a", "[adres]"),
        ("6921ab, 12-3", "[adres]"),
        ("Dorpsstraat 12, 6921 AB Duiven", "Dorpsstraat [adres] Duiven"),
        ("6921 AB 0612345678", "6921 AB [telefoon]"),
    ],
)
def test_each_kind_of_identifier_is_replaced(
    processor: Processor, text: str, scrubbed: str
) -> None:
    assert scrub(text) == scrubbed
    assert scrub_in_sql(processor, text) == scrubbed


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Lantaarnpaal kapot sinds 2024 en 2025, al 3 keer gemeld.",
        "Het kost € 1.234,56 en de melding is van 12-03-2024 om 14.30 uur.",
        "Café 't Hoekje, nummer 12, heeft 100 stoelen.",
        "Zaaknummer Z-2024-00123",
        "NL91ABNA0417164300",
    ],
)
def test_text_without_identifiers_is_unchanged(processor: Processor, text: str) -> None:
    assert scrub(text) == text
    assert scrub_in_sql(processor, text) == text


def test_null_stays_null(processor: Processor) -> None:
    assert scrub_in_sql(processor, None) is None


@given(text=TEXTS)
def test_scrub_is_the_same_in_python_and_sql(processor: Processor, text: str) -> None:
    assert scrub_in_sql(processor, text) == scrub(text)


@given(text=st.text(alphabet=st.characters(exclude_characters="0123456789@")))
def test_text_without_digits_or_at_signs_is_unchanged(text: str) -> None:
    assert scrub(text) == text


@given(text=TEXTS)
def test_scrubbing_twice_changes_nothing_more(text: str) -> None:
    assert scrub(scrub(text)) == scrub(text)


def test_patterns_stay_in_the_subset_python_and_re2_share() -> None:
    for pattern, _ in SCRUB_RULES:
        assert not re.search(r"\(\?[=!<]|\\[dswDSW]|[$^]", pattern), pattern
