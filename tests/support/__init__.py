"""Shared pytest fixtures (real PostgreSQL, real Chromium) used across the Koers test suite."""
