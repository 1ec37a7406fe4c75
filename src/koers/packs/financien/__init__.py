"""Pack financien: Financiën (begroting, realisatie, bezuinigingen)."""

from pathlib import Path

from koers.packs.base import Pack


def _demo(bronnen: Path, **kwargs: object) -> object:
    # Imported late: the generator pulls in numpy, which the CLI need not load to start.
    from koers.packs.financien.demo import generate_financien

    return generate_financien(bronnen, **kwargs)  # type: ignore[arg-type]


PACK = Pack(
    name="financien",
    title="Financiën (begroting, realisatie, bezuinigingen)",
    folder=Path(__file__).parent,
    demo=_demo,
)
