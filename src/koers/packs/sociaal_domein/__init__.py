"""Pack sociaal_domein: Sociaal domein (Wmo en Jeugd)."""

from pathlib import Path

from koers.packs.base import DEMO_MAX_SCALE, LazyDemo, Pack

PACK = Pack(
    name="sociaal_domein",
    title="Sociaal domein (Wmo en Jeugd)",
    folder=Path(__file__).parent,
    demo=LazyDemo("koers.packs.sociaal_domein.demo:generate_sociaal_domein"),
    demo_max_scale=DEMO_MAX_SCALE,
)
