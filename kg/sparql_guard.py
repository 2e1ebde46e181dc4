"""Checks a SPARQL query passes before it reaches the engine: size, nesting, SERVICE; and one-line syntax errors.

Why: Oxigraph parses and plans queries recursively. ``SELECT * WHERE`` + 3,000 nested ``{ … }`` (or 3,000 nested
OPTIONAL, 10,000 nested brackets, ``+`` or UNION) overflows its stack and the whole process dies with SIGSEGV,
and a few hundred chained OPTIONALs, property-path steps or blank-node brackets take seconds to minutes to plan
(measured with pyoxigraph 0.5: crashes from 3,000, 20 s at 512 path steps). Real queries over this graph need a
nesting depth of a handful and a few dozen operators, so the limits below are generous for people and far below
what hurts the engine. Everything is counted outside strings, IRIs and comments (an IRI or a label may hold any
bracket). SERVICE makes the engine call any URL (a server-side request forgery), so it is refused unless the
operator allowed it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_QUERY_CHARS = 100_000

# Strings (long and short), IRIs and comments; their content never counts as syntax.
_OPAQUE = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s"{}|^`\\]*>|#[^\n]*'
)
# Names that may hold operator characters: variables, prefixed names, keywords, numbers.
_WORDS = re.compile(r"[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+|[^\W_][\w.:-]*|_:[\w.-]+", re.UNICODE)
_GROUP_KEYWORDS = re.compile(r"(?<![\w:?$])(OPTIONAL|UNION|MINUS)(?![\w:-])", re.IGNORECASE)
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:-])", re.IGNORECASE)
_OPERATORS = re.compile(r"&&|\|\||!=|<=|>=|[+\-*/|^!=<>]")
_OPEN, _CLOSE = "{([", "})]"


@dataclass(frozen=True, slots=True, kw_only=True)
class QueryLimits:
    """How large and how nested a query may be (see the module docstring for why these numbers)."""

    max_chars: int = MAX_QUERY_CHARS
    max_depth: int = 64  # brackets {} () [] nested inside each other
    max_groups: int = 128  # OPTIONAL, UNION and MINUS in the whole query
    max_blank_nodes: int = 128  # [ … ] blank-node property lists
    max_operators: int = 128  # property-path and expression operators: / | ^ + * ? ! && || = < > -


DEFAULT_LIMITS = QueryLimits()


class QueryRefused(Exception):
    """A query refused before it reached the engine; ``code`` is ``query_too_complex`` or ``service_refused``."""

    def __init__(self, message: str, *, code: str, hint: str) -> None:
        self.code = code
        self.hint = hint
        super().__init__(message)


def skeleton(query: str) -> str:
    """The query with strings, IRIs and comments blanked (same length, so positions still match).

    >>> skeleton('SELECT ?s { ?s <urn:a(> "}" } # {')
    'SELECT ?s { ?s          ""  }    '
    """
    return _OPAQUE.sub(
        lambda m: '""' + " " * (len(m.group(0)) - 2) if m.group(0)[0] in "\"'" else " " * len(m.group(0)),
        query,
    )


def max_depth(bare: str) -> int:
    """The deepest bracket nesting in a skeleton (mismatched brackets are the parser's business).

    >>> max_depth("{ { ( [ ] ) } } ()")
    4
    """
    depth = deepest = 0
    for char in bare:
        if char in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif char in _CLOSE:
            depth = max(depth - 1, 0)
    return deepest


def check_query(query: str, *, limits: QueryLimits = DEFAULT_LIMITS, allow_service: bool = False) -> None:
    """Raise :class:`QueryRefused` for a query too long, too nested, or with SERVICE (unless allowed).

    >>> check_query("SELECT * WHERE { ?s ?p ?o FILTER(?o > 1) }")
    >>> check_query("SELECT * WHERE " + "{" * 100 + "}" * 100)
    Traceback (most recent call last):
    ...
    kg.sparql_guard.QueryRefused: query too complex: brackets nested 100 deep (at most 64)
    """
    too_complex = "query_too_complex"
    hint = "split the query or flatten it; real queries over this graph need far less"
    if len(query) > limits.max_chars:
        raise QueryRefused(
            f"query too complex: {len(query)} characters (at most {limits.max_chars})",
            code=too_complex,
            hint=hint,
        )
    bare = skeleton(query)
    depth = max_depth(bare)
    if depth > limits.max_depth:
        raise QueryRefused(
            f"query too complex: brackets nested {depth} deep (at most {limits.max_depth})",
            code=too_complex,
            hint=hint,
        )
    groups = len(_GROUP_KEYWORDS.findall(bare))
    if groups > limits.max_groups:
        raise QueryRefused(
            f"query too complex: {groups} OPTIONAL/UNION/MINUS (at most {limits.max_groups})",
            code=too_complex,
            hint=hint,
        )
    blank_nodes = bare.count("[")
    if blank_nodes > limits.max_blank_nodes:
        raise QueryRefused(
            f"query too complex: {blank_nodes} [ … ] blank nodes (at most {limits.max_blank_nodes})",
            code=too_complex,
            hint=hint,
        )
    operators = len(_OPERATORS.findall(_WORDS.sub(" ", bare)))
    if operators > limits.max_operators:
        raise QueryRefused(
            f"query too complex: {operators} path or expression operators (at most {limits.max_operators})",
            code=too_complex,
            hint=hint,
        )
    if not allow_service and _SERVICE.search(bare):
        raise QueryRefused(
            "SERVICE is refused: this endpoint does not call other endpoints",
            code="service_refused",
            hint="allowed only with --allow-service (policykg serve, policykg sparql)",
        )


_POSITION = re.compile(r"^error at (\d+):(\d+):\s*")
_READABLE = re.compile(r'^"[^"]*"$|^[A-Za-z][A-Za-z_]*$')


def syntax_message(engine_message: str, *, line_offset: int = 0) -> str:
    """The engine's parse error as one line: position (line, column of the user's text) and what was expected — instead of Oxigraph's token list with character classes over several lines.

    ``line_offset`` is the number of lines put before the user's query (default prefixes).

    >>> syntax_message('error at 2:25: expected one of LATERAL, SERVICE, [_]', line_offset=1)
    'syntax error at line 1, column 25: expected one of LATERAL, SERVICE'
    >>> syntax_message("error at 1:41: expected one of IF, The SELECT contains a variable that is unbound, ['_']")
    'syntax error at line 1, column 41: The SELECT contains a variable that is unbound'
    """
    match = _POSITION.match(engine_message)
    if match is None:
        return "syntax error: " + " ".join(engine_message.split())[:200]
    line, column = int(match.group(1)) - line_offset, int(match.group(2))
    rest = " ".join(engine_message[match.end() :].split())
    expected = rest.removeprefix("expected one of ").removeprefix("expected ")
    items = [item.strip() for item in re.split(r",\s*(?![^\[]*\])", expected) if item.strip()]
    sentences = [item for item in items if " " in item and not item.startswith(("[", "'"))]
    tokens = [item for item in items if _READABLE.match(item)]
    where = f"syntax error at line {line}, column {column}"
    if sentences:
        return f"{where}: {sentences[0]}"
    if tokens:
        shown = ", ".join(tokens[:8]) + (", …" if len(tokens) > 8 else "")
        return f"{where}: expected {'one of ' if len(tokens) > 1 else ''}{shown}"
    return f"{where}: unexpected input"
