"""Pack weer: Weer (KNMI-daggegevens)."""

from pathlib import Path

from koers.packs.base import Pack

PACK = Pack(
    name="weer",
    title="Weer (KNMI-daggegevens)",
    folder=Path(__file__).parent,
)
