"""Metadata accuracy (title, 文号, issuer, date) on real documents whose web page printed an answer key.

Why this answer key: the 200 ODKG ``extract_data`` documents start with the publishing site's metadata header
(名称/标题, 文号/发文字号, 发布机关/发文机关, 成文日期/生成日期) and only then the document as printed.  Hiding that
header (every line up to the second ``====`` rule) and extracting from the rest measures what a user gets from
a bare file, on documents nobody tuned the extractor on.

A field is scored where the document itself prints the answer (the key's title may exist only on the web page,
a 批复 may print no number): ``printed`` counts those, ``right`` the ones extracted as the key says.  Dates are
compared with the key's 成文日期 when it has one, else its 生成日期 (the posting day, which may trail the signed
date by days: ``date`` is also scored against the dates the body prints, see :func:`score_documents`).

Run: ``python -m bench.metadata_eval`` (``--verbose`` lists every miss, ``--json`` prints the figures).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXTRACT_DATA = ROOT.parent / "shared" / "corpus" / "external" / "odkg" / "extract_data"
FIELDS = ("title", "doc_number", "issuer", "date")
_KEY_LINE = re.compile(r"^(?P<key>[^：:]{1,8}?)\s*[：:]\s*(?P<value>.*)$")
_RULE = re.compile(r"^={8,}\s*$")


@dataclass(frozen=True, slots=True)
class KeyedDocument:
    """One answer-keyed document: the header's fields and the text that follows the header."""

    source: str
    key: dict[str, str]
    body: str


@dataclass(frozen=True, slots=True)
class FieldScore:
    """One field of one document: the key's value, what was extracted, and whether the body prints it."""

    source: str
    field: str
    expected: str
    got: str
    printed: bool
    right: bool


def normalise(text: str | None) -> str:
    """Compare as printed but ignore width and spacing: NFKC, no whitespace.

    >>> normalise("国核安函〔2022〕 42号")
    '国核安函〔2022〕42号'
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def split_header(text: str) -> tuple[dict[str, str], str]:
    """The metadata header's fields (keys without inner spaces) and the text after its second ``====`` rule."""
    lines = text.splitlines(keepends=True)
    rules = [i for i, line in enumerate(lines) if _RULE.match(line.strip())]
    cut = rules[1] + 1 if len(rules) >= 2 else (rules[0] + 1 if rules else 0)
    key: dict[str, str] = {}
    for line in lines[: rules[0] if rules else 0]:
        if match := _KEY_LINE.match(line.strip()):
            key.setdefault(re.sub(r"\s+", "", match["key"]), match["value"].strip())
    return key, "".join(lines[cut:])


def keyed_documents(folder: Path = EXTRACT_DATA) -> Iterator[KeyedDocument]:
    """Every document of the zipped ``extract_data`` folder, read in place."""
    from ingest.read import decode_text

    for archive in sorted(folder.glob("*.zip")):
        with zipfile.ZipFile(archive) as bundle:
            for name in sorted(bundle.namelist()):
                if name.endswith("/"):
                    continue
                key, body = split_header(decode_text(bundle.read(name), name))
                yield KeyedDocument(source=f"{archive.name}:{name}", key=key, body=body)


def expected_fields(key: dict[str, str]) -> dict[str, str]:
    """The four scored fields as the header gives them (ISO date)."""
    date = key.get("成文日期") or key.get("生成日期") or ""
    return {
        "title": key.get("标题") or key.get("名称") or "",
        "doc_number": key.get("发文字号") or key.get("文号") or "",
        "issuer": key.get("发文机关") or key.get("发布机关") or "",
        "date": date.strip()[:10],
    }


def extracted_fields(body: str, source: str) -> dict[str, str]:
    """What the pipeline reads from the body: the notice's metadata when the body is a notice wrapping a policy
    (the key describes the web page's document, i.e. the notice)."""
    from ingest.pipeline import parse_document

    document = parse_document(body, source=source).document
    notice = getattr(document, "notice", None)
    title = notice.title if notice is not None else document.title
    numbers = notice.doc_numbers if notice is not None and notice.doc_numbers else document.doc_numbers
    return {
        "title": title,
        "doc_number": numbers[0] if numbers else "",
        "issuer": document.issuer or "",
        "date": document.date or "",
    }


