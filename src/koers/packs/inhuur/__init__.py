"""Pack inhuur: Inhuur van personeel."""

from pathlib import Path

from koers.packs.base import Pack


def _demo(bronnen: Path, **kwargs: object) -> object:
    # Imported late: the generator pulls in numpy, which the CLI need not load to start.
    from koers.packs.inhuur.demo import generate_inhuur

    return generate_inhuur(bronnen, **kwargs)  # type: ignore[arg-type]


PACK = Pack(
    name="inhuur",
    title="Inhuur van personeel",
    folder=Path(__file__).parent,
    demo=_demo,
)
