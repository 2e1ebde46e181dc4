"""The words of a Chinese question that ask rather than say, where search and the statutory reader both need them.

Why a module of its own: the search plan (:mod:`search_api.search.query`) and the reader of laws' duties
(:mod:`kg.statutory`) each cut a question into topic words; an everyday who-question's own verb must leave both
the same way, or the search finds the topic while the answer calls every passage off topic.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

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


NON_TOPIC_TAGS = frozenset(["r", "d", "c", "u", "p", "y", "e", "o", "f", "m", "q", "s", "t", "v"])
"""jieba's part-of-speech tags of words that are not what a question is about: pronouns (这个), adverbs (到底),
conjunctions, particles, prepositions, modal particles, interjections, onomatopoeia, direction and place words
(楼上, 外面), numerals, classifiers, time words, and plain verbs (有没有, 汇报, 投诉: what is done, not about
what; a verbal noun such as 游泳 or 施工 is ``vn`` and stays)."""
NON_TOPIC_FILE = Path(__file__).with_name("non_topic_words.tsv")
"""Those words of jieba's dictionary with their tags, one ``word<TAB>tag`` a line (:func:`write_non_topic_words`
writes it; a test checks it against the installed jieba): read as one string, so a cold question pays no parse."""


@lru_cache(maxsize=1)
def _non_topic_text() -> str:
    return "\n" + NON_TOPIC_FILE.read_text(encoding="utf-8")


def is_topic_word(word: str) -> bool:
    """Whether a word of a question can be what it asks about (not a pronoun, adverb, plain verb …, by jieba's
    dictionary; a word the dictionary lacks can).

    >>> is_topic_word("孩子"), is_topic_word("到底"), is_topic_word("有没有"), is_topic_word("游泳"), is_topic_word("加密货币")
    (True, False, False, True, True)
    """
    return f"\n{word}\t" not in _non_topic_text()


def non_topic_lines(dictionary: Path) -> list[str]:
    """``word<TAB>tag`` for every word of a jieba dictionary file (``word freq tag`` lines) tagged
    :data:`NON_TOPIC_TAGS`, in the file's order."""
    lines = []
    for line in dictionary.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] in NON_TOPIC_TAGS:
            lines.append(f"{parts[0]}\t{parts[2]}")
    return lines


def write_non_topic_words(path: Path = NON_TOPIC_FILE) -> int:
    """Write :data:`NON_TOPIC_FILE` from the installed jieba's dictionary; the number of words."""
    from ingest.lexicon import default_dictionary

    dictionary = default_dictionary()
    if dictionary is None:
        raise RuntimeError("jieba's dictionary is not installed")
    lines = non_topic_lines(dictionary)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


DUTY_WORDS = frozenset({"监督管理", "监管", "监督", "管理", "主管", "supervision", "oversight", "management"})
"""Words that say a duty is asked about, not which one: in 谁负责特种设备安全监督管理 the topic is 特种设备, and
监督管理 (a label of the supervision concept, which every supervision task carries) is what is done about it."""


def names_only_a_duty(surface: str) -> bool:
    """Whether a concept was found in a question only through a duty word.

    >>> names_only_a_duty("监督管理"), names_only_a_duty("Supervision"), names_only_a_duty("特种设备安全")
    (True, True, False)
    """
    return surface.strip().lower() in DUTY_WORDS
