"""Benchmarks: scripts that print figures. Run them as `python -m bench.NAME` from the repo root."""
