"""The lexicon file: a segmenter that reads only the dictionary words of each text cuts it as the full one does.

Why these tests: the index is written with the full dictionary and a cold question is cut through the lexicon
(issue 14, cold start); if the two ever cut a text differently, a question stops matching the index.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ingest.lexicon import FILLER, write_lexicon
from ingest.segment import Segmenter, gazetteer_words, rjieba_frequencies
from tests.conftest import ROOT

DOMAIN = ("机械化换人", "安全生产责任险", "危化品", "区应急管理局", "电梯安全", "双随机")


def _lines(seed_text: str, laws_dir: Path) -> list[str]:
    laws = sorted(path for path in laws_dir.glob("*.md") if path.name != "SOURCES.md")
    texts = [seed_text, *(path.read_text(encoding="utf-8") for path in laws)]
    return [line.strip() for text in texts for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Segmenter, Segmenter]:
    """A segmenter on the full dictionary and one on a lexicon written for the same words."""
    words = (*gazetteer_words(), *DOMAIN)
    full = Segmenter(words)
    read = Segmenter(words)
    path = tmp_path_factory.mktemp("lexicon") / "lexicon.sqlite"
    assert write_lexicon(path, read.words, rjieba_frequencies(read.words)) > 349_000
    assert read.use_lexicon(path)
    return full, read


def test_lexicon_cuts_the_seed_and_the_laws_as_the_full_dictionary(
    pair: tuple[Segmenter, Segmenter], seed_text: str, laws_dir: Path
) -> None:
    full, read = pair
    lines = _lines(seed_text, laws_dir)
    assert len(lines) > 1000
    for mode in ("precise", "search"):
        for line in lines:
            assert read.tokens(line, mode=mode) == full.tokens(line, mode=mode), (mode, line)


def test_lexicon_cuts_short_questions_and_mixed_text_as_the_full_dictionary(
    pair: tuple[Segmenter, Segmenter],
) -> None:
    """Questions are short and come first in a fresh process: the filler alone then stands for the total."""
    full, read = pair
    fresh = Segmenter(full.words)
    questions = [
        "谁负责电梯安全?",
        "电梯困人了找谁",
        "危化品仓库着火由哪个部门管",
        "区应急管理局每季度检查几次？",
        "who is responsible for elevator safety",
        "2025年12月31日前完成的任务",
        "机械化换人、自动化减人",
        "煤气罐爆炸谁负责",
    ]
    for question in questions:
        assert read.tokens(question) == full.tokens(question) == fresh.tokens(question), question
    assert [p.word for p in read.parts("安全生产责任险")] == [p.word for p in full.parts("安全生产责任险")]


def test_a_first_short_text_in_a_new_process_is_cut_as_the_full_dictionary(
    pair: tuple[Segmenter, Segmenter], tmp_path: Path
) -> None:
    """A lexicon backend that has seen one text only (as in a cold ``ask``) cuts it right."""
    full, _read = pair
    path = tmp_path / "lexicon.sqlite"
    write_lexicon(path, full.words, rjieba_frequencies(full.words))
    for question in ("谁负责电梯安全?", "危化品仓库着火由哪个部门管", "双随机抽查"):
        cold = Segmenter(full.words)
        assert cold.use_lexicon(path)
        assert cold.tokens(question) == full.tokens(question), question


def test_the_filler_is_no_word_and_a_lexicon_for_other_words_is_refused(
    pair: tuple[Segmenter, Segmenter], tmp_path: Path
) -> None:
    full, read = pair
    assert not read.parts(FILLER) and FILLER not in [t.word for t in read.tokens("安全" + FILLER)]
    path = tmp_path / "lexicon.sqlite"
    write_lexicon(path, full.words, rjieba_frequencies(full.words))
    other = Segmenter(["另一个词语"])
    assert not other.use_lexicon(path)  # written for other words: the full dictionary it is
    assert not Segmenter(full.words).use_lexicon(tmp_path / "missing.sqlite")
    (tmp_path / "broken.sqlite").write_bytes(b"not a database")
    assert not Segmenter(full.words).use_lexicon(tmp_path / "broken.sqlite")
    loaded = Segmenter(full.words)
    loaded.tokens("安全")
    assert not loaded.use_lexicon(path)  # already cut with the full dictionary: stays on it


def test_one_lexicon_serves_two_word_lists_each_cut_as_its_full_dictionary(tmp_path: Path) -> None:
    """The build writes the index's words and the gazetteer's alone (duty questions) into one file."""
    index_words = Segmenter((*gazetteer_words(), *DOMAIN)).words
    plain_words = Segmenter(gazetteer_words()).words
    path = tmp_path / "lexicon.sqlite"
    write_lexicon(
        path, index_words, rjieba_frequencies(index_words), (plain_words, rjieba_frequencies(plain_words))
    )
    for words in (index_words, plain_words):
        full = Segmenter(words)
        for question in ("谁负责电梯安全?", "在枣庄，谁对电梯使用安全负责？", "上海市安全生产工作由哪个部门综合监督管理？"):
            cold = Segmenter(words)
            assert cold.use_lexicon(path)
            assert cold.tokens(question) == full.tokens(question), (len(words), question)
    cuts = {}
    for words in (index_words, plain_words):
        cold = Segmenter(words)
        cold.use_lexicon(path)
        cuts[len(words)] = [t.word for t in cold.tokens("电梯安全")]
    assert cuts[len(index_words)] == ["电梯安全"] and cuts[len(plain_words)] == ["电梯", "安全"]
    assert not Segmenter(["另一个词语"]).use_lexicon(path)


PROBE = """
import sys
from pathlib import Path
from search_api.facade import Build
with Build.open(Path(sys.argv[1])) as build:
    index = build.resource("index")
    words = [t.word for t in index.segmenter.tokens("谁负责电梯安全")]
    plain = [t.word for t in index.plain_segmenter.tokens("谁负责电梯安全")]
    print(index.segmenter.source, words)
    print(index.plain_segmenter.source, plain)
    index.preload_segmenter()
    print(index.segmenter.source, [t.word for t in index.segmenter.tokens("谁负责电梯安全")])
    print(index.plain_segmenter.source, [t.word for t in index.plain_segmenter.tokens("谁负责电梯安全")])
"""


def test_a_build_opens_its_index_on_the_lexicon_and_a_preload_loads_the_full_dictionary(
    seed_data_dir: Path,
) -> None:
    assert (seed_data_dir / "current" / "index" / "lexicon.sqlite").is_file()
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(seed_data_dir)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    cold, cold_plain, warm, warm_plain = result.stdout.splitlines()
    assert cold.startswith("lexicon ") and warm.startswith("dictionary ")
    assert cold.split(" ", 1)[1] == warm.split(" ", 1)[1]
    # the gazetteer's segmenter (duty questions) reads the same file, with its own finer words
    assert cold_plain.startswith("lexicon ") and warm_plain.startswith("dictionary ")
    assert cold_plain.split(" ", 1)[1] == warm_plain.split(" ", 1)[1] != cold.split(" ", 1)[1]
