"""Bulk import from a CSV export: insights (a survey tool, a support desk, a spreadsheet) or
customers (a CRM's accounts) — one engine, told the target type.

(Over 400 lines: reading messy CSVs, mapping columns, checking each row and writing the
batch are one transaction whose parts share the row numbers a user is shown.)

Columns map onto fields (automatically for common headers of the target type, or with
--map); each row is validated like `insight add` (`customer add`); a row that fails — a bad or ambiguous
date, more or fewer cells than the header has columns — is reported by its
number and nothing of it is written; personal data (what lint flags) is
redacted in insights before anything is written unless the user keeps it; each row has a
stable source key, so importing the same file again adds nothing; and the
whole import is one commit. Nothing a cell said is moved to another field or
dropped without a word.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmops import dates, store, yamlsafe
from pmops.errors import InvalidInput, MissingField, PmopsError
from pmops.kb.transaction import Change
from pmops.text import count

if TYPE_CHECKING:
    from pmops.doctypes import DocType
    from pmops.kb import KnowledgeBase

KEY_FIELD = "source_key"  # front-matter field holding each imported row's stable key
SPECIAL = ("body", "key")  # mapping targets that are not fields of the type
# Header words (normalised) → an insight's field; the first match wins.
AUTO = {
    "title": ("title", "summary", "subject", "headline", "insight"),
    "date": ("date", "created", "created at", "submitted", "submitted at", "timestamp", "created date"),
    "source": ("source", "channel", "origin"),
    "customer": ("customer", "company", "account", "organisation", "organization", "client"),
    "segment": ("segment", "plan", "tier", "customer segment"),
    "area": ("area", "product area", "component", "feature area"),
    "tags": ("tags", "tag", "labels", "label", "topics"),
    "quote": ("quote", "verbatim", "comment", "feedback", "response", "answer"),
    "body": ("body", "notes", "description", "details", "text"),
    "author": ("author", "captured by", "owner", "agent"),
    "sentiment": ("sentiment",),
    "confidence": ("confidence",),
    "key": ("id", "key", "ticket", "ticket id", "response id", "external id", "row id"),
}
# A CRM export's headers (Salesforce, HubSpot, a spreadsheet) → a customer's field.
CUSTOMER_AUTO = {
    "name": ("name", "account name", "account", "company", "company name", "customer", "customer name",
             "organisation", "organization", "client"),
    "aliases": ("aliases", "alias", "also known as", "aka", "other names", "dba", "trading name"),
    "segment": ("segment", "customer segment", "market segment", "tier", "customer tier", "account tier"),
    "plan": ("plan", "subscription", "subscription plan", "product plan", "edition", "package"),
    # ARR-like headers only: a CRM's "Annual Revenue" is the company's own turnover (REVENUE, below).
    "arr": ("arr", "arr (converted)", "annual recurring revenue", "annual recurring revenue (converted)", "arr usd",
            "arr (usd)", "arr (eur)", "acv", "annual contract value", "contract value", "recurring revenue"),
    # A multi-currency export's currency of the amounts (Salesforce's CurrencyIsoCode, HubSpot's Currency).
    "currency": ("arr currency", "arr (converted) currency", "currency", "account currency", "currency iso code",
                 "currencyisocode", "currency code", "company currency"),
    "renewal": ("renewal", "renewal date", "next renewal", "next renewal date", "contract end", "contract end date",
                "contract renewal", "contract renewal date"),
    "owner": ("owner", "account owner", "account manager", "csm", "customer success manager", "account executive",
              "company owner", "record owner", "owner name", "account owner name", "account owner: full name"),  # HubSpot, Salesforce
    "tags": ("tags", "labels"),
    "key": ("id", "account id", "account id (18)", "account id (15)", "record id", "crm id", "external id",
            "salesforce id", "hubspot id", "company id"),
}  # fmt: skip
# Headers of revenue that is not what the customer pays us (Salesforce's and HubSpot's Annual Revenue:
# the company's turnover; HubSpot's Total Revenue: its closed deals): never ARR unless --map says so.
REVENUE = ("annual revenue", "total revenue", "revenue")
CURRENCY = "currency"  # the mapping target of a currency column (a type with money fields)
NO_VALUE = frozenset({"-", "--", "–", "—", "N/A", "n/a", "#N/A"})  # what a CRM export writes in a cell without a value
_SPLIT = re.compile(r"[;,|]")  # tags and ids: "pricing, ux"
_SPLIT_NAMES = re.compile(r"[;|]")  # other lists (aliases): a comma belongs to a name ("Acme, Inc.")
TEXT = ("title", "quote", "body")  # an insight needs one of these from its row


@dataclass(frozen=True)
class Target:
    """What the engine knows of a type it imports: its common headers, and the fields whose text a
    row must have one of (an insight's words; the longest free text is the quote when none is mapped)."""

    headers: dict[str, tuple[str, ...]]
    text: tuple[str, ...] = ()


TARGETS = {"insight": Target(AUTO, TEXT), "customer": Target(CUSTOMER_AUTO)}
PROSE_CHARS = 25  # mean length from which a column of sentences is free text


@dataclass
class Row:
    number: int  # the row a spreadsheet shows: the header is row 1, the first answer row 2
    cells: dict[str, str]  # column -> cell, for the columns the row has a cell for
    extra: list[str]  # cells past the header's last column
    missing: list[str]  # columns the row has no cell for
    split: bool = False  # a cell of it looks cut in two by a delimiter inside it, unquoted (" Inc.", "1" "200")


@dataclass
class Table:
    headers: list[str]
    rows: list[Row]  # blank rows left out (their numbers are skipped)
    delimiter: str


@dataclass
class RowProblem:
    row: int  # the row a spreadsheet shows (the header is row 1)
    message: str


@dataclass
class Redaction:
    row: int
    field: str
    kind: str  # "card" | "email" | "phone"
    count: int = 1


@dataclass
class Ragged:
    """A row with more or fewer cells than the header, imported because the user allowed it."""

    row: int
    dropped: list[str]  # the extra cells, redacted
    missing: list[str]  # columns left empty


@dataclass
class Conflict:
    """A row for a document the KB has already (its key or its name) whose values differ from the
    document's: warned about, never written over."""

    row: int
    id: str
    fields: dict[str, tuple[Any, Any]]  # field -> (the document's value, the row's)
    message: str
    updated: list[str] = field(default_factory=list)  # the fields written (--update)


@dataclass
class Imported:
    mapping: dict[str, str]  # column -> field
    ignored: list[str]
    guessed: str | None = None  # the column taken as the quote for having the longest free text
    rows: int = 0
    added: list[str] = field(default_factory=list)  # ids
    existing: int = 0  # rows whose key was imported before
    recovered: int = 0  # of those, rows an unfinished import wrote and this one commits
    failed: list[RowProblem] = field(default_factory=list)
    flagged: list[RowProblem] = field(default_factory=list)  # personal data kept (--keep-pii), redacted in the message
    redacted: list[Redaction] = field(default_factory=list)  # personal data replaced in what was written
    ragged: list[Ragged] = field(default_factory=list)  # rows imported with --allow-ragged
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (row, the earlier row it repeats, cell for cell)
    conflicts: list[Conflict] = field(default_factory=list)  # rows of documents the KB has, saying other values
    notes: list[str] = field(default_factory=list)  # about the file's columns: a revenue column not taken as ARR
    updated: list[str] = field(default_factory=list)  # ids of documents the rows' values were written to (--update)
    passed: list[RowProblem] = field(default_factory=list)  # dates still to come (a renewal) that have passed: imported
    doubtful: list[RowProblem] = field(default_factory=list)  # amounts too large to be meant (cents?): imported
    commit: str | None = None
    dry_run: bool = False

    @property
    def notices(self) -> list[RowProblem]:
        """What was imported otherwise than the file said, row by row, never showing personal data."""
        from pmops.pii import NOUNS

        notes = [RowProblem(r.row, f"{r.field}: {count(r.count, NOUNS[r.kind])} redacted") for r in self.redacted]
        for r in self.ragged:
            if r.dropped:
                cells = ", ".join(f"'{c[:40]}…'" if len(c) > 40 else f"'{c}'" for c in r.dropped)
                notes.append(
                    RowProblem(r.row, f"{count(len(r.dropped), 'cell')} past the last column dropped: {cells}")
                )
            if r.missing:
                notes.append(RowProblem(r.row, f"no cell for {', '.join(r.missing)}: left empty"))
        notes += [
            RowProblem(row, f"the same as row {first}, cell for cell: imported once") for row, first in self.duplicates
        ]
        notes += [RowProblem(c.row, c.message) for c in self.conflicts]
        notes += self.passed + self.doubtful
        return sorted(notes, key=lambda p: p.row)

    def to_json(self) -> dict:
        return {
            "rows": self.rows, "imported": len(self.added), "already_imported": self.existing, "recovered": self.recovered,
            "failed": [{"row": p.row, "error": p.message} for p in self.failed],
            "flagged": [{"row": p.row, "warning": p.message} for p in self.flagged],
            "redacted": [{"row": r.row, "field": r.field, "kind": r.kind, "count": r.count} for r in self.redacted],
            "ragged": [{"row": r.row, "dropped": r.dropped, "missing": r.missing} for r in self.ragged],
            "duplicates": [{"row": row, "same_as": first} for row, first in self.duplicates],
            "conflicts": [{"row": c.row, "id": c.id, "warning": c.message,
                           "fields": {n: {"kb": yamlsafe.plain(old), "file": yamlsafe.plain(new)}
                                      for n, (old, new) in c.fields.items()}, "updated": c.updated}
                          for c in self.conflicts],
            "passed": [{"row": p.row, "warning": p.message} for p in self.passed], "notes": self.notes,
            "doubtful": [{"row": p.row, "warning": p.message} for p in self.doubtful],
            "updated": self.updated,
            "ids": self.added, "mapping": self.mapping, "ignored_columns": self.ignored, "guessed_quote": self.guessed,
            "commit": self.commit, "dry_run": self.dry_run,
        }  # fmt: skip


def _header_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().casefold())


