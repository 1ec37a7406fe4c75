"""Pack projecten: Projectenportefeuille."""

from pathlib import Path

from koers.packs.base import Pack


def _demo(bronnen: Path, **kwargs: object) -> object:
    # Imported late: the generator pulls in numpy, which the CLI need not load to start.
    from koers.packs.projecten.demo import generate_projecten

    return generate_projecten(bronnen, **kwargs)  # type: ignore[arg-type]


PACK = Pack(
    name="projecten",
    title="Projectenportefeuille",
    folder=Path(__file__).parent,
    demo=_demo,
)
