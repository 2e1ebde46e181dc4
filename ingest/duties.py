"""Duty clauses of laws and regulations: who is made responsible for what, and where.

Why a pass over the obligations instead of a second extractor: the obligation reader already cuts an article
into clauses and finds each clause's bearer; what a law answer needs on top is (1) whether the bearer is a
public body that supervises (``regulator``) or anyone else the law burdens (``duty_holder``: 使用单位, 医院,
an organiser), (2) the duty's *object* inside the clause — the text left once the bearer, the modal word and
the scope words are cut, so a question is matched against the duty and not against the article — (3) the
scope (本行政区域内, 全国, 按照职责分工) and (4) whether the clause *governs* the object (负责…监督管理,
对…实施监督管理, 是…主管机关, X由Y负责, 对…负责) rather than mentioning it in passing.

Two sentence shapes the obligation reader does not open because they carry no modal word are read here:
``X是Y的主管机关/主管部门/责任主体`` and the passive ``Y，由X负责…`` whose agent the reader may have
inherited from an earlier sentence.  Every span stays an offset into the verbatim document text.

Jurisdiction (:func:`document_jurisdiction`): the place a document's title starts with (枣庄市, 山东省,
王益区), else 全国 for a law; the places above it are read from the document itself — the title's own prefix
(铜川市王益区 → 铜川市) and the approving congress of a city regulation (经山东省…人民代表大会常务委员会…批准).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from ingest.bearers import DEFINED_AS, parse_bearers
from ingest.duty_kinds import duty_kind
from ingest.model import Article, Bearer, Document, Obligation, Sentence, Span
from ingest.places import gazetteer
from ingest.sentences import split_clauses
from ingest.unit_names import jurisdiction_from_title

NATIONAL = "全国"
_SCOPE = re.compile(r"本行政区域内|全国|本辖区内?|按照职责分工|依照职责分工|按照各自职责|依据各自职责|在各自的?职责范围内")
_GOVERNING = re.compile(
    r"负责[^，。；]*?(?:监督管理|管理|工作|综合工作)|实施(?:综合)?监督管理|主管|统一领导|对[^，。；]{1,40}负责$|负责$|由[^，。；]{2,30}?负责"
    r"|^(?:[^，。；]{0,30}?)负责(?![人的])[^，。；]{2,}"
)
_OBJECT_CUT = re.compile(
    r"^(?:应当|依法|负责|具体|统一|对|在|按照|依照|依据)+|(?:实施(?:综合)?监督管理|的?监督管理工作|工作|负责)$"
)
_IS_COMPETENT = re.compile(
    r"^(?P<bearer>[^，。；是]{2,30})是(?P<object>[^，。；]{2,40}?)的?(?P<role>主管机关|主管部门|责任主体|第一责任人|责任人)"
)
# 应当取得X的(运输)许可 / 经X批准: X grants the permit, so it is the regulator of what the clause permits.
_PERMIT = re.compile(
    r"(?:取得|经)(?P<agent>[^，。；的]{2,30}?)(?:的|依法)?(?P<grant>[^，。；的]{0,8}?(?:许可|批准|核准|审批))"
)
_ASSIGNED = re.compile(
    r"^(?P<object>[^，。；由]{2,30}?)由(?P<agent>[^，。；由]{2,40}?)(?:依法)?(?P<verb>组织|牵头|负责|实施|承担)"
)
# 国务院领导全国的消防工作 / 县级以上人民政府统一领导本行政区域的…工作: a governing duty with no modal word.
_LEADS = re.compile(r"^(?P<bearer>[^，。；]{2,30}?)(?:统一)?领导(?P<object>[^，。；]{2,40}?工作)[，。；]?$")
_CONDITION_SUBJECT = re.compile(r"^(?P<clause>[^，。；]{3,40}的)，")
_PASSIVE = re.compile(
    r"由(?P<agent>[^，。；由]{2,40}?)(?:共同)?(?:依法)?(?:负责|进行|实施|承担)(?P<verb>[^，。；]*)"
)


def scope_of(text: str) -> str:
    """The scope words of a duty clause (本行政区域内, 全国, 按照职责分工 …), joined by ``;``.

    >>> scope_of("县级以上地方各级人民政府负责特种设备安全监督管理的部门对本行政区域内特种设备安全实施监督管理")
    '本行政区域内'
    """
    return ";".join(dict.fromkeys(m.group() for m in _SCOPE.finditer(text)))


def duty_object(text: str, bearers: tuple[Bearer, ...], start: int) -> str:
    """The clause with its bearers, scope words and duty verbs cut: what the duty is about.

    >>> duty_object("公安机关负责危险化学品的公共安全管理", (Bearer(text="公安机关", span=Span(start=0, end=4)),), 0)
    '危险化学品的公共安全管理'
    """
    kept = list(text)
    for bearer in bearers:
        a, b = bearer.span.start - start, bearer.span.end - start
        if 0 <= a < b <= len(text) and text[a:b] == bearer.text:
            kept[a:b] = [""] * (b - a)
    rest = "".join(kept)
    for bearer in bearers:  # an inherited bearer printed again in the clause
        rest = rest.replace(bearer.text, "")
    rest = _SCOPE.sub("", DEFINED_AS.sub("", rest)).strip("，。；：、 ")
    previous = None
    while previous != rest:
        previous, rest = rest, _OBJECT_CUT.sub("", rest).strip("，。；：、的 ")
    return rest


def _own_bearers(obligation: Obligation) -> tuple[Bearer, ...]:
    """The agent of a passive ``…由X负责`` clause, which outranks a bearer inherited from an earlier sentence."""
    match = _PASSIVE.search(obligation.text)
    if not match:
        return obligation.bearers
    at = obligation.span.start + match.start("agent")
    found = parse_bearers(match["agent"], offset=at)
    return found or obligation.bearers


def _topic_bearers(obligation: Obligation, article: Article) -> tuple[Bearer, ...]:
    """For a clause with no subject, a bearer standing alone before it (负责…维护管理的单位，应当保持…) or the
    subject of the condition it opens with (生产经营单位承办大型群众性活动的，应当…).

    The clause between the last sentence stop and the obligation must read wholly as bearers.
    """
    condition = _CONDITION_SUBJECT.match(obligation.text)
    if condition:
        return _leading_bearer(condition["clause"], obligation.span.start)
    sentence = next((x for x in article.sentences if x.span.start <= obligation.span.start < x.span.end), None)
    if sentence is None:
        return ()
    at = obligation.span.start - sentence.span.start
    head = sentence.text[:at]
    cut = max(head.rfind(stop) for stop in "。；：\n")
    topic = head[cut + 1 :]
    if not topic.rstrip().endswith(("，", ",")):  # a topic stands apart: 负责…的单位，应当…
        return ()
    text = topic.rstrip("，, ")
    if not 2 <= len(text) <= 40 or "，" in text:
        return ()
    offset = sentence.span.start + cut + 1 + (len(topic) - len(topic.lstrip()))
    found = parse_bearers(text.strip(), offset=offset)
    return found if len(found) == 1 and found[0].text == text.strip() else ()


def _leading_bearer(text: str, offset: int) -> tuple[Bearer, ...]:
    """The longest start of ``text`` that reads wholly as one bearer (生产经营单位 of 生产经营单位承办…的): a
    role of the roles table first, so that a verb after it (承办) is not read as the head noun of a body (办)."""
    fallback: tuple[Bearer, ...] = ()
    for end in range(min(len(text), 30), 1, -1):
        found = parse_bearers(text[:end], offset=offset)
        if len(found) == 1 and found[0].text == text[:end]:
            if found[0].role:
                return found
            fallback = fallback or found
    return fallback


def _named_bearers(bearers: tuple[Bearer, ...]) -> tuple[Bearer, ...]:
    """The bearers without those that only point back (其工作人员 of 消防救援机构及其工作人员: the body's own staff,
    not another body), when a named one is left."""
    named = tuple(b for b in bearers if not b.text.startswith("其"))
    return named or bearers


def _annotate(obligation: Obligation, article: Article | None = None) -> Obligation:
    bearers = _own_bearers(obligation)
    if not bearers and article is not None:
        bearers = _topic_bearers(obligation, article)
    bearers = _named_bearers(bearers)
    kinds = {duty_kind(b.role or b.text) for b in bearers} or {"duty_holder"}
    kind = "regulator" if "regulator" in kinds else "duty_holder"
    return replace(
        obligation,
        bearers=bearers,
        duty_kind=kind,
        duty_object=duty_object(obligation.text, bearers, obligation.span.start),
        scope=scope_of(obligation.text),
        governing=bool(_GOVERNING.search(obligation.text.rstrip("，。；："))),
    )


def _unmodal_clauses(
    article: Article, pattern: re.Pattern[str], group: str, taken: Sequence[Obligation] = ()
) -> Iterator[tuple[Sentence, re.Match[str], tuple[Bearer, ...]]]:
    """The article's clauses that ``pattern`` matches, outside the spans of ``taken``, with the bearers read
    from its ``group`` (clauses whose group reads as no bearer are passed over)."""
    for sentence in article.sentences:
        for clause in split_clauses(sentence.text, offset=sentence.span.start):
            if any(ob.span.start < clause.span.end and clause.span.start < ob.span.end for ob in taken):
                continue
            match = pattern.search(clause.text)
            if not match:
                continue
            bearers = parse_bearers(match[group], offset=clause.span.start + match.start(group))
            if bearers:
                yield clause, match, bearers


def _clause_duty(
    id: str,
    clause: Sentence,
    text: str,
    *,
    trigger: str,
    action: str,
    bearers: tuple[Bearer, ...],
    kind: str,
    duty_object: str,
    governing: bool,
) -> Obligation:
    """A duty a clause states without a modal word: ``text`` is the clause's start that states it."""
    return Obligation(
        id=id,
        text=text,
        span=Span(start=clause.span.start, end=clause.span.start + len(text)),
        trigger=trigger,
        modality="responsible",
        strength=1.0,
        action=action,
        bearers=bearers,
        duty_kind=kind,
        duty_object=duty_object,
        scope=scope_of(text),
        governing=governing,
    )


