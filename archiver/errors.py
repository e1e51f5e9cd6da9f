"""Fatal errors (with exit codes) and non-fatal Problem records (with stable codes)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, documented in the README and in `archiver --help`."""

    OK = 0
    INPUT_FAILED = 1  # at least one input file could not be archived (or had problems with --strict)
    USAGE = 2  # bad command line (typer/click's own code)
    ARCHIVE = 3  # the archive is missing, unreadable or not writable; an export cannot be written
    INVALID = 4  # validate/verify found documents that fail the schema, rules or checksums
    NOT_FOUND = 5  # the named article is not in the archive


class ArchiverError(Exception):
    """A fatal error: stops the current command with an exit code."""

    exit_code = ExitCode.ARCHIVE


class ArchiveError(ArchiverError):
    """The archive directory or catalog cannot be used."""


class NotFoundError(ArchiverError):
    """An id that names no article."""

    exit_code = ExitCode.NOT_FOUND


class UnknownName(ArchiverError, KeyError):
    """A name (dialect, format, grouping, option) that no registry knows; a usage error."""

    exit_code = ExitCode.USAGE

    def __init__(self, kind: str, name: str, known: Iterable[str]) -> None:
        self.kind, self.name, self.known = kind, name, list(known)
        super().__init__(f"unknown {kind} {name!r}; known: {', '.join(self.known)}")

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class UsageError(ArchiverError):
    """A bad value on the command line (or in the library call it becomes): exit code 2, one line."""

    exit_code = ExitCode.USAGE


class InputError(ArchiverError):
    """One input file cannot be archived (empty, binary, undecodable, unreadable)."""

    exit_code = ExitCode.INPUT_FAILED

    def __init__(self, code: str, message: str) -> None:
        if code not in PROBLEM_CODES:
            raise ValueError(f"unregistered problem code {code!r}")  # codes are an interface: list them
        super().__init__(message)
        self.code = code
        self.message = message


class DocumentError(ArchiverError):
    """A canonical XML document is malformed or fails validation."""

    exit_code = ExitCode.INVALID


@dataclass(frozen=True)
class Problem:
    """Something odd about one input that did not stop it being archived."""

    code: str  # stable, e.g. "text-gap"; see PROBLEM_CODES
    message: str
    source: str = ""
    line: int | None = None

    def __post_init__(self) -> None:
        if self.code not in PROBLEM_CODES:
            raise ValueError(f"unregistered problem code {self.code!r}")  # codes are an interface

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "source": self.source, "line": self.line}

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.code}: {self.message}" if where else f"{self.code}: {self.message}"


# Stable codes, so scripts can match on them. Input errors first, then problems.
PROBLEM_CODES: dict[str, str] = {
    "empty": "the file is empty or holds only white space",
    "binary": "the file looks binary, not text",
    "undecodable": "no text encoding decodes the file",
    "unreadable": "the file cannot be read (missing, a folder, a device, no permission)",
    "too-large": "the file is larger than any article (64 MiB)",
    "text-gap": "characters of the source are missing from the document",
    "language-uncertain": "the language was detected with low confidence",
    "date-unparsed": "a date was found but could not be understood",
    "encoding-guessed": "the encoding was guessed with low confidence",
    "invalid-document": "the built document fails the schema or rules",
    "strict": "--strict refused a file that had problems",
    "archive": "the archive could not store the file (disk full, no permission, catalog locked)",
    "internal-error": "a bug in archiver met this file (the exception type is named); please report it",
    "time-budget": "parsing the file took longer than the per-file time budget",
    "too-complex": "the document nests too deeply or holds a text run too large to read back",
    "encoding-mixed": "the file mixes encodings; some lines were decoded differently",
    "header-invalid": "a metadata header could not be read (malformed or over limits); kept as text",
    "skipped": "not a regular file (FIFO, device, dangling or unfollowed symbolic link)",
    "glyph-missing": "a character that none of the declared fonts can show",
    "note-unmatched": "a note marker with no note, or a note no marker calls; kept as text",
}
