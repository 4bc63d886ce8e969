"""Creating documents: fields validated and converted by the registry, an id, a path, the template.

One path for every type (`create`): personal data redacted where the type holds customers'
words, references resolved to ids, a new document's starting choices and unique title checked,
fields converted, the template rendered. Everything here happens before anything touches the
disk; `transaction.write` writes.

(Over 400 lines: a command line's FIELD=VALUE words, read here for `new`, are read by the same
code for `set` and `list`; split off, the create path would import them back.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmops import dates, documents, ids, taxonomy, templates, yamlsafe
from pmops.doctypes import DocType, Field, WrongKind, notice_passed, out_of_order
from pmops.documents import Document
from pmops.errors import FIELD, FIELD_IS, Conflict, InvalidInput, MissingField, PmopsError
from pmops.kb import roster
from pmops.kb.transaction import Change
from pmops.text import a, did_you_mean, either, folded

if TYPE_CHECKING:
    from pmops.kb import KnowledgeBase
    from pmops.kb.records import Record


@dataclass
class Created:
    """What a create did, for the command to report."""

    record: Record
    commit: str | None
    notes: list[str] = field(default_factory=list)


@dataclass
class Draft:
    """A new document, validated and rendered but not written."""

    path: Path
    doc: Document
    notes: list[str]  # for the user: tags resolved or added
    new_tags: list[str]  # to add to the taxonomy with it

    @property
    def change(self) -> Change:
        return Change.new(self.path, self.doc)


def prepare(
    kb: KnowledgeBase, doctype: DocType, values: dict[str, Any], *, new_tags: bool = False, today: dt.date | None = None
) -> tuple[dict[str, Any], list[str], list[str]]:
    """Validate and normalise a new document's fields.

    Returns the front-matter in the type's field order, notes for the user, and
    tags to add to the taxonomy. Raises before anything is written.
    """
    today = today or dt.date.today()
    notes: list[str] = []
    fields = dict(values)
    for fld in doctype.fields:
        if _empty(fields.get(fld.name)) and (default := default_value(kb, doctype, fld, values, today)):
            fields[fld.name] = default
    for fld in doctype.required:
        if fld.name != "id" and _empty(fields.get(fld.name)):
            raise MissingField(fld.name, doctype.name, flag=fld.flag)
    meta: dict[str, Any] = {}
    added: list[str] = []
    title = values.get(doctype.title_field)  # a warning names the document (an ARR of a billion: cents?)
    for name, raw in fields.items():
        fld = doctype.field(name) or Field(name)
        if _empty(raw):
            continue
        meta[name], field_notes, new = convert(kb, fld, raw, today=today, new_tags=new_tags, of=title)
        notes += field_notes
        added += new
    for name, why in out_of_order(doctype, meta):  # a review date not after the date, more seats used than bought
        fld = doctype.field(name)
        raise InvalidInput(f"{FIELD}: {why}", field=name, flag=fld.flag if fld else None)
    notes += notice_passed(doctype, meta, today)  # a tool added 2 days before it renews, with 30 days' notice
    order = [f.name for f in doctype.fields]
    ordered = {k: meta[k] for k in order if k in meta}
    ordered.update({k: v for k, v in meta.items() if k not in ordered})
    return ordered, notes, added


def convert(
    kb: KnowledgeBase, fld: Field, raw: Any, *, today: dt.date, new_tags: bool = False, of: object = None
) -> tuple[Any, list[str], list[str]]:
    """One field's value as a command line gives it, converted and checked by the registry:
    (the value, notes for the user, tags to add to the taxonomy). What create and `pmops set`
    both do with a value; InvalidInput names the field (a warning names the document `of`)."""
    try:
        value = fld.convert(fld.spelt(raw))
    except WrongKind as exc:  # one message per kind of value, with an example (and the nearest choices)
        raise InvalidInput(
            f"{FIELD} must be {exc.expected}, e.g. {FIELD_IS}{fld.example}",
            hint=did_you_mean(str(raw), fld.choices) if fld.kind == "choice" else None,
            field=fld.name,
            flag=fld.flag,
        ) from None
    except ValueError as exc:
        raise InvalidInput(f"{FIELD}: {exc}", hint=_choices_hint(fld), field=fld.name, flag=fld.flag) from None
    if fld.past and dates.after(value, today):
        raise InvalidInput(
            f"{FIELD}: {value} is after today ({today})",
            hint=fld.past_hint,
            field=fld.name,
            flag=fld.flag,
        )
    if isinstance(value, str):
        value = value.strip()
        if "\0" in value:
            raise InvalidInput(f"{FIELD}: contains a NUL character", field=fld.name, flag=fld.flag)
        if fld.kind != "longtext" and ("\n" in value or "\r" in value):
            raise InvalidInput(f"{FIELD}: holds a line break, and it is one line", field=fld.name, flag=fld.flag,
                               hint="write it on one line; what is longer goes in the body")  # fmt: skip
    if fld.kind == "tags":
        return _resolve_tags(kb, value, new_tags)
    # a register's name misspelt ('Northwnd'): said on write, as lint says it
    return value, fld.warnings(value, today, of) + kb.misspelt(fld, value), []


def check_one(
    kb: KnowledgeBase, doctype: DocType, fld: Field, raw: Any, *, new_tags: bool = False, today: dt.date | None = None
) -> tuple[Any, list[str]]:
    """One field of a new document checked alone, as create will check it: its kind, choices and
    dates (`convert`), the documents it names, the choices a new document may start with, a
    title its type has already. (the value, notes for the user); what a prompt checks each
    answer with, so an answer it accepts is not refused when the document is created."""
    value, notes, _ = convert(kb, fld, raw, today=today or dt.date.today(), new_tags=new_tags)
    if fld.kind in ("ref", "refs"):
        resolve_references(kb, fld, raw)
    value = roster.check_field(kb, fld, value, today or dt.date.today())
    _check_initial(doctype, fld, value)
    if fld.name == doctype.title_field:
        _check_title(kb, doctype, value)
    return value, notes


def default_value(kb: KnowledgeBase, doctype: DocType, fld: Field, values: dict[str, Any], today: dt.date) -> str:
    """The value create gives a field left empty ("" when none): its variant's default (a
    process's cadence by kind), else its own."""
    spec = doctype.variant(values).defaults.get(fld.name) or fld.default
    return _default(kb, spec, today) if spec else ""


