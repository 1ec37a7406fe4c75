"""Pack vth: Vergunningen, toezicht en handhaving."""

from pathlib import Path

from koers.packs.base import Pack


def _demo(bronnen: Path, **kwargs: object) -> object:
    # Imported late: the generator pulls in numpy, which the CLI need not load to start.
    from koers.packs.vth.demo import generate_vth

    return generate_vth(bronnen, **kwargs)  # type: ignore[arg-type]


PACK = Pack(
    name="vth",
    title="Vergunningen, toezicht en handhaving",
    folder=Path(__file__).parent,
    demo=_demo,
)
