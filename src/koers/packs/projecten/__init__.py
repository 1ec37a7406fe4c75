"""Pack projecten: Projectenportefeuille."""

from pathlib import Path

from koers.packs.base import Pack

PACK = Pack(
    name="projecten",
    title="Projectenportefeuille",
    folder=Path(__file__).parent,
)
