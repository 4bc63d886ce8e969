"""Lint: rules with stable ids over any markdown file of the KB; read-only, no lock."""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pmops.config import RuleSettings
from pmops.errors import DocumentError, InvalidInput
from pmops.lint.rules import RULES, Context, Finding, check_record, finish

if TYPE_CHECKING:
    from pmops.kb import KnowledgeBase

__all__ = ["RULES", "Finding", "Report", "run"]


@dataclass
class Report:
    findings: list[Finding]
    files: int
    # pmops.yaml's `ignore` entries that match no file of the KB: said, as a typo ignores nothing
    unmatched: list[str] = field(default_factory=list)

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


def _targets(kb: KnowledgeBase, paths: Iterable[Path]) -> list[Path]:
    chosen: list[Path] = []
    for path in paths:
        chosen.extend(_target(kb, path))
    return chosen


def _target(kb: KnowledgeBase, path: Path) -> list[Path]:
    """The markdown files a path the user named stands for: a folder's, or the file itself
    (any other file: none). Anything else is bad usage, said in one line (exit 2)."""
    from pmops.store import kind, shown, within

    named = shown(str(path))
    given = os.path.abspath(path)
    if not os.path.lexists(given):
        raise InvalidInput(f"{named}: no such file or folder")
    real = os.path.realpath(given)
    if not within(real, kb.root):
        # Through a link of the KB (the path, or a folder on it, is in the KB), or elsewhere.
        parent = os.path.join(os.path.realpath(os.path.dirname(given)), os.path.basename(given))
        if within(os.path.normpath(given), kb.root) or within(parent, kb.root):
            raise InvalidInput(f"{named}: is a link that leaves the knowledge base (to {shown(real)}); not read")
        raise InvalidInput(f"{named}: is outside the knowledge base ({shown(str(kb.root))})",
                           hint="lint the KB's files, or pass --kb to lint another knowledge base")  # fmt: skip
    try:
        mode = os.stat(real).st_mode
    except OSError as exc:
        raise InvalidInput(f"{named}: cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        return list(kb.paths(Path(real)))
    if not stat.S_ISREG(mode):
        raise InvalidInput(f"{named}: is {kind(mode)}, not a file; not read")
    if path.suffix != ".md":
        return []
    lexical = os.path.normpath(given)
    return [Path(lexical if within(lexical, kb.root) else real)]  # a link in the KB is named as such


def run(kb: KnowledgeBase, paths: Iterable[Path] = (), today: dt.date | None = None) -> Report:
    """Lint the given files and folders, or the whole KB when none are given, each rule at the
    severity pmops.yaml gives it (`lint.rules`), where it does not ignore the path."""
    settings = kb.config.lint_rules(RULES)  # a mistake there stops lint before it reads a file
    paths = list(paths)
    targets = _targets(kb, paths) if paths else list(kb.paths())
    ctx = Context(kb, today or dt.date.today())
    findings: list[Finding] = []
    seen_ids: dict[str, str] = {}
    beside: set[tuple[Path, str]] = set()  # folders of documents with companion files, and their suffixes
    if not paths:  # each type's own folder too: a document moved or removed by hand leaves its values there
        beside.update((kb.root / t.folder, suffix) for t in kb.registry.values() if t.folder for suffix in t.companions)
    for path in targets:
        try:
            record = kb.load(path)
        except DocumentError as exc:
            rule = "conflict-markers" if exc.code == "conflict" else "frontmatter-invalid"
            findings.append(Finding(exc.path, exc.line or 1, rule, RULES[rule].severity, exc.reason, exc.hint))
            continue
        findings.extend(check_record(ctx, record))
        beside.update(((kb.root / record.path).parent, suffix) for suffix in record.doctype.companions)
        if record.id and record.doctype.writable:
            if record.id in seen_ids:
                findings.append(
                    RULES["id-duplicate"].finding(
                        record.path, record.doc.line_of("id"), f"id '{record.id}' is also used by {seen_ids[record.id]}"
                    )
                )
            else:
                seen_ids[record.id] = record.path
    findings.extend(finish(ctx, set(seen_ids)))
    findings.extend(_orphans(kb, beside))
    findings = [*_configured(findings, settings)]
    findings.sort(key=lambda f: (f.path, f.line, f.rule))
    return Report(findings, len(targets), _ignoring_nothing(kb, settings))


def _ignoring_nothing(kb: KnowledgeBase, settings: dict[str, RuleSettings]) -> list[str]:
    """`lint.rules.RULE.ignore` entries that match no file of the KB (its documents and the files
    beside them: a metric's values), as 'lint.rules.RULE.ignore 'PATTERN''."""
    if not any(rule.ignore for rule in settings.values()):
        return []
    suffixes = {suffix for doctype in kb.registry.values() for suffix in doctype.companions}
    files = kb.listed()
    files += [rel.removesuffix(".md") + suffix for rel in files for suffix in suffixes]
    return [f"lint.rules.{name}.ignore '{pattern}'" for name, rule in settings.items()
            for pattern in rule.ignore if not any(RuleSettings(ignore=(pattern,)).ignores(rel) for rel in files)]  # fmt: skip


def _orphans(kb: KnowledgeBase, beside: set[tuple[Path, str]]) -> Iterator[Finding]:
    """A companion file (a metric's values, DocType.companions) beside no document of its name: its
    document was renamed or removed without it (by hand: pmops mv and rm take it along)."""
    for folder, suffix in sorted(beside):
        for path in sorted(folder.glob(f"*{suffix}")):
            if path.with_suffix(".md").exists() or not path.is_file():
                continue
            rel = kb.rel(path)
            parts = path.stem.split("-")
            doc_id, same = "-".join(parts[:3]), []
            for n in range(min(3, len(parts)), 1, -1):  # met-261126-90f8-slug: the id is its first three parts
                same = sorted(p for p in folder.glob(f"{'-'.join(parts[:n])}-*.md") if p.is_file())
                same = same or _moved(kb, "-".join(parts[:n]))
                if same:
                    doc_id = "-".join(parts[:n])
                    break
            if same:
                moved = (
                    ""
                    if same[0].parent == folder
                    else f"its document {doc_id} is at {kb.rel(same[0])} (its values read from here meanwhile): "
                )
                hint = f"{moved}git mv {rel} {kb.rel(same[0].with_suffix(suffix))}: the values follow their document's name"
            else:
                hint = (f"its document ({doc_id}) is gone: restore it beside its values (git log --diff-filter=D "
                        f"--name-only -- '{kb.rel(folder)}/{doc_id}*'); once these values are no longer wanted, git rm {rel}")  # fmt: skip
            yield RULES["values-orphaned"].finding(rel, 1, f"values of no document: no {path.stem}.md beside it", hint)


def _moved(kb: KnowledgeBase, doc_id: str) -> list[Path]:
    """The document of the id `doc_id` wherever it is now (moved to another folder with git mv)."""
    from pmops.errors import PmopsError

    try:
        found = kb.find(doc_id)
    except PmopsError:
        return []
    return [kb.root / found.path] if found.id == doc_id else []


def _configured(findings: list[Finding], settings: dict[str, RuleSettings]) -> Iterator[Finding]:
    for finding in findings:
        rule = settings.get(finding.rule)
        if rule is None:
            yield finding
        elif rule.severity != "off" and not rule.ignores(finding.path):
            yield replace(finding, severity=rule.severity or finding.severity)
