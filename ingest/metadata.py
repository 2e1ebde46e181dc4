"""Document metadata as printed: title, status (征求意见稿 …), issuer, document numbers, date, and the notice
that wraps a policy.

Why heuristics over the head and the signature block: official documents print a title block (optional
letterhead, the title, possibly broken over two or three lines, the document number, the addressee) and a
signature block (one body a line, or several on one line, then the date).  Web copies add site chrome (a
breadcrumb, reader widgets, the site's column name, a copyright footer) and a metadata header (发文机关：…);
chrome is passed over before anything else, and a header, when present, is believed first.  A line is only a
title when it reads as one (ends with a document type such as 通知/意见/办法/批复), so a cover sentence
(现将《…》印发给你们), a letterhead (…县人民政府办公室) or the first body sentence never becomes one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.lines import Line
from ingest.numerals import CN_NUMERAL_CHARS, parse_cn_int

STATUS_WORDS = ("征求意见稿", "送审稿", "讨论稿", "草案", "试行", "暂行", "修订稿", "代拟稿")
_NUMBER_DIGITS = "0-9０-９"
DOC_NUMBER_RE = re.compile(
    rf"[\u4e00-\u9fa5]{{1,12}}\s?[〔\[［﹝【(（]\s*(?:19|20|１９|２０)[{_NUMBER_DIGITS}]{{2}}\s*[〕\]］﹞】)）]"
    rf"\s*第?[{_NUMBER_DIGITS}]{{1,4}}\s*号"
)
_HEADER_KEYS = (
    "名称|标题|索引号|发布机关|发文机关|发布机构|生成日期|成文日期|发布日期|文号|发文字号|主题词|主题分类|分类|"
    "有效性|公文种类"
)
_HEADER_FIELD = re.compile(
    r"^(?P<key>"
    + "|".join(r"\s*".join(key) for key in _HEADER_KEYS.split("|"))
    + r")\s*[:：]\s*(?P<value>.*)$"
)
_DATE_RE = re.compile(
    rf"(?P<y>(?:19|20)\d{{2}}|[{CN_NUMERAL_CHARS}]{{4}})\s*年\s*(?P<m>[0-9{CN_NUMERAL_CHARS}]{{1,3}})\s*月"
    rf"\s*(?P<d>[0-9{CN_NUMERAL_CHARS}]{{1,3}})\s*日"
)
_ISO_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})")
_MARKDOWN_TITLE = re.compile(r"^#{1,3}\s+(?P<title>.+)$")
_STATUS_LINE = re.compile(rf"^[（(]\s*(?P<status>{'|'.join(STATUS_WORDS)})\s*[）)]$")
_ATTACHMENT = re.compile(r"^附\s*件\s*[0-9０-９一二三四五六七八九十]*\s*[:：]?\s*")

# Site chrome: breadcrumbs, reader widgets, print/close buttons, share bars, footers, hidden-text markers and
# HTML that leaked through a copy.  Matched against a whole (stripped) line.
_CHROME = re.compile(
    r"(?:您?当前(?:所在)?位置|您现在的位置|当前位置)\s*[:：]"
    r"|^首页\s*(?:[>＞›»/|]|$)|[>＞›»]\s*(?:正文|政策文件|信息公开|通知公告|政府文件|政策解读)\s*$"
    r"|朗读|无障碍|字号\s*[:：]?\s*[【\[]?\s*大|^[【\[]?\s*(?:打印|关闭|收藏|分享|返回顶部|纠错|下载)(?:本页|窗口|此页)?\s*[】\]]?"
    r"(?:\s*[【\[]?\s*(?:打印|关闭|收藏|分享|返回顶部|纠错|下载)(?:本页|窗口|此页)?\s*[】\]]?)*$"
    r"|分享到|扫一扫|浏览次数|访问量|点击数|来源\s*[:：].*(?:时间|日期)\s*[:：]|发布时间\s*[:：]"
    r"|版权所有|网站标识码|ICP备|公网安备|主办单位\s*[:：]|网站地图|技术支持\s*[:：]|联系我们"
    r"|^地\s*址\s*[:：]|^邮\s*编\s*[:：]|^【?\s*隐藏\s*】?$|^\[?\s*(?:隐藏|显示)\s*\]?$"
    r"|</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|&nbsp;|&gt;|&lt;"
)
_CHROME_PREFIX = re.compile(r"^(?:政策解读|图解|解读|原文|正文)\s*[:：]\s*")
# Short lines that only name a website column (栏目) above the document.
_COLUMN_NAME = re.compile(
    r"^(?:政策文件|政策法规|法律法规|通知公告|公告公示|政府文件|信息公开|政务公开|政策解读|工作动态|规范性文件|"
    r"部门文件|最新文件|文件通知|政府信息公开|领导讲话|新闻动态|要闻动态)$"
)
_DOC_TYPES = (
    "实施意见|指导意见|意见|通知|通报|办法|方案|规定|细则|决定|批复|复函|函|命令|令|公告|通告|报告|请示|规划|"
    "计划|纲要|条例|法|标准|指南|准则|制度|规则|要点|清单|目录|决议|预案|指引|安排|措施|答复|导则|规范|守则|"
    "章程|公报|建议|纪要|名单|任务分工|职责|责任书|批准书|许可证|证书|办法|政策"
)
_TITLE_END = re.compile(rf"(?:{_DOC_TYPES})$")
_TRAILING_BRACKETS = re.compile(r"(?:\s*[（(][^（）()]{1,24}[）)])+$")
_NUMBERED_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十0-9]+[）)]|第[一二三四五六七八九十百零〇0-9]+[条章节]|"
    r"[0-9０-９]+\s*[.．、])"
)
_SENTENCE_MARK = re.compile(r"[。；;！？!?]|，|,(?!\d)")
_BODY_OPENERS = re.compile(r"^(?:根据|为了?|按照|依据|现将|现就|你|经|近年来|随着|据)")
_NOT_TITLE = re.compile(r"收悉|现将|印发给你们|转发给你们|请认真|如下[:：]?$|特此")
_ORG_END = (
    r"(?:人民政府|政府|委员会|办公室|办公厅|部|局|委|厅|院|中心|军委|署|党委|总队|支队|大队|小组|指挥部|"
    r"司|军区|战区|公司|集团|协会|学会|联合会|总工会|工会|妇联|团委|法院|检察院|街道办事处|办事处|管委会|管理委员会|站|所|处|科|镇|乡|街道)"
)
_ORG_LINE = re.compile(rf"^[\u4e00-\u9fa5（）()、\s·]{{2,80}}?{_ORG_END}(?:文件)?$")
_ONE_ORG = re.compile(rf"[\u4e00-\u9fa5（）()]{{2,30}}?{_ORG_END}")
_LETTER_SPACED = re.compile(r"^(?:[\u4e00-\u9fa5][ \u3000\u00a0]+)+[\u4e00-\u9fa5]$")
_NOTICE_TITLE = re.compile(r"(?:印发|转发)(?P<what>.+?)的(?:通知|函)$")
_DRAFT_LETTER = re.compile(r"(?:征求|征集)(?P<what>.*?)(?:意见|建议)的(?:函|通知)$")
_CARRIED = re.compile(r"《(?P<title>[^《》\n]{2,80})》")
_COVER_SENTENCE = re.compile(
    r"现将(?:修订后的)?《(?P<title>[^《》\n]{2,80})》(?:（[^）]*）)?(?:印发|转发|发)给?你们"
)
_SIGNATURE_DATE_MAX = 24


@dataclass(frozen=True, slots=True, kw_only=True)
class NoticeMetadata:
    """The notice (印发/转发…的通知, or a 函 carrying a 征求意见稿) that wraps the policy, as printed.

    ``start``/``end`` are offsets into the verbatim text: from the notice's first line to the end of its
    signature (or to the carried policy's own title line).
    """

    title: str | None
    doc_numbers: tuple[str, ...]
    issuer: str | None
    date: str | None
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Metadata:
    """What the head and foot of a document say about it."""

    title: str
    title_end: int
    status: str | None
    issuer: str | None
    doc_numbers: tuple[str, ...]
    date: str | None
    notice: NoticeMetadata | None = None


def parse_date(text: str) -> str | None:
    """ISO date from 2018年3月5日, 二〇一八年三月五日, 二OO九年 or an ISO-like 2018-03-05.

    >>> parse_date("二〇一八年三月五日")
    '2018-03-05'
    >>> parse_date("2019年12月31日印发")
    '2019-12-31'
    >>> parse_date("二OO九年十月十日")
    '2009-10-10'
    """
    match = _DATE_RE.search(text) or _ISO_DATE.search(text)
    if match is None:
        return None
    try:
        year, month, day = (parse_cn_int(match[key]) for key in ("y", "m", "d"))
    except ValueError:
        return None
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def is_chrome(stripped: str) -> bool:
    """True for a line of website chrome (breadcrumb, reader widget, footer, leaked HTML, column name).

    >>> is_chrome("您当前所在位置:首页>政策文件>正文")
    True
    >>> is_chrome("【字号 大 中 小】【打印】【关闭】")
    True
    >>> is_chrome("某某县安全生产专项整治实施方案")
    False
    """
    return bool(_CHROME.search(stripped) or _COLUMN_NAME.match(stripped))


def clean_line(stripped: str) -> str:
    """A line without a chrome prefix (政策解读：) and with a letter-spaced name closed up (国　务　院 → 国务院)."""
    stripped = _CHROME_PREFIX.sub("", stripped)
    if _LETTER_SPACED.match(stripped):
        stripped = re.sub(r"[ \u3000\u00a0]+", "", stripped)
    return stripped


def ends_with_doc_type(text: str) -> bool:
    """Does ``text`` end with a document type (通知, 批复, 办法 …), a status or edition bracket aside?

    >>> ends_with_doc_type("某某办法（征求意见稿）")
    True
    >>> ends_with_doc_type("国务院、中央军委关于军民合用")
    False
    """
    return bool(_TITLE_END.search(_TRAILING_BRACKETS.sub("", text).strip()))


def looks_like_title(text: str) -> bool:
    """Does ``text`` read as a document title: ends with a document type, is not a sentence or a heading.

    >>> looks_like_title("国务院、中央军委关于军民合用莱山机场并进行扩建的批复")
    True
    >>> looks_like_title("国务院、中央军委关于军民合用")
    False
    >>> looks_like_title("现将《某某办法》印发给你们，请认真贯彻执行。")
    False
    """
    core = _TRAILING_BRACKETS.sub("", text).strip()
    return bool(
        4 <= len(core) <= 120
        and _TITLE_END.search(core)
        and core.count("《") == core.count("》")
        and not core.startswith(("》", "的", "、"))
        and not _SENTENCE_MARK.search(core)
        and not _BODY_OPENERS.match(core)
        and not _NOT_TITLE.search(core)
        and not _NUMBERED_HEADING.match(core)
        and not DOC_NUMBER_RE.match(core)
        and not is_chrome(core)
    )


def _is_number_line(text: str) -> bool:
    """A line that starts with a document number (the number line of a title block, maybe run into the next)."""
    match = DOC_NUMBER_RE.match(text)
    return bool(match) and (match.end() == len(text) or not looks_like_title(text))


def _content(lines: list[Line]) -> list[tuple[int, Line, str]]:
    """Non-empty, non-chrome lines with their index and cleaned text."""
    out = []
    for index, line in enumerate(lines):
        stripped = line.stripped
        if stripped and not is_chrome(stripped):
            out.append((index, line, clean_line(stripped)))
    return out


def _title_at(content: list[tuple[int, Line, str]], at: int) -> tuple[str, int, int, int] | None:
    """The title starting at ``content[at]``, joined over up to three more lines: text, end offset, index of its
    last and of its first line.

    A title broken over lines is joined only through lines that could continue a title (short, no sentence
    punctuation, not a number, date or addressee line).
    """
    parts: list[str] = []
    for offset in range(4):
        if at + offset >= len(content):
            break
        text = content[at + offset][2]
        markdown = _MARKDOWN_TITLE.match(text)
        if markdown:
            if offset:
                break
            text = markdown["title"].strip()
        if offset and _org_line("".join(parts)) and looks_like_title(text) and not text.startswith("关于"):
            break  # the line before was a letterhead; this line is a title of its own
        if offset and (
            _is_number_line(text)
            or parse_date(text)
            or text.endswith((":", "："))
            or _SENTENCE_MARK.search(text)
            or _STATUS_LINE.match(text)
            or _NUMBERED_HEADING.match(text)
            or len(text) > 60
        ):
            break
        parts.append(text)
        joined = "".join(parts)
        if looks_like_title(joined) and not _continues(joined, content, at + offset + 1):
            return joined, content[at + offset][1].end, at + offset, at
        if offset == 0 and (_SENTENCE_MARK.search(text) or len(text) > 80):
            break
    return None


def _continues(joined: str, content: list[tuple[int, Line, str]], following: int) -> bool:
    """Does the next line finish a title that already ends like one (…关于印发某某实施方案 / 的通知)?"""
    if following >= len(content):
        return False
    text = content[following][2]
    if len(text) > 40 or _SENTENCE_MARK.search(text) or not looks_like_title(joined + text):
        return False
    _, about, rest = joined.partition("关于")
    return text.startswith(("的", "之")) or bool(about and "的" not in rest)


def _skippable_head_line(text: str) -> bool:
    """Lines a title block may hold before the title: 附件 labels, rules, numbers, letterheads, status lines."""
    return bool(
        _ATTACHMENT.fullmatch(text)
        or re.fullmatch(r"[=+\-_*#\s]+", text)
        or _is_number_line(text)
        or _STATUS_LINE.match(text)
        or _HEADER_FIELD.match(text)
        or "<!--" in text
        or (len(text) <= 24 and parse_date(text))
        or re.fullmatch(r"[（(][^（）()]{1,20}[）)]", text)
    )


def _find_title(
    content: list[tuple[int, Line, str]], start: int = 0, limit: int = 30
) -> tuple[str, int, int, int] | None:
    """The first title in the title block from ``content[start]``: stop at the first body sentence."""
    for at in range(start, min(len(content), start + limit)):
        text = content[at][2]
        if _skippable_head_line(text) or (text.endswith((":", "：")) and not _ATTACHMENT.match(text)):
            continue
        attachment = _ATTACHMENT.match(text)
        if attachment and attachment.end() < len(text):
            rest = text[attachment.end() :]
            if looks_like_title(rest):
                return rest, content[at][1].end, at, at
        if found := _title_at(content, at):
            return found
        if _SENTENCE_MARK.search(text) or len(text) > 80 or _NUMBERED_HEADING.match(text):
            return None
    return None


def _status_of(title: str) -> str | None:
    return next((word for word in STATUS_WORDS if f"（{word}）" in title or f"({word})" in title), None)


def _org_line(text: str) -> bool:
    return bool(_ORG_LINE.match(text)) and not _NOT_TITLE.search(text) and "关于" not in text


def _signature(content: list[tuple[int, Line, str]], start: int = 0) -> tuple[str | None, str | None, int]:
    """Issuer and date of the first signature block at or after ``content[start]``, and the offset it ends at.

    A signature is a short date line with body names above it (one a line, or run together), or a body name
    and the date on one line; a line ending in 印发 (the printing office's imprint) is not one.  When no date
    has bodies above it, the first standalone date is the date and the issuer is unknown.
    """
    first_date: tuple[str, int] | None = None
    for at in range(start, len(content)):
        _, line, text = content[at]
        if text.endswith("印发") or len(text) > 80:
            continue
        date = parse_date(text)
        if date is None:
            continue
        match = _DATE_RE.search(text) or _ISO_DATE.search(text)
        assert match is not None
        before, after = text[: match.start()].strip(), text[match.end() :].strip()
        if after and not re.fullmatch(r"[（(]?[^（）()]{0,10}[）)]?", after):
            continue
        if before:
            if _org_line(before):
                return before, date, line.end
            continue
        if len(text) > _SIGNATURE_DATE_MAX:
            continue
        issuers: list[str] = []
        for back in range(at - 1, max(start, at - 5) - 1, -1):
            above = content[back][2]
            if _org_line(above) and len(above) <= 60:
                issuers.insert(0, above)
                continue
            break
        if issuers:
            return " ".join(issuers), date, line.end
        if first_date is None:
            first_date = (date, line.end)
    return (None, first_date[0], first_date[1]) if first_date else (None, None, 0)


def _issuer_from_title(title: str) -> str | None:
    """The bodies printed before 关于 in a title (工业和信息化部办公厅 公安部办公厅关于… → both)."""
    head, found, _ = title.partition("关于")
    head = head.strip()
    if not found or not head:
        return None
    if _org_line(head) or all(_ONE_ORG.fullmatch(part) for part in re.split(r"[\s、]+", head) if part):
        return head
    return None


def _own_numbers(content: list[tuple[int, Line, str]], end: int) -> tuple[str, ...]:
    """Document numbers printed on their own line (or opening a line) before offset ``end``."""
    found = []
    for _, line, text in content:
        if line.start >= end:
            break
        match = DOC_NUMBER_RE.match(text)
        if match and (match.end() == len(text) or not looks_like_title(text)):
            found.append(match.group(0).strip())
    return tuple(dict.fromkeys(found))


def _with_header_number(numbers: tuple[str, ...], fields: dict[str, str]) -> tuple[str, ...]:
    """The header's 文号/发文字号 first (as printed), then the numbers printed in the title block."""
    own = fields.get("发文字号") or fields.get("文号")
    return (own, *[n for n in numbers if n != own]) if own else numbers


def _carried_title(notice_title: str) -> str | None:
    """The policy a notice title carries: the 《…》 it names, or the words between 印发 and 的通知."""
    core = _TRAILING_BRACKETS.sub("", notice_title)
    for pattern in (_NOTICE_TITLE, _DRAFT_LETTER):
        if match := pattern.search(core):
            what = match["what"]
            if named := _CARRIED.search(what):
                return named["title"]
            if pattern is _NOTICE_TITLE:
                what = re.sub(r"^(?:修订后的|新修订的)", "", what)
                return what if len(what) >= 4 else None
    return None


def _normal(text: str) -> str:
    return re.sub(r"[\s《》]", "", text)


def _carried_line(
    content: list[tuple[int, Line, str]], after: int, carried: str
) -> tuple[str, int, int] | None:
    """The carried policy's own title line after the notice (its title as printed, with a status bracket)."""
    want = _normal(_TRAILING_BRACKETS.sub("", carried))
    for at in range(after, len(content)):
        text = _ATTACHMENT.sub("", content[at][2]) if _ATTACHMENT.match(content[at][2]) else content[at][2]
        markdown = _MARKDOWN_TITLE.match(text)
        text = markdown["title"].strip() if markdown else text
        if not text or _SENTENCE_MARK.search(text):
            continue
        candidate = _normal(text)
        if candidate.startswith(want) and len(candidate) <= len(want) + 12:
            title, end = text, content[at][1].end
            if at + 1 < len(content) and (status := _STATUS_LINE.match(content[at + 1][2])):
                title, end = f"{text}（{status['status']}）", content[at + 1][1].end
            return title, end, content[at][1].start
    return None


def read_metadata(text: str, lines: list[Line], *, fallback_title: str) -> Metadata:
    """Title, status, issuer, document numbers, date and wrapping notice of one document."""
    content = _content(lines)
    fields: dict[str, str] = {}
    for _, _, stripped in content[:40]:
        if match := _HEADER_FIELD.match(stripped):
            key = re.sub(r"\s+", "", match["key"])
            if value := match["value"].strip():
                fields.setdefault(key, value)
    header_title = fields.get("标题") or fields.get("名称")
    found = _find_title(content)
    title, title_end, title_at, first_at = found if found else ("", 0, -1, -1)
    if header_title and (not title or _normal(title) != _normal(header_title)):
        title = header_title
    status: str | None = None
    if found and title_at + 1 < len(content) and (match := _STATUS_LINE.match(content[title_at + 1][2])):
        status, title_end = match["status"], content[title_at + 1][1].end

    notice: NoticeMetadata | None = None
    carried = _carried_title(title) if title else None
    cover_at = -1
    if carried is None:
        for at, (_, _, stripped) in enumerate(content[:40]):
            if cover := _COVER_SENTENCE.search(stripped):
                carried, cover_at = cover["title"], at
                break
            if _NUMBERED_HEADING.match(stripped):
                break
    if carried:
        notice_start = (
            content[first_at][1].start if first_at >= 0 else (content[0][1].start if content else 0)
        )
        search_from = max(title_at, cover_at) + 1
        own = _carried_line(content, search_from, carried)
        sig_issuer, sig_date, sig_end = _signature(content, search_from)
        notice_end = own[2] if own else (sig_end or len(text))
        notice_title = title if title_at >= 0 or header_title else None
        notice = NoticeMetadata(
            title=notice_title,
            doc_numbers=_with_header_number(_own_numbers(content, notice_end), fields),
            issuer=fields.get("发文机关")
            or fields.get("发布机关")
            or sig_issuer
            or (_issuer_from_title(notice_title) if notice_title else None),
            date=parse_date(fields.get("成文日期", "")) or sig_date or parse_date(fields.get("发布日期", "")),
            start=notice_start,
            end=notice_end,
        )
        if own:
            title, title_end = own[0], own[1]
            status = None
        else:
            title = carried
            title_end = max(title_end, notice_end if cover_at >= 0 else title_end)
    if not title:
        title = fallback_title
    if status is None:
        status = _status_of(title)

    number_end = notice.end if notice else (title_end + 200 if title_end else 400)
    numbers = _with_header_number(_own_numbers(content, number_end), fields)
    sig_issuer, sig_date, _ = _signature(content)
    issuer = (
        fields.get("发文机关")
        or fields.get("发布机关")
        or sig_issuer
        or (notice.issuer if notice else None)
        or _issuer_from_title(notice.title if notice and notice.title else title)
    )
    date = parse_date(fields.get("成文日期", "")) or sig_date or parse_date(fields.get("发布日期", ""))
    date = date or parse_date(fields.get("生成日期", ""))
    return Metadata(
        title=title,
        title_end=title_end,
        status=status,
        issuer=issuer or None,
        doc_numbers=numbers,
        date=date,
        notice=notice,
    )
