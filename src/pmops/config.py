"""Finding a knowledge base and loading its pmops.yaml (settings, extra fields and types).

(Past 400 lines on purpose: every section of pmops.yaml is read and checked here, so each setting and
each message about a wrong one is in one place.)
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pmops import amounts, doctypes, yamlsafe
from pmops.doctypes import DocType, Field
from pmops.errors import ConfigError
from pmops.locate import ENV_KB, FILENAME, find_root
from pmops.text import close_matches

__all__ = ["ENV_KB", "FILENAME", "find_root"]  # finding a KB lives in pmops.locate, which loads no YAML
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


def read_yaml(path: Path, label: str) -> dict[str, Any]:
    """Load a settings file of the KB (at its root) with pmops' safe YAML; a missing file is empty.
    Read as every KB file is (store.read_file): never through a link out of the KB, nor a FIFO.
    Unchanged since a command read it, it is taken from what that command kept (`_Kept`)."""
    from pmops import store
    from pmops.errors import DocumentError

    kept = _Kept(path)
    if kept.data is not None:
        return kept.data
    try:
        text = store.read_file(path.parent, path.name).decode("utf-8-sig")
    except FileNotFoundError:
        return {}
    except DocumentError as exc:
        raise ConfigError(f"{label}: {exc.reason}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{label}: cannot read: {exc}") from None
    except OSError as exc:  # the disk's failure, not the user's input
        raise ConfigError(f"{label}: cannot read: {exc}", exit_code=1) from None
    try:
        data = yamlsafe.load(text)
    except yamlsafe.YAMLProblem as exc:
        raise ConfigError(f"{label}:{exc.line or 1}: {exc.message}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{label}: must be a mapping of settings")
    kept.keep(data)
    return data


class _Kept:
    """The settings files (pmops.yaml, taxonomy.yaml) as the last command read them, with their stamps, in
    pmops' private folder (`settings.json` beside the index; derived data, never committed, deleting it
    loses nothing): a command whose settings files did not change since takes them from there, as JSON,
    without loading PyYAML (yamlsafe) — about 7 ms of a 100 ms search. What pmops' loader gives is text,
    lists and mappings only, which JSON holds exactly. A file is unchanged by its stamp (store.kept_stamp,
    taken before it is read), and one changed within two seconds is not kept, nor one that is a link;
    nothing is written where pmops keeps nothing yet (a KB without git gets no `.pmops/` from a read)."""

    FORMAT = 1

    def __init__(self, path: Path) -> None:
        from pmops import __version__, locate, store

        self.path = path
        # Only a file, not a link: where a link leads can leave the KB without any stamp changing (its
        # folder moved out and linked back), and store.read_file refuses that; a link is read each time.
        self.now = None if os.path.islink(path) else store.kept_stamp(path)
        self.file = locate.state_dir(path.parent, locate.git_dirs(path.parent)) / "settings.json"
        self.version = f"{self.FORMAT} {__version__}"
        self.files: dict[str, Any] = {}
        self.data: dict[str, Any] | None = None
        if self.now is None:
            return
        try:
            with open(self.file, encoding="utf-8") as handle:
                kept = json.load(handle)
            if kept["pmops"] == self.version and isinstance(kept["files"], dict):
                self.files = kept["files"]
        except (OSError, ValueError, KeyError, TypeError):
            return  # none yet, damaged, or another pmops': the file is read
        found = self.files.get(str(path))  # (KBs sharing a repository share its private folder)
        if isinstance(found, list) and len(found) == 2 and found[0] == list(self.now) and isinstance(found[1], dict):
            self.data = found[1]

    def keep(self, data: dict[str, Any]) -> None:
        from pmops import store

        if self.now is None or store.racy(self.now) or not self.file.parent.is_dir():
            return
        self.files[str(self.path)] = [list(self.now), data]
        temp = self.file.with_name(f"{self.file.name}.{os.getpid()}.pmops-tmp")
        try:
            temp.write_text(json.dumps({"pmops": self.version, "files": self.files}, ensure_ascii=False), "utf-8")
            os.replace(temp, self.file)
        except OSError:  # a cache: the next command reads the file
            with contextlib.suppress(OSError):
                temp.unlink()


def _bool(value: Any, where: str, default: bool) -> bool:
    if value is None:
        return default
    try:
        return doctypes.Field(where, "bool").convert(value)
    except ValueError:
        raise ConfigError(f"{FILENAME}: '{where}' must be true or false, not {value!r}") from None


_FIELD_KEYS = ("kind", "required", "ask", "choices", "help", "default", "refers")
_FIELD_SYNONYMS = {
    "type": "kind",
    "options": "choices",
    "values": "choices",
    "description": "help",
}  # other tools' words


def _field(name: str, spec: Any, base: Field | None, where: str) -> Field:
    if spec in (None, ""):
        spec = {}
    if not isinstance(spec, dict):
        raise ConfigError(
            f"{FILENAME}: '{where}' must be a mapping (kind, required, ask, choices, help, default, refers)"
        )
    _only(spec, _FIELD_KEYS, where, "a field", _FIELD_SYNONYMS)
    kind = spec.get("kind", "choice" if "choices" in spec else (base.kind if base else "text"))
    if kind not in doctypes.KINDS:
        raise ConfigError(f"{FILENAME}: '{where}.kind' is '{kind}', expected one of {', '.join(doctypes.KINDS)}")
    choices = spec.get("choices", list(base.choices) if base else [])
    if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
        raise ConfigError(f"{FILENAME}: '{where}.choices' must be a list")
    refers = (
        spec.get("refers", base.refers if base else None) or None
    )  # refers: "" names no type (owners off the roster)
    if refers is not None and (not isinstance(refers, str) or kind not in (*doctypes.REFERENCE_KINDS, "text", "list")):
        raise ConfigError(
            f"{FILENAME}: '{where}.refers' names a type, for a field of kind ref, refs, expectations, text or list"
        )
    return replace(
        base or Field(name),
        kind=kind,
        required=_bool(spec.get("required"), f"{where}.required", base.required if base else False),
        ask=_bool(spec.get("ask"), f"{where}.ask", base.ask if base else False),
        choices=tuple(choices),
        help=str(spec.get("help", base.help if base else "")),
        default=spec.get("default", base.default if base else None),
        refers=refers,
    )


def _fields(spec: Any, base: DocType | None, where: str) -> dict[str, Field]:
    if spec in (None, ""):
        return {}
    if not isinstance(spec, dict):
        raise ConfigError(f"{FILENAME}: '{where}' must map field names to their settings")
    return {
        name: _field(name, value, base.field(name) if base else None, f"{where}.{name}") for name, value in spec.items()
    }


def build_registry(types_spec: Any, currency: str = amounts.DEFAULT_CURRENCY) -> dict[str, DocType]:
    """The built-in types, with a KB's extra fields applied and its own types added; every money
    field in the KB's currency."""
    return _in_currency(_built(types_spec), currency)