def _competent(article: Article, prefix: str, first: int) -> list[Obligation]:
    """``X是Y的主管机关/责任主体/(第一)责任人`` clauses: a duty stated without a modal word."""
    found: list[Obligation] = []
    for clause, match, bearers in _unmodal_clauses(article, _IS_COMPETENT, "bearer"):
        role = match["role"]
        found.append(
            _clause_duty(
                f"{prefix}-o{first + len(found)}",
                clause,
                clause.text[: match.end()],
                trigger="是…" + role,
                action=match["object"] + "的" + role,
                bearers=bearers,
                kind="regulator" if role.startswith("主管") else duty_kind(bearers[0].text),
                duty_object=match["object"],
                governing=not role.endswith("责任人"),  # a person's accountability, not the body's duty
            )
        )
    return found


def _assigned(article: Article, prefix: str, first: int, taken: list[Obligation]) -> list[Obligation]:
    """``X由Y组织/负责…`` clauses with no modal word (特别重大事故由国务院…组织事故调查组进行调查), and
    ``Y领导…工作`` (国务院领导全国的消防工作)."""
    found: list[Obligation] = []
    for clause, match, bearers in _unmodal_clauses(article, _LEADS, "bearer", taken):
        text = clause.text.rstrip("，。；：")
        found.append(
            _clause_duty(
                f"{prefix}-o{first + len(found)}",
                clause,
                text,
                trigger="领导",
                action=text[match.start("object") - 2 :],
                bearers=bearers,
                kind=duty_kind(bearers[0].role or bearers[0].text),
                duty_object=match["object"],
                governing=True,
            )
        )
    taken = [*taken, *found]
    for clause, match, bearers in _unmodal_clauses(article, _ASSIGNED, "agent", taken):
        text = clause.text.rstrip("，。；：")
        found.append(
            _clause_duty(
                f"{prefix}-o{first + len(found)}",
                clause,
                text,
                trigger="由…" + match["verb"],
                action=text[match.start("verb") :],
                bearers=bearers,
                kind=duty_kind(bearers[0].role or bearers[0].text),
                duty_object=f"{match['object']} {text[match.end('verb'):]}".strip(),
                governing=True,
            )
        )
    return found


