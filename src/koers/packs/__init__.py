"""Domain packs: each municipal domain's contracts, SQL models, metrics, dashboards and demo.

Built-in packs register through the ``koers.packs`` entry point, exactly as a pack that a
municipality writes itself would; :func:`load_packs` finds them by name.
"""

from koers.packs.base import Pack, PackSet, load_packs

__all__ = ["Pack", "PackSet", "load_packs"]
