"""Parse completion times as printed in task tables and sentences into :class:`~ingest.model.Deadline`.

Why a parser of our own: deadlines in Chinese policy tables are a small closed grammar (``2018年``,
``2018年底前``, ``6月底前``, ``2018—2020 年``, ``长期``, ``持续推进``, ``事故结案后一年内``) that no date library
reads; ``dateparser`` would guess wrongly on ranges and open-ended terms.
"""

from __future__ import annotations

import calendar
import re

from ingest.model import Deadline, Span
from ingest.numerals import CN_NUMERAL_CHARS, parse_cn_int

ONGOING_WORDS = ("长期", "持续推进", "持续", "常态化", "长效", "经常性", "逐年推进", "每年", "持续开展")
_NUM = rf"[0-9０-９{CN_NUMERAL_CHARS}]+"
_RANGE = re.compile(rf"(?P<y1>{_NUM})\s*年?\s*[—–\-~～至到]+\s*(?P<y2>{_NUM})\s*年")
_YEAR_MONTH_DAY = re.compile(rf"(?P<y>{_NUM})\s*年(?:\s*(?P<m>{_NUM})\s*月(?:\s*(?P<d>{_NUM})\s*日)?)?")
_MONTH_ONLY = re.compile(rf"(?P<m>{_NUM})\s*月(?:\s*(?P<d>{_NUM})\s*日)?")
_QUARTER = re.compile(rf"(?P<y>{_NUM})\s*年\s*(?:第)?(?P<q>[一二三四1-4])\s*季度")
_HALF = re.compile(rf"(?P<y>{_NUM})\s*年\s*(?P<h>上|下)半年")
_RELATIVE = re.compile(
    rf"(?P<event>[^，。；,]{{1,12}}?)后\s*(?P<n>{_NUM})\s*(?P<unit>年|个月|月|日|天|周|个工作日|工作日)内"
)


def _year(raw: str) -> int | None:
    try:
        value = parse_cn_int(raw)
    except ValueError:
        return None
    if value < 100:  # 18年 → 2018
        value += 2000
    return value if 1900 <= value <= 2100 else None


def _month(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        value = parse_cn_int(raw)
    except ValueError:
        return None
    return value if 1 <= value <= 12 else None


def _last_day(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def parse_deadline(text: str, *, span: Span | None = None, default_year: int | None = None) -> Deadline:
    """Read a printed deadline; unknown forms keep their text with no parsed fields.

    >>> parse_deadline("2018年").due
    '2018-12-31'
    >>> parse_deadline("长期").ongoing
    True
    >>> d = parse_deadline("2018—2020 年")
    >>> (d.year, d.end_year, d.due)
    (2018, 2020, '2020-12-31')
    >>> parse_deadline("6月底前", default_year=2018).due
    '2018-06-30'
    >>> parse_deadline("2019年第三季度").due
    '2019-09-30'
    >>> parse_deadline("事故结案后一年内").relative
    '事故结案后一年内'
    """
    stripped = text.strip()
    if m := _RANGE.search(stripped):
        y1, y2 = _year(m["y1"]), _year(m["y2"])
        if y1 and y2:
            return Deadline(text=text, span=span, year=y1, end_year=y2, due=_last_day(y2, 12))
    if m := _QUARTER.search(stripped):
        year, quarter = _year(m["y"]), "一二三四".find(m["q"]) + 1 or int(m["q"])
        if year:
            return Deadline(
                text=text, span=span, year=year, month=quarter * 3, due=_last_day(year, quarter * 3)
            )
    if m := _HALF.search(stripped):
        year = _year(m["y"])
        if year:
            month = 6 if m["h"] == "上" else 12
            return Deadline(text=text, span=span, year=year, month=month, due=_last_day(year, month))
    if m := _RELATIVE.search(stripped):
        return Deadline(text=text, span=span, relative=m.group(0))
    if m := _YEAR_MONTH_DAY.search(stripped):
        year = _year(m["y"])
        if year:
            month = _month(m["m"])
            if month and m["d"]:
                day = parse_cn_int(m["d"])
                return Deadline(
                    text=text, span=span, year=year, month=month, due=f"{year:04d}-{month:02d}-{day:02d}"
                )
            return Deadline(text=text, span=span, year=year, month=month, due=_last_day(year, month or 12))
    if (m := _MONTH_ONLY.search(stripped)) and default_year:
        month = _month(m["m"])
        if month:
            return Deadline(
                text=text, span=span, year=default_year, month=month, due=_last_day(default_year, month)
            )
    if any(word in stripped for word in ONGOING_WORDS):
        return Deadline(text=text, span=span, ongoing=True)
    return Deadline(text=text, span=span)