def _permits(article: Article, prefix: str, first: int) -> list[Obligation]:
    """``应当取得X的许可`` / ``经X批准`` clauses: X grants the permit (a regulator's duty), whoever must obtain it."""
    found: list[Obligation] = []
    for clause, match, bearers in _unmodal_clauses(article, _PERMIT, "agent"):
        if any(duty_kind(b.role or b.text) != "regulator" for b in bearers):
            continue  # 经本单位主要负责人批准: an internal approval, not a public body's permit
        text = clause.text.rstrip("，。；：")
        found.append(
            _clause_duty(
                f"{prefix}-o{first + len(found)}",
                clause,
                text,
                trigger="取得…" + match["grant"],
                action="核发" + match["grant"],
                bearers=bearers,
                kind="regulator",
                duty_object=duty_object(text, bearers, clause.span.start),
                governing=False,
            )
        )
    return found


def read_duties(article: Article, prefix: str) -> tuple[Obligation, ...]:
    """The article's obligations typed as duties (kind, object, scope, governing), plus its 是…主管机关,
    …由X组织/负责 and 取得X的许可 clauses that carry no modal word for the body they name."""
    typed = [_annotate(ob, article) for ob in article.obligations]
    competent = _competent(article, prefix, len(typed) + 1)
    assigned = _assigned(article, prefix, len(typed) + len(competent) + 1, [*typed, *competent])
    permits = _permits(article, prefix, len(typed) + len(competent) + len(assigned) + 1)
    return (*typed, *competent, *assigned, *permits)


