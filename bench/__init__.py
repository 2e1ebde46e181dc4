"""Benchmarks: `python -m bench` runs them; each module has a `run()` returning a JSON-ready report.

Every build a benchmark makes is words alone unless it asks for the semantic leg (``bench.evaluate --embed``):
``$POLICYKG_EMBED`` defaults to ``0`` here (it is inherited by the ``policykg build`` processes the benchmarks
start), so that a build's time and a query's cost measure the same work from one run to the next, whatever the
size of the corpus (a default build adds the leg to small corpora: ``search_api.builds.make.semantic_leg``).
"""

import os

os.environ.setdefault("POLICYKG_EMBED", "0")
