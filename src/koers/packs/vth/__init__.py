"""Pack vth: Vergunningen, toezicht en handhaving."""

from pathlib import Path

from koers.packs.base import DEMO_MAX_SCALE, LazyDemo, Pack

PACK = Pack(
    name="vth",
    title="Vergunningen, toezicht en handhaving",
    folder=Path(__file__).parent,
    demo=LazyDemo("koers.packs.vth.demo:generate_vth"),
    demo_max_scale=DEMO_MAX_SCALE,
)
