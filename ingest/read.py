"""Bytes ─► text: one reader per file suffix, encodings detected from the bytes.

Why a registry by suffix: adding a format is adding one function; an unknown suffix is a clear
:class:`~ingest.errors.UnknownFormat` naming the file instead of a garbled parse.
The returned text is what every span points into, so readers never normalise it (no NFKC, no CRLF folding).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from ingest.errors import BinaryContent, EmptyDocument, UnknownFormat, UnreadableDocument

Reader = Callable[[bytes, str], str]
READERS: dict[str, Reader] = {}
_CONTROL_OK = {"\n", "\r", "\t", "\f", "\v"}


def reader(*suffixes: str) -> Callable[[Reader], Reader]:
    """Register a function as the reader for the given suffixes."""

    def register(function: Reader) -> Reader:
        for suffix in suffixes:
            READERS[suffix] = function
        return function

    return register


def decode_text(data: bytes, source: str = "") -> str:
    """Decode bytes as UTF-8 (with or without BOM), else the encoding detected from the bytes (GB18030 …).

    >>> decode_text("安全生产".encode("gb18030"))
    '安全生产'
    >>> decode_text("\\ufeff安全".encode("utf-8"))
    '安全'
    """
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BinaryContent(
            "contains NUL bytes: not a text file", path=source, hint="convert it to .txt or .docx"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise BinaryContent("bytes match no text encoding", path=source, hint="is this a text document?")
    encoding = best.encoding.lower().replace("_", "")
    # GB2312 and GBK are subsets of GB18030: decoding with the superset never loses a character.
    if encoding in {"gb2312", "gbk", "gb18030", "hz", "big5"} or "gb" in encoding:
        encoding = "gb18030" if encoding != "big5" else "big5"
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise UnreadableDocument(f"cannot decode as {encoding}: {error}", path=source) from error


def _check_text(text: str, source: str) -> str:
    if not text.strip():
        raise EmptyDocument("the document holds no text", path=source)
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in _CONTROL_OK)
    if controls > max(8, len(sample) // 50) or sample.count("\ufffd") > len(sample) // 20:
        raise BinaryContent("mostly control characters: not a text file", path=source)
    return text


@reader(".txt", ".text", ".md", ".markdown")
def read_plain(data: bytes, source: str) -> str:
    """Plain text and Markdown: decoded verbatim."""
    return decode_text(data, source)


def _cell_text(text: str) -> str:
    return " ".join(text.split())


@reader(".docx")
def read_docx(data: bytes, source: str) -> str:
    """Word documents: paragraphs one per line, tables as Markdown pipe rows, in body order."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises several unrelated types for a corrupt zip
        raise UnreadableDocument(f"not a valid .docx: {error}", path=source) from error
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, document).text)
        elif tag == "tbl":
            for row in Table(block, document).rows:
                lines.append("| " + " | ".join(_cell_text(cell.text) for cell in row.cells) + " |")
            lines.append("")
    return "\n".join(lines)


@reader(".html", ".htm")
def read_html(data: bytes, source: str) -> str:
    """Web pages: drop scripts, styles and site chrome; table rows become pipe rows."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode_text(data, source), "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript", "iframe"]):
        tag.decompose()
    for table in soup.find_all("table"):
        rows = []
        for row in table.find_all("tr"):
            cells = [_cell_text(cell.get_text(" ")) for cell in row.find_all(["td", "th"])]
            rows.append("| " + " | ".join(cells) + " |")
        table.replace_with("\n" + "\n".join(rows) + "\n")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(["p", "div", "h1", "h2", "h3", "h4", "li"]):
        block.insert_after("\n")
    text = soup.get_text()
    return "\n".join(line.rstrip() for line in text.splitlines())


@reader(".pdf")
def read_pdf(data: bytes, source: str) -> str:
    """PDF: the text layer, page by page (scanned PDFs without text are reported empty)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        pdf = PdfReader(io.BytesIO(data))
        return "\n".join(page.extract_text() or "" for page in pdf.pages)
    except (PdfReadError, ValueError, KeyError) as error:
        raise UnreadableDocument(f"not a readable PDF: {error}", path=source) from error


def read_bytes(data: bytes, *, source: str) -> str:
    """Turn a file's bytes into text with the reader for its suffix."""
    suffix = Path(source).suffix.lower()
    function = READERS.get(suffix)
    if function is None:
        known = ", ".join(sorted(READERS))
        raise UnknownFormat(
            f"no reader for {suffix or 'files without a suffix'}", path=source, hint=f"known: {known}"
        )
    if not data.strip():
        raise EmptyDocument("the file is empty", path=source)
    return _check_text(function(data, source), source)


def read_document(path: Path) -> str:
    """Read one file from disk; every failure names the file."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableDocument(f"cannot open: {error.strerror}", path=str(path)) from error
    return read_bytes(data, source=str(path))