def _default(kb: KnowledgeBase, spec: str, today: dt.date) -> str:
    """A field's default: `today`, `author`, `teammate` (the author when on the roster, else none), `config:KEY`
    (pmops.yaml's defaults), or a literal."""
    if spec == "today":
        return today.isoformat()
    if spec in ("author", "teammate"):
        return kb.author() if spec == "author" else roster.teammate(kb, kb.author(), today)
    if spec.startswith("config:"):
        return kb.config.default(spec[len("config:") :])
    return spec


def _resolve_tags(kb: KnowledgeBase, tags: list[str], allow_new: bool) -> tuple[list[str], list[str], list[str]]:
    resolved: list[str] = []
    notes: list[str] = []
    new: list[str] = []
    for given in tags:
        res = kb.taxonomy.resolve(given, allow_new=allow_new)
        if res.note == "new":
            new.append(res.tag)
            notes.append(f"tag '{res.tag}' added to {taxonomy.FILENAME} (under '{taxonomy.UNSORTED}')")
        elif res.note:
            notes.append(f"tag '{given}': {res.note}")
        if res.tag not in resolved:
            resolved.append(res.tag)
    return resolved, notes, new


def new_path(kb: KnowledgeBase, doctype: DocType, doc_id: str, title: str) -> Path:
    # Names are lower-case and start with a fresh id, so no two differ only by case;
    # the write itself refuses to replace any existing file.
    path = kb.root / doctype.folder / f"{doc_id}-{ids.slugify(title)}.md"
    if path.exists():
        raise Conflict(f"{kb.rel(path)} already exists")
    return path


def existing_ids(kb: KnowledgeBase, doctype: DocType) -> set[str]:
    folder = kb.root / doctype.folder
    if not folder.is_dir():
        return set()
    return {ids.id_in_name(p.name) for p in folder.iterdir() if p.name.startswith(doctype.prefix + "-")}


