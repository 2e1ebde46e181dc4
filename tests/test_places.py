"""The gazetteer's romanised names: shipped precomputed, equal to what pypinyin computes, and read without it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ingest.places import ROMANISED_FILE, _romanised, _romanised_table, gazetteer

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
