"""The one exception family users see.

A ``SeciError`` message is the single line the user gets: it names the file (and line where there is
one) and says what to fix. The command line prints it and exits with status 2; nothing else shows
tracebacks to users.
"""

from __future__ import annotations

from pathlib import Path


class SeciError(Exception):
    """Bad input or a failed stage, with a message fit to show the user as is: always one line."""

    exit_status = 2

    def __init__(self, message: str):
        # A message quotes what users wrote (a key, a file name, a column, an id): line breaks and other
        # control characters in it are written as escapes such as ``\\n``, so they can neither break
        # the line nor reach the terminal.
        super().__init__("".join(_escaped(char) for char in str(message)))


def _escaped(char: str) -> str:
    if char == "\t" or char.isprintable():
        return char
    return char.encode("unicode_escape").decode("ascii")


class InputError(SeciError):
    """A file a user supplied is unreadable, malformed or inconsistent."""

    def __init__(self, path: str | Path, problem: str, *, line: int | None = None, fix: str = ""):
        where = f"{path}:{line}" if line is not None else str(path)
        message = f"{where}: {problem}"
        if fix:
            message += f"; {fix}"
        super().__init__(message)
        self.path = Path(path)
        self.line = line


def shown(value: object, width: int = 40) -> str:
    """A user's value as a message quotes it: its repr, cut to ``width`` characters so the message stays one line."""
    text = repr(value)
    return text if len(text) <= width else text[:width - 1] + "…"


class CodebookError(InputError):
    """A codebook that does not validate (names the file, the code and the field)."""


class StageError(SeciError):
    """A stage of ``seci run`` failed (a notebook cell, say); earlier outputs are kept."""
