"""The parser survives real official documents in other layouts: 481 ODKG documents and a GovDoc-CN sample.

They are read in place from ../shared (zipped; never copied into the repo). A document may be rejected with
an :class:`~ingest.errors.IngestError` naming it (empty, binary), but nothing may raise anything else.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator

from ingest.errors import IngestError
from ingest.pipeline import assemble, parse_document
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


def test_every_external_document_is_parsed_or_rejected_by_name() -> None:
    parsed, rejected = [], []
    for source, data in _external_documents():
        try:
            text = read_bytes(data, source=source)
        except IngestError as error:
            assert source in str(error)
            rejected.append(source)
            continue
        document = parse_document(text, source=source)
        for article in document.document.articles():
            assert text[article.span.start : article.span.end].strip()
        parsed.append(document)
    assert len(parsed) + len(rejected) == 482
    assert len(parsed) >= 470
    corpus = assemble(parsed)
    assert len(corpus.documents) == len(parsed)
    structured = sum(1 for d in corpus.documents if d.sections)
    assert structured >= 155  # many are short 批复 without numbered parts
