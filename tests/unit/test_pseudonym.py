"""Pseudonyms, normalisation and the BSN 11-proef: Python and DuckDB SQL give the same answer."""

from __future__ import annotations

import hashlib
import hmac
import random
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koers.engine.base import Processor
from koers.engine.duckdb_engine import new_processor
from koers.errors import ConfigError
from koers.privacy.pseudonym import (
    KINDS,
    bsn_valid,
    bsn_valid_sql,
    fake_bsn,
    load_key,
    normalise,
    normalise_sql,
    pseudonym,
    pseudonym_sql,
)

KEY = b"een-geheime-sleutel-van-minstens-32-tekens"

# Pieces that hit the edges of the rules; hypothesis glues them between arbitrary text.
_FRAGMENTS = st.sampled_from(
    [
        " ",
        "\t",
        "\n",
        "\u00a0",
        "\u2028",
        "\u200b",
        "\ufeff",
        "e\u0301",
        "É",
        "ß",
        "ĳ",
        "İ",
        "Ǆ",
        "’",
        "–",
        "'",
        '"',
        "\\1",
        "\x00",
        ".",
        "-",
        ",",
        "+31",
        "0031",
        "(0)",
        "+",
        "0",
        "123456782",
        "12345678",
        "6921 AB",
        "@",
        "😀",
    ]
)
TEXTS = st.lists(st.one_of(st.text(max_size=6), _FRAGMENTS), max_size=8).map("".join)


@pytest.fixture(scope="module")
def processor() -> Iterator[Processor]:
    yield new_processor()


def sql_value(processor: Processor, expression: str, value: str | None) -> Any:
    """Evaluate ``expression`` over a one-row column ``v`` holding ``value``."""
    return processor.query(
        f"SELECT {expression} FROM (SELECT CAST(? AS VARCHAR) AS v)", [value]
    ).scalar()


@given(kind=st.sampled_from(KINDS), value=TEXTS)
def test_normalise_is_the_same_in_python_and_sql(
    processor: Processor, kind: str, value: str
) -> None:
    assert sql_value(processor, normalise_sql("v", kind), value) == normalise(value, kind)


@pytest.mark.parametrize(
    ("kind", "values", "normalised"),
    [
        ("bsn", [" 123456782", "123.456.782", "1234 56 782", "12-34-56-782"], "123456782"),
        ("bsn", ["12345672", "012345672"], "012345672"),
        ("bsn", ["1234567890"], "1234567890"),
        (
            "phone",
            ["06-12345678", "+31 6 1234 5678", "0031612345678", "+31 (0)6-12345678"],
            "0612345678",
        ),
        ("phone", ["(026) 312 34 56", "026-3123456"], "0263123456"),
        ("phone", ["+44 20 7946 0958"], "00442079460958"),
        ("email", [" Jan.Jansen@Example.NL", "jan.jansen@example.nl "], "jan.jansen@example.nl"),
        (
            "name",
            ["José  van ’t Hoff", "JOSE VAN 'T HOFF", "jose\u00a0van 't hoff"],
            "JOSE VAN 'T HOFF",
        ),
        ("name", ["Ĳsselstein", "IJsselstein", "ijsselstein"], "IJSSELSTEIN"),
        ("name", ["Strauß", "strauss"], "STRAUSS"),
        (
            "address",
            ["Dorpsstraat 12, 6921 ab Duiven", "dorpsstraat 12 6921AB  duiven"],
            "DORPSSTRAAT 12 6921AB DUIVEN",
        ),
        ("client_number", ["cl 00123", "CL00123"], "CL00123"),
    ],
)
def test_one_person_written_differently_normalises_alike(
    kind: str, values: list[str], normalised: str
) -> None:
    assert {normalise(v, kind) for v in values} == {normalised}


@given(key=st.binary(max_size=100), kind=st.sampled_from(KINDS), value=TEXTS)
def test_pseudonym_is_the_hmac_of_the_normalised_value_in_python_and_sql(
    processor: Processor, key: bytes, kind: str, value: str
) -> None:
    message = normalise(value, kind).encode()
    expected = hmac.new(key, message, hashlib.sha256).hexdigest() if message else None
    assert sql_value(processor, pseudonym_sql("v", key, kind), value) == expected
    if expected is None:
        with pytest.raises(ValueError, match="geen pseudoniem"):
            pseudonym(value, key, kind)
    else:
        assert pseudonym(value, key, kind) == expected


