"""Pack financien: Financiën (begroting, realisatie, bezuinigingen)."""

from pathlib import Path

from koers.packs.base import Pack

PACK = Pack(
    name="financien",
    title="Financiën (begroting, realisatie, bezuinigingen)",
    folder=Path(__file__).parent,
)