def mapping_for(
    headers: list[str], explicit: list[str], fields: set[str], type_name: str = "insight"
) -> tuple[dict[str, str], list[str]]:
    """Columns → fields: `--map COLUMN=FIELD` first, then the type's common header names, then a
    header that is a field's name."""
    from pmops.text import a

    mapping: dict[str, str] = {}
    by_key = {_header_key(h): h for h in headers}
    for spec in explicit:
        column, sep, target = spec.partition("=")
        column, target = column.strip(), target.strip()
        if not sep or not column or not target:
            raise InvalidInput(f"--map {spec}: write COLUMN=FIELD")
        if target not in fields and target not in SPECIAL:
            raise InvalidInput(
                f"--map {spec}: '{target}' is not {a(type_name)} field",
                hint=f"fields: {', '.join(sorted(fields | set(SPECIAL)))}",
            )
        actual = column if column in headers else by_key.get(_header_key(column))
        if actual is None:
            raise InvalidInput(f"--map {spec}: no column '{column}' in the file", hint=f"columns: {', '.join(headers)}")
        mapping[actual] = target
    known = TARGETS.get(type_name, Target({})).headers
    automatic = {**known, **{f: (f.replace("_", " "),) for f in sorted(fields) if f not in known}}
    for target, names in automatic.items():
        if target in mapping.values():
            continue
        for name in names:
            column = by_key.get(name)
            if column is not None and column not in mapping:
                mapping[column] = target
                break
    return mapping, [h for h in headers if h not in mapping]


