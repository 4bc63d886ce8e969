"""The errors the library raises; the CLI turns each into one line and an exit code."""

from __future__ import annotations

from pmops.text import first_few, plural

USAGE = 2
PROBLEM = 1


# How a message names the field a value was given for: FIELD alone, FIELD_IS before the value.
FIELD, FIELD_IS = "{field}", "{field=}"


class PmopsError(Exception):
    """A failure the user can act on: a message, an exit code and an optional hint.

    `field`: the message (and hint) name a field's value with FIELD and FIELD_IS, said as its option
    (`flag`, default --NAME: `--cost abc`) until the CLI, which knows its command line, says it
    otherwise (`cost=abc`, for a command without that option).
    """

    exit_code = PROBLEM

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        exit_code: int | None = None,
        field: str | None = None,
        flag: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.field: str | None = None
        self.flag: str | None = None
        if exit_code is not None:
            self.exit_code = exit_code
        if field is not None:
            self._of(field, flag, message, hint)

    def of_field(self, field: str, flag: str | None = None) -> PmopsError:
        """This error said of a field's value (a lookup that failed for --evidence): `FIELD: message`."""
        self._of(field, flag, f"{FIELD}: {self.message}", self.hint)
        return self

    def with_hint(self, hint: str) -> PmopsError:
        """This error with another hint (the way out a caller knows better), its field named as before."""
        if self.field is None:
            self.hint = hint
        else:
            self._said = (self._said[0], hint)
            self.name_field(self.flag)
        return self

    def _of(self, field: str, flag: str | None, message: str, hint: str | None) -> None:
        self.field, self.flag = field, flag or "--" + field.replace("_", "-")
        self._said = (message, hint)
        self.name_field(self.flag)

    def name_field(self, option: str | None) -> None:
        """Name the field as the command line gave it: `option` (`--cost 24000`), or None: FIELD=VALUE."""
        if self.field is None:
            return
        alone, before = (option, f"{option} ") if option else (self.field, f"{self.field}=")
        self.message, self.hint = (
            None if text is None else text.replace(FIELD_IS, before).replace(FIELD, alone) for text in self._said
        )
        self.args = (self.message,)

    def __str__(self) -> str:
        return self.message


class InvalidInput(PmopsError):
    """Bad arguments or field values given by the user (exit 2)."""

    exit_code = USAGE


def not_a_choice(option: str, choices: tuple[str, ...] | list[str]) -> InvalidInput:
    """The one message for a value that is not among an option's choices (as for a field's):
    `--by must be tag, area or segment, e.g. --by tag`."""
    listed = choices[0] if len(choices) == 1 else ", ".join(choices[:-1]) + " or " + choices[-1]
    return InvalidInput(f"{option} must be {listed}, e.g. {option} {choices[0]}")


class MissingField(InvalidInput):
    """A required field was not given and could not be asked for.

    `given_as` names it as the command line gives it (--title, TITLE, owner=VALUE): the error
    then names that; `about` says what it holds (its help, its choices). Without it, the hint
    names the field as the CLI finds the command line gives it (`flag`, or FIELD=VALUE)."""

    def __init__(
        self, field: str, doctype: str, *, given_as: str | None = None, about: str = "", flag: str | None = None
    ) -> None:
        if given_as:
            said = f" ({about})" if about else ""
            super().__init__(f"{given_as} is required{said}", hint="give it, or run on a terminal to be asked")
            self.required = field
        else:
            super().__init__(
                f"missing required field '{field}' for {doctype}",
                hint=f"pass {FIELD_IS}VALUE (or run on a terminal to be asked)",
                field=field,
                flag=flag,
            )
            self.required = field


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
