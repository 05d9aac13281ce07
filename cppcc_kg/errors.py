"""Errors of cppcc-kg: each says what is wrong, where, and what to do.

Every error the build raises on bad input is a :class:`KGError`. Its message is
meant for a person: the command line prints it as it is, without a traceback,
and exits with :attr:`KGError.exit_code`: ``2`` for bad input (a file that is not
valid Turtle, a source that is missing or changed), ``1`` for data that parses but
fails validation (SHACL shapes, evidence, data rules), ``3`` when an output stage
fails for another reason (a bug or a missing dependency).

>>> err = TurtleSyntaxError("graph/a.ttl", 3, 7, "A dot is expected")
>>> str(err).splitlines()[0]
'graph/a.ttl:3:7: A dot is expected'
>>> err.exit_code
2
"""
from __future__ import annotations

#: exit code of a validation failure (the data parses but breaks a rule)
EXIT_VALIDATION = 1
#: exit code of bad input (syntax, missing or changed source, bad layout)
EXIT_INPUT = 2
#: exit code of a failed output stage (a bug or a missing dependency, not the data)
EXIT_STAGE = 3
#: exit code of a command stopped by Ctrl-C (SIGINT): 128 + 2, as shells report it
EXIT_INTERRUPTED = 130


class KGError(Exception):
    """Base class of the errors reported to the user (never a traceback)."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, hint: str | None = None):
        self.message = message
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  -> {self.hint}"
        return self.message


class InputError(KGError):
    """Bad input: the build cannot even start reading the data (exit code 2)."""

    exit_code = EXIT_INPUT


class ProjectLayoutError(InputError):
    """A required file or folder of the project is missing or unusable."""


class TurtleSyntaxError(InputError):
    """A file that is not valid Turtle 1.1, with its position.

    ``line`` and ``column`` are 1-based; the column counts Unicode code points.
    """

    def __init__(self, path: str, line: int, column: int, message: str,
                 hint: str | None = None):
        self.path, self.line, self.column = str(path), int(line), int(column)
        self.detail = message
        super().__init__(f"{self.path}:{self.line}:{self.column}: {message}",
                         hint or "fix the Turtle at that position (the file must be valid Turtle 1.1).")


class SyntaxErrors(InputError):
    """Several files with syntax errors, reported together."""

    def __init__(self, errors: list[TurtleSyntaxError]):
        self.errors = list(errors)
        lines = [f"{len(self.errors)} file(s) are not valid Turtle 1.1:"]
        lines += [f"  {e}".replace("\n", "\n  ") for e in self.errors]
        super().__init__("\n".join(lines))


class SourceError(InputError):
    """A source text that the graph describes cannot be used as evidence."""


class SourceMissingError(SourceError):
    """The file named by a source's ``cppcc:localPath`` does not exist."""


class SourceChangedError(SourceError):
    """The file of a source no longer has the recorded sha256 or length."""


class ValidationError(KGError):
    """The data parses but breaks the rules: SHACL shapes, evidence or data rules (exit code 1).

    ``problems`` holds one plain dict per problem (see :mod:`cppcc_kg.validate.report`).
    """

    exit_code = EXIT_VALIDATION

    def __init__(self, message: str, problems: list[dict] | None = None, hint: str | None = None):
        self.problems = list(problems or [])
        super().__init__(message, hint)


class StageError(KGError):
    """An output stage of the build failed (exit code 3): a bug or a missing dependency."""

    exit_code = EXIT_STAGE
