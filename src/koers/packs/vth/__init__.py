"""Pack vth: Vergunningen, toezicht en handhaving."""

from pathlib import Path

from koers.packs.base import LazyDemo, Pack

PACK = Pack(
    name="vth",
    title="Vergunningen, toezicht en handhaving",
    folder=Path(__file__).parent,
    demo=LazyDemo("koers.packs.vth.demo:generate_vth"),
)
