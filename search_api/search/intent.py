"""What a question asks: who is responsible, what falls due, what one unit does, which tasks implement an article.

Why a registry of patterns rather than one classifier: each intent is answered by a different view (the ranked
units, ``policykg due``, ``policykg unit``, ``policykg trace``), and a wrong view is worse than the default one.
So every pattern is explicit, Chinese and English, and tried in a fixed order — trace (an article is named),
due (a date or "overdue"), unit (a body's own load), responsible (who/which unit) — else ``search``. Patterns
name the grammar of questions, never the wording of a document; a unit question only counts when the named
body resolves to a unit of the build (the caller checks, see :func:`recognise`'s ``is_unit``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Intent(StrEnum):
    """The kind of question; the value is the JSON text of ``ask --json``'s ``"intent"``."""

    RESPONSIBLE = "responsible"
    DUE = "due"
    UNIT = "unit"
    TRACE = "trace"
    SEARCH = "search"


@dataclass(frozen=True, slots=True, kw_only=True)
class Recognised:
    """The intent of a question and what it names: a date (due), a unit (unit, due), an article (trace)."""

    intent: Intent
    by: dt.date | None = None
    overdue: bool = False
    unit: str | None = None
    article: int | None = None

    def to_json(self) -> dict[str, Any]:
        """``{"by", "overdue", "unit", "article"}`` — what the question was read as naming."""
        return {
            "by": self.by.isoformat() if self.by else None,
            "overdue": self.overdue,
            "unit": self.unit,
            "article": self.article,
        }


_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = "[〇零一二两三四五六七八九十百]+"


def chinese_number(text: str) -> int | None:
    """An article number written in Chinese numerals or digits.

    >>> chinese_number("二十二"), chinese_number("十"), chinese_number("一百零五"), chinese_number("22")
    (22, 10, 105, 22)
    """
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    total += current
    return total or None


# -- trace: an article is named and the question is about the tasks implementing it -----------------------------
_ARTICLE = [
    re.compile(rf"第\s*({_CN_NUMBER}|\d+)\s*条"),
    re.compile(rf"[（(]\s*({_CN_NUMBER})\s*[)）]"),
    re.compile(r"\b(?:article|art\.?|section)\s*(\d+)\b", re.IGNORECASE),
]
_TRACE_WORDS = re.compile(r"落实|实施|对应|哪些任务|任务|implement|task|carr(?:y|ies|ied) out", re.IGNORECASE)

# -- due: a date phrase, or "overdue" --------------------------------------------------------------------------
_OVERDUE = re.compile(r"逾期|超期|过期|已到期|overdue|past due|late tasks", re.IGNORECASE)
_DUE_WORDS = re.compile(
    r"完成|到期|截止|期限|任务|前|底|due|deadline|finish|complete|done|by the end", re.IGNORECASE
)
_MONTHS = {name: number for number, name in enumerate(calendar.month_name) if name}
_DATE_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str], dt.date], dt.date]]] = []


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _year(match: re.Match[str], group: str, today: dt.date) -> int:
    value = match.groupdict().get(group)
    return int(value) if value else today.year


def _date_rule(
    pattern: str, flags: int = re.IGNORECASE
) -> Callable[[Callable[[re.Match[str], dt.date], dt.date]], Any]:
    def register(rule: Callable[[re.Match[str], dt.date], dt.date]) -> Any:
        _DATE_PATTERNS.append((re.compile(pattern, flags), rule))
        return rule

    return register


@_date_rule(r"(?:(?P<y>(?:19|20)\d\d)\s*年)?\s*(?P<m>1[0-2]|0?[1-9])\s*月\s*(?P<d>[0-3]?\d)\s*[日号]")
def _zh_day(match: re.Match[str], today: dt.date) -> dt.date:
    return dt.date(_year(match, "y", today), int(match["m"]), int(match["d"]))


@_date_rule(r"(?:(?P<y>(?:19|20)\d\d)\s*年)?\s*(?P<m>1[0-2]|0?[1-9])\s*月(?:份)?(?:底|末|前|以前|之前)?")
def _zh_month(match: re.Match[str], today: dt.date) -> dt.date:
    return _last_day(_year(match, "y", today), int(match["m"]))


@_date_rule(r"(?:(?P<y>(?:19|20)\d\d)\s*年)?\s*上半年")
def _zh_first_half(match: re.Match[str], today: dt.date) -> dt.date:
    return dt.date(_year(match, "y", today), 6, 30)


@_date_rule(r"(?:(?P<y>(?:19|20)\d\d)\s*年)?\s*(?:下半年|年底|年末|年内|年前|底前)|(?P<y2>(?:19|20)\d\d)\s*年")
def _zh_year(match: re.Match[str], today: dt.date) -> dt.date:
    year = match["y"] or match["y2"]
    return dt.date(int(year) if year else today.year, 12, 31)


@_date_rule(r"\bfirst half(?: of)?\s*(?P<y>(?:19|20)\d\d)?|\bmid-?\s*(?P<y2>(?:19|20)\d\d)")
def _en_first_half(match: re.Match[str], today: dt.date) -> dt.date:
    year = match["y"] or match["y2"]
    return dt.date(int(year) if year else today.year, 6, 30)


@_date_rule(r"\b(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December)"
            r"(?:\s+(?P<d>[0-3]?\d)(?!\d)(?:st|nd|rd|th)?)?,?\s*(?P<y>(?:19|20)\d\d)?", 0)  # May, not "may"
def _en_month(match: re.Match[str], today: dt.date) -> dt.date:
    year, month = _year(match, "y", today), _MONTHS[match["mon"].capitalize()]
    return dt.date(year, month, int(match["d"])) if match["d"] else _last_day(year, month)


