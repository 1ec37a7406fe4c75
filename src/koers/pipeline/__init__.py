"""The pipeline behind ``koers run``: load sources, build models, compute metrics, log it all."""
