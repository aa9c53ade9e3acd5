"""Benchmarks (not tests): each script prints its figures; `make bench` runs them all."""
