"""Lint: rules with stable ids over any markdown file of the KB; read-only, no lock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from pmops.errors import DocumentError, InvalidInput
from pmops.lint.rules import RULES, Context, Finding, check_record, finish

__all__ = ["RULES", "Finding", "Report", "run"]


@dataclass
class Report:
    findings: list[Finding]
    files: int

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    def exit_code(self, strict: bool = False) -> int:
        return 1 if self.errors or (strict and self.warnings) else 0

    def to_json(self) -> list[dict]:
        return [asdict(f) for f in self.findings]


def _targets(kb, paths: Iterable[Path]) -> list[Path]:  # noqa: ANN001 - KnowledgeBase
    chosen: list[Path] = []
    for path in paths:
        if path.is_dir():
            chosen.extend(kb.paths(path.resolve()))
        elif path.is_file():
            if path.suffix == ".md":
                chosen.append(path.resolve())
        else:
            raise InvalidInput(f"{path}: no such file or folder")
    return chosen


def run(kb, paths: Iterable[Path] = (), today: dt.date | None = None) -> Report:  # noqa: ANN001 - KnowledgeBase
    """Lint the given files and folders, or the whole KB when none are given."""
    paths = list(paths)
    targets = _targets(kb, paths) if paths else list(kb.paths())
    ctx = Context(kb, today or dt.date.today())
    findings: list[Finding] = []
    seen_ids: dict[str, str] = {}
    for path in targets:
        try:
            record = kb.load(path)
        except DocumentError as exc:
            rule = "conflict-markers" if exc.code == "conflict" else "frontmatter-invalid"
            findings.append(Finding(exc.path, exc.line or 1, rule, RULES[rule].severity, exc.reason, exc.hint))
            continue
        findings.extend(check_record(ctx, record))
        if record.id and record.doctype.name != "page":
            if record.id in seen_ids:
                findings.append(
                    RULES["id-duplicate"].finding(
                        record.path, record.doc.line_of("id"), f"id '{record.id}' is also used by {seen_ids[record.id]}"
                    )
                )
            else:
                seen_ids[record.id] = record.path
    findings.extend(finish(ctx, set(seen_ids)))
    findings.sort(key=lambda f: (f.path, f.line, f.rule))
    return Report(findings, len(targets))
