"""Reproducible benchmarks: ``python -m benchmarks.bench`` (see benchmarks/README.md)."""