def free_text_column(columns: list[str], rows: list[dict[str, str]]) -> str | None:
    """The column most like the answers to an open question, such as a survey's "What could be
    better?": sentences (most cells have spaces), the longest on average. None when none is."""
    best, longest = None, PROSE_CHARS - 1.0
    for column in columns:
        cells = [row[column] for row in rows if row.get(column)]
        if not cells or sum(" " in cell for cell in cells) * 2 < len(cells):
            continue
        mean = sum(map(len, cells)) / len(cells)
        if mean > longest:
            best, longest = column, mean
    return best


def read_csv(path: Path) -> Table:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path}: is a folder, not a CSV file") from None
    # Excel's "Unicode text" export is UTF-16 with a byte-order mark; everything else, UTF-8.
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path}: not UTF-8 (byte {exc.start})", hint="export the file as CSV UTF-8") from None
    if not text.strip():
        raise InvalidInput(f"{path}: the file is empty")
    # Excel may start a CSV with a `sep=;` line naming its delimiter.
    declared = re.match(r"sep=(.)\r?\n", text)
    if declared:
        text = text[declared.end() :]
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:  # rows of different lengths (a ragged row) defeat the sniffer: the header decides
        delimiter = max(",;\t", key=text.partition("\n")[0].count)
        dialect = type("Counted", (csv.excel,), {"delimiter": delimiter})  # a subclass: csv.excel itself is shared
    if declared:  # a subclass: csv.excel itself is shared
        dialect = type("Declared", (dialect,), {"delimiter": declared.group(1)})
    csv.field_size_limit(16 * 1024 * 1024)
    _check_quotes(path, text, dialect, 1 if declared else 0)
    reader = csv.reader(io.StringIO(text), dialect)
    rows: list[Row] = []
    try:
        headers = [h.strip() for h in next(reader)]
        while len(headers) > 1 and not headers[-1]:  # a spreadsheet's empty columns past the last one
            headers.pop()
        width = len(headers)
        # A spreadsheet numbers every row, blank ones too; a cell spanning lines is one row.
        for number, record in enumerate(reader, 2):
            cells = [c.strip() for c in record]
            while len(cells) > width and not cells[-1]:  # a spreadsheet's empty cells past the last column
                cells.pop()
            if any(cells):
                split = len(cells) > width and _looks_split(record)
                rows.append(Row(number, dict(zip(headers, cells)), cells[width:], headers[len(cells) :], split))
    except csv.Error as exc:
        raise InvalidInput(f"{path}: not a readable CSV file ({exc})") from None
    if len(set(headers)) != len(headers) or "" in headers:
        raise InvalidInput(f"{path}: every column needs a distinct, non-empty header")
    return Table(headers, rows, dialect.delimiter)


def _looks_split(cells: list[str]) -> bool:
    """Whether cells read from a row look like one cut at a delimiter written without quotes: a cell
    starting with a space, words starting with a small letter ("Slow" "and then it fails"), or three
    digits after a digit ("$1" "200.00")."""
    return any(
        cell[:1].isspace()
        or (cell[:1].islower() and " " in cell.strip())
        or (re.fullmatch(r"\d{3}(?:\.\d+)?", cell) and re.search(r"\d$", before))
        for before, cell in zip(cells, cells[1:])
    )


def _check_quotes(path: Path, text: str, dialect: type[csv.Dialect], skipped: int) -> None:
    """Refuse a quote that is never closed: read leniently, the rest of the file would become
    one cell of one row, reported as a row without its fields. `skipped`: lines before `text`."""
    reader = csv.reader(io.StringIO(text), dialect, strict=True)
    started = 1 + skipped
    try:
        for _ in reader:
            started = reader.line_num + 1 + skipped
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise InvalidInput(f"{path}: a quoted cell opened on line {started} is never closed",
                               hint='close it with ", or write a quote inside a quoted cell as ""') from None  # fmt: skip
        # Other strictness (a quote after a closing quote): read as spreadsheets do.


def _missing_said(required: str, mapping: dict[str, str]) -> str:
    """Why a row lacks a field it needs: its cell is empty when a column is mapped to it ('the name cell
    (Account Name) is empty'), else no column is ('no name: map a column to it with --map COLUMN=name')."""
    columns = [column for column, name in mapping.items() if name == required]
    if columns:
        return f"the {required} cell ({', '.join(columns)}) is empty"
    return f"no {required}: map a column to it with --map COLUMN={required}"


