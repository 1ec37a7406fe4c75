"""Pack reisdocumenten: Reisdocumenten (paspoorten en identiteitskaarten)."""

from pathlib import Path

from koers.packs.base import DEMO_MAX_SCALE, LazyDemo, Pack

PACK = Pack(
    name="reisdocumenten",
    title="Reisdocumenten (paspoorten en identiteitskaarten)",
    folder=Path(__file__).parent,
    demo=LazyDemo(
        "koers.packs.reisdocumenten.demo:generate_reisdocumenten", subfolder="reisdocumenten"
    ),
    demo_max_scale=DEMO_MAX_SCALE,
)
