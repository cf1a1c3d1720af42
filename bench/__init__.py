"""Benchmarks: `python -m bench [name …]` prints measured figures (not part of the test suite)."""