def _row_key(row: dict[str, str], mapping: dict[str, str], keep_pii: bool) -> str:
    from pmops import pii

    keyed = [column for column, target in mapping.items() if target == "key" and row.get(column)]
    if keyed and (keep_pii or not any(pii.scan(row[keyed[0]]))):
        return "id:" + row[keyed[0]]
    # Without a key column, or when the key is an email: a hash, so no personal data is written.
    canonical = "id:" + row[keyed[0]] if keyed else "\x1f".join(f"{k}={row[k]}" for k in sorted(row))
    return "sha1:" + hashlib.sha1(canonical.encode()).hexdigest()[:16]


def _imported_keys(kb: KnowledgeBase, doctype: DocType) -> tuple[dict[str, Path], dict[str, int | str]]:
    """The source keys already in the KB, with their files; and, for a type with unique titles,
    the names its documents have (titles and aliases, as `kb.named` compares them) with their
    files, which rows of the import add theirs to with their row numbers. Read in one pass;
    without names, only files that mention the key field are parsed: in a KB of thousands of
    insights, most were never imported."""
    from pmops import documents
    from pmops.errors import DocumentError

    folder = kb.root / doctype.folder
    keys: dict[str, Path] = {}
    names: dict[str, int | str] = {}
    for path in kb.paths(folder) if folder.is_dir() else ():
        try:
            data = kb.read_bytes(path)
            if not doctype.unique_titles and KEY_FIELD.encode() + b":" not in data:
                continue
            meta = documents.parse(kb.rel(path), data).meta
        except (OSError, DocumentError):
            continue
        if meta.get(KEY_FIELD):
            keys[str(meta[KEY_FIELD])] = path
        if doctype.unique_titles:
            aliases = meta.get(doctype.aliases) if doctype.aliases else None
            listed = aliases if isinstance(aliases, list) else [aliases]
            for name in [meta.get(doctype.title_field), *listed]:
                if isinstance(name, str) and name.strip():
                    names.setdefault(_name_key(name, doctype), kb.rel(path))
    return keys, names


def _unfinished(kb: KnowledgeBase, folder: Path, files: list[Path], commit: bool | None) -> list[Path]:
    """Those of `files` (this file's rows, found in the KB) that git does not track: an earlier
    import wrote them and was killed before its commit. This import commits them."""
    repo = kb.repo if (kb.config.commit if commit is None else commit) else None
    if repo is None or not files:
        return []
    untracked = repo.untracked(repo.pathspec(folder))
    return sorted(path for path in files if path in untracked)


def _title_from(text: str) -> str:
    first = re.split(r"(?<=[.!?])\s", " ".join(text.split()), maxsplit=1)[0]
    return first if len(first) <= 90 else first[:87].rsplit(" ", 1)[0] + "…"


DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def _ragged_problem(row: Row, width: int, delimiter: str) -> str:
    cells = count(width + len(row.extra) - len(row.missing), "cell")
    if row.extra and row.split:
        mark = DELIMITERS.get(delimiter, repr(delimiter))
        return (f"{cells} for {count(width, 'column')}: a {mark} inside a cell without quotes moves the cells after it "
                "(quote that cell, or --allow-ragged drops the cells past the last column)")  # fmt: skip
    if row.extra:
        from pmops import pii

        past = ", ".join(f"'{pii.redact(c)[:40]}'" for c in row.extra)
        return (f"{cells} for {count(width, 'column')}: {past} past the last column (give it a header, or "
                "--allow-ragged drops the cells past the last column)")  # fmt: skip
    return f"{cells} for {count(width, 'column')}: no cell for {', '.join(row.missing)} (add them, or --allow-ragged leaves them empty)"


def _row_values(
    row: Row, mapping: dict[str, str], defaults: dict[str, Any], doctype: DocType, date_format: str | None
) -> tuple[dict[str, Any], str]:
    """The row's fields and body, as its cells say; a date that cannot be read raises ValueError.
    A choice written in another case or spacing ("Mid Market") is the choice it spells."""
    values: dict[str, Any] = dict(defaults)
    date_fields = {f.name for f in doctype.fields if f.kind == "date"}
    lists = {f.name for f in doctype.fields if f.is_list} | {"tags", "links"}
    body = ""
    _check_row_currency(row, mapping, doctype)
    for column, target in mapping.items():
        cell = row.cells.get(column, "")
        if not cell or cell in NO_VALUE or target in ("key", CURRENCY):
            continue
        if target == "body":
            body = cell
        elif target in lists:
            listed = doctype.field(target)
            split = _SPLIT_NAMES if listed is not None and listed.kind == "list" else _SPLIT
            values[target] = [t.strip() for t in split.split(cell) if t.strip()]
        elif target in date_fields:
            if dates.relative(cell) is not None:  # a note typed in a date column, read on the day of the import
                raise ValueError(f"{target}: '{cell}' counts from today, not a date the file keeps "
                                 f"(write the date itself, e.g. {dt.date.today().isoformat()})")  # fmt: skip
            try:
                values[target] = dates.parse(cell, date_format, toward=None)  # a cell may be any year
            except dates.AmbiguousDate as exc:
                raise ValueError(f"{target}: {exc} (say which with --date-format DMY or --date-format MDY)") from None
            except ValueError as exc:
                raise ValueError(f"{target}: {exc}") from None
        else:
            fld = doctype.field(target)
            values[target] = fld.spelt(cell) if fld is not None else cell
    return values, body


