"""``python -m koers`` is the same as the ``koers`` command."""

from koers.cli.main import run

run()
