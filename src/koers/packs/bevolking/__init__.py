"""Pack bevolking: Bevolking (CBS)."""

from pathlib import Path

from koers.packs.base import Pack


def _demo(bronnen: Path, **kwargs: object) -> object:
    # Imported late: the generator pulls in numpy, which the CLI need not load to start.
    from koers.packs.bevolking.demo import generate_bevolking

    return generate_bevolking(bronnen, **kwargs)  # type: ignore[arg-type]


PACK = Pack(
    name="bevolking",
    title="Bevolking (CBS)",
    folder=Path(__file__).parent,
    demo=_demo,
)
