"""One parser per input kind, shared by the CLI and the API (framework-free).

Why one module: ``policykg due --by``, ``policykg export --as-of``, ``/api/due?by=`` and ``/api/export/*?as_of=``
used to parse dates three ways, and one of them answered 500 on ``0000`` or on digits such as ``²⁰¹⁹`` (for which
``str.isdigit`` is true but ``int``/``date`` fail). Every caller now accepts the same text and refuses the rest
with the same one-line :class:`BadDate` (400 ``bad_date`` in the API, exit status 2 in the CLI).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from search_api.errors import BadParameter

# A text parameter that must not be blank, as a JSON Schema pattern (unanchored: one character that is neither
# Unicode white space nor one of the separators U+001C–U+001F that Python's str.strip removes too), so that the
# schema, pydantic's regex engine and ``str.strip`` agree on what "blank" is.
NOT_BLANK = r"[^\s\x1c-\x1f]"
MIN_YEAR = 1900  # policy deadlines before this are typing errors, not dates
MAX_YEAR = 2999
DATE_FORMS = "YYYY-MM-DD, YYYY-MM or YYYY"
# The same forms as a JSON Schema pattern, for the OpenAPI document only: :func:`parse_date` stays the one check
# (it also takes an empty value as "not given" and answers ``bad_date`` rather than a generic validation error).
DATE_PATTERN = r"^(19|2[0-9])[0-9]{2}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
# ASCII digits only: ``\d`` with re.ASCII, so superscripts, circled and Arabic-Indic digits never match.
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", re.ASCII)


class BadDate(BadParameter):
    """A date parameter that is not one of :data:`DATE_FORMS` (400 ``bad_date``)."""

    code = "bad_date"


def parse_date(name: str, value: str | None, default: dt.date | None = None) -> dt.date | None:
    """``value`` as a date (a year or month means its last day), ``default`` when empty, else :class:`BadDate`.

    >>> parse_date("by", "2019", None), parse_date("by", "2020-02", None), parse_date("by", " 2019-06-30 ", None)
    (datetime.date(2019, 12, 31), datetime.date(2020, 2, 29), datetime.date(2019, 6, 30))
    >>> parse_date("by", None, dt.date(2000, 1, 1))
    datetime.date(2000, 1, 1)
    >>> parse_date("by", "²⁰¹⁹", None)
    Traceback (most recent call last):
    search_api.inputs.BadDate: parameter 'by' is not a date: '²⁰¹⁹' (use YYYY-MM-DD, YYYY-MM or YYYY)
    """
    if value is None or not value.strip():
        return default
    text = value.strip()
    match = _DATE.fullmatch(text)
    if match is None:
        raise _bad(name, value, "")
    year, month, day = int(match[1]), int(match[2] or 12), match[3]
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _bad(name, value, f"; years {MIN_YEAR}–{MAX_YEAR}")
    if not 1 <= month <= 12:
        raise _bad(name, value, "; months 01–12")
    last = calendar.monthrange(year, month)[1]
    number = last if day is None else int(day)
    if not 1 <= number <= last:
        raise _bad(name, value, f"; {year}-{month:02d} has days 01–{last}")
    return dt.date(year, month, number)


def _bad(name: str, value: str, detail: str) -> BadDate:
    shown = value if len(value) <= 40 else value[:40] + "…"
    return BadDate(f"parameter {name!r} is not a date: {shown!r} (use {DATE_FORMS}{detail})")


def parse_unit_name(value: str | None) -> str | None:
    """A unit name as given (any alias): surrounding blanks dropped; None when nothing is left.

    >>> parse_unit_name("  区财政局 "), parse_unit_name("   ")
    ('区财政局', None)
    """
    text = (value or "").strip()
    return text or None
