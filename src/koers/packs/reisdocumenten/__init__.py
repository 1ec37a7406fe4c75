"""Pack reisdocumenten: Reisdocumenten (paspoorten en identiteitskaarten)."""

from pathlib import Path

from koers.packs.base import Pack

PACK = Pack(
    name="reisdocumenten",
    title="Reisdocumenten (paspoorten en identiteitskaarten)",
    folder=Path(__file__).parent,
)