def _check_row_currency(row: Row, mapping: dict[str, str], doctype: DocType) -> None:
    """A row whose currency column (a multi-currency CRM's 'ARR Currency', 'Currency') names another
    currency than the KB's, and that has an amount, raises ValueError: its amounts are not the KB's
    money. A row in the KB's currency, or without an amount (a prospect), reads as any other."""
    from pmops import amounts

    money = {f.name: f for f in doctype.fields if f.kind == "money"}
    priced = [t for c, t in mapping.items() if t in money and row.cells.get(c) and row.cells[c] not in NO_VALUE]
    for column, target in mapping.items():
        said = row.cells.get(column, "")
        if target != CURRENCY or not said or said in NO_VALUE or not priced:
            continue
        currency = money[priced[0]].currency
        named = amounts.currencies(said)
        if not named:
            raise ValueError(f"{column}: '{said}' is not a currency (a code such as {currency} or EUR)")
        if currency not in named:
            raise ValueError(f"{' and '.join(priced)} is in {'/'.join(named)} ({column}), and this KB counts money in "
                             f"{currency} (currency: in pmops.yaml): convert it to {currency}, or leave the row out")  # fmt: skip


def _revenue_notes(ignored: list[str], mapping: dict[str, str], doctype: DocType) -> list[str]:
    """A revenue column left unmapped while no column gives the ARR: said, as a user may expect it read."""
    if "arr" in mapping.values() or doctype.field("arr") is None:
        return []
    revenue = [column for column in ignored if _header_key(column) in REVENUE]
    if not revenue:
        return []
    said = " and ".join(f"'{column}'" for column in revenue)
    return [f"{said} {'is' if len(revenue) == 1 else 'are'} not taken as arr: a CRM's annual or total revenue is the company's own turnover (or its deals' "
            f"total), not what it pays you; --map \"{revenue[0]}=arr\" if it is the ARR"]  # fmt: skip


def _alias_taken(kb: KnowledgeBase, doctype: DocType, values: dict[str, Any], names: dict[str, int | str],
                 title: str, number: int) -> str | None:  # fmt: skip
    """Why a new row's alias cannot be written — another customer of the register, or an earlier row
    of the file, goes by it (as its name or an alias) — as `customer add` refuses it; None when none is."""
    for alias in _listed(values.get(doctype.aliases)) if doctype.aliases else []:
        holder = names.get(_name_key(alias, doctype))
        if holder is None or holder == number or _name_key(alias, doctype) == title:
            continue
        if isinstance(holder, int):
            return f"alias '{alias}' is also a name of row {holder}: an insight naming it would fit two customers"
        try:
            record = kb.load(kb.root / holder)
        except (PmopsError, OSError):
            continue
        return (f"alias '{alias}' is a name of {record.title} ({record.id}), in the register: an insight naming "
                "it would fit two customers")  # fmt: skip
    return None


def _key_said(key: str) -> str:
    return f"the key '{key[3:]}'" if key.startswith("id:") else "the same key"


def _conflict(kb: KnowledgeBase, doctype: DocType, path: Path, row: Row, mapping: dict[str, str],
              defaults: dict[str, Any] | None, date_format: str | None, result: Imported,
              by_name: bool = False, update: bool = False) -> Change | None:  # fmt: skip
    """For a register (a type with unique titles: customers), a row for a document the KB has whose
    values differ from the document's, or that has values the document lacks, is a warning naming
    them; the document is left as it is — unless `update`, when the row's values are written over
    the document's (returned as a Change for the import's commit; its names are never changed: said).
    The name of a row found by its name (an alias) is no difference. A row that does not read (a bad
    date) says nothing here: it is not imported either way."""
    if not doctype.unique_titles:  # an insight's document is what its row became (redacted, titled): not compared
        return None
    try:
        values, _ = _row_values(row, mapping, defaults or {}, doctype, date_format)
        record = kb.load(path)
    except (ValueError, PmopsError, OSError):
        return None
    differ: dict[str, tuple[Any, Any]] = {}
    for name, given in values.items():
        fld = doctype.field(name)
        if fld is None or name in (KEY_FIELD, "tags", "links") or given in (None, "", []):
            continue
        if by_name and name == doctype.title_field:
            continue
        try:
            new = fld.convert(fld.spelt(given))
        except ValueError:
            continue  # not a value of the field: not a value the document could have had
        old = record.values.get(name)
        if fld.name == doctype.title_field or fld.is_list:  # a name the record goes by, or has among its aliases
            goes_by = {_name_key(v) for v in [*_listed(old), *_listed(record.values.get(doctype.aliases or ""))]}
            same = goes_by >= {_name_key(v) for v in _listed(new)} - {_name_key(record.title)}
        else:
            same = old == new
        if not same:
            differ[name] = (old, new)
    if not differ:
        return None
    names = (doctype.title_field, doctype.aliases)
    written = {n: new for n, (_, new) in differ.items() if n not in names} if update else {}
    kept = {n: v for n, v in differ.items() if n not in written}
    ref = record.id or record.path
    said = ", ".join(f"{n} {_said(old)}" if old not in (None, "", []) else f"no {n}" for n, (old, _) in differ.items())
    given = ", ".join(f"{n} {_said(new)}" for n, (_, new) in differ.items())
    fix = " ".join(f"'{n}={_said(_added(old, new) if n == doctype.aliases else new)}'"
                   for n, (old, new) in kept.items() if n != doctype.title_field)  # fmt: skip
    updatable = not update and any(n not in names for n in kept)  # --update writes all but names
    how = [f"pmops set {ref} {fix} changes it" + (", or --update" if updatable else "")] if fix else []
    if doctype.title_field in kept:
        alias = ", the old name kept as an alias" if doctype.aliases else ""
        how.append(f"pmops mv {ref} '{_said(kept[doctype.title_field][1])}' renames it{alias}")
    if written:
        done = "would update" if result.dry_run else "updated"
        outcome = f"{done} {', '.join(written)}" + (f"; not changed ({'; '.join(how)})" if how else "")
    else:
        outcome = f"not changed ({'; '.join(how)})"
    result.conflicts.append(Conflict(row.number, ref, differ,
                                     f"{record.title} ({ref}) is in the register with {said}; this row says "
                                     f"{given}: {outcome}", updated=list(written)))  # fmt: skip
    if not written:
        return None
    for name, new in written.items():  # an ARR of 9500000000 written over the register's: said, as on a new row
        fld = doctype.field(name)
        if fld is not None and (doubt := fld.doubtful(new)):
            result.doubtful.append(RowProblem(row.number, f"{record.title}: {doubt} {done} as the file has it"))
    result.updated.append(str(ref))
    return Change(kb.root / record.path, record.doc, record.doc.with_fields(written))


