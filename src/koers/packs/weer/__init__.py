"""Pack weer: daily weather from KNMI station files, to explain peaks in other domains."""

from pathlib import Path

from koers.packs.base import Pack


def _demo(bronnen: Path, **kwargs: object) -> object:
    # Imported late, like every pack's generator, so the CLI starts without demo code.
    from koers.packs.weer.demo import generate_weer

    return generate_weer(bronnen / "weer", **kwargs)  # type: ignore[arg-type]


PACK = Pack(
    name="weer",
    title="Weer (KNMI-daggegevens)",
    folder=Path(__file__).parent,
    demo=_demo,
)
