"""Pack financien: Financiën (begroting, realisatie, bezuinigingen)."""

from pathlib import Path

from koers.packs.base import LazyDemo, Pack

PACK = Pack(
    name="financien",
    title="Financiën (begroting, realisatie, bezuinigingen)",
    folder=Path(__file__).parent,
    demo=LazyDemo("koers.packs.financien.demo:generate_financien"),
)
