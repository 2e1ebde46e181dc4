"""Realistic generated corpora: the real documents' sections, articles and task tables recombined, with new
jurisdictions and renamed units, for builds at 100, 1,000 or 10,000 documents.

Why recombine instead of copy: copies of one text dedupe (the build hashes normalised text) and share every
unit, so they measure nothing a city's collection costs. Recombined documents keep the real sentence and table
shapes (what the parser, obligations and SHACL spend their time on) while each is distinct and each
jurisdiction has its own units. Sources: ``corpus/``, ``../shared/corpus/laws`` and the ODKG zips in
``../shared/corpus/external/odkg`` (read from the zips; whichever are present). Deterministic for a seed.

    python -m bench.corpus_gen OUT_FOLDER --docs 1000 [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ingest.numerals import format_cn_int

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
SEED_PLACE = "王益"
_SECTION = re.compile(r"^\s*([一二三四五六七八九十百]+)、")
_ARTICLE = re.compile(r"^\s*第([一二三四五六七八九十百零]+)条")
_TITLE_END = re.compile(r"(通知|意见|办法|方案|规定|条例|法|决定|批复|规划|细则|要点)$")
_PLACE_CHARS = "东西南北安平宁和兴华丰永定新德昌泰嘉康临清河阳山川林江湖"
_TOWN_CHARS = "桥店坪湾铺集庄堡口坝"


@dataclass(frozen=True, slots=True)
class Sources:
    """What the generator recombines: titles, preamble paragraphs, policy sections, law articles, task rows."""

    titles: tuple[str, ...]
    preambles: tuple[str, ...]
    sections: tuple[str, ...]  # "一、…" heading + its lines, numeral stripped
    articles: tuple[str, ...]  # "第…条" text, numeral stripped
    table_title: str
    table_header: str
    rows: tuple[tuple[str, ...], ...]  # task, lead units, deadline (number dropped)


def real_texts() -> list[str]:
    """Every real document text available: the seed, the laws and the ODKG zips."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((SHARED / "laws").glob("*.md")) if p.name != "SOURCES.md"]
    for archive in sorted((SHARED / "external" / "odkg").rglob("*.zip")):
        with zipfile.ZipFile(archive) as zipped:
            for name in sorted(zipped.namelist()):
                if name.endswith(".txt"):
                    texts.append(zipped.read(name).decode("utf-8", errors="replace").replace("\r\n", "\n"))
    return texts


def _blocks(lines: list[str], heading: re.Pattern[str]) -> list[str]:
    """Runs of lines, each starting at a heading line, with the heading's numeral removed."""
    out: list[str] = []
    current: list[str] | None = None
    for line in lines:
        if heading.match(line):
            if current:
                out.append("\n".join(current).strip())
            current = [heading.sub("", line, count=1)]
        elif current is not None:
            if line.startswith(("#", "附件", "<!--")) or "分工方案" in line:
                out.append("\n".join(current).strip())
                current = None
            else:
                current.append(line)
    if current:
        out.append("\n".join(current).strip())
    return [b for b in out if 20 <= len(b) <= 6000]


def collect(texts: list[str]) -> Sources:
    """Cut the real texts into recombinable pieces."""
    titles, preambles, sections, articles = [], [], [], []
    table_title = table_header = ""
    rows: list[tuple[str, ...]] = []
    for text in texts:
        lines = text.split("\n")
        title = lines[0].lstrip("# ").strip()
        if 6 <= len(title) <= 60 and _TITLE_END.search(title) and "：" not in title:
            titles.append(title.replace(SEED_PLACE, "{place}"))
        body = [line for line in lines[1:] if line.strip()]
        first = next((line for line in body if len(line) > 60 and not _SECTION.match(line)), "")
        if first and not _ARTICLE.match(first):
            preambles.append(first.strip())
        sections.extend(_blocks(lines, _SECTION))
        articles.extend(_blocks(lines, _ARTICLE))
        if "\t牵头单位" in text and not rows:
            start = text.index("\t序号")
            table_title = text[:start].rstrip().rsplit("\n", 1)[-1].strip()
            header, *cells = text[start:].split("\n\n")
            table_header = header
            for cell in cells:
                parts = [part.strip() for part in cell.split("\n") if part.strip()]
                if len(parts) == 4 and parts[0].isdigit():
                    rows.append(tuple(parts[1:]))
    return Sources(
        titles=tuple(titles),
        preambles=tuple(preambles),
        sections=tuple(s.replace(SEED_PLACE, "{place}") for s in sections),
        articles=tuple(articles),
        table_title=table_title.replace(SEED_PLACE, "{place}"),
        table_header=table_header,
        rows=tuple(tuple(c.replace(SEED_PLACE, "{place}").replace("黄堡镇", "{town}") for c in r) for r in rows),
    )


def place_name(rng: random.Random) -> str:
    """A two-character district name (never the seed's)."""
    while True:
        name = "".join(rng.sample(_PLACE_CHARS, 2))
        if name != SEED_PLACE:
            return name


def generate_document(sources: Sources, rng: random.Random, number: int) -> str:
    """One document: a title, a preamble, numbered sections or articles, sometimes a task-division table."""
    place = place_name(rng)
    town = rng.choice(_PLACE_CHARS) + rng.choice(_TOWN_CHARS) + "镇"
    fill = {"place": place, "town": town}
    title = rng.choice(sources.titles) if sources.titles else "关于加强安全生产工作的通知"
    title = _fill(title, fill) if "{place}" in title else f"{place}区{title}"
    lines = [f"{title}（{number}）", ""]
    if sources.preambles:
        lines += [rng.choice(sources.preambles), ""]
    if sources.articles and rng.random() < 0.3:
        for index, article in enumerate(rng.sample(sources.articles, min(len(sources.articles), rng.randint(5, 25)))):
            lines += [f"第{format_cn_int(index + 1)}条　{article}", ""]
    elif sources.sections:
        for index, section in enumerate(rng.sample(sources.sections, min(len(sources.sections), rng.randint(2, 7)))):
            lines += [f"{format_cn_int(index + 1)}、{_fill(section, fill)}", ""]
    if sources.rows and rng.random() < 0.25:
        lines += ["", "附件", "", _fill(sources.table_title, fill), "", sources.table_header, ""]
        chosen = rng.sample(sources.rows, min(len(sources.rows), rng.randint(5, 40)))
        for index, row in enumerate(chosen, start=1):
            cells = [_fill(cell, fill) for cell in row]
            lines += ["\n".join(f"\t{c}" for c in (str(index), *cells)), ""]
    return "\n".join(lines).rstrip() + "\n"


def _fill(text: str, fill: dict[str, str]) -> str:
    """``text`` with ``{place}`` and ``{town}`` replaced (plain replacement: real texts may contain braces)."""
    for key, value in fill.items():
        text = text.replace("{" + key + "}", value)
    return text


def generate(folder: Path, documents: int, *, seed: int = 0, sources: Sources | None = None) -> int:
    """Write ``documents`` generated texts into ``folder``; returns the bytes written."""
    sources = sources or collect(real_texts())
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for number in range(1, documents + 1):
        data = generate_document(sources, rng, number).encode("utf-8")
        (folder / f"gen{number:05d}.txt").write_bytes(data)
        written += len(data)
    return written


def main(argv: list[str] | None = None) -> int:
    """Write a generated corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    size = generate(args.folder, args.docs, seed=args.seed)
    print(f"{args.docs} documents, {size / 2**20:.2f} MB in {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
