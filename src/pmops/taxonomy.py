"""The controlled tag vocabulary: facets, synonyms, deprecated tags, and normalisation."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from pmops.errors import ConfigError, UnknownTag
from pmops.text import close_matches

FILENAME = "taxonomy.yaml"
UNSORTED = "unsorted"  # where --new-tag puts tags until product ops files them under a facet
KINDS = ("theme", "signal")  # what a facet's tags say: a customer problem, or the kind of evidence
SIGNAL_FACETS = ("signal", "signals")  # facets that are signals when taxonomy.yaml does not say
_SEPARATORS = re.compile(r"[\s_/]+")
_INVALID = re.compile(r"[^\w\-.+&]")


def normalise(tag: str) -> str:
    """Canonical spelling: NFKC, case-folded, words joined by '-', no leading '#'."""
    text = unicodedata.normalize("NFKC", tag).casefold().strip().lstrip("#")
    text = _SEPARATORS.sub("-", text)
    text = _INVALID.sub("", text)
    return re.sub(r"-{2,}", "-", text).strip("-.")


@dataclass
class Resolution:
    """What a given tag became, and why (for the command to report)."""

    given: str
    tag: str
    note: str = ""  # "synonym of x", "deprecated, replaced by y", "new"


@dataclass
class Taxonomy:
    """taxonomy.yaml read: the facets and their tags, synonyms, deprecated tags, the unsorted ones."""

    facets: dict[str, list[str]] = field(default_factory=dict)
    synonyms: dict[str, str] = field(default_factory=dict)
    deprecated: dict[str, str] = field(default_factory=dict)
    unsorted: list[str] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)  # facet -> "theme" | "signal"

    @property
    def tags(self) -> dict[str, str]:
        """Every allowed tag with its facet."""
        known = {t: facet for facet, tags in self.facets.items() for t in tags}
        known.update({t: UNSORTED for t in self.unsorted if t not in known})
        return known

    @property
    def empty(self) -> bool:
        return not self.tags

    def canonical(self, tag: str) -> str:
        """The tag a document's tag stands for: a synonym's or a deprecated tag's replacement, else itself."""
        return self.synonyms.get(tag) or self.deprecated.get(tag) or tag

    def signals(self) -> set[str]:
        """The tags of signal facets: kinds of evidence (a bug, praise, churn risk), not customer problems.

        Every other tag — of a theme facet, unsorted, or unknown to the taxonomy — is a theme.
        """
        return {t for facet, tags in self.facets.items() if self.kinds.get(facet) == "signal" for t in tags}

    def resolve(self, given: str, *, allow_new: bool = False) -> Resolution:
        """Map a user's tag onto the vocabulary or raise UnknownTag with suggestions.

        A KB without a taxonomy accepts any tag (normalised).
        """
        tag = normalise(given)
        if not tag:
            raise UnknownTag(given, [])
        if tag in self.tags:
            return Resolution(given, tag)
        if tag in self.synonyms:
            return Resolution(given, self.synonyms[tag], f"synonym of '{self.synonyms[tag]}'")
        if tag in self.deprecated:
            return Resolution(given, self.deprecated[tag], f"'{tag}' is deprecated, use '{self.deprecated[tag]}'")
        if allow_new or self.empty:
            return Resolution(given, tag, "new" if allow_new and not self.empty else "")
        raise UnknownTag(given, self.suggest(tag))

    def suggest(self, tag: str, n: int = 3) -> list[str]:
        candidates = list(self.tags) + list(self.synonyms)
        close = close_matches(normalise(tag), candidates, n=n, cutoff=0.6)
        # A synonym suggestion is shown as the tag it stands for.
        return list(dict.fromkeys(self.synonyms.get(c, c) for c in close))


def _strings(value: Any, where: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{FILENAME}: '{where}' must be a list of tags")
    return [normalise(v) for v in value]


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{FILENAME}: '{where}' must be a mapping")
    return value


def from_data(data: Any) -> Taxonomy:
    """Build a Taxonomy from loaded YAML (all strings), checking its shape."""
    data = _mapping(data, "the file")
    facets: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    for name, value in _mapping(data.get("facets"), "facets").items():
        # A facet is either a list of tags or {description: …, kind: theme|signal, tags: […]}.
        tags = value.get("tags") if isinstance(value, dict) else value
        facets[name] = _strings(tags, f"facets.{name}")
        kind = value.get("kind") if isinstance(value, dict) else None
        if kind is None:
            kind = "signal" if normalise(str(name)) in SIGNAL_FACETS else "theme"
        if kind not in KINDS:
            raise ConfigError(f"{FILENAME}: facets.{name}.kind: '{kind}' is not one of: {', '.join(KINDS)}")
        kinds[name] = kind
    pairs = {}
    for key in ("synonyms", "deprecated"):
        table = _mapping(data.get(key), key)
        if not all(isinstance(v, str) for v in table.values()):
            raise ConfigError(f"{FILENAME}: every '{key}' entry maps a tag to one tag")
        pairs[key] = {normalise(k): normalise(v) for k, v in table.items()}
    unsorted = _strings(data.get(UNSORTED), UNSORTED)
    return Taxonomy(facets, pairs["synonyms"], pairs["deprecated"], unsorted, kinds)
