"""Pack projecten: Projectenportefeuille."""

from pathlib import Path

from koers.packs.base import DEMO_MAX_SCALE, LazyDemo, Pack

PACK = Pack(
    name="projecten",
    title="Projectenportefeuille",
    folder=Path(__file__).parent,
    demo=LazyDemo("koers.packs.projecten.demo:generate_projecten"),
    demo_max_scale=DEMO_MAX_SCALE,
)