def _in_currency(registry: dict[str, DocType], currency: str) -> dict[str, DocType]:
    if currency == amounts.DEFAULT_CURRENCY:
        return registry
    return {name: replace(t, fields=tuple(replace(f, currency=currency) if f.kind == "money" else f for f in t.fields))
            for name, t in registry.items()}  # fmt: skip


def _currency(value: Any) -> str:
    """`currency:` of pmops.yaml: an ISO 4217 code (USD, EUR, GBP …), USD when not given."""
    if value in (None, ""):
        return amounts.DEFAULT_CURRENCY
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{3}", value.strip()):
        raise ConfigError(
            f"{FILENAME}: 'currency' must be a currency's three-letter code (USD, EUR, GBP …), not {value!r}"
        )
    return value.strip().upper()


_TYPE_KEYS = ("plural", "folder", "prefix", "fields", "sections", "template", "description", "unique_titles", "pii")


def _only(spec: dict, keys: tuple[str, ...], where: str, what: str, synonyms: dict[str, str] | None = None) -> None:
    """Refuse a setting `what` does not have: a misspelt one (type: for kind:, requird:, sectons:) would be
    dropped without a word, and the check it asked for with it."""
    for key in spec:
        if key not in keys:
            close = [synonyms[key]] if synonyms and key in synonyms else close_matches(str(key), keys, n=1)
            raise ConfigError(f"{FILENAME}: '{where}.{key}' is not a setting of {what}",
                              hint=f"did you mean '{close[0]}'?" if close else f"{what} takes " + ", ".join(keys))  # fmt: skip


