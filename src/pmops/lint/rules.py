"""The lint rules: each has a stable id, a severity and a one-line summary (docs/lint-rules.md)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pmops.errors import UnknownTag


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    rule: str
    severity: str  # "error" | "warning"
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule} {self.severity} {self.message}"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    summary: str

    def finding(self, path: str, line: int, message: str, hint: str | None = None) -> Finding:
        return Finding(path, line, self.id, self.severity, message, hint)


RULES = {
    rule.id: rule
    for rule in (
        Rule("frontmatter-invalid", "error", "the file cannot be read without loss (YAML, encoding, shape)"),
        Rule("conflict-markers", "error", "unresolved git merge conflict markers"),
        Rule("field-missing", "error", "a field the document type requires is missing or empty"),
        Rule("field-choice", "error", "a value is not among the field's choices"),
        Rule("field-date", "error", "a date field does not hold a YYYY-MM-DD date"),
        Rule("field-invalid", "error", "a value does not have the field's kind (number, list, ...)"),
        Rule("tag-unknown", "error", "a tag is not in taxonomy.yaml"),
        Rule("tag-synonym", "warning", "a tag is a synonym; the taxonomy prefers another spelling"),
        Rule("tag-deprecated", "warning", "a tag is deprecated in favour of another"),
        Rule("id-duplicate", "error", "two documents share one id"),
    )
}


def check_record(kb, record) -> Iterator[Finding]:  # noqa: ANN001 - KnowledgeBase, Record
    """Field and tag rules for one readable document. Pages only get the reader's checks."""
    doctype = record.doctype
    if doctype.name == "page":
        return
    doc = record.doc
    for fld in doctype.fields:
        line = doc.line_of(fld.name)
        problem = record.problems.get(fld.name)
        if problem:
            rule = {"date": "field-date", "choice": "field-choice"}.get(fld.kind, "field-invalid")
            hint = f"choose one of: {', '.join(fld.choices)}" if fld.choices else None
            yield RULES[rule].finding(doc.path, line, f"{fld.name}: {problem}", hint)
        elif fld.required and record.values.get(fld.name) in (None, "", []):
            yield RULES["field-missing"].finding(
                doc.path, line, f"missing required field '{fld.name}'", f"add '{fld.name}:' to the front-matter"
            )
        elif fld.kind == "tags":
            yield from _check_tags(kb, doc, line, record.values.get(fld.name) or [])


def _check_tags(kb, doc, line: int, tags: list[str]) -> Iterator[Finding]:  # noqa: ANN001
    vocabulary = kb.taxonomy
    for tag in tags:
        try:
            res = vocabulary.resolve(tag)
        except UnknownTag as exc:
            yield RULES["tag-unknown"].finding(doc.path, line, f"unknown tag '{tag}'", exc.hint)
            continue
        if res.tag != tag:
            rule = "tag-deprecated" if tag in vocabulary.deprecated else "tag-synonym"
            yield RULES[rule].finding(doc.path, line, f"tag '{tag}': {res.note or 'use ' + repr(res.tag)}", f"write '{res.tag}'")