def with_duties(document: Document) -> Document:
    """A law or regulation with its obligations read as duties; other documents are returned unchanged."""
    if document.kind != "law":
        return document
    sections = []
    for section in document.sections:
        articles = [
            replace(article, obligations=read_duties(article, f"{document.id}-s{section.number}-a{article.number}"))
            for article in section.articles
        ]
        sections.append(replace(section, articles=tuple(articles)))
    return replace(document, sections=tuple(sections))


_APPROVED = re.compile(r"(?P<place>[\u4e00-\u9fff]{2,8}?(?:省|自治区|市))第[^\n。]{0,30}?人民代表大会常务委员会[^\n。]{0,20}?批准")
_ADMIN = re.compile(r"[\u4e00-\u9fff]{1,7}?(?:特别行政区|自治区|自治州|自治县|省|市|州|盟|区|县|旗)")


def document_jurisdiction(document: Document) -> tuple[str | None, tuple[str, ...]]:
    """The document's jurisdiction and the places above it (nearest first, ending with 全国).

    A policy whose title names no place has no jurisdiction (None, ()); a law without a place is national.
    The places above come from the title (铜川市王益区…), an approval line (…省人民代表大会常务委员会批准) and
    the gazetteer of administrative divisions (王益区 lies in 铜川市, 陕西省).
    """
    own = jurisdiction_from_title(document.title)
    if own is None:
        return (NATIONAL, ()) if document.kind == "law" else (None, ())
    above: list[str] = []
    head = document.title.split(own, 1)[0]
    above.extend(reversed([m.group() for m in _ADMIN.finditer(head)]))
    header = document.text[: document.sections[0].span.start] if document.sections else document.text[:800]
    above.extend(m["place"] for m in _APPROVED.finditer(header) if m["place"] != own)
    above.extend(gazetteer().above(own, context=f"{document.title}\n{header}"))
    above.append(NATIONAL)
    return own, tuple(dict.fromkeys(above))