@pytest.mark.parametrize("value", [None, "", "  \u00a0"])
def test_a_missing_value_has_no_pseudonym_in_sql(processor: Processor, value: str | None) -> None:
    assert sql_value(processor, pseudonym_sql("v", KEY, "name"), value) is None


def test_pseudonyms_link_one_person_and_depend_on_the_key() -> None:
    assert pseudonym("123.456.782", KEY, "bsn") == pseudonym(" 123456782 ", KEY, "bsn")
    assert pseudonym("123456782", KEY, "bsn") != pseudonym("123456782", KEY + b"!", "bsn")
    assert pseudonym("123456782", KEY, "bsn") != pseudonym("111222333", KEY, "bsn")
    assert len(pseudonym("123456782", KEY, "bsn")) == 64


@pytest.mark.parametrize("key", [KEY, KEY * 3], ids=["short", "longer-than-a-block"])
def test_the_key_is_not_in_the_sql_text(key: bytes) -> None:
    sql = pseudonym_sql("v", key, "bsn")
    assert key.decode() not in sql
    assert key.hex() not in sql.lower()


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="onbekende soort"):
        normalise("x", "none")
    with pytest.raises(ValueError, match="onbekende soort"):
        pseudonym_sql("v", KEY, "geboortedatum")


@pytest.mark.parametrize(
    "text", ["111222333", "123456782", "1234.56.782", " 123 456 782 ", "12345611", "012345611"]
)
def test_valid_bsns_pass_the_11_proef(processor: Processor, text: str) -> None:
    assert bsn_valid(text)
    assert sql_value(processor, bsn_valid_sql("v"), text) is True


@pytest.mark.parametrize(
    "text",
    [
        "123456789",
        "111222334",
        "000000000",
        "00000000",
        "1234567",
        "1234567890",
        "12345678a",
        "１２３４５６７８２",  # full-width digits
        "",
    ],
)
def test_invalid_bsns_fail_the_11_proef(processor: Processor, text: str) -> None:
    assert not bsn_valid(text)
    assert sql_value(processor, bsn_valid_sql("v"), text) is False


def test_bsn_validity_of_null_is_unknown(processor: Processor) -> None:
    assert sql_value(processor, bsn_valid_sql("v"), None) is None


_BSN_TEXTS = st.lists(
    st.one_of(st.sampled_from("0123456789 .-\u00a0x"), st.text(max_size=2)), max_size=12
).map("".join)


@given(text=st.one_of(_BSN_TEXTS, TEXTS))
def test_bsn_validity_is_the_same_in_python_and_sql(processor: Processor, text: str) -> None:
    assert sql_value(processor, bsn_valid_sql("v"), text) is bsn_valid(text)


@given(seed=st.integers())
def test_fake_bsns_pass_the_11_proef(seed: int) -> None:
    bsn = fake_bsn(random.Random(seed))
    assert len(bsn) == 9
    assert bsn.isdigit()
    assert bsn_valid(bsn)


def test_the_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOERS_TEST_SLEUTEL", KEY.decode())
    assert load_key("KOERS_TEST_SLEUTEL") == KEY


@pytest.mark.parametrize("value", [None, ""])
def test_a_missing_key_is_a_clear_dutch_error(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("KOERS_TEST_SLEUTEL", raising=False)
    else:
        monkeypatch.setenv("KOERS_TEST_SLEUTEL", value)
    with pytest.raises(ConfigError) as raised:
        load_key("KOERS_TEST_SLEUTEL")
    assert raised.value.message.startswith(
        "omgevingsvariabele KOERS_TEST_SLEUTEL met de pseudonimiseringssleutel is niet gezet; "
    )


def test_a_short_key_is_a_clear_dutch_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOERS_TEST_SLEUTEL", "geheim")
    with pytest.raises(ConfigError, match=r"KOERS_TEST_SLEUTEL .* te kort .*32 tekens") as raised:
        load_key("KOERS_TEST_SLEUTEL")
    assert "geheim" not in raised.value.message