def build(
    kb: KnowledgeBase,
    doctype: DocType,
    values: dict[str, Any],
    body: str | None = None,
    *,
    new_tags: bool = False,
    today: dt.date | None = None,
    taken: set[str] | None = None,
    extra_context: dict[str, Any] | None = None,
) -> Draft:
    """A new document, validated and rendered but not written.

    `taken` holds ids already used (it grows with the one made here), so a batch
    never lists the folder once per document.
    """
    creatable(doctype)
    today = today or dt.date.today()
    meta, notes, added = prepare(kb, doctype, values, new_tags=new_tags, today=today)
    taken = existing_ids(kb, doctype) if taken is None else taken
    doc_id = ids.new_id(doctype.prefix, today, taken)
    taken.add(doc_id)
    meta = {"id": doc_id, **meta}
    title = str(meta.get(doctype.title_field, doc_id))
    path = new_path(kb, doctype, doc_id, title)
    context = {f.name: [] if f.is_list else None for f in doctype.fields}
    context.update(yamlsafe.plain(meta), body=body or "", doctype=doctype.name, kb_name=kb.config.name)
    context.update(extra_context or {})
    template = doctype.template_for(meta)
    text = templates.render(template, kb.root, **context) if template else (body or "")
    return Draft(path, documents.new(kb.rel(path), meta, text), notes, added)


def create(
    kb: KnowledgeBase,
    type_name: str,
    values: dict[str, Any],
    body: str | None = None,
    *,
    new_tags: bool = False,
    keep_pii: bool = False,
    refuse_cards: bool = False,
    commit: bool | None = None,
    today: dt.date | None = None,
    extra_context: dict[str, Any] | None = None,
) -> Created:
    """Validate, write, and commit one new document of a registered type.

    Where the type holds customers' words (`DocType.pii`), or with `refuse_cards` (an assistant's
    write, of any type), emails, phone numbers and card numbers are redacted first, in the fields,
    the body and the template's sections (`keep_pii` keeps the first two); the notes say where. A
    card number is refused instead with `keep_pii` or `refuse_cards`.
    """
    doctype = kb.doctype(type_name)
    notes: list[str] = []
    if doctype.pii or refuse_cards:  # customers' words; or an assistant's write, of any type
        from pmops import pii

        extra_context = dict(extra_context) if extra_context else None
        values, body, found = pii.redact_document(
            values, body, keep=keep_pii, refuse_cards=refuse_cards, sections=extra_context
        )
        notes = [pii.describe(f, kept=keep_pii) for f in found]
    values = check_new(kb, doctype, values)
    notes += _same_title(kb, doctype, values.get(doctype.title_field))
    draft = build(kb, doctype, values, body, new_tags=new_tags, today=today, extra_context=extra_context)
    changes = [draft.change]
    if draft.new_tags:
        changes.append(taxonomy_change(kb, draft.new_tags))
    title = _one_line(str(draft.doc.meta.get(doctype.title_field, "")))
    sha = kb.write(changes, f'pmops: add {doctype.name} {draft.doc.meta["id"]} "{title}"', commit=commit)
    return Created(kb.record(draft.doc), sha, notes + draft.notes + (kb.repo.warnings if kb.repo else []))


def creatable(doctype: DocType, *, made_by: bool = False) -> None:
    """Refuse a type pmops does not create: pages (any markdown file no type claims), and, with `made_by`
    (pmops new), a type another command makes from what it works out (a checklist run, a plan)."""
    if not doctype.writable:
        raise InvalidInput(
            f"pmops does not create {doctype.plural}: a page is any markdown file no type claims",
            hint="write it with your editor and commit it with git; pmops searches, lists and lints it as it is",
        )
    if made_by and doctype.made_by:
        raise InvalidInput(f"{doctype.plural} are made by '{doctype.made_by}'")


def check_new(kb: KnowledgeBase, doctype: DocType, values: dict[str, Any]) -> dict[str, Any]:
    """The values with their references resolved to full ids, once the checks of a new document pass.

    In this order, for every type: each reference (a `ref`/`refs` field, given as anything
    `KnowledgeBase.find` takes: an id, a unique prefix of one, a title; of the type its `refers`
    names, any type without), each name of a field naming people (on the roster, as it spells
    them: kb.roster), then the choices a new document may start with, then a title its type has
    already (`DocType.unique_titles`).
    """
    values = dict(values)
    for fld in doctype.fields:
        given = values.get(fld.name)
        if fld.is_reference and not _empty(given):
            values[fld.name] = resolve_references(kb, fld, given)
        elif roster.names_people(fld) and not _empty(given):
            values[fld.name] = roster.check_field(kb, fld, given, dt.date.today())
    for fld in doctype.fields:
        _check_initial(doctype, fld, values.get(fld.name))
    check_names(kb, doctype, values)
    return values


