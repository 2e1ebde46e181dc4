"""Answers from laws and regulations (issue 15): body, body + governing article and abstention, tune vs held-out.

Why its own question set (``bench/statutory/questions.jsonl``, not ``bench/questions/``): these questions are
about the laws in ``../shared/corpus/laws`` and the regulations in ``../shared/corpus/regulations``, not the
seed.  The split was fixed before tuning by whole documents: questions whose governing article lies in
枣庄市电梯安全条例, 上海市消防条例, 北京市医院安全秩序管理规定, 职业病防治法 or 生产安全事故应急条例 (and half of
the unanswerable ones) are held out.  Round 3 added twelve tune questions (``"added": "round 3"``: duty holders
named by a condition or a topic, an event's organiser, English questions, a place named without 市, more
unanswerable ones), written from the tune documents only, before the rules they test were changed; the held-out
part was left as it was.  A question is right on *body* when the first entry's body contains one
of the expected names, on *body + article* when it also cites the expected document and article number; an
unanswerable question is right when nothing is returned.  *Place* is the share of answered questions whose
cited document's jurisdiction is the asked place or above it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = Path(__file__).resolve().parent / "statutory" / "questions.jsonl"
SHARED = ROOT.parent / "shared" / "corpus"
SOURCES = (SHARED / "laws", SHARED / "regulations")

# (body, document title, article number, jurisdiction) of the first entry, or None when abstaining.
Top = tuple[str, str, int, str] | None


def load() -> list[dict[str, Any]]:
    """The questions, in file order."""
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def score(questions: list[dict[str, Any]], top: Callable[[dict[str, Any]], Top]) -> dict[str, Any]:
    """Figures per split: body, body + article, place (jurisdiction allowed), abstention."""
    out: dict[str, Any] = {}
    for split in ("tune", "heldout"):
        part = [q for q in questions if q["split"] == split]
        answerable = [q for q in part if q["expected"]]
        empty = [q for q in part if not q["expected"]]
        body = article = place = answered = abstained = 0
        for q in answerable:
            got = top(q)
            if got is None:
                continue
            answered += 1
            exp = q["expected"]
            if any(name in got[0] for name in exp["body"]):
                body += 1
                if got[1] == exp["doc"] and got[2] == exp["article"]:
                    article += 1
            allowed = _allowed(q)
            place += not allowed or got[3] in allowed
        abstained = sum(1 for q in empty if top(q) is None)
        out[split] = {
            "answerable": len(answerable),
            "body": round(body / max(len(answerable), 1), 3),
            "body_article": round(article / max(len(answerable), 1), 3),
            "place_ok": round(place / max(answered, 1), 3),
            "unanswerable": len(empty),
            "abstention": round(abstained / max(len(empty), 1), 3),
        }
    return out


def _allowed(question: dict[str, Any]) -> set[str]:
    """Jurisdictions that may answer a question naming a place: the place, what is above it, 全国."""
    exp = question.get("expected") or {}
    if not question.get("place"):
        return set()
    return {question["place"], exp.get("jurisdiction") or "", "全国", *question.get("above", [])} - {""}


def kg_top(store: Any, thesaurus: Any = None, translate: Any = None) -> Callable[[dict[str, Any]], Top]:
    """The first entry of :func:`kg.statutory.statutory_answer`."""
    from kg.statutory import statutory_answer

    def run(question: dict[str, Any]) -> Top:
        entries = statutory_answer(store, question["query"], thesaurus=thesaurus, translate=translate).entries
        if not entries:
            return None
        e = entries[0]
        return e.body, e.title, e.article, e.jurisdiction

    return run


def ask_top(data_dir: Path, store: Any) -> Callable[[dict[str, Any]], Top]:
    """What ``policykg ask`` answers first: the first clause of ``statutory_clauses`` when the laws assign the
    duty, else, when its confidence is ``direct``, the first unit (or statutory role) with its first evidence."""
    from search_api.facade import Build

    build = Build.open(data_dir)
    titles = {str(r["doc"]): (str(r["title"]), str(r["j"])) for r in store.select(_TITLES)}

    def run(question: dict[str, Any]) -> Top:
        data = build.ask(question["query"]).to_json()
        for clause in data.get("statutory_clauses", []):
            return clause["name"], clause["title"], int(clause["number"]), clause["jurisdiction"]
        if data["confidence"] != "direct":
            return None  # only related passages: ask says so (confidence related/none) instead of answering
        for unit in [*data["units"], *data.get("statutory", [])]:
            if unit["evidence"]:
                ev = unit["evidence"][0]
                title, place = titles.get(ev["doc"], ("", ""))
                return unit["name"], title, int(ev["number"]), place
        return None

    return run


_TITLES = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?doc ?title ?j WHERE { ?d dcterms:identifier ?doc ; dcterms:title ?title .
  OPTIONAL { ?d pkg:jurisdiction ?j } }"""


def build(folder: Path) -> Path:
    """Build the laws and regulations (and the seed) into ``folder``."""
    from search_api.builds.make import run_build

    data_dir = folder / "statutory"
    result = run_build([ROOT / "corpus", *SOURCES], data_dir=data_dir, embed=False)  # answers from laws use no search leg
    if result.path is None:
        raise SystemExit("bench.statutory_eval: the laws did not build")
    return data_dir


def evaluate(data_dir: Path) -> dict[str, Any]:
    """Figures for ``policykg ask`` as wired today and for :func:`kg.statutory.statutory_answer`."""
    from kg.store import load_build_thesaurus, open_store
    from search_api.builds.datadir import open_build

    path = open_build(data_dir).path
    store = open_store(path)
    questions = load()
    return {
        "ask": score(questions, ask_top(data_dir, store)),
        "kg_statutory": score(questions, kg_top(store, load_build_thesaurus(path), _translate(path))),
    }


def _translate(build_path: Path) -> Any:
    """The build's English → Chinese word map (CC-CEDICT), as ``ask`` reads English questions with it."""
    from search_api.search.english import Translator
    from search_api.search.index import INDEX_DIR

    return Translator.load(build_path / INDEX_DIR).translate


def write_summary(figures: dict[str, Any], out: TextIO) -> None:
    """One line per answerer and split."""
    for who, parts in figures.items():
        for split, f in parts.items():
            out.write(
                f"statutory {who:13} {split:8} n={f['answerable']:2}  body {f['body']:.3f}  "
                f"body+article {f['body_article']:.3f}  place-ok {f['place_ok']:.3f}  "
                f"abstention {f['abstention']:.3f} (n={f['unanswerable']})\n"
            )


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.statutory_eval``: build the laws, regulations and seed in a temporary folder, print."""
    import sys
    import tempfile

    del argv
    with tempfile.TemporaryDirectory() as tmp:
        write_summary(evaluate(build(Path(tmp))), sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
