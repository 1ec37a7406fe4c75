"""Pack reisdocumenten: Reisdocumenten (paspoorten en identiteitskaarten)."""

from pathlib import Path

from koers.packs.base import LazyDemo, Pack

PACK = Pack(
    name="reisdocumenten",
    title="Reisdocumenten (paspoorten en identiteitskaarten)",
    folder=Path(__file__).parent,
    demo=LazyDemo(
        "koers.packs.reisdocumenten.demo:generate_reisdocumenten", subfolder="reisdocumenten"
    ),
)
