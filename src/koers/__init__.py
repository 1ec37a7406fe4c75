"""Koers: a data platform that lets municipalities steer on facts.

The folders follow the data flow: ``sources`` and ``ingestion`` bring exports into the
warehouse that ``engine`` owns, ``transform`` builds the SQL models, ``metrics`` declares and
answers indicators, ``analysis`` explains them, ``privacy`` decides who may see what, and
``web``, ``reports`` and ``cli`` serve the result. Domain knowledge lives in ``packs``.
"""

__version__ = "0.1.0"
