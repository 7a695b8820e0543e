"""Benchmarks: each ``bench_*.py`` module has ``run(quick: bool) -> None`` printing its ratios."""
