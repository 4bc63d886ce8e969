"""Tag normalisation and resolution; ids and file names."""

from __future__ import annotations

import datetime as dt

import pytest

from pmops import ids, taxonomy
from pmops.errors import ConfigError, UnknownTag

TAX = taxonomy.from_data(
    {
        "facets": {"theme": {"tags": ["pricing", "data-export"]}, "signal": ["bug"]},
        "synonyms": {"Price": "pricing", "csv": "data-export"},
        "deprecated": {"spend": "pricing"},
        "unsorted": ["dark-mode"],
    }
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [("Pricing", "pricing"), ("  Data_Export ", "data-export"), ("#bug", "bug"), ("ＰＲＩＣＩＮＧ", "pricing"),
     ("data / export", "data-export"), ("Ünïcode Tag", "ünïcode-tag"), ("a--b", "a-b")],
)  # fmt: skip
def test_normalise(given: str, expected: str) -> None:
    assert taxonomy.normalise(given) == expected


def test_resolve_canonical_synonym_deprecated_unsorted() -> None:
    assert TAX.resolve("PRICING").tag == "pricing"
    assert (TAX.resolve("price").tag, TAX.resolve("price").note) == ("pricing", "synonym of 'pricing'")
    assert "deprecated" in TAX.resolve("spend").note and TAX.resolve("spend").tag == "pricing"
    assert TAX.resolve("dark mode").tag == "dark-mode"
    assert TAX.tags["dark-mode"] == "unsorted" and TAX.tags["bug"] == "signal"


def test_unknown_tags_suggest_the_closest() -> None:
    with pytest.raises(UnknownTag) as info:
        TAX.resolve("pricng")
    assert info.value.suggestions == ["pricing"]
    assert TAX.resolve("brand-new", allow_new=True).note == "new"
    with pytest.raises(UnknownTag):
        TAX.resolve("###")


def test_an_empty_taxonomy_accepts_any_tag() -> None:
    assert taxonomy.from_data({}).resolve("Anything Goes").tag == "anything-goes"


@pytest.mark.parametrize("data", [{"facets": ["a"]}, {"synonyms": {"a": ["b"]}}, {"facets": {"x": {"tags": {"a": 1}}}}])
def test_a_malformed_taxonomy_is_a_config_error(data: dict) -> None:
    with pytest.raises(ConfigError):
        taxonomy.from_data(data)


def test_ids_have_prefix_day_and_random_part_and_avoid_taken_ones() -> None:
    day = dt.date(2026, 11, 26)
    first = ids.new_id("ins", day)
    assert ids.looks_like_id(first) and first.startswith("ins-261126-")
    assert ids.id_in_name(f"{first}-some-title.md") == first
    many = {ids.new_id("ins", day) for _ in range(2000)}
    assert len(many) > 1990  # 20 random bits: collisions are rare...
    taken = set(many)
    assert ids.new_id("ins", day, taken) not in taken  # ...and never with an id already in the folder


@pytest.mark.parametrize(
    ("title", "slug"),
    [("Export to CSV is hidden!", "export-to-csv-is-hidden"), ("../../etc/passwd", "etc-passwd"),
     ("CON", "con-doc"), ("", "untitled"), ("...", "untitled"), ("Café Crème", "café-crème")],
)  # fmt: skip
def test_slugify(title: str, slug: str) -> None:
    assert ids.slugify(title) == slug


def test_slugs_are_bounded_in_bytes_without_cutting_characters() -> None:
    slug = ids.slugify("中" * 300)
    assert len(slug.encode()) <= ids.MAX_SLUG_BYTES and set(slug) == {"中"}
    long_words = ids.slugify(" ".join(["word"] * 100))
    assert len(long_words.encode()) <= ids.MAX_SLUG_BYTES and not long_words.endswith("-")
