"""Bytes ─► text: one reader per file suffix, encodings detected from the bytes.

Why a registry by suffix: adding a format is adding one function; an unknown suffix is a clear
:class:`~ingest.errors.UnknownFormat` naming the file instead of a garbled parse.
The returned text is what every span points into, so readers never normalise it (no NFKC, no CRLF folding).
What a reader's library says on its own (pypdf's "invalid pdf header", "EOF marker not found") is captured as
notes for that file (:func:`reader_notes`), so the build reports it among its warnings instead of the library
writing to stderr.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from ingest.errors import BinaryContent, EmptyDocument, TooLarge, UnknownFormat, UnreadableDocument

log = logging.getLogger("policykg.read")
_NOTES: ContextVar[list[str] | None] = ContextVar("reader_notes", default=None)

Reader = Callable[[bytes, str], str]
READERS: dict[str, Reader] = {}
_CONTROL_OK = {"\n", "\r", "\t", "\f", "\v"}


@contextmanager
def reader_notes() -> Iterator[list[str]]:
    """Collect the notes readers make while the block reads one file (each once, in order)."""
    notes: list[str] = []
    token = _NOTES.set(notes)
    try:
        yield notes
    finally:
        _NOTES.reset(token)


def _note(message: str) -> None:
    notes = _NOTES.get()
    if notes is None:
        log.warning("%s", message)
    elif message not in notes:
        notes.append(message)


class _NoteHandler(logging.Handler):
    """Turns a library's log records into reader notes."""

    def __init__(self, prefix: str) -> None:
        super().__init__(logging.WARNING)
        self.prefix = prefix

    def emit(self, record: logging.LogRecord) -> None:
        _note(f"{self.prefix}: {record.getMessage().strip()}")


@contextmanager
def _library_warnings(logger_name: str) -> Iterator[None]:
    """While reading, a library's logging warnings and ``warnings.warn`` become notes, not stderr lines."""
    logger = logging.getLogger(logger_name)
    handler = _NoteHandler(logger_name)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        for warning in caught:
            _note(f"{logger_name}: {str(warning.message).strip()}")
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


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

    with _library_warnings("pypdf"):
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


def read_document(path: Path, *, max_bytes: int | None = None) -> str:
    """Read one file from disk; every failure names the file.

    ``max_bytes``: a larger file is refused with :class:`TooLarge` before it is read (a 50 MB text file
    otherwise costs minutes and gigabytes to parse); at most ``max_bytes + 1`` bytes are ever read, so a file
    growing meanwhile is refused too.
    """
    if max_bytes is not None and _size(path) > max_bytes:
        raise _too_large(path, _size(path), max_bytes)
    try:
        with path.open("rb") as handle:
            data = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    except OSError as error:
        raise UnreadableDocument(f"cannot open: {error.strerror}", path=str(path)) from error
    if max_bytes is not None and len(data) > max_bytes:
        raise _too_large(path, max(len(data), _size(path)), max_bytes)
    return read_bytes(data, source=str(path))


def _too_large(path: Path, size: int, max_bytes: int) -> TooLarge:
    return TooLarge(
        f"{size / 2**20:.1f} MB is over the per-file limit of {max_bytes / 2**20:.3g} MB",
        path=str(path),
        hint="split it, or raise --max-file-mb",
    )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
