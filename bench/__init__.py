"""Benchmarks: ``python -m bench.run --mode quick|full`` (see docs/performance.md).

Every figure is printed next to a baseline measured in the same run, on the same machine, at the
same moment: on a shared machine the absolute numbers drift, the ratios much less.
"""
