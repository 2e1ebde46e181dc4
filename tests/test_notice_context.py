"""A notice names its subject in its title and decides in its items: a passage's context holds its document's title.

Two real replies of the State Council and the Central Military Commission (ODKG): 民航使用空军三家子机场的批复
(1985) and 同意新建湖南邵阳武冈民用机场的批复 (2013). Their items say 机场扩建后，产权仍属空军 and 本期工程建设规模
为…, never which airfield; a question names both.
"""

from __future__ import annotations

import pytest

from search_api.search.engine import SearchIndex, open_index
from tests.conftest import odkg_build

NOTICES = (("odkg/archived_data/test5.zip", "test5/267.txt"), ("odkg/archived_data/test2.zip", "test2/53.txt"))


@pytest.fixture(scope="module")
def airfields(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    """Words alone (no vectors): a build of the two notices."""
    return open_index(odkg_build(tmp_path_factory.mktemp("airfields"), list(NOTICES)))


@pytest.mark.parametrize(
    ("query", "title_part", "item"),
    [("三家子机场产权", "三家子机场", "产权仍属空军"), ("武冈机场建设规模", "武冈民用机场", "建设规模")],
)
def test_an_item_is_found_by_its_notices_subject_and_its_own_words(
    airfields: SearchIndex, query: str, title_part: str, item: str
) -> None:
    first = airfields.search(query, limit=5).hits[0]
    assert title_part in (first.doc_title or "")
    assert item in first.title + first.text



AIRPORT_SCALES = (
    ("odkg/archived_data/test2.zip", "test2/53.txt"),  # 新建湖南邵阳武冈民用机场 (2013): 二、本期工程建设规模为…
    ("odkg/archived_data/test5.zip", "test5/246.txt"),  # 迁建四川绵阳塘汛机场: 二、机场建设规模…
    ("odkg/archived_data/test5.zip", "test5/245.txt"),  # 芷江机场实行军民合用: 机场建设规模为…
    ("odkg/archived_data/test5.zip", "test5/219.txt"),  # 迁建榆林民用机场: 本期工程建设规模为…
)


@pytest.fixture(scope="module")
def airport_scales(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    """Words alone: four airport replies, each with an item on the airport's scale."""
    return open_index(odkg_build(tmp_path_factory.mktemp("airport-scales"), list(AIRPORT_SCALES)))


def test_the_rarest_word_typed_decides_which_document_is_meant(
    airport_scales: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every reply has an item on its scale, and two say 机场建设规模 in its heading; only the Wugang reply names
    武冈, in its title. A query whose every word the index knows must be covered whole, its rarest word first."""
    plan = airport_scales.plan("武冈机场建设规模")
    assert plan.known
    first = airport_scales.search("武冈机场建设规模", limit=5).hits[0]
    assert "武冈" in (first.doc_title or "") and "建设规模" in first.title + first.text

    from search_api.search import engine

    monkeypatch.setattr(engine, "KNOWN_COVERAGE_POWER", 1.0)
    monkeypatch.setattr(airport_scales, "_facet_weights", lambda plan, facets: dict.fromkeys(facets, 1.0))
    plain = airport_scales.search("武冈机场建设规模", limit=5).hits[0]
    assert "武冈" not in (plain.doc_title or "")  # the plain factor let another airport's heading lead


def test_an_everyday_paraphrase_keeps_the_plain_coverage(airport_scales: SearchIndex) -> None:
    """A query with characters no known word covers is no 'known' query: its words need not all stand anywhere."""
    assert not airport_scales.plan("武冈那个飞机场盖多大").known


def test_an_english_question_reaches_a_notice_by_the_pinyin_of_its_titles_name(airfields: SearchIndex) -> None:
    """三家子 is in no dictionary (CC-CEDICT keys only the names it lists, as 武冈 "Wugang"); the build keys the
    words of each document's title by their pinyin, and a word that is no English key is read as such a name."""
    assert airfields.translator.names.get("sanjiazi") == ["三家子"]
    assert dict(airfields.translator.translate("Sanjiazi airfield"))["sanjiazi"] == ["三家子"]
    first = airfields.search("Sanjiazi airfield", limit=3).hits[0]
    assert "三家子" in (first.doc_title or "")
    only_name = airfields.search("Sanjiazi", limit=10)
    assert "三家子" in only_name.expanded
    assert only_name.hits and all("三家子" in (h.doc_title or "") for h in only_name.hits)


def test_an_english_word_is_never_read_as_a_name(airfields: SearchIndex) -> None:
    """The names are read last: a word the dictionary knows keeps its translation (机场 is keyed "jichang" as a
    title word, and "airport" is still 机场 by the dictionary, not a name)."""
    assert airfields.translator.names.get("jichang") == ["机场"]
    translated = dict(airfields.translator.translate("airport"))
    assert "机场" in translated["airport"]
    assert dict(airfields.translator.translate("jichang")) == {"jichang": ["机场"]}
