"""Read how often, how much and by when from an obligation's text.

Why regular expressions over a parser: the forms are a small closed set in Chinese administrative and legal
drafting (每季度至少1次, 至少每季度…1次, 不少于两次, 定期; 2名以上, 不少于3人, 3起（含3起）以上;
事故结案后一年内, 自…之日起30日内, 2018年底前).  Matching happens on the verbatim text; digits may be Arabic,
full-width or Chinese (两次, 一次), all read by :func:`ingest.numerals.parse_cn_int`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Literal

from ingest.deadlines import parse_deadline
from ingest.modality import quoted_mask
from ingest.model import Deadline, Frequency, Quantity, Span
from ingest.numerals import parse_cn_int

Period = Literal["day", "week", "month", "quarter", "halfyear", "year"]
Comparator = Literal[">=", "<=", "=", ">", "<"]

PERIODS: dict[str, Period] = {
    "年": "year", "年度": "year", "半年": "halfyear", "季度": "quarter", "季": "quarter",
    "月": "month", "个月": "month", "周": "week", "星期": "week", "日": "day", "天": "day",
}
AT_LEAST = ("至少", "不少于", "不得少于", "不低于", "最少")
AT_MOST = ("至多", "最多", "不超过", "不得超过", "不多于", "不高于")
# Measure words of required amounts.  次 is left to frequencies and 年/月/日 to deadlines on purpose.
QUANTITY_UNITS = (
    "个工作日", "平方米", "立方米", "万元", "亿元", "小时", "公里", "千米", "元", "名", "人", "个", "台", "辆",
    "套", "家", "支", "起", "处", "项", "吨", "米", "%", "％", "倍", "座", "间", "张",
)

_N = r"[0-9０-９零〇一二两三四五六七八九十百千万]+"
_PERIOD = "|".join(sorted(PERIODS, key=len, reverse=True))
_LOW = "|".join(AT_LEAST)
_HIGH = "|".join(AT_MOST)
_FREQUENCY = re.compile(
    rf"(?P<pre>{_LOW}|{_HIGH})?\s*每(?P<period>{_PERIOD})"
    rf"(?:[^，。；,;：:]{{0,12}}?(?P<cmp>{_LOW}|{_HIGH})?\s*(?P<n>{_N})\s*次)?"
)
_YEARLY = re.compile(rf"(?P<period>一年|一季度|一个月|一周)(?P<cmp>{_LOW}|{_HIGH})?(?P<n>{_N})次")
_COUNT = re.compile(rf"(?P<cmp>{_LOW}|{_HIGH})\s*(?P<n>{_N})\s*次")
_REGULAR = ("定期", "经常性", "常态化")
_UNIT = "|".join(re.escape(u) for u in QUANTITY_UNITS)
_QUANTITY = re.compile(
    rf"(?P<pre>{_LOW}|{_HIGH}|超过|不足|低于|高于)?\s*(?P<n>{_N})\s*(?P<unit>{_UNIT})"
    rf"(?:[（(]含{_N}\s*(?:{_UNIT})[）)])?"
    r"(?P<post>及以上|以上|以下|以内|及以下|以外)?(?P<what>[^，。；、,;：:（）()“”]{0,20})"
)
_WHAT_STOPS = re.compile(r"[的和及与或]|并|等|要|应|须|进行|开展|以|为|从|对|在|按")
_RELATIVE_TAIL = re.compile(rf"后\s*{_N}\s*(?:年|个月|月|日|天|周|个工作日|工作日|小时)内")
_EVENT_STOPS = ("，", "。", "；", ",", ";", "：", ":", "在", "于", "应当", "应", "或者", "并", "的", "要", "须")
_DEADLINES = (
    re.compile(rf"自[^，。；,;：:]{{1,20}}?起\s*{_N}\s*(?:年|个月|月|日|天|周|个工作日|工作日|小时)内"),
    re.compile(rf"{_N}\s*年\s*(?:{_N}\s*月)?\s*(?:底|末)?(?:以)?前"),
    re.compile(rf"{_N}\s*月\s*(?:底|末)?(?:以)?前"),
)


def _int(raw: str) -> int | None:
    if not raw:
        return None
    try:
        return parse_cn_int(raw)
    except ValueError:
        return None


def _bounds(comparator: str | None, n: int | None) -> tuple[int | None, int | None]:
    if n is None:
        return None, None
    if comparator in AT_LEAST:
        return n, None
    if comparator in AT_MOST:
        return None, n
    return n, n


def parse_frequency(text: str) -> Frequency | None:
    """Read the first recurrence in ``text``: a period (每年, 每季度 …), a count (至少N次) or 定期.

    >>> parse_frequency("区委每年至少2次听取安全生产工作汇报")
    Frequency(text='每年至少2次', period='year', min_count=2, max_count=None, regular=False)
    >>> f = parse_frequency("区政府至少每季度研究部署1次安全生产工作")
    >>> (f.text, f.period, f.min_count)
    ('至少每季度研究部署1次', 'quarter', 1)
    >>> parse_frequency("每半年不少于两次").period, parse_frequency("每半年不少于两次").min_count
    ('halfyear', 2)
    >>> parse_frequency("企业要定期开展风险评估").regular
    True
    >>> parse_frequency("每月检查一次").max_count
    1
    >>> parse_frequency("每季度至少召开1次全体会议").min_count, parse_frequency("每季度至少召开1次").max_count
    (1, None)
    >>> parse_frequency("加强管理") is None
    True
    """
    if m := _FREQUENCY.search(text):
        comparator = m["pre"] or m["cmp"] or next((w for w in (*AT_LEAST, *AT_MOST) if w in m.group(0)), None)
        low, high = _bounds(comparator, _int(m["n"] or ""))
        return Frequency(text=m.group(0), period=PERIODS[m["period"]], min_count=low, max_count=high)
    if m := _YEARLY.search(text):
        period = PERIODS[m["period"][1:].removeprefix("个")]
        low, high = _bounds(m["cmp"], _int(m["n"]))
        return Frequency(text=m.group(0), period=period, min_count=low, max_count=high)
    regular = next((word for word in _REGULAR if word in text), None)
    if m := _COUNT.search(text):
        low, high = _bounds(m["cmp"], _int(m["n"]))
        return Frequency(text=m.group(0), min_count=low, max_count=high, regular=regular is not None)
    if regular:
        return Frequency(text=regular, regular=True)
    return None


def _what(raw: str) -> str:
    stop = _WHAT_STOPS.search(raw)
    return (raw[: stop.start()] if stop else raw).strip()


def parse_quantities(text: str) -> tuple[Quantity, ...]:
    """Read required amounts: a number, a measure word and a bound (以上 ≥, 以下 ≤, 不少于 ≥, 超过 >).

    ``what`` is the noun that follows, up to the next particle or punctuation; numbers in quotes (slogans such
    as “五个扎实”) are not amounts.

    >>> parse_quantities("要配备2名以上专职安全监管人员")
    (Quantity(text='2名以上', value=2, unit='名', comparator='>=', what='专职安全监管人员'),)
    >>> q, = parse_quantities("发生3起（含3起）以上一般安全生产责任事故的")
    >>> (q.value, q.unit, q.comparator, q.what)
    (3, '起', '>=', '一般安全生产责任事故')
    >>> parse_quantities("配备不少于两名安全员")[0].value
    2
    >>> parse_quantities("一岗双责，2018年，落实“五个扎实”") == ()
    True
    """
    found: list[Quantity] = []
    mask = quoted_mask(text)
    for m in _QUANTITY.finditer(text):
        value = _int(m["n"])
        if value is None or mask[m.start("n")]:
            continue
        pre, post = m["pre"], m["post"]
        comparator: Comparator = "="
        if pre in AT_LEAST or post in ("以上", "及以上"):
            comparator = ">="
        elif pre in AT_MOST or post in ("以下", "以内", "及以下"):
            comparator = "<="
        elif pre in ("超过", "高于"):
            comparator = ">"
        elif pre in ("不足", "低于"):
            comparator = "<"
        shown = m.group(0)[: m.start("what") - m.start()].strip()
        found.append(Quantity(text=shown, value=value, unit=m["unit"], comparator=comparator, what=_what(m["what"])))
    return tuple(found)


def find_deadline(text: str, *, offset: int = 0) -> Deadline | None:
    """Find a completion time inside a sentence and parse it; the span is shifted by ``offset``.

    Relative forms (事故结案后一年内, 自…之日起30日内) keep their wording in ``relative``.

    >>> d = find_deadline("事故结案后一年内，负责事故调查的有关部门要组织开展评估", offset=10)
    >>> (d.text, d.relative, d.span)
    ('事故结案后一年内', '事故结案后一年内', Span(start=10, end=18))
    >>> find_deadline("应当自事故发生之日起30日内提交").relative
    '自事故发生之日起30日内'
    >>> find_deadline("施工单位应当在验收后三十日内移交").relative
    '验收后三十日内'
    >>> find_deadline("2018年底前完成").due
    '2018-12-31'
    >>> find_deadline("加强管理") is None
    True
    """
    spans: list[tuple[int, int]] = []
    if tail := _RELATIVE_TAIL.search(text):
        begin = tail.start()
        while begin > 0 and begin > tail.start() - 12 and not text[:begin].endswith(_EVENT_STOPS):
            begin -= 1
        if begin < tail.start():
            spans.append((begin, tail.end()))
    spans.extend((m.start(), m.end()) for pattern in _DEADLINES if (m := pattern.search(text)))
    if not spans:
        return None
    begin, end = min(spans)
    raw = text[begin:end]
    deadline = parse_deadline(raw, span=Span(start=offset + begin, end=offset + end))
    parsed = deadline.due or deadline.relative or deadline.ongoing
    return deadline if parsed else replace(deadline, relative=raw)
