"""Pack bevolking: Bevolking (CBS)."""

from pathlib import Path

from koers.packs.base import LazyDemo, Pack

PACK = Pack(
    name="bevolking",
    title="Bevolking (CBS)",
    folder=Path(__file__).parent,
    demo=LazyDemo("koers.packs.bevolking.demo:generate_bevolking"),
)
