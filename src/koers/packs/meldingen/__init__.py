"""Pack meldingen: reports about public space, as Fixi or Signalen export them."""

from pathlib import Path

from koers.packs.base import Pack


def _demo(bronnen: Path, **kwargs: object) -> object:
    # Imported late: the generator pulls in numpy, which the CLI need not load to start.
    from koers.packs.meldingen.demo import generate_meldingen

    return generate_meldingen(bronnen / "meldingen", **kwargs)  # type: ignore[arg-type]


PACK = Pack(
    name="meldingen",
    title="Meldingen openbare ruimte",
    folder=Path(__file__).parent,
    demo=_demo,
)