def _built(types_spec: Any) -> dict[str, DocType]:
    registry = {t.name: t for t in doctypes.BUILTIN}
    if types_spec in (None, ""):
        return {name: doctypes.with_archived(doctype) for name, doctype in _shared_choices(registry).items()}
    if not isinstance(types_spec, dict):
        raise ConfigError(f"{FILENAME}: 'types' must map type names to their settings")
    for name, spec in types_spec.items():
        spec = spec or {}
        where = f"types.{name}"
        if not isinstance(spec, dict):
            raise ConfigError(f"{FILENAME}: '{where}' must be a mapping")
        if name in registry:  # a built-in type: its fields' choices and help only
            builtin = registry[name]
            # (its folder, prefix or plural as the built-in has them: a KB that defined the type before pmops did)
            same = {k for k in ("plural", "folder", "prefix") if str(spec.get(k)) == getattr(builtin, k)}
            _only({k: v for k, v in spec.items() if k not in same}, ("fields",), where, "a built-in type")
            registry[name] = builtin.with_fields(_fields(spec.get("fields"), builtin, f"{where}.fields"))
            continue
        _only(spec, _TYPE_KEYS, where, "a type")
        if not _NAME.match(name):
            raise ConfigError(f"{FILENAME}: type name '{name}' must be lower-case letters, digits and '-'")
        prefix = str(spec.get("prefix", name[:3]))
        if not _NAME.match(prefix):
            raise ConfigError(f"{FILENAME}: '{where}.prefix' must be lower-case letters and digits")
        base = doctypes.DocType(
            name, name + "s", str(spec.get("folder", name + "s")), prefix, (doctypes.ID, doctypes.TITLE)
        )
        sections = spec.get("sections") or []
        if not isinstance(sections, list):
            raise ConfigError(f"{FILENAME}: '{where}.sections' must be a list of headings")
        registry[name] = doctypes.DocType(
            name=name,
            plural=str(spec.get("plural", name + "s")),
            folder=base.folder,
            prefix=prefix,
            fields=base.with_fields(_fields(spec.get("fields"), base, f"{where}.fields")).fields,
            sections=tuple(sections),
            template=str(spec.get("template", "")),
            description=str(spec.get("description", "")),
            unique_titles=_bool(spec.get("unique_titles"), f"{where}.unique_titles", False),
            pii=_bool(spec.get("pii"), f"{where}.pii", False),
        )
    prefixes: dict[str, str] = {}
    for doctype in registry.values():
        if doctype.prefix in prefixes:
            raise ConfigError(
                f"{FILENAME}: types '{prefixes[doctype.prefix]}' and '{doctype.name}' share the id prefix '{doctype.prefix}'"
            )
        prefixes[doctype.prefix] = doctype.name
        for fld in doctype.fields:
            if fld.refers is not None and fld.refers not in registry:
                raise ConfigError(
                    f"{FILENAME}: 'types.{doctype.name}.fields.{fld.name}.refers' is '{fld.refers}', not a type",
                    hint=f"types: {', '.join(registry)}",
                )
    return {name: doctypes.with_archived(doctype) for name, doctype in _shared_choices(registry).items()}


