"""Pack bevolking: Bevolking (CBS)."""

from pathlib import Path

from koers.packs.base import DEMO_MAX_SCALE, LazyDemo, Pack

PACK = Pack(
    name="bevolking",
    title="Bevolking (CBS)",
    folder=Path(__file__).parent,
    demo=LazyDemo("koers.packs.bevolking.demo:generate_bevolking"),
    demo_max_scale=DEMO_MAX_SCALE,
)
