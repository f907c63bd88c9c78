"""Gatehouse's benchmark: `python bench/run.py` (see docs/performance.md)."""