def _shared_choices(registry: dict[str, DocType]) -> dict[str, DocType]:
    """Fields whose choices are another type's field's (`Field.choices_of`: a customer's segment
    is an insight's), given them, unless the KB gave the field choices of its own."""
    shared = {}
    for name, doctype in registry.items():
        extra = {}
        for fld in doctype.fields:
            if fld.choices_of and not fld.choices:
                type_name, _, field_name = fld.choices_of.partition(".")
                source = registry[type_name].field(field_name) if type_name in registry else None
                if source is not None and source.choices:
                    extra[fld.name] = replace(fld, choices=source.choices)
        shared[name] = doctype.with_fields(extra) if extra else doctype
    return shared


# What `lint.rules` in pmops.yaml may set for a rule; read by `pmops lint`, which knows the rule ids.
SEVERITIES = ("error", "warning", "off")
_RULE_KEYS = ("severity", "ignore")


@dataclass(frozen=True)
class RuleSettings:
    """pmops.yaml's word on one lint rule: its severity (None: the rule's own) and the paths it skips."""

    severity: str | None = None
    ignore: tuple[str, ...] = ()

    def ignores(self, path: str) -> bool:
        return any(_glob(pattern).match(path) for pattern in self.ignore)


def lint_rules(spec: Any, known: Collection[str]) -> dict[str, RuleSettings]:
    """The `lint:` settings of pmops.yaml, checked against the rule ids `known`:

    lint:
      rules:
        link-broken: {severity: warning, ignore: ["archive/**"]}
        process-stale: off            # the short form: a severity
    """
    if spec in (None, ""):
        return {}
    if not isinstance(spec, dict):
        raise ConfigError(f"{FILENAME}: 'lint' must be a mapping with 'rules'")
    for key in spec:
        if key != "rules":
            raise ConfigError(f"{FILENAME}: 'lint.{key}' is not a setting", hint="lint takes 'rules'")
    rules = spec.get("rules")
    if rules in (None, ""):
        return {}
    if not isinstance(rules, dict):
        raise ConfigError(f"{FILENAME}: 'lint.rules' must map rule ids to their settings (severity, ignore)")
    return {str(rule): _rule_settings(str(rule), value, known) for rule, value in rules.items()}


def _rule_settings(rule: str, value: Any, known: Collection[str]) -> RuleSettings:
    where = f"lint.rules.{rule}"
    if rule not in known:
        close = close_matches(rule, sorted(known), n=1)
        raise ConfigError(f"{FILENAME}: '{where}': there is no lint rule '{rule}'",
                          hint=f"did you mean '{close[0]}'?" if close else "docs/lint-rules.md lists the rules")  # fmt: skip
    if isinstance(value, str):
        value = {"severity": value}
    elif value in (None, ""):
        value = {}
    if not isinstance(value, dict):
        raise ConfigError(
            f"{FILENAME}: '{where}' must be a severity ({', '.join(SEVERITIES)}) or a mapping (severity, ignore)"
        )
    for key in value:
        if key not in _RULE_KEYS:
            close = close_matches(str(key), _RULE_KEYS, n=1)
            raise ConfigError(f"{FILENAME}: '{where}.{key}' is not a setting",
                              hint=f"did you mean '{close[0]}'?" if close else "a rule takes 'severity' and 'ignore'")  # fmt: skip
    severity = value.get("severity")
    if severity is not None and severity not in SEVERITIES:
        raise ConfigError(f"{FILENAME}: '{where}.severity' must be error, warning or off, not {severity!r}")
    ignore = value.get("ignore")
    ignore = [] if ignore in (None, "") else [ignore] if isinstance(ignore, str) else ignore
    if not isinstance(ignore, list) or not all(isinstance(g, str) and g.strip() for g in ignore):
        raise ConfigError(f"{FILENAME}: '{where}.ignore' must be a list of paths or globs, e.g. [\"archive/**\"]")
    for pattern in ignore:
        _glob(pattern)
    return RuleSettings(severity, tuple(g.strip() for g in ignore))


