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