def check_names(kb: KnowledgeBase, doctype: DocType, values: dict[str, Any], itself: str | None = None) -> None:
    """The names `values` give a document of a type with unique titles — its title and its other
    names (`DocType.aliases`: a customer's) — when another document of the type already goes by one
    of them, as its title or an alias: Conflict (exit 1) naming it. What create checks, and `pmops set`
    of the other names (`itself`: the path of the document set, which may keep its own)."""
    if doctype.title_field in values:
        _check_title(kb, doctype, values.get(doctype.title_field), itself)
    for alias in (values.get(doctype.aliases) or []) if doctype.aliases else []:
        _check_title(kb, doctype, alias, itself)


def _same_title(kb: KnowledgeBase, doctype: DocType, title: Any) -> list[str]:
    """A warning when a live document of a type whose titles lint keeps apart (an opportunity: one problem
    ranked twice, lint's opportunity-duplicate) already has the new one's title, any case or spacing; the
    new one is created all the same (a type with unique titles refuses it instead: check_names)."""
    record = titled_already(kb, doctype, title) if "opportunity-duplicate" in doctype.rules else None
    return [_titled_warning(doctype, record)] if record is not None else []


def title_warnings(kb: KnowledgeBase, doctype: DocType, title: Any, itself: str) -> list[str]:
    """What `pmops mv` says when the new title is one a live document of the type (the one at `itself`
    aside) has already, any case or spacing: create's warning for a type whose titles lint keeps apart
    (an opportunity), else that the title now names both. The rename is made all the same."""
    record = titled_already(kb, doctype, title, itself)
    return [_titled_warning(doctype, record)] if record is not None else []


def _titled_warning(doctype: DocType, record: Record) -> str:
    said = f"warning: {doctype.name} {record.id} is titled '{record.title}' already: "
    if "opportunity-duplicate" in doctype.rules:
        return said + (f"one problem ranked twice? link this one's evidence to it (pmops {doctype.name} link "
                       f"{record.id} INSIGHT…), then pmops archive this one")  # fmt: skip
    return said + "the title now names both, so give the id to name either"


def titled_already(kb: KnowledgeBase, doctype: DocType, title: Any, itself: str | None = None) -> Record | None:
    """A live document of a type whose titles may repeat (a type with unique titles refuses a taken one:
    check_names) that already has `title`, any case or spacing; the one at path `itself` aside."""
    if doctype.unique_titles or not str(title or "").strip():
        return None
    from pmops.kb.records import is_archived

    wanted = " ".join(str(title).split()).casefold()
    for record in kb.records(doctype):
        if record.path != itself and not is_archived(record) and " ".join(record.title.split()).casefold() == wanted:
            return record
    return None


def _check_initial(doctype: DocType, fld: Field, value: Any) -> None:
    if fld.initial and value is not None and value not in fld.initial:
        raise InvalidInput(
            f"{FIELD}: a new {doctype.name} is {either(fld.initial)}, e.g. {FIELD_IS}{fld.initial[0]}",
            field=fld.name,
            flag=fld.flag,
        )


def _check_title(kb: KnowledgeBase, doctype: DocType, given: Any, itself: str | None = None) -> None:
    title = str(given or "").strip()
    if doctype.unique_titles and ids.looks_like_id(title):  # named by name: an id's shape names another document
        raise InvalidInput(
            f"'{title}' is shaped like an id, and {a(doctype.name)} is named by its name: a name is words",
            hint=f"give its {doctype.title_field}",
        )
    taken = kb.named(doctype.name, title, other_than=itself) if doctype.unique_titles and title else None
    if taken is not None:
        also = "" if folded(taken.title) == folded(title) else f" ({taken.id} '{taken.title}' goes by that name)"
        raise Conflict(f"{a(doctype.name)} named '{title}' {doctype.duplicate}{also}")


def resolve_references(kb: KnowledgeBase, fld: Field, given: Any) -> Any:
    """A reference field's value (`ref`/`refs`, the metrics of `expectations`) with each reference
    resolved to a full id: what create and `pmops set` do with one. A value written wrong is exit 2
    naming the option."""
    try:
        return fld.resolved(given, lambda ref: _referenced(kb, fld, ref))
    except ValueError as exc:
        raise InvalidInput(f"{FIELD}: {exc}", field=fld.name, flag=fld.flag) from None


