"""Test media shared by the apps' tests, the benchmarks and `reelremix demo`; not part of the product.

The apps' own tests stay in each app's `tests/` package; this folder holds what several of them use.
"""
