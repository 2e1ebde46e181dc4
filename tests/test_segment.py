"""The shared segmenter: rjieba cuts exactly as jieba does (with the domain dictionary), domain words stay whole,
and nobody touches jieba's global tokenizer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ingest.segment import (
    Segmenter,
    gazetteer_words,
    read_dictionary,
    shared_segmenter,
    usable_word,
    write_dictionary,
)
from ontology.thesaurus import load_thesaurus

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def domain_words() -> tuple[str, ...]:
    """Gazetteer unit names and thesaurus labels: the dictionary the index is built with (less corpus names)."""
    return tuple(sorted({*gazetteer_words(), *load_thesaurus().domain_words()}))


@pytest.fixture(scope="module")
def engines(domain_words: tuple[str, ...]) -> tuple[Segmenter, Segmenter]:
    return Segmenter(domain_words, engine="rjieba"), Segmenter(domain_words, engine="jieba")


def test_rjieba_matches_jieba_on_the_seed(seed_text: str, engines: tuple[Segmenter, Segmenter]) -> None:
    """Token for token, offsets included, in both modes: the reason rjieba may replace jieba."""
    rust, reference = engines
    for mode in ("precise", "search"):
        assert rust.tokens(seed_text, mode=mode) == reference.tokens(seed_text, mode=mode), mode


def test_inner_words_agree_between_engines(seed_text: str, engines: tuple[Segmenter, Segmenter]) -> None:
    rust, reference = engines
    long_words = sorted({t.word for t in rust.tokens(seed_text) if len(t.word) > 2})
    assert long_words
    assert [rust.parts(w) for w in long_words] == [reference.parts(w) for w in long_words]


def test_rjieba_matches_jieba_without_a_dictionary(seed_text: str) -> None:
    assert Segmenter(engine="rjieba").cut(seed_text) == Segmenter(engine="jieba").cut(seed_text)


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ("推行双随机一公开执法机制", "双随机一公开"),
        ("开展机械化换人、自动化减人", "机械化换人"),
        ("加强危化品企业监管", "危化品"),
        ("区财政局负责", "区财政局"),
        ("区委组织部牵头", "区委组织部"),
        ("各镇办要落实", "各镇办"),
    ],
)
def test_domain_words_stay_whole(text: str, whole: str, domain_words: tuple[str, ...]) -> None:
    assert whole in Segmenter(domain_words).cut(text)


def test_offsets_index_the_text(seed_text: str, engines: tuple[Segmenter, Segmenter]) -> None:
    rust, _ = engines
    sample = seed_text[:3000] + "😀𝒜 mixed English"
    for token in rust.tokens(sample, mode="search"):
        assert sample[token.start : token.end] == token.word


def test_parts_are_inner_dictionary_words() -> None:
    seg = Segmenter(["特种设备使用"])
    words = [p.word for p in seg.parts("特种设备使用")]
    assert "特种设备" in words and "特种设备使用" not in words
    assert all(seg.parts("电梯") == () for _ in range(2))


def test_the_global_tokenizer_is_untouched() -> None:
    import jieba

    Segmenter(["一个只在私有词典里的词"], engine="jieba").cut("一个只在私有词典里的词")
    jieba.dt.check_initialized()
    assert "一个只在私有词典里的词" not in jieba.dt.FREQ


def test_importing_loads_no_engine() -> None:
    """No import-time side effects: the engines load on the first cut."""
    code = "import sys, ingest.segment, search_api.search.tokenizer; print('rjieba' in sys.modules, 'jieba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_shared_segmenter_is_one_instance_per_word_list() -> None:
    assert shared_segmenter(["甲乙丙丁"]) is shared_segmenter(["甲乙丙丁"])
    assert shared_segmenter(["甲乙丙丁"]) is not shared_segmenter(["戊己庚辛"])


def test_dictionary_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "userdict.txt"
    write_dictionary(path, ["区财政局", "双随机、一公开", "委", "区财政局", "lift"])
    assert read_dictionary(path) == ("区财政局",)
    assert not usable_word("双随机、一公开")


def test_unknown_engine_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown segmentation engine"):
        Segmenter(engine="nltk")  # type: ignore[arg-type]