def _referenced(kb: KnowledgeBase, fld: Field, ref: str) -> str:
    """The id of the document a reference names (KnowledgeBase.find, of the type the field refers
    to), the error it raises naming the field: not found or several (exit 1), another type (exit 2)."""
    try:
        record = kb.find(ref, *([fld.refers] if fld.refers else []))
    except PmopsError as exc:
        raise exc.of_field(fld.name, fld.flag) from None
    if record.id is None:
        raise InvalidInput(
            f"{FIELD}: {record.path} has no id", hint="link to it in the text instead", field=fld.name, flag=fld.flag
        )
    return record.id


def pairs(doctype: DocType, given: list[str]) -> list[tuple[Field, str]]:
    """FIELD=VALUE words of a command line (pmops new, pmops list), each with its field: exit 2
    for one that is not written so, or names no field of the type, or the id pmops makes."""
    found = []
    for pair in given:
        name, sep, value = pair.partition("=")
        fld = doctype.field(name.strip())
        if not sep or not name.strip():
            raise InvalidInput(f"'{pair}': write FIELD=VALUE", hint=f"fields: {names(doctype)}")
        if fld is None or fld.name == "id":
            close = did_you_mean(name.strip(), [f.name for f in doctype.fields if f.name != "id"])
            raise InvalidInput(f"'{pair}': {a(doctype.name)} has no field '{name.strip()}'",
                               hint=f"{close} Fields: {names(doctype)}" if close else f"fields: {names(doctype)}")  # fmt: skip
        found.append((fld, value.strip()))
    return found


def filters(doctype: DocType, given: list[str]) -> dict[str, str]:
    """A listing's FIELD=VALUE words (pmops list): one value each, as every listing's options take
    one (a field given twice, or with no value, is exit 2). The value is kept whole: `title=a=b`."""
    where: dict[str, str] = {}
    for fld, value in pairs(doctype, given):
        if fld.name in where:
            raise InvalidInput(f"{fld.name} is given twice ('{where[fld.name]}', '{value}'); a filter takes one value",
                               hint="a listing's filters narrow it together, one value each")  # fmt: skip
        if not value:
            raise InvalidInput(
                f"{fld.name}=: give the value to look for", hint=f"e.g. {fld.name}={fld.example or 'VALUE'}"
            )
        where[fld.name] = value
    return where


def items(value: str) -> list[str]:
    """The values of a list field given in one word of a command line, comma-separated ("tags=a, b"),
    as a prompt and --tag read them; or as the file writes a list, in YAML's flow form ("aliases=[A, B]",
    '["Acme, Inc", Acme]'): the brackets are never part of a name."""
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        try:
            listed = yamlsafe.load(text)
        except yamlsafe.YAMLProblem:
            listed = None
        if isinstance(listed, list) and all(isinstance(v, str) for v in listed):
            return [v.strip() for v in listed if v.strip()]
        text = text[1:-1]
    return [item.strip() for item in text.split(",") if item.strip()]


def values_from(doctype: DocType, given: list[str]) -> dict[str, Any]:
    """A new document's values from FIELD=VALUE words: a list field takes every value given for it,
    repeated or comma-separated."""
    values: dict[str, Any] = {}
    for fld, value in pairs(doctype, given):
        if fld.is_list:
            values.setdefault(fld.name, []).extend(items(value))
        elif fld.name in values:
            raise InvalidInput(f"{fld.name} is given twice", hint="a field that is not a list takes one value")
        else:
            values[fld.name] = value
    return values


def names(doctype: DocType) -> str:
    """The fields a command line may give a type, for hints."""
    return ", ".join(f.name for f in doctype.fields if f.name != "id")


def taxonomy_change(kb: KnowledgeBase, added: list[str]) -> Change:
    """taxonomy.yaml with new tags under `unsorted` (created when the KB has none)."""
    path = kb.root / taxonomy.FILENAME
    if path.exists():
        before = documents.parse_yaml_file(taxonomy.FILENAME, kb.read_bytes(path))
    else:
        before = documents.parse_yaml_file(taxonomy.FILENAME, b"")
    current = before.meta.get(taxonomy.UNSORTED) or []
    after = before.with_fields({taxonomy.UNSORTED: [*current, *added]})
    return Change(path, before if path.exists() else None, after)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _one_line(text: str) -> str:
    return " ".join(text.split())[:120]


def _choices_hint(fld: Field) -> str | None:
    return f"choose one of: {', '.join(fld.choices)}" if fld.choices else None
