"""Pack reisdocumenten: Reisdocumenten (paspoorten en identiteitskaarten)."""

from pathlib import Path

from koers.packs.base import Pack


def _demo(bronnen: Path, **kwargs: object) -> object:
    # Imported late: the generator pulls in numpy, which the CLI need not load to start.
    from koers.packs.reisdocumenten.demo import CONTRACT, generate_reisdocumenten

    return generate_reisdocumenten(bronnen / CONTRACT, **kwargs)  # type: ignore[arg-type]


PACK = Pack(
    name="reisdocumenten",
    title="Reisdocumenten (paspoorten en identiteitskaarten)",
    folder=Path(__file__).parent,
    demo=_demo,
)