def _updated(change: Change | None, changes: list[Change], updated: set[Path]) -> None:
    if change is not None:
        changes.append(change)
        updated.add(change.path)


def _other_account_problem(kb: KnowledgeBase, path: Path, key: str, other: str) -> str:
    record = kb.load(path)
    return (f"{record.title} ({record.id}) in the register is the CRM's account {other}; this row is account "
            f"{key[3:]}, another account of that name: not imported (two accounts of one name: merge them in the CRM "
            "if they are one company, else rename one)")  # fmt: skip


def _same_import(kb: KnowledgeBase, folder: Path, path: Path, shared: set[Path], added: dict[str, str]) -> bool:
    """Whether the register's document came in with one of those sharing ids with the file (one commit
    added them): an account of the CRM the file is an export of. One the register had before that CRM's
    first import (matched then by name, 'already imported') is not judged another account by the
    re-import, which would otherwise fail the very row the first run matched. Without git: as before."""
    repo = kb.repo
    if repo is None:
        return True
    if not added:
        code, out, _ = repo.run("-c", "core.quotepath=off", "log", "--diff-filter=A", "--no-renames", "--name-only",
                                "--format=%x00%H", "--", repo.pathspec(folder), check=False)  # fmt: skip
        if code != 0:
            return True
        for chunk in out.split("\0")[1:]:
            sha, *names = chunk.strip().splitlines()
            for name in names:
                added.setdefault(name, sha)
        added.setdefault("", "")  # asked once, even when git names no file

    def at(file: Path) -> str | None:
        return added.get(os.path.relpath(file, repo.root).replace(os.sep, "/"))

    mine = at(path)
    return mine is None or any(at(p) == mine for p in shared if p != path)


def _same_account(one: str, other: str) -> bool:
    """Two account ids of one account: equal, or Salesforce's 15- and 18-character forms of one id."""
    if one == other:
        return True
    short, long = sorted((one, other), key=len)
    return len(short) == 15 and len(long) == 18 and long.startswith(short)


def _other_account(kb: KnowledgeBase, path: Path, key: str) -> str | None:
    """The account id of the register's document when the row's is another (both CRM ids, as
    `source_key` keeps them; asked of a file of the register's CRM): two accounts of one name, not one
    account imported again."""
    if not key.startswith("id:"):
        return None
    try:
        kept = str(kb.load(path).doc.meta.get(KEY_FIELD) or "")
    except (PmopsError, OSError):
        return None
    if not kept.startswith("id:") or _same_account(kept[3:], key[3:]):
        return None
    return kept[3:]


def _added(old: Any, new: Any) -> list[Any]:
    """A list's values with those of `new` it lacks after them: aliases set so, none is lost."""
    have = {_name_key(v) for v in _listed(old)}
    return [*_listed(old), *(v for v in _listed(new) if _name_key(v) not in have)]


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value in (None, "") else [value]


def _said(value: Any) -> str:
    """A value in a warning: dates ISO, lists comma-separated, none as 'none'."""
    if value in (None, "", []):
        return "none"
    if isinstance(value, list):
        return ", ".join(map(_said, value))
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _check_currencies(path: Path, mapping: dict[str, str], doctype: DocType) -> None:
    """Refuse a column of money whose header names another currency than the KB's ('ARR (EUR)' in a
    KB counting in USD): its plain numbers would be added to the others as if they were the KB's."""
    from pmops import amounts

    for column, target in mapping.items():
        fld = doctype.field(target)
        code = amounts.named(column) if fld is not None and fld.kind == "money" else None
        if fld is not None and code and code != fld.currency:
            raise InvalidInput(f"{path.name}: column '{column}' is in {code}, and this KB counts money in "
                               f"{fld.currency} (currency: in pmops.yaml)",
                               hint=f"convert the column to {fld.currency} first; nothing was imported")  # fmt: skip