@functools.lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern[str]:
    """A KB-relative path glob, as .gitignore reads one: `*` and `?` within a name, `**` across
    folders; a pattern without `/` matches a name in any folder; a folder, everything under it."""
    text = pattern.strip().removeprefix("./").strip("/")
    if "/" not in text:
        text = "**/" + text
    out = []
    i = 0
    while i < len(text):
        if text.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif text.startswith("**", i):
            out.append(".*")
            i += 2
        else:
            out.append({"*": "[^/]*", "?": "[^/]"}.get(text[i], re.escape(text[i])))
            i += 1
    return re.compile("".join(out) + "(?:/.*)?$")


@dataclass(frozen=True)
class SiteSettings:
    """pmops.yaml's `site:`: what `pmops site build` leaves out (folders or globs, and type names)."""

    exclude: tuple[str, ...] = ()
    types: tuple[str, ...] = ()

    def excludes(self, path: str, type_name: str) -> bool:
        return type_name in self.types or any(_glob(pattern).match(path) for pattern in self.exclude)

    def unmatched(self, paths: Collection[str]) -> list[str]:
        """The folders and globs of `exclude` that none of these paths matches."""
        return [p for p in self.exclude if not any(_glob(p).match(path) for path in paths)]


def site_settings(spec: Any, types: Collection[str]) -> SiteSettings:
    """The `site:` settings of pmops.yaml; a name in `exclude` that is a type (`person`, or
    `page`: the files no type claims) leaves out its documents, anything else is a path glob:

    site:
      exclude: [handbook/drafts, "**/private-*", person]
    """
    if spec in (None, ""):
        return SiteSettings()
    if not isinstance(spec, dict):
        raise ConfigError(f"{FILENAME}: 'site' must be a mapping with 'exclude'")
    for key in spec:
        if key != "exclude":
            raise ConfigError(f"{FILENAME}: 'site.{key}' is not a setting", hint="site takes 'exclude'")
    given = spec.get("exclude")
    given = [] if given in (None, "") else [given] if isinstance(given, str) else given
    if not isinstance(given, list) or not all(isinstance(g, str) and g.strip() for g in given):
        raise ConfigError(
            f"{FILENAME}: 'site.exclude' must be a list of folders, globs or type names, e.g. [handbook/drafts, person]"
        )
    names = [g.strip() for g in given]
    for pattern in names:
        _glob(pattern)
    return SiteSettings(tuple(n for n in names if n not in types), tuple(n for n in names if n in types))


# Defaults a KB can change under `defaults:` in pmops.yaml.
DEFAULTS = {"review_every_days": "90"}


@dataclass
class Config:
    """The settings of one KB, from its pmops.yaml."""

    name: str = "Knowledge base"
    commit: bool = True
    author: str | None = None
    registry: dict[str, DocType] = field(default_factory=lambda: build_registry(None))
    raw: dict[str, Any] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    sync: str = "manual"  # "auto": push and pull in the background after every write
    search_server: str = "auto"  # a resident search process: "auto" (large KBs), "always" or "off"
    currency: str = amounts.DEFAULT_CURRENCY  # what every amount of money of the KB is in (ARR, costs)
    # `prioritization: {arr_unit: …}`: the ARR (in `currency`) Reach counts as one more customer; None when not
    # given (pmops.prioritization picks one for the currency)
    arr_unit: int | float | None = None

    def lint_rules(self, known: Collection[str]) -> dict[str, RuleSettings]:
        """`lint.rules`, checked when lint runs (it knows the rule ids; other commands need not load them)."""
        return lint_rules(self.raw.get("lint"), known)

    def site(self) -> SiteSettings:
        """`site:`, checked when a site is built."""
        return site_settings(self.raw.get("site"), [*self.registry, doctypes.PAGE.name])

    def default(self, key: str) -> str:
        value = self.defaults.get(key, DEFAULTS.get(key, ""))
        return value if isinstance(value, str) else ""


