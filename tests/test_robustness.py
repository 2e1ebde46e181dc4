"""The parser survives real official documents in other layouts: 481 ODKG documents and a GovDoc-CN sample.

They are read in place from ../shared (zipped; never copied into the repo). A document may be rejected with
an :class:`~ingest.errors.IngestError` naming it (empty, binary), but nothing may raise anything else.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import replace

import pytest

from ingest.errors import IngestError
from ingest.metadata import ends_with_doc_type
from ingest.pipeline import ParsedDocument, assemble, parse_document
from ingest.read import read_bytes
from tests.conftest import EXTERNAL


def _external_documents() -> Iterator[tuple[str, bytes]]:
    odkg = EXTERNAL / "odkg"
    for archive in sorted(odkg.glob("*/*.zip")):
        with zipfile.ZipFile(archive) as bundle:
            for name in sorted(bundle.namelist()):
                if not name.endswith("/"):
                    yield f"{archive.relative_to(EXTERNAL)}:{name}", bundle.read(name)
    for path in sorted((EXTERNAL / "govdoc-cn_sample").rglob("397.txt")):
        yield str(path.relative_to(EXTERNAL)), path.read_bytes()


@pytest.fixture(scope="module")
def external_parsed() -> tuple[list[tuple[str, str, ParsedDocument]], list[str]]:
    """Every external document parsed once (source, text, result), and the sources rejected by name."""
    parsed, rejected = [], []
    for source, data in _external_documents():
        try:
            text = read_bytes(data, source=source)
        except IngestError as error:
            assert source in str(error)
            rejected.append(source)
            continue
        parsed.append((source, text, parse_document(text, source=source)))
    return parsed, rejected


def test_every_external_document_is_parsed_or_rejected_by_name(
    external_parsed: tuple[list[tuple[str, str, ParsedDocument]], list[str]],
) -> None:
    parsed, rejected = external_parsed
    for _source, text, document in parsed:
        for article in document.document.articles():
            assert text[article.span.start : article.span.end].strip()
    assert len(parsed) + len(rejected) == 482
    assert len(parsed) >= 470
    corpus = assemble([document for _, _, document in parsed])
    assert len(corpus.documents) == len(parsed)
    structured = sum(1 for d in corpus.documents if d.sections)
    assert structured >= 155  # many are short 批复 without numbered parts


# What a title must never be: site chrome, a cover sentence, the first body sentence, half a title (…关于 / a
# title cut before its document type), or a letterhead (only an organisation's name).
_BAD_TITLE = re.compile(
    r"首页|朗读|无障碍|您当前所在位置|当前位置|字号|打印|现将|印发给你们|收悉|[。；，]|关于$|^(?:根据|为)"
    r"|^[\u4e00-\u9fa5、\s]{2,40}(?:人民政府|政府|办公室|办公厅|委员会|部|局|委|厅|院|军委)$"
)


def bad_titles(parsed: list[tuple[str, str, ParsedDocument]]) -> list[str]:
    """``source: title`` for every title that looks like chrome, a cover or body sentence, a letterhead or
    half a title.  A document without a printed title is named after its file (its stem), which is honest."""
    bad = []
    for source, _text, result in parsed:
        title = result.document.title
        stem = source.rsplit("/", 1)[-1].rsplit(":", 1)[-1].rsplit(".", 1)[0]
        if title == stem:
            continue
        half = "关于" in title and not ends_with_doc_type(title)
        if _BAD_TITLE.search(title) or half:
            bad.append(f"{source}: {title}")
    return bad


def test_no_external_title_is_chrome_a_sentence_a_letterhead_or_half_a_title(
    external_parsed: tuple[list[tuple[str, str, ParsedDocument]], list[str]],
) -> None:
    parsed, _ = external_parsed
    assert bad_titles(parsed) == []
    titled = sum(1 for source, _, result in parsed if not source.endswith(f"/{result.document.title}.txt"))
    assert titled >= 100  # the check is not passed by naming every document after its file


def test_the_title_check_catches_what_it_lists() -> None:
    texts = {
        "a/1.txt": "您当前所在位置:首页>政策文件\n各单位：\n现将有关事项通知如下。\n",
        "a/2.txt": "国务院、中央军委关于军民合用\n",
        "a/3.txt": "某某县人民政府办公室\n",
    }
    parsed = [(source, text, parse_document(text, source=source)) for source, text in texts.items()]
    forced = [
        (
            s,
            t,
            ParsedDocument(
                document=replace(p.document, title=t.splitlines()[0]), raw_tasks=(), jurisdiction=None
            ),
        )
        for s, t, p in parsed
    ]
    assert len(bad_titles(forced)) == 3
