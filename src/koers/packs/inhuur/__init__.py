"""Pack inhuur: Inhuur van personeel."""

from pathlib import Path

from koers.packs.base import Pack

PACK = Pack(
    name="inhuur",
    title="Inhuur van personeel",
    folder=Path(__file__).parent,
)
