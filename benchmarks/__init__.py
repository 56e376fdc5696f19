"""Reproducible performance measurements; each module writes benchmarks/results/<name>.json."""
