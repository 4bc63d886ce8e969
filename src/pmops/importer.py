"""Bulk import of insights from a CSV export (a survey tool, a support desk, a spreadsheet).

Columns map onto fields (automatically for common headers, or with --map);
each row is validated like `insight add`; a row that fails is reported by its
number and nothing of it is written; PII is flagged as lint does; each row has
a stable source key, so importing the same file again adds nothing; and the
whole import is one commit.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmops.errors import InvalidInput, MissingField, PmopsError

KEY_FIELD = "source_key"  # front-matter field holding each imported row's stable key
SPECIAL = ("body", "key")  # mapping targets that are not insight fields
# Header words (normalised) → field; the first match wins.
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
_SPLIT = re.compile(r"[;,|]")
TEXT = ("title", "quote", "body")  # an insight needs one of these from its row
PROSE_CHARS = 25  # mean length from which a column of sentences is free text


@dataclass
class RowProblem:
    row: int  # 1-based data row (the header is row 0) — the line a spreadsheet shows minus one
    message: str


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
    flagged: list[RowProblem] = field(default_factory=list)  # PII warnings (the row was imported)
    commit: str | None = None
    dry_run: bool = False

    def to_json(self) -> dict:
        return {
            "rows": self.rows, "imported": len(self.added), "already_imported": self.existing, "recovered": self.recovered,
            "failed": [{"row": p.row, "error": p.message} for p in self.failed],
            "flagged": [{"row": p.row, "warning": p.message} for p in self.flagged],
            "ids": self.added, "mapping": self.mapping, "ignored_columns": self.ignored, "guessed_quote": self.guessed,
            "commit": self.commit, "dry_run": self.dry_run,
        }  # fmt: skip


def _header_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().casefold())


def mapping_for(headers: list[str], explicit: list[str], fields: set[str]) -> tuple[dict[str, str], list[str]]:
    """Columns → fields: `--map COLUMN=FIELD` first, then common header names."""
    mapping: dict[str, str] = {}
    by_key = {_header_key(h): h for h in headers}
    for spec in explicit:
        column, sep, target = spec.partition("=")
        column, target = column.strip(), target.strip()
        if not sep or not column or not target:
            raise InvalidInput(f"--map {spec}: write COLUMN=FIELD")
        if target not in fields and target not in SPECIAL:
            raise InvalidInput(f"--map {spec}: '{target}' is not an insight field", hint=f"fields: {', '.join(sorted(fields | set(SPECIAL)))}")
        actual = column if column in headers else by_key.get(_header_key(column))
        if actual is None:
            raise InvalidInput(f"--map {spec}: no column '{column}' in the file", hint=f"columns: {', '.join(headers)}")
        mapping[actual] = target
    for target, names in AUTO.items():
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


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
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
    except csv.Error:
        dialect = csv.excel
    if declared:  # a subclass: csv.excel itself is shared
        dialect = type("Declared", (dialect,), {"delimiter": declared.group(1)})
    csv.field_size_limit(16 * 1024 * 1024)
    _check_quotes(path, text, dialect)
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        headers = [h.strip() for h in next(reader)]
        rows = [dict(zip(headers, (c.strip() for c in row))) for row in reader if any(c.strip() for c in row)]
    except csv.Error as exc:
        raise InvalidInput(f"{path}: not a readable CSV file ({exc})") from None
    if len(set(headers)) != len(headers) or "" in headers:
        raise InvalidInput(f"{path}: every column needs a distinct, non-empty header")
    return headers, rows


def _check_quotes(path: Path, text: str, dialect) -> None:  # noqa: ANN001 - a csv dialect
    """Refuse a quote that is never closed: read leniently, the rest of the file would become
    one cell of one row, reported as a row without its fields."""
    reader = csv.reader(io.StringIO(text), dialect, strict=True)
    started = 1
    try:
        for _ in reader:
            started = reader.line_num + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise InvalidInput(f"{path}: a quoted cell opened on line {started} is never closed",
                               hint='close it with ", or write a quote inside a quoted cell as ""') from None  # fmt: skip
        # Other strictness (a quote after a closing quote): read as spreadsheets do.


def _row_key(row: dict[str, str], mapping: dict[str, str]) -> str:
    keyed = [column for column, target in mapping.items() if target == "key" and row.get(column)]
    if keyed:
        return "id:" + row[keyed[0]]
    canonical = "\x1f".join(f"{k}={row[k]}" for k in sorted(row))
    return "sha1:" + hashlib.sha1(canonical.encode()).hexdigest()[:16]


def _imported_keys(kb, doctype) -> dict[str, Path]:  # noqa: ANN001 - KnowledgeBase, DocType
    """The source keys already in the KB, with their files. Only files that mention the key
    field are parsed: in a KB of thousands of insights, most were never imported."""
    from pmops import documents
    from pmops.errors import DocumentError

    folder = kb.root / doctype.folder
    keys: dict[str, Path] = {}
    for path in kb.paths(folder) if folder.is_dir() else ():
        try:
            data = path.read_bytes()
            if KEY_FIELD.encode() + b":" not in data:
                continue
            key = documents.parse(kb.rel(path), data).meta.get(KEY_FIELD)
        except (OSError, DocumentError):
            continue
        if key:
            keys[str(key)] = path
    return keys


def _unfinished(kb, folder: Path, files: list[Path], commit: bool | None) -> list[Path]:  # noqa: ANN001 - KnowledgeBase
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


def import_csv(
    kb,  # noqa: ANN001 - KnowledgeBase
    path: Path,
    maps: list[str],
    *,
    defaults: dict[str, Any] | None = None,
    extra_tags: list[str] | None = None,
    new_tags: bool = False,
    dry_run: bool = False,
    commit: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Imported:
    from pmops.lint import pii

    doctype = kb.doctype("insight")
    fields = {f.name for f in doctype.fields} - {"id"}
    headers, rows = read_csv(path)
    mapping, ignored = mapping_for(headers, maps, fields)
    guessed = None
    if not any(target in mapping.values() for target in TEXT):  # a survey's question as a header
        guessed = free_text_column(ignored, rows)
        if guessed is None:
            raise InvalidInput(f"{path.name}: no column holds the insights' text",
                               hint=f"map one with --map COLUMN=quote (or title, body); columns: {', '.join(headers)}")  # fmt: skip
        mapping[guessed] = "quote"
        ignored.remove(guessed)
    given = {*mapping.values(), *(defaults or {})}
    for fld in doctype.required:
        if fld.name not in ("id", "title") and fld.name not in given and not fld.default:
            # Said once for the file, not once per row.
            also = " or give every row one with --source" if fld.name == "source" else ""
            raise InvalidInput(f"{path.name}: no column gives the insights' {fld.name}",
                               hint=f"map one with --map COLUMN={fld.name}{also}; columns: {', '.join(headers)}")  # fmt: skip
    result = Imported(mapping, ignored, guessed, rows=len(rows), dry_run=dry_run)
    known = _imported_keys(kb, doctype)
    keys = [_row_key(row, mapping) for row in rows]
    unfinished = _unfinished(kb, kb.root / doctype.folder, [known[k] for k in set(keys) if k in known], commit)
    result.recovered = len(unfinished)
    taken = kb.existing_ids(doctype)
    changes, added_tags, seen = [], [], set(known)
    if new_tags:  # the unfinished import's new tags never reached the taxonomy
        unknown = (kb.taxonomy.resolve(str(t), allow_new=True) for p in unfinished for t in kb.read(p).meta.get("tags") or [])
        added_tags += dict.fromkeys(r.tag for r in unknown if r.note == "new")
    for number, (row, key) in enumerate(zip(rows, keys), 1):
        if key in seen:
            result.existing += 1
            continue
        seen.add(key)
        values: dict[str, Any] = dict(defaults or {})
        body = ""
        for column, target in mapping.items():
            cell = row.get(column, "")
            if not cell or target == "key":
                continue
            if target == "body":
                body = cell
            elif target in ("tags", "links"):
                values[target] = [t.strip() for t in _SPLIT.split(cell) if t.strip()]
            else:
                values[target] = cell
        values["tags"] = [*(values.get("tags") or []), *(extra_tags or [])]
        if not values.get("title"):
            basis = values.get("quote") or body
            if basis:
                values["title"] = _title_from(basis)
        values[KEY_FIELD] = key
        text = "\n".join(dict.fromkeys([*(str(v) for v in values.values()), body]))
        found = list({(m.kind, m.redacted): m for m in pii.scan(text)}.values())  # once each, title or quote
        cards = [m for m in found if m.kind == "card"]
        if cards:
            result.failed.append(RowProblem(number, f"contains a payment card number ({cards[0].redacted}); not imported"))
            continue
        try:
            new_path, doc, _, new = kb.build(doctype, values, (body + "\n") if body else None, new_tags=new_tags, taken=taken)
        except MissingField as exc:
            result.failed.append(RowProblem(number, f"no {exc.field}: map a column to it with --map COLUMN={exc.field}"))
            continue
        except PmopsError as exc:
            result.failed.append(RowProblem(number, exc.message + (f" ({exc.hint})" if exc.hint else "")))
            continue
        for match in found:
            result.flagged.append(RowProblem(number, f"pii-{match.kind}: {match.redacted}"))
        added_tags += [t for t in new if t not in added_tags]
        changes.append((new_path, None, doc))
        result.added.append(doc.meta["id"])
        if progress and (number % 250 == 0 or number == len(rows)):
            progress(number, len(rows))
    if dry_run or not (changes or unfinished):
        return result
    if added_tags:
        changes.append(kb.taxonomy_change(added_tags))
    message = f"pmops: import {len(result.added) + len(unfinished)} insights from {path.name}"
    if unfinished:
        message += f" ({len(unfinished)} written by an earlier import that did not finish)"
    result.commit = kb.write(changes, message, commit=commit, unfinished=unfinished)
    return result
