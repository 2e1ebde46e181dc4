"""Cold start of the query side: the segmenter loads only the dictionary it uses.

Why: issue 14 (cold ``policykg ask`` was 11× ``policykg --help``); ``import rjieba`` builds a default 350,000-word
dictionary that nothing here uses, about 40% of a cold ask. Checked in a fresh interpreter, since the point is
what a new process does.
"""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import sys
from ingest.segment import Segmenter
words = [t.word for t in Segmenter(["电梯安全"]).tokens("谁负责电梯安全")]
print(words, "rjieba" in sys.modules)
import rjieba  # still importable afterwards, and the same extension
print(rjieba.Jieba is sys.modules["rjieba.rjieba"].Jieba, [w for w, _, _ in rjieba.tokenize("谁负责电梯安全")])
"""


def test_segmenter_loads_without_rjiebas_default_dictionary() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
    first, second = result.stdout.splitlines()
    assert first == "['谁', '负责', '电梯安全'] False"
    assert second == "True ['谁', '负责', '电梯', '安全']"
