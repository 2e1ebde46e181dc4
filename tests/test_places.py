"""The gazetteer's romanised names and place forms: shipped precomputed, equal to what the adcode table and
pypinyin give, and read without them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ingest.places import (
    FORMS_FILE,
    ROMANISED_FILE,
    _ranked_forms,
    _romanised,
    _romanised_table,
    _shared_forms,
    gazetteer,
)

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_romanised_names_equal_the_computed_ones() -> None:
    """Regenerate with ``ingest.places.write_romanised()`` when the adcode table or pypinyin changes."""
    assert ROMANISED_FILE.is_file()
    computed = _romanised_table(gazetteer())
    assert len(computed) > 300
    assert _romanised() == computed


def test_an_english_place_is_found_without_importing_pypinyin() -> None:
    code = (
        "import sys; from ingest.places import gazetteer; "
        "print(gazetteer().find_english('Who regulates elevators in Zaozhuang city?'), "
        "gazetteer().find_english('in Shaanxi'), 'pypinyin' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["枣庄市", "陕西省", "False"]


def test_shipped_place_forms_equal_the_adcode_tables() -> None:
    """Regenerate with ``ingest.places.write_place_forms()`` when the adcode table changes."""
    assert FORMS_FILE.is_file()
    computed = _ranked_forms(gazetteer())
    assert len(computed) > 3000
    assert _shared_forms() == computed


def test_a_question_is_searched_for_places_without_reading_the_adcode_table() -> None:
    """A cold question asks only whether it names a place: the shipped forms answer, the CSV stays unread."""
    code = (
        "import sys; from ingest.places import find_place, find_english_place, gazetteer; "
        "print(find_place('在济南，消防工作由哪个部门监督管理？'), find_place('铜川市王益区的电梯安全谁负责？'), "
        "find_place('谁负责电梯安全？'), find_english_place('in Shaanxi'), gazetteer.cache_info().currsize, "
        "'importlib.metadata' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["济南市", "王益区", "None", "陕西省", "0", "False"]
    assert [gazetteer().find(q) for q in ("在济南，消防工作由哪个部门监督管理？", "谁负责电梯安全？")] == ["济南市", None]
