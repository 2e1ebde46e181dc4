"""The words of a Chinese question that ask rather than say, where search and the statutory reader both need them.

Why a module of its own: the search plan (:mod:`search_api.search.query`) and the reader of laws' duties
(:mod:`kg.statutory`) each cut a question into topic words; an everyday who-question's own verb must leave both
the same way, or the search finds the topic while the answer calls every passage off topic.
"""

from __future__ import annotations

import re

WHO_ASKS = re.compile(
    r"(?:归|由|找|让|该)*(?:谁|哪(?:个|些|家|一)?(?:部门|单位|机构|机关|局))(?:来|去|在)?(?:管(?![理控辖护制])|抓|说|问)?"
)
"""An everyday who-question's asking words with their verb: 归谁管, 谁来管, 谁来抓, 该找谁说, 哪个部门管.  Why:
管 (and 抓, 找, 说) say nothing of the topic, yet 管 is a word the index knows, and it outranked the topic in
坐电梯出事谁管 (a passage saying 管 twice beat the one about elevators).  管理, 管控 … stay: they can be what
is asked about."""


def mask_who_asks(text: str) -> str:
    """``text`` with its who-asking words blanked (offsets kept, so spans found in it still point into the text).

    >>> mask_who_asks("电梯坏了归谁来管").strip(), mask_who_asks("谁负责管理危险化学品").strip()
    ('电梯坏了', '负责管理危险化学品')
    """
    return WHO_ASKS.sub(lambda match: " " * len(match.group()), text)
