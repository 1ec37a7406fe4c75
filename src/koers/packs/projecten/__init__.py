"""Pack projecten: Projectenportefeuille."""

from pathlib import Path

from koers.packs.base import LazyDemo, Pack

PACK = Pack(
    name="projecten",
    title="Projectenportefeuille",
    folder=Path(__file__).parent,
    demo=LazyDemo("koers.packs.projecten.demo:generate_projecten"),
)