def _name_key(name: object, doctype: DocType | None = None) -> str:
    """A title as `kb.named` compares them (a unique-titled type's names): spaces and case folded; a
    register's (a type with aliases: customers) as insights are matched to it (customers.key: "Cobalt
    Labs Inc." is Cobalt Labs), so a row is not a second customer of a name the register has."""
    if doctype is not None and doctype.aliases:
        from pmops import customers

        matched = customers.key(name)
        if matched:
            return matched
    return " ".join(str(name).split()).casefold()


def import_csv(
    kb: KnowledgeBase,
    path: Path,
    maps: list[str],
    *,
    target: str = "insight",
    defaults: dict[str, Any] | None = None,
    extra_tags: list[str] | None = None,
    new_tags: bool = False,
    date_format: str | None = None,
    allow_ragged: bool = False,
    keep_pii: bool = False,
    update: bool = False,
    dry_run: bool = False,
    commit: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Imported:
    """Import the rows of a CSV file as documents of the `target` type (see the module's docstring).

    `date_format` (DMY, MDY, YMD or a strptime pattern) reads dates of numbers only;
    `allow_ragged` imports rows with more cells than columns (the extra ones dropped and
    listed) or fewer (left empty); `keep_pii` writes emails and phone numbers as they are;
    `update` writes a register's rows' values over the documents they are already in (their names aside).
    """
    from pmops import pii

    today = dt.date.today()
    if date_format is not None:
        try:
            date_format = dates.check_format(date_format)
        except ValueError as exc:
            raise InvalidInput(f"--date-format: {exc}") from None
    doctype = kb.doctype(target)
    if not doctype.writable or doctype.made_by:
        raise InvalidInput(f"pmops does not import {doctype.plural}")
    spec = TARGETS.get(doctype.name, Target({}))
    fields = {f.name for f in doctype.fields} - {"id"}
    if any(f.kind == "money" for f in doctype.fields) and doctype.field(CURRENCY) is None:
        fields.add(CURRENCY)  # a column saying each row's currency: read, never written
    table = read_csv(path)
    headers, rows = table.headers, table.rows
    mapping, ignored = mapping_for(headers, maps, fields, doctype.name)
    _check_currencies(path, mapping, doctype)
    notes = _revenue_notes(ignored, mapping, doctype)
    guessed = None
    if spec.text and not any(t in mapping.values() for t in spec.text):  # a survey's question as a header
        guessed = free_text_column(ignored, [row.cells for row in rows])
        if guessed is None:
            raise InvalidInput(f"{path.name}: no column holds the insights' text",
                               hint=f"map one with --map COLUMN=quote (or title, body); columns: {', '.join(headers)}")  # fmt: skip
        mapping[guessed] = "quote"
        ignored.remove(guessed)
    given = {*mapping.values(), *(defaults or {})}
    for fld in doctype.required:
        derived = fld.name == doctype.title_field and spec.text  # an insight's title, from its text
        if fld.name != "id" and not derived and fld.name not in given and not fld.default:
            # Said once for the file, not once per row.
            also = " or give every row one with --source" if fld.name == "source" else ""
            raise InvalidInput(f"{path.name}: no column gives the {doctype.plural}' {fld.name}",
                               hint=f"map one with --map COLUMN={fld.name}{also}; columns: {', '.join(headers)}")  # fmt: skip
    result = Imported(mapping, ignored, guessed, rows=len(rows), dry_run=dry_run, notes=notes)
    # What is imported already is read under the write lock the write takes again: an import of
    # the same file running meanwhile has committed its rows (they are skipped here) or waits.
    with contextlib.nullcontext() if dry_run else store.write_lock(kb.lock_path):
        known, names = _imported_keys(kb, doctype)
        keys = [_row_key(row.cells, mapping, keep_pii) for row in rows]
        # A file sharing account ids with the register is an export of the CRM it came from: there, a
        # name the register has under another id is another account. Another CRM's ids are its own.
        same_crm = any(k in known for k in keys if k.startswith("id:"))
        shared = {known[k] for k in keys if k.startswith("id:") and k in known}
        added: dict[str, str] = {}  # a document's path in git -> the commit that added it (read once, when asked)
        unfinished = _unfinished(kb, kb.root / doctype.folder, [known[k] for k in set(keys) if k in known], commit)
        result.recovered = len(unfinished)
        taken = kb.existing_ids(doctype)
        changes, added_tags, seen = [], [], set(known)
        if new_tags:  # the unfinished import's new tags never reached the taxonomy
            unknown = (
                kb.taxonomy.resolve(str(t), allow_new=True)
                for p in unfinished
                for t in kb.read(p).meta.get("tags") or []
            )
            added_tags += dict.fromkeys(r.tag for r in unknown if r.note == "new")
        updated: set[Path] = set()  # documents of the register a row's values are written to (--update)
        earlier: dict[str, Row] = {}  # a key -> the first row of this file with it
        for done, (row, key) in enumerate(zip(rows, keys), 1):
            if progress and (done % 250 == 0 or done == len(rows)):
                progress(done, len(rows))
            number = row.number
            if key in earlier:  # said by its row, never taken for a row imported before
                first = earlier[key]
                if first.cells == row.cells:
                    result.duplicates.append((number, first.number))
                else:
                    result.failed.append(RowProblem(number, f"{_key_said(key)} is also row {first.number}'s, with "
                                                    "other values: one row each (this one was not imported)"))  # fmt: skip
                continue
            earlier[key] = row
            if key in seen:
                result.existing += 1
                _updated(_conflict(kb, doctype, known[key], row, mapping, defaults, date_format, result,
                                   update=update and known[key] not in updated), changes, updated)  # fmt: skip
                continue
            seen.add(key)
            if (row.extra or row.missing) and not allow_ragged:
                result.failed.append(RowProblem(number, _ragged_problem(row, len(headers), table.delimiter)))
                continue
            try:
                values, body = _row_values(row, mapping, defaults or {}, doctype, date_format)
            except ValueError as exc:
                result.failed.append(RowProblem(number, str(exc)))
                continue
            if doctype.unique_titles and values.get(doctype.title_field):
                title = _name_key(values[doctype.title_field], doctype)
                if title in names:
                    if isinstance(names[title], int):  # an earlier row of this file
                        result.failed.append(RowProblem(number, f"{doctype.title_field} '{values[doctype.title_field]}' "
                                                        f"is also row {names[title]}'s: {doctype.plural} have one each"))  # fmt: skip
                    else:
                        found_at = kb.root / str(names[title])
                        other = _other_account(kb, found_at, key) if same_crm else None
                        if other is not None and not _same_import(
                            kb, kb.root / doctype.folder, found_at, shared, added
                        ):
                            other = None  # matched by name by the import that brought the shared ids: so again
                        if other is not None:  # another CRM account of a name the register has
                            result.failed.append(RowProblem(number, _other_account_problem(kb, found_at, key, other)))
                            continue
                        result.existing += 1  # in the KB already (added by hand, or by another file)
                        _updated(_conflict(kb, doctype, found_at, row, mapping, defaults, date_format, result,
                                           by_name=True, update=update and found_at not in updated),
                                 changes, updated)  # fmt: skip
                    continue
                taken = _alias_taken(kb, doctype, values, names, title, number)
                if taken:
                    result.failed.append(RowProblem(number, taken))
                    continue
                names[title] = number
                for alias in _listed(values.get(doctype.aliases)) if doctype.aliases else []:
                    names.setdefault(_name_key(alias, doctype), number)
            if doctype.field("tags") is not None:
                values["tags"] = [*(values.get("tags") or []), *(extra_tags or [])]
            found = []
            if doctype.pii:
                try:
                    values, body, found = pii.redact_document(values, body, keep=keep_pii)
                except InvalidInput as exc:  # a card number, with --keep-pii
                    result.failed.append(RowProblem(number, exc.message))
                    continue
            if spec.text and not values.get("title"):
                basis = values.get("quote") or body
                if basis:
                    values["title"] = _title_from(basis)
            values[KEY_FIELD] = key
            try:
                draft = kb.build(doctype, values, (body + "\n") if body else None, new_tags=new_tags, taken=taken)
            except MissingField as exc:
                result.failed.append(RowProblem(number, _missing_said(exc.required, mapping)))
                continue
            except PmopsError as exc:
                exc.name_field(None)  # a column mapped to the field: its name, not an option
                result.failed.append(RowProblem(number, exc.message + (f" ({exc.hint})" if exc.hint else "")))
                continue
            if keep_pii:
                result.flagged += [
                    RowProblem(number, f"pii-{f.kind}: {m} in {f.field}") for f in found for m in f.masked
                ]
            else:
                result.redacted += [Redaction(number, f.field, f.kind, len(f.masked)) for f in found]
            if row.extra or row.missing:
                result.ragged.append(Ragged(number, [pii.redact(cell) for cell in row.extra], row.missing))
            for fld in doctype.fields:  # a lapsed renewal: a CRM export holds them; imported, said by its row
                said = fld.passed(values.get(fld.name), today)
                if said:
                    result.passed.append(RowProblem(number, f"{said}; imported as the file has it"))
                if fld.kind == "money" and (doubt := fld.doubtful(fld.convert(draft.doc.meta.get(fld.name)))):
                    name = draft.doc.meta.get(doctype.title_field)  # an ARR of 240000000000: cents as units?
                    result.doubtful.append(RowProblem(number, f"{f'{name}: ' if name else ''}{doubt} imported as "
                                                              "the file has it"))  # fmt: skip
            added_tags += [t for t in draft.new_tags if t not in added_tags]
            changes.append(draft.change)
            result.added.append(draft.doc.meta["id"])
        if dry_run or not (changes or unfinished):
            return result
        if added_tags:
            changes.append(kb.taxonomy_change(added_tags))
        message = f"pmops: import {count(len(result.added) + len(unfinished), doctype.name)} from {path.name}"
        if result.updated:
            message += f", update {count(len(result.updated), doctype.name)}"
        if unfinished:
            message += f" ({len(unfinished)} written by an earlier import that did not finish)"
        result.commit = kb.write(changes, message, commit=commit, unfinished=unfinished)
        return result
