"""The ``koers`` command line."""
