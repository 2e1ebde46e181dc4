"""The question-word data: the non-topic words shipped beside the ontology are those of the installed jieba."""

from __future__ import annotations

from ingest.lexicon import default_dictionary
from ontology.question_words import NON_TOPIC_FILE, is_topic_word, non_topic_lines


def test_the_shipped_non_topic_words_are_jiebas_own_tags() -> None:
    shipped = NON_TOPIC_FILE.read_text(encoding="utf-8").splitlines()
    dictionary = default_dictionary()
    assert dictionary is not None  # jieba is a required dependency
    assert shipped == non_topic_lines(dictionary)  # regenerate: ontology.question_words.write_non_topic_words()
    tags = {line.split("\t")[1] for line in shipped}
    assert tags == {"r", "d", "c", "u", "p", "y", "e", "o", "f", "m", "q", "s", "t", "v"}


def test_pronouns_adverbs_and_plain_verbs_are_no_topic_but_nouns_and_verbal_nouns_are() -> None:
    assert not any(is_topic_word(w) for w in ("这个", "那些", "到底", "有没有", "楼上"))
    assert all(is_topic_word(w) for w in ("电梯", "孩子", "游泳", "施工", "加密货币"))
