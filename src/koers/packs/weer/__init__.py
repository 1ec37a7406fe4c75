"""Pack weer: daily weather from KNMI station files, to explain peaks in other domains."""

from pathlib import Path

from koers.packs.base import LazyDemo, Pack

PACK = Pack(
    name="weer",
    title="Weer (KNMI-daggegevens)",
    folder=Path(__file__).parent,
    demo=LazyDemo("koers.packs.weer.demo:generate_weer", subfolder="weer"),
)
