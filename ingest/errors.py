"""The ingest exception tree: every error names the file (or parameter) and the reason, with a stable code.

Why a tree with codes: the CLI prints them per document and keeps building the rest; the API maps them to
its one JSON error shape by ``code`` without knowing each class.
"""

from __future__ import annotations


class IngestError(Exception):
    """Base class: a document could not be ingested."""

    code = "ingest_error"

    def __init__(self, message: str, *, path: str = "", hint: str = "") -> None:
        self.path = path
        self.hint = hint
        self.message = message
        super().__init__(self.describe())

    def describe(self) -> str:
        """One line for a human: ``file: reason (hint)``."""
        where = f"{self.path}: " if self.path else ""
        tail = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{tail}"


class UnknownFormat(IngestError):
    """The file's suffix has no reader."""

    code = "unknown_format"


class EmptyDocument(IngestError):
    """The file holds no text."""

    code = "empty_document"


class BinaryContent(IngestError):
    """The bytes are not text in any encoding we read (an image, an archive, a corrupt file)."""

    code = "binary_content"


class TooLarge(IngestError):
    """The file is over the per-file size limit (``policykg build --max-file-mb``): not read at all."""

    code = "too_large"


class UnreadableDocument(IngestError):
    """The file exists but could not be opened or decoded."""

    code = "unreadable_document"
