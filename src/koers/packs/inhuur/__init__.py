"""Pack inhuur: Inhuur van personeel."""

from pathlib import Path

from koers.packs.base import DEMO_MAX_SCALE, LazyDemo, Pack

PACK = Pack(
    name="inhuur",
    title="Inhuur van personeel",
    folder=Path(__file__).parent,
    demo=LazyDemo("koers.packs.inhuur.demo:generate_inhuur"),
    demo_max_scale=DEMO_MAX_SCALE,
)
