"""Pack meldingen: reports about public space, as Fixi or Signalen export them."""

from pathlib import Path

from koers.packs.base import LazyDemo, Pack

PACK = Pack(
    name="meldingen",
    title="Meldingen openbare ruimte",
    folder=Path(__file__).parent,
    demo=LazyDemo("koers.packs.meldingen.demo:generate_demo"),
)
