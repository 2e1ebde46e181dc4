"""Chinese numerals ⇄ integers, for article labels (（三十三）), chapters (第一百零五条) and dates (二〇一八年).

Why not a library: the few PyPI packages for this either pull in heavy dependencies or mishandle 〇/O in
years; the grammar needed here (up to 万) fits in a screen and is covered by property tests.
"""

from __future__ import annotations

DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "Ｏ": 0,
    "O": 0,
    "o": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "万": 10000}
CN_NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS)
_PLAIN = "零一二三四五六七八九"


def parse_cn_int(text: str) -> int:
    """Parse a Chinese (or Arabic, or full-width Arabic) numeral.

    >>> parse_cn_int("三十三")
    33
    >>> parse_cn_int("一百零五")
    105
    >>> parse_cn_int("十二")
    12
    >>> parse_cn_int("二〇一八")
    2018
    >>> parse_cn_int("１２")
    12

    Raises ``ValueError`` naming the text when it is not a numeral.
    """
    stripped = text.strip()
    if not stripped:
        raise ValueError(f"not a numeral: {text!r}")
    ascii_digits = stripped.translate({0xFF10 + i: ord("0") + i for i in range(10)})
    if ascii_digits.isdigit():
        return int(ascii_digits)
    if any(ch not in DIGITS and ch not in UNITS for ch in stripped):
        raise ValueError(f"not a numeral: {text!r}")
    if not any(ch in UNITS for ch in stripped):
        # Digit-by-digit form, as in years: 二〇一八.
        return int("".join(str(DIGITS[ch]) for ch in stripped))
    total, section, digit = 0, 0, 0
    for ch in stripped:
        if ch in DIGITS:
            digit = DIGITS[ch]
            continue
        unit = UNITS[ch]
        if unit == 10000:
            total += (section + digit) * unit
            section, digit = 0, 0
        else:
            section += (digit or 1) * unit
            digit = 0
    return total + section + digit


def format_cn_int(value: int) -> str:
    """Write a non-negative integer below 100000 as a Chinese numeral, the inverse of :func:`parse_cn_int`.

    >>> format_cn_int(33)
    '三十三'
    >>> format_cn_int(105)
    '一百零五'
    >>> format_cn_int(10)
    '十'
    """
    if value < 0 or value >= 100000:
        raise ValueError(f"out of range for a Chinese numeral: {value}")
    if value == 0:
        return "零"
    parts: list[str] = []
    names = [(10000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")]
    pending_zero = False
    for size, name in names:
        digit = (value // size) % 10
        if digit == 0:
            if parts:
                pending_zero = True
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        parts.append(_PLAIN[digit] + name)
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text
