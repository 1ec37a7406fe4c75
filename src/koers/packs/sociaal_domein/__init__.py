"""Pack sociaal_domein: Sociaal domein (Wmo en Jeugd)."""

from pathlib import Path

from koers.packs.base import Pack


def _demo(bronnen: Path, **kwargs: object) -> object:
    # Imported late: the generator pulls in numpy, which the CLI need not load to start.
    from koers.packs.sociaal_domein.demo import generate_sociaal_domein

    return generate_sociaal_domein(bronnen, **kwargs)  # type: ignore[arg-type]


PACK = Pack(
    name="sociaal_domein",
    title="Sociaal domein (Wmo en Jeugd)",
    folder=Path(__file__).parent,
    demo=_demo,
)
