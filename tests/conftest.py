"""Shared fixtures: the seed document and the laws, read from where the project keeps or finds them."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"
LAWS = SHARED / "corpus" / "laws"
REGULATIONS = SHARED / "corpus" / "regulations"
EXTERNAL = SHARED / "corpus" / "external"
# The lead units of the seed's task 37 (the task that names 电梯), canonical names in table order: read off
# the seed by hand; several tests check the pipeline, the answer and the exports against it.
TASK_37_LEAD_UNITS = (
    "区编办",
    "区发展改革局",
    "区住建局",
    "市城市管理局王益分局",
    "区安监局",
    "区市场监管局",
    "黄堡镇",
    "各街道办事处",
)
# Debian's Chromium (installed by `make sysdeps`), driven by Playwright without any browser download; the
# flags keep it off the network this machine does not have.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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


@pytest.fixture(scope="session")
def seed_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with a full build (model, graph, index) of corpus/, made once per test session."""
    from search_api.build import run_build

    data_dir = tmp_path_factory.mktemp("seed") / "data"
    result = run_build([CORPUS], data_dir=data_dir)
    if result.path is None:
        pytest.fail(f"the seed did not build: {result.failures}")
    return data_dir


@pytest.fixture(scope="session")
def seed_laws_data_dir(tmp_path_factory: pytest.TempPathFactory, laws_dir: Path) -> Path:
    """A full build of corpus/ plus the laws in ../shared, made once per test session."""
    from search_api.build import run_build

    data_dir = tmp_path_factory.mktemp("seed-laws") / "data"
    result = run_build([CORPUS, laws_dir], data_dir=data_dir)
    if result.path is None or result.failures:
        pytest.fail(f"the seed and laws did not build: {result.failures}")
    return data_dir