def _printed_dates(body: str) -> set[str]:
    from ingest.metadata import parse_date

    found = set()
    for line in body.splitlines():
        if (iso := parse_date(line)) is not None:
            found.add(iso)
    return found


def _signed_before(signed: str, posted: str) -> bool:
    """A signed date a page posted on ``posted`` may carry: the same day or up to 31 days before."""
    from datetime import date

    try:
        gap = (date.fromisoformat(posted) - date.fromisoformat(signed)).days
    except ValueError:
        return False
    return 0 <= gap <= 31


def score_documents(documents: list[KeyedDocument]) -> list[FieldScore]:
    """Every field of every document, scored.

    Title, number and issuer count as printed when the body holds the key's text (spacing and width aside; a
    title may be broken over lines).  The date counts as printed when the body prints the key's date or, when
    the key has only a 生成日期 (the day the page was posted), a date up to 31 days before it, which is then also
    right (the signed date of a page posted later).
    """
    scores = []
    for doc in documents:
        expected = expected_fields(doc.key)
        got = extracted_fields(doc.body, doc.source)
        flat = normalise(doc.body)
        dates = _printed_dates(doc.body)
        for field in FIELDS:
            want, have = expected[field], got[field]
            if not want:
                continue
            if field == "date":
                printed = want in dates or any(_signed_before(d, want) for d in dates)
                right = have == want or (
                    "成文日期" not in doc.key and have in dates and _signed_before(have, want)
                )
            else:
                printed = normalise(want) in flat
                right = normalise(have) == normalise(want)
            scores.append(FieldScore(doc.source, field, want, have, printed, right))
    return scores


def figures(scores: list[FieldScore]) -> dict[str, Any]:
    """Per field: documents scored where the answer is printed, how many right, and the share."""
    out: dict[str, Any] = {}
    for field in FIELDS:
        printed = [s for s in scores if s.field == field and s.printed]
        right = sum(1 for s in printed if s.right)
        out[field] = {
            "printed": len(printed),
            "right": right,
            "accuracy": round(right / max(len(printed), 1), 3),
        }
    return out


OWN_DOCUMENTS = ROOT / "tests" / "data" / "metadata"


def score_own_documents(folder: Path = OWN_DOCUMENTS) -> list[FieldScore]:
    """The project's own test documents of every layout, against their ``expected.json`` (all printed)."""
    from ingest.pipeline import parse_document
    from ingest.read import read_document

    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    scores = []
    for name, want in sorted(expected.items()):
        document = parse_document(read_document(folder / name), source=str(folder / name)).document
        got = {
            "title": document.title,
            "doc_number": document.doc_numbers[0] if document.doc_numbers else "",
            "issuer": document.issuer or "",
            "date": document.date or "",
        }
        for field in FIELDS:
            right = normalise(got[field]) == normalise(want[field])
            scores.append(FieldScore(name, field, want[field], got[field], True, right))
    return scores


def all_figures() -> dict[str, Any]:
    """Figures on the ODKG answer key and on the project's own layout documents."""
    return {"odkg": figures(score_documents(list(keyed_documents()))), "own": figures(score_own_documents())}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: per-field accuracy (and, with --verbose, every miss)."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.metadata_eval", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    scores = {"odkg": score_documents(list(keyed_documents())), "own": score_own_documents()}
    result = {name: figures(part) for name, part in scores.items()}
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    if args.verbose:
        for s in (s for part in scores.values() for s in part):
            if s.printed and not s.right:
                print(f"MISS {s.field:10} {s.source:22} want {s.expected!r}  got {s.got!r}")
    write_summary(result)
    return 0


def write_summary(result: dict[str, Any], out: Any = sys.stdout) -> None:
    """The per-field lines ``make eval`` prints: the ODKG answer key (header hidden) and the own documents."""
    for name, label in (("odkg", "ODKG header key"), ("own", "own layouts")):
        for field in FIELDS:
            f = result[name][field]
            out.write(
                f"metadata {label:15} {field:10} n={f['printed']:3}  right {f['right']:3}  "
                f"accuracy {f['accuracy']:.3f}\n"
            )


if __name__ == "__main__":
    sys.exit(main())
