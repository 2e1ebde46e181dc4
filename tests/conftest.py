"""Shared fixtures: the seed document and the laws, read from where the project keeps or finds them."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"
LAWS = SHARED / "corpus" / "laws"
EXTERNAL = SHARED / "corpus" / "external"


def seed_path() -> Path:
    """The user's document, the one .txt in corpus/."""
    (path,) = sorted(CORPUS.glob("*.txt"))
    return path


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The seed's verbatim text."""
    return seed_path().read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def laws_dir() -> Path:
    """The public laws in ../shared (read in place, never copied); their absence is an error, not a skip."""
    if not LAWS.is_dir():
        pytest.fail(
            f"laws not found at {LAWS}: the project expects ../shared/corpus/laws beside the checkout"
        )
    return LAWS
