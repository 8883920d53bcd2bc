"""Benchmarks: scripts that print tables (not part of the default pytest run)."""
