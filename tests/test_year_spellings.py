"""A year typed in Arabic numerals finds a notice that prints it in Chinese numerals, and back.

Two real orders of the State Council and the Central Military Commission (ODKG): the conscription orders of
1985 (国务院、中央军委一九八五年冬季征兵命令) and 1986 (…一九八六年征兵命令). Both have an item 征集年龄; only the
year tells them apart, and each prints it as 一九八六年, which the segmenter keeps as one word.
"""

from __future__ import annotations

import pytest

from search_api.search.engine import SearchIndex, open_index
from search_api.search.query import year_spellings
from tests.conftest import odkg_build

ORDERS = ("test1/40.txt", "test1/26.txt")  # 1985, 1986


@pytest.fixture(scope="module")
def orders(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    """Words alone: a build of the two orders."""
    members = [("odkg/archived_data/test1.zip", member) for member in ORDERS]
    return open_index(odkg_build(tmp_path_factory.mktemp("orders"), members))


@pytest.mark.parametrize(
    ("query", "year"),
    [
        ("1986年征兵年龄", "一九八六年"),
        ("1985年征兵年龄", "一九八五年"),
        ("一九八五年征兵年龄", "一九八五年"),
        ("1986 conscription", "一九八六年"),
    ],
)
def test_the_year_typed_picks_the_order_of_that_year(orders: SearchIndex, query: str, year: str) -> None:
    first = orders.search(query, limit=5).hits[0]
    assert year in (first.doc_title or ""), (query, first.doc_title)


def test_a_year_is_spelt_both_ways() -> None:
    assert year_spellings("1986年") == [("1986", "一九八六年")]
    assert year_spellings("一九八五年冬季") == [("一九八五年", "1985")]
    assert year_spellings("12345 2101 1799") == []  # not a year: part of a longer number, or out of range
