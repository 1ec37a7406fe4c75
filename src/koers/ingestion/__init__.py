"""Ingestion: files from sources, checked against their contract, into landing and staging."""
