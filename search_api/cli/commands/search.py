"""Full-text and concept-aware search over articles, obligations, tasks, units and law articles.

The query is Chinese or English words; English reaches the Chinese text through the thesaurus' English
labels, and every topic is widened to its synonyms and narrower concepts (ranked below exact matches).
Filters: kind:task|article|obligation|unit|law, unit:区财政局 (any alias), doc:<id, number or part of the
title>, due:2019, topic:<label>; "quoted words" must stand together.  Anything else is plain text.

With --json the output is {"query", "expanded", "hits": [{"kind", "doc", "doc_title", "number", "title",
"score", "snippet", "units", "matched"}], "suggestions"}, best first; "matched" names the legs that found
a hit (literal: the query's own words or characters; expanded: thesaurus; translated: English through the
thesaurus or CC-CEDICT); "suggestions" lists thesaurus labels and unit names to try when nothing was found; "snippet" is HTML-escaped text with the matched words in <b>…</b>;
"number" is the article or task number within its document (null for units).  Notes about ignored filters
or empty queries go to standard error.
"""

from __future__ import annotations

import argparse
import re
import sys

from search_api.cli.current import add_build_arguments

HELP = "search articles, tasks, obligations, units and laws (Chinese or English)"
KIND_CHOICES = ("article", "task", "obligation", "unit", "law")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``policykg search``."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("query", nargs="*", help="words, phrases in quotes, filters (kind:task unit:区财政局 …)")
    parser.add_argument("--kind", choices=KIND_CHOICES, help="only passages of this kind")
    parser.add_argument("--limit", type=_positive, default=10, help="number of hits (default 10)")
    parser.add_argument("--json", action="store_true", help="print JSON (snippets mark matches with <b>)")
    add_build_arguments(parser)


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def run(args: argparse.Namespace) -> int:
    """Search the current build; exit 0 with or without hits (none: suggestions), 2 for an empty query or when
    there is no usable build."""
    from search_api.cli.current import open_current, print_json

    query = " ".join(args.query)
    with open_current(args) as build:
        result = build.search(query, kind=args.kind, limit=args.limit)
    for note in result.notes:
        print(f"policykg search: {note}", file=sys.stderr)
    if args.json:
        print_json(result)
        return 0
    if result.expanded:
        print("searched: " + "、".join(result.expanded[:12]) + (" …" if len(result.expanded) > 12 else ""))
    if result.basis == "meaning" and result.hits:  # say how far to trust them
        print("(these words do not stand in the documents; ranked by similar meaning)")
    if not result.hits:
        print("no hits" + (": try " + "、".join(result.suggestions) if result.suggestions else ""))
    for rank, hit in enumerate(result.hits, start=1):
        where = f"{hit.kind} {hit.label or hit.number or ''}".strip()
        print(f"{rank:>2}. [{where}] {hit.title}  ({hit.score:.2f})")
        if hit.doc_title:
            print(f"    {hit.doc_title}")
        print(f"    {_terminal(hit.snippet)}")
        if hit.units:
            print(f"    单位: {'、'.join(hit.units)}")
    return 0


def _terminal(snippet: str) -> str:
    """The HTML snippet for a terminal: 【matches】 in brackets, entities decoded."""
    import html

    return html.unescape(re.sub(r"</?b>", lambda m: "】" if m.group(0) == "</b>" else "【", snippet))