def productive_when(spec: Any, registry: Collection[str]) -> tuple[str, ...] | None:
    """`onboarding: {productive_when: [insight, decision]}`: the types whose first document by a new PM
    marks them productive (pmops.productivity), None when not given. Checked when the KB is loaded, as every
    setting is: a type the KB does not have stops every command (lint, the digest and the report too)."""
    if spec in (None, ""):
        return None
    given = spec.get("productive_when") if isinstance(spec, dict) else None
    if not isinstance(spec, dict) or set(spec) - {"productive_when"}:
        raise ConfigError(f"{FILENAME}: 'onboarding' takes productive_when, e.g. productive_when: [insight, decision]")
    if isinstance(given, str):
        given = [given]
    if not isinstance(given, list) or not given or not all(isinstance(t, str) for t in given):
        raise ConfigError(
            f"{FILENAME}: 'onboarding.productive_when' must list document types, e.g. [insight, decision]"
        )
    for name in given:
        if name not in registry:
            near = close_matches(name, list(registry), n=1)
            raise ConfigError(f"{FILENAME}: 'onboarding.productive_when': '{name}' is not a document type",
                              hint=(f"did you mean '{near[0]}'? " if near else "") + f"types: {', '.join(registry)}")  # fmt: skip
    return tuple(dict.fromkeys(given))


def prioritization_settings(spec: Any, currency: str) -> int | float | None:
    """`prioritization: {arr_unit: 100000}`: the ARR that counts as one more customer in Reach, an amount in
    the KB's currency above 0 (written as amounts are: 100000, 100k, ¥10M), or None when not given."""
    if spec in (None, ""):
        return None
    example = f"e.g. prioritization: {{arr_unit: 100000}} ({currency})"
    if not isinstance(spec, dict) or set(spec) - {"arr_unit"}:
        raise ConfigError(f"{FILENAME}: 'prioritization' takes arr_unit, {example}")
    raw = spec.get("arr_unit")
    if raw in (None, ""):
        return None
    try:
        unit = amounts.parse(str(raw), currency)
    except ValueError as exc:
        raise ConfigError(f"{FILENAME}: 'prioritization.arr_unit': {exc}", hint=example) from None
    if unit <= 0:
        raise ConfigError(f"{FILENAME}: 'prioritization.arr_unit' must be above 0 (not {raw!r})", hint=example)
    return unit


def load(root: Path) -> Config:
    data = read_yaml(root / FILENAME, FILENAME)
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise ConfigError(f"{FILENAME}: 'defaults' must be a mapping")
    currency = _currency(data.get("currency"))
    registry = build_registry(data.get("types"), currency)
    productive_when(data.get("onboarding"), registry)  # checked now: a typo stops every command, lint too
    _check_defaults(defaults, registry)
    arr_unit = prioritization_settings(data.get("prioritization"), currency)
    return Config(
        name=str(data.get("name") or root.name),
        commit=_bool(data.get("commit"), "commit", True),
        author=defaults.get("author"),
        registry=registry,
        raw=data,
        defaults=defaults,
        sync=_choice(data.get("sync"), "sync", ("manual", "auto")),
        search_server=_choice(data.get("search_server"), "search_server", ("auto", "always", "off")),
        currency=currency,
        arr_unit=arr_unit,
    )


def _check_defaults(defaults: dict[str, Any], registry: dict[str, DocType]) -> None:
    """`defaults:` values a field takes when created, checked by that field's own rule (a review
    every 0 days would make every new process due before it began)."""
    process = registry.get("process")
    fld = process.field("review_every_days") if process else None
    raw = defaults.get("review_every_days")
    if fld is None or raw in (None, ""):
        return
    try:
        fld.convert(str(raw))
    except doctypes.WrongKind as exc:
        raise ConfigError(
            f"{FILENAME}: 'defaults.review_every_days' must be {exc.expected}, not {raw}",
            hint=f"e.g. review_every_days: {fld.example}",
        ) from None


def _choice(value: Any, key: str, allowed: tuple[str, ...]) -> str:
    if value in (None, ""):
        return allowed[0]
    if value in allowed:
        return value
    raise ConfigError(f"{FILENAME}: '{key}' must be {', '.join(allowed[:-1])} or {allowed[-1]}, not {value!r}")
