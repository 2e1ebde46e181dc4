"""Benchmarks: `python -m bench` runs them; each module has a `run()` returning a JSON-ready report."""
