"""Cold start of the query side: the segmenter loads only the dictionary it uses.

Why: issue 14 (cold ``policykg ask`` was 11× ``policykg --help``); ``import rjieba`` builds a default 350,000-word
dictionary that nothing here uses, about 40% of a cold ask. Checked in a fresh interpreter, since the point is
what a new process does.
"""

from __future__ import annotations

import json
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


PLACE_PROBE = """
import json, sys
from pathlib import Path
from search_api.facade import Build
build = Build.open(Path(sys.argv[1]))
if sys.argv[2] == "preload":
    build.preload()
answer = build.ask("北京市谁负责电梯安全").to_json()
print(json.dumps({"pypinyin": "pypinyin" in sys.modules, "clauses": len(answer.get("statutory_clauses", []))}))
"""


def test_a_question_naming_a_place_does_not_spell_places_in_pinyin(seed_laws_data_dir) -> None:
    """A place's bodies are told apart by the slug their ids start with; the build writes each document's place
    and its slug into ``register.json``, so a question (one-shot, or in a server that has loaded the model)
    does not import pypinyin (0.3 s) to spell it again."""
    from search_api.builds.datadir import open_build

    register = json.loads((open_build(seed_laws_data_dir).path / "register.json").read_text(encoding="utf-8"))
    keys = register["jurisdiction_keys"]
    assert keys["王益区"] == "wangyiqu" and keys["北京市"] == "beijingshi"
    assert {unit["id"].split("-", 1)[0] for unit in register["units"]} <= set(keys.values())
    for mode in ("one-shot", "preload"):
        result = subprocess.run(
            [sys.executable, "-c", PLACE_PROBE, str(seed_laws_data_dir), mode],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        probe = json.loads(result.stdout)
        assert probe == {"pypinyin": False, "clauses": probe["clauses"]} and probe["clauses"] > 0