@_date_rule(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)(?:-(?P<d>[0-3]\d))?\b")
def _iso(match: re.Match[str], today: dt.date) -> dt.date:
    year, month = int(match["y"]), int(match["m"])
    return dt.date(year, month, int(match["d"])) if match["d"] else _last_day(year, month)


@_date_rule(r"(?:end of (?:the )?year|this year|year[- ]end)(?:\s*(?P<y>(?:19|20)\d\d))?|\b(?P<y2>(?:19|20)\d\d)\b")
def _en_year(match: re.Match[str], today: dt.date) -> dt.date:
    year = match["y"] or match["y2"]
    return dt.date(int(year) if year else today.year, 12, 31)


def read_date(text: str, *, today: dt.date | None = None) -> dt.date | None:
    """The due date a question names: the first (most specific) date phrase, a year or month meaning its last day.

    >>> t = dt.date(2024, 3, 1)
    >>> read_date("2019年底前要完成哪些任务", today=t), read_date("上半年要完成哪些任务", today=t)
    (datetime.date(2019, 12, 31), datetime.date(2024, 6, 30))
    >>> read_date("by the end of 2019", today=t), read_date("due by June 2018", today=t)
    (datetime.date(2019, 12, 31), datetime.date(2018, 6, 30))
    >>> read_date("2018年6月底前", today=t), read_date("年底前", today=t), read_date("谁负责电梯安全", today=t)
    (datetime.date(2018, 6, 30), datetime.date(2024, 12, 31), None)
    """
    today = today or dt.date.today()
    for pattern, rule in _DATE_PATTERNS:
        match = pattern.search(text)
        if match:
            try:
                return rule(match, today)
            except ValueError:  # 2月30日: not a day; the question is not read as naming one
                return None
    return None


# -- unit: one body's own load -------------------------------------------------------------------------------
_UNIT_PATTERNS = [
    re.compile(r"^(?P<unit>[^，,？?。\s]{2,30}?)(?:主要|都|具体|应当|要)?(?:负责|承担|牵头|管)(?:哪些|什么|啥)(?:工作|任务|事|事项)?"),
    re.compile(r"^(?P<unit>[^，,？?。\s]{2,30}?)的?(?:职责|任务|工作|责任)(?:是什么|有哪些|有什么|包括哪些|清单)"),
    re.compile(r"^what (?:is|are|does) (?:the )?(?P<unit>.+?) (?:responsible for|in charge of|do|have to do)\b",
               re.IGNORECASE),
    re.compile(r"^(?:what are )?(?:the )?(?:duties|tasks|responsibilities) of (?:the )?(?P<unit>.+?)\s*\??$",
               re.IGNORECASE),
]

# -- responsible: who / which unit -------------------------------------------------------------------------------
_WHO = re.compile(
    r"谁|哪些?(?:个)?(?:部门|单位|机构|机关)|由哪|牵头|负责|主管|监管部门|"
    r"\bwho\b|\bwhich (?:unit|department|body|bodies|agency|agencies|office)|\bresponsible\b|\bleads?\b|\bin charge\b",
    re.IGNORECASE,
)


def _article(question: str) -> int | None:
    for pattern in _ARTICLE:
        match = pattern.search(question)
        if match:
            return chinese_number(match[1])
    return None


def _unit_name(question: str) -> str | None:
    text = question.strip().rstrip("？?。.! ")
    for pattern in _UNIT_PATTERNS:
        match = pattern.search(text)
        if match:
            return match["unit"].strip()
    return None


def recognise(
    question: str,
    *,
    is_unit: Callable[[str], str | None] = lambda _name: None,
    has_topic: bool = False,
    today: dt.date | None = None,
) -> Recognised:
    """The intent of ``question``; ``is_unit`` maps a name to the unit's canonical name (None: not a unit).

    >>> recognise("第二十二条由哪些任务落实").intent, recognise("which tasks implement article 22").article
    (<Intent.TRACE: 'trace'>, 22)
    >>> recognise("2019年底前要完成哪些任务").by, recognise("哪些任务已经逾期").overdue
    (datetime.date(2019, 12, 31), True)
    >>> recognise("区财政局负责什么", is_unit=lambda n: n if n == "区财政局" else None).unit
    '区财政局'
    >>> recognise("谁负责电梯安全").intent, recognise("安全生产一票否决").intent
    (<Intent.RESPONSIBLE: 'responsible'>, <Intent.SEARCH: 'search'>)
    """
    article = _article(question)
    if article is not None and _TRACE_WORDS.search(question):
        return Recognised(intent=Intent.TRACE, article=article)
    name = _unit_name(question)
    unit = is_unit(name) if name else None
    if _OVERDUE.search(question):
        return Recognised(intent=Intent.DUE, overdue=True, by=today or dt.date.today(), unit=unit)
    by = read_date(question, today=today)
    if by is not None and _DUE_WORDS.search(question) and not (_WHO.search(question) and has_topic):
        return Recognised(intent=Intent.DUE, by=by, unit=_unit_before_date(question, is_unit))
    if unit is not None:
        return Recognised(intent=Intent.UNIT, unit=unit)
    if _WHO.search(question) or has_topic:
        return Recognised(intent=Intent.RESPONSIBLE)
    return Recognised(intent=Intent.SEARCH)


_BEFORE_DATE = re.compile(r"^(?P<unit>[^，,？?。\s\d]{2,30}?)(?:在|于|要|需|应)?(?:(?:19|20)\d\d|上半年|下半年|年底|今年|本年)")


def _unit_before_date(question: str, is_unit: Callable[[str], str | None]) -> str | None:
    """The unit a due question is restricted to (区住建局2019年底前要完成哪些任务), if it names one first."""
    match = _BEFORE_DATE.search(question.strip())
    return is_unit(match["unit"]) if match else None
