"""The project's one error family, and the ingest branch of it.

Why the base class lives here: ``ingest`` is the bottom layer, imported by every other package, so every
package's errors can derive from :class:`PolicyKGError` without an import against the flow. Each error carries
a stable ``code``, an HTTP ``status``, a one-line ``message`` and a ``hint``; the CLI prints it as one line and
exits with :attr:`PolicyKGError.exit_code`, the API answers it in its one JSON shape. Any other exception is a
bug (CLI exit 3, the API's 500).
"""

from __future__ import annotations


class PolicyKGError(Exception):
    """An error the user (or the data) caused: stable ``code``, HTTP ``status``, one-line message, hint.

    >>> str(PolicyKGError("no unit named 'x'", hint="try 区财政局"))
    "no unit named 'x' (try 区财政局)"
    """

    code = "error"
    status = 400
    exit_code = 2  # the CLI's status for errors users cause (usage, input, missing build)
    default_hint = ""  # what to do, when the raiser does not say

    def __init__(
        self, message: str, *, code: str | None = None, hint: str | None = None, status: int | None = None
    ) -> None:
        self.message = message
        self.hint = self.default_hint if hint is None else hint
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        super().__init__(self.describe())

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        """One line for a human: ``reason (hint)``."""
        return f"{self.message} ({self.hint})" if self.hint and self.hint not in self.message else self.message


class IngestError(PolicyKGError):
    """A document could not be ingested; ``path`` names it."""

    code = "ingest_error"

    def __init__(self, message: str, *, path: str = "", hint: str = "", code: str | None = None) -> None:
        self.path = path
        super().__init__(message, hint=hint, code=code)

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
