"""The errors the library raises; the CLI turns each into one line and an exit code."""

from __future__ import annotations

from pmops.text import first_few, plural

USAGE = 2
PROBLEM = 1


class PmopsError(Exception):
    """A failure the user can act on: a message, an exit code and an optional hint."""

    exit_code = PROBLEM

    def __init__(self, message: str, *, hint: str | None = None, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class InvalidInput(PmopsError):
    """Bad arguments or field values given by the user (exit 2)."""

    exit_code = USAGE


class MissingField(InvalidInput):
    """A required field was not given and could not be asked for.

    `given_as` names it as the command line gives it (--title, TITLE, owner=VALUE): the error
    then names that; `about` says what it holds (its help, its choices)."""

    def __init__(self, field: str, doctype: str, *, given_as: str | None = None, about: str = "") -> None:
        if given_as:
            said = f" ({about})" if about else ""
            super().__init__(f"{given_as} is required{said}", hint="give it, or run on a terminal to be asked")
        else:
            super().__init__(
                f"missing required field '{field}' for {doctype}",
                hint=f"pass --{field.replace('_', '-')} (or run on a terminal to be asked)",
            )
        self.field = field


class UnknownTag(InvalidInput):
    """A tag that is neither in the taxonomy nor a synonym of one."""

    def __init__(self, tag: str, suggestions: list[str]) -> None:
        hint = "use --new-tag to add it to taxonomy.yaml"
        if suggestions:
            hint = f"did you mean {', '.join(repr(s) for s in suggestions)}? Or " + hint
        super().__init__(f"unknown tag '{tag}'", hint=hint)
        self.tag = tag
        self.suggestions = suggestions


class DocumentError(PmopsError):
    """A file that cannot be read without loss (bad front-matter, encoding, conflict markers)."""

    exit_code = USAGE

    def __init__(
        self, path: str, message: str, *, line: int | None = None, hint: str | None = None, code: str = "unreadable"
    ) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}", hint=hint)
        self.path = path
        self.line = line
        self.reason = message
        self.code = code  # "conflict" for merge conflict markers, else "unreadable"


class ConfigError(PmopsError):
    """pmops.yaml or taxonomy.yaml is missing or invalid."""

    exit_code = USAGE


class KBNotFound(PmopsError):
    """No knowledge base at the given place or above the current folder."""

    exit_code = USAGE


class NotFound(PmopsError):
    """No document (or several) matches an id."""

    suggestions: tuple[str, ...] = ()  # what the hint offers instead ("did you mean …")


class Ambiguous(NotFound):
    """A reference that names several things (documents, steps, items): they are listed, the first few."""

    def __init__(self, ref: str, candidates: list[str], noun: str = "document", *, hint: str | None = None) -> None:
        super().__init__(f"'{ref}' matches {len(candidates)} {plural(noun)}: {first_few(candidates)}", hint=hint)
        self.ref = ref
        self.candidates = candidates


class Conflict(PmopsError):
    """The operation would clobber something: an existing KB, a file changed on disk."""


class GitError(PmopsError):
    """The repository is in a state where pmops will not commit, or git failed."""


class LockTimeout(PmopsError):
    """Another pmops (or git) process holds the write lock for too long."""
