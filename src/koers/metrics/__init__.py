"""Metrics: indicators declared as data in packs, answered by one query layer."""
