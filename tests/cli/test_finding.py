"""Finding: search and listings read tags through the taxonomy (a synonym finds its tag, an unknown
tag or choice is exit 2 with the nearest), a query of common words finds titles or says what it
left out, customers however written, tool compare without names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import commit_count


def ids(pmops, *args: str) -> list[str]:
    return [r["id"] for r in json.loads(pmops(*args, "--json").stdout)]


def found(pmops, *args: str) -> list[dict]:
    return json.loads(pmops("search", *args, "--limit", "100", "--json").stdout)


def test_a_query_of_only_common_words_finds_the_titles_that_have_them(pmops, example_kb: Path) -> None:
    pmops("insight", "add", "--title", "Approve from a phone", "--source", "interview")
    pmops("decision", "add", "--title", "Where is it from, a customer asks")
    hits = found(pmops, "from a")
    assert [h["title"] for h in hits] == [
        "Approve from a phone",
        "Where is it from, a customer asks",
        "Ward managers cannot approve away from a desk",
    ]  # fmt: skip (the last: the example KB's, Lumen Health's interview)
    assert all(h["ignored"] == ["from", "a"] for h in hits)  # --json: a key only when words were left out
    human = pmops("search", "FROM A")
    assert human.stdout.startswith("ins-") and "Approve from a phone" in human.stdout
    assert "only common words, which the index leaves out (FROM, A): titles with them" in human.stderr
    assert [h["type"] for h in found(pmops, "from a", "--type", "decision")] == ["decision"]
    the = found(pmops, "the", "--type", "insight")
    assert the and all(" the " in f" {h['title'].lower()} " for h in the)


def test_common_words_no_title_has_are_said_never_a_silent_no_results(pmops, example_kb: Path) -> None:
    result = pmops("search", "of an")
    assert result.stdout == "no results\n"
    assert "only common words, which the index leaves out (of, an), and no title has them all" in result.stderr
    result = pmops("search", "of an", "--json")
    # --json is a listing, a list of hits (PRODUCT.md): no hit carries the words; one line on stderr says it
    assert result.stdout == "[]\n"
    assert result.stderr == "only common words, which the index leaves out (of, an), and no title has them all\n"


def test_common_words_beside_others_are_left_out_and_said(pmops, example_kb: Path) -> None:
    result = pmops("search", "the approval")
    assert "common words left out of the search: the" in result.stderr and "Median time to approval" in result.stdout
    assert all(h["ignored"] == ["the"] for h in found(pmops, "the approval"))
    assert all("ignored" not in h for h in found(pmops, "approval"))  # nothing left out: the hits as before
    result = pmops("search", "the wombat")
    assert "common words left out of the search: the" in result.stderr and "no results" in result.stdout


def test_a_synonym_finds_its_tag_in_search(pmops, example_kb: Path) -> None:
    tagged = sorted(h["id"] for h in found(pmops, "tag:performance"))
    assert tagged
    assert sorted(h["id"] for h in found(pmops, "tag:perf")) == tagged
    assert sorted(h["id"] for h in found(pmops, "Tag:SPEED")) == tagged
    assert set(tagged) <= {h["id"] for h in found(pmops, "perf")}  # the word: in text, or the tag it stands for
    assert {h["id"] for h in found(pmops, "mobile", "--tag", "slow")} <= set(tagged)
    assert found(pmops, "mobile", "--tag", "slow")


def test_an_unknown_search_tag_is_exit_2_and_a_tag_only_a_page_has_is_known(pmops, example_kb: Path) -> None:
    result = pmops("search", "mobile", "--tag", "perfomance", code=2)
    assert result.stderr.startswith("error: --tag: no tag 'perfomance' in the taxonomy or on any document")
    assert "hint: did you mean 'performance'?" in result.stderr
    (example_kb / "handbook" / "wiki-page.md").write_text("---\ntags: [wiki-only]\n---\n# Wiki page\n\nWombats.\n")
    assert [h["path"] for h in found(pmops, "wombats", "--tag", "wiki-only")] == ["handbook/wiki-page.md"]


def test_a_synonym_finds_its_tag_in_every_tag_filter(pmops, example_kb: Path) -> None:
    tagged = ids(pmops, "insight", "list", "--tag", "performance")
    assert tagged and ids(pmops, "insight", "list", "--tag", "perf") == tagged
    assert ids(pmops, "insight", "list", "--tag", "SPEED") == tagged
    assert ids(pmops, "list", "insight", "tags=slow") == tagged


def test_a_document_tagged_with_a_synonym_by_hand_counts_as_its_tag(pmops, example_kb: Path) -> None:
    path = next(example_kb.glob("insights/ins-260521-jpgp-*.md"))
    path.write_text(path.read_text().replace("tags: [security, permissions]", "tags: [security, perf]"))
    doc_id = json.loads(pmops("show", str(path.relative_to(example_kb)), "--json").stdout)["id"]
    assert doc_id in ids(pmops, "insight", "list", "--tag", "performance")


@pytest.mark.parametrize(
    ("args", "message", "hint"),
    [
        (("insight", "list", "--tag", "perfomance"), "--tag: no tag 'perfomance' in the taxonomy or on any insight",
         "did you mean 'performance'?"),
        (("list", "insight", "tags=pricng"), "tags: no tag 'pricng'", "did you mean 'pricing'?"),
        (("insight", "list", "--source", "intervew"), "--source must be interview, survey, ",
         "did you mean 'interview'?"),
        (("list", "insight", "source=sruvey"), "source must be interview, survey, ", "did you mean 'survey'?"),
        (("decision", "list", "--status", "acepted"), "--status must be proposed, accepted, ",
         "did you mean 'accepted'?"),
        (("list", "tool", "category=reserch"), "category must be roadmapping, research, ", "did you mean 'research'?"),
        (("insight", "list", "--tag", "zzzz"), "--tag: no tag 'zzzz'", "'pmops tags' lists them"),
    ],
)  # fmt: skip
def test_an_unknown_tag_or_choice_filter_is_exit_2_with_the_nearest(
    pmops, example_kb: Path, args: tuple[str, ...], message: str, hint: str | None
) -> None:
    result = pmops(*args, code=2)
    assert result.stderr.startswith(f"error: {message}"), result.stderr
    if hint:
        assert f"hint: {hint}" in result.stderr


def test_a_tag_on_documents_but_not_in_the_taxonomy_is_a_filter_too(pmops, kb: Path) -> None:
    (kb / "taxonomy.yaml").write_text("facets:\n  theme:\n  - pricing\n")
    (kb / "insights").mkdir(exist_ok=True)
    (kb / "insights" / "ins-260101-aaaa-x.md").write_text(
        "---\nid: ins-260101-aaaa\ntitle: x\nsource: interview\ndate: 2026-01-01\ntags:\n- legacy-tag\n---\n\nx\n"
    )
    assert ids(pmops, "insight", "list", "--tag", "legacy-tag") == ["ins-260101-aaaa"]
    assert ids(pmops, "insight", "list", "--tag", "pricing") == []  # in the taxonomy, on nothing yet


def test_insight_list_by_customer_however_written(pmops, example_kb: Path) -> None:
    exact = ids(pmops, "insight", "list", "--customer", "Quarry & Co")
    assert len(exact) == 2
    assert ids(pmops, "insight", "list", "--customer", "quarry and co.") == exact
    assert ids(pmops, "insight", "list", "--customer", "QUARRY") == exact
    nobody = pmops("insight", "list", "--customer", "Nobody Ltd", code=2).stderr
    assert nobody.startswith("error: --customer: no customer 'Nobody Ltd' in the register or on any insight")
    assert "--customer: 'n/a' names no customer" in pmops("insight", "list", "--customer", "n/a", code=2).stderr


def test_tool_compare_without_names_compares_every_tool_in_use(pmops, example_kb: Path) -> None:
    ranking = json.loads(pmops("tool", "compare", "--json").stdout)["ranking"]
    names = {r["name"] for r in ranking}
    assert len(names) == 8 and "Confluence" not in names  # retired
    research = json.loads(pmops("tool", "compare", "--category", "research", "--json").stdout)["ranking"]
    assert [r["name"] for r in research] == ["Dovetail", "Condens"]


def test_tool_compare_of_one_tool_shows_it_with_a_note(pmops, example_kb: Path) -> None:
    shown = pmops("tool", "compare", "--category", "design").stdout
    assert "Figma" in shown and "\n1 tool\n" in shown and "Figma alone: no other tool to compare it with" in shown
    assert [r["name"] for r in json.loads(pmops("tool", "compare", "Jira", "--json").stdout)["ranking"]] == ["Jira"]


def test_tool_compare_of_a_category_without_tools_is_empty_as_a_listing(pmops, example_kb: Path) -> None:
    """Exit 0, as an empty listing: the category is a good one, it has no tool yet."""
    done = pmops("tool", "compare", "--category", "other")
    assert (done.stdout, done.stderr) == ("no tools in category 'other'\n", "")
    assert json.loads(pmops("tool", "compare", "--category", "other", "--json").stdout)["ranking"] == []
    assert pmops("tool", "compare", "--category", "other", "--format", "csv").stdout.startswith("rank,tool,")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--category", "reserch"), "--category must be roadmapping, research, "),
        (("Jira", "--category", "design"), "give tool names or --category, not both"),
    ],
)
def test_tool_compare_bad_input_is_exit_2(pmops, example_kb: Path, args: tuple[str, ...], message: str) -> None:
    before = commit_count(example_kb)
    assert pmops("tool", "compare", *args, code=2).stderr.startswith(f"error: {message}")
    assert commit_count(example_kb) == before


def test_decision_process_and_any_type_listings_take_tag_read_through_the_taxonomy(pmops, example_kb: Path) -> None:
    tagged = ids(pmops, "decision", "list", "--tag", "pricing")
    assert tagged and ids(pmops, "decision", "list", "--tag", "price") == tagged  # price: a synonym of pricing
    assert all("pricing" in json.loads(pmops("show", i, "--json").stdout)["tags"] for i in tagged)
    assert ids(pmops, "list", "decision", "--tag", "price") == tagged
    processes = ids(pmops, "process", "list", "--tag", "onboarding")
    assert processes and len(processes) < len(ids(pmops, "process", "list"))
    for args in (("decision", "list"), ("process", "list"), ("list", "opportunity")):
        refused = pmops(*args, "--tag", "pricng", code=2).stderr.splitlines()
        assert refused[0].startswith("error: --tag: no tag 'pricng' in the taxonomy or on any ")
        assert refused[1] == "hint: did you mean 'pricing'?"
    assert pmops("list", "ranking", "--tag", "pricing", code=2).stderr == "error: --tag: rankings have no tags\n"


def test_a_value_no_document_has_any_more_is_refused_as_after_a_rebuild(pmops, kb: Path) -> None:
    """A changed document leaves its old terms in Whoosh's lexicon until its segment is merged away:
    `source:interview` after the last interview became analytics is refused, as after a rebuild
    (it was 'no results': the freshness state machine found it, a tag renamed with the server)."""
    created = json.loads(pmops("insight", "add", "--title", "Export is slow", "--source", "interview", "--json").stdout)
    pmops("insight", "add", "--title", "Import is slow", "--source", "survey")
    assert len(json.loads(pmops("search", "source:interview slow", "--json").stdout)) == 1
    pmops("set", created["id"], "source=analytics")
    pmops("search", "slow")  # the index catches up with the change
    refused = pmops("search", "source:interview slow", code=2)
    pmops("index", "--rebuild")
    assert pmops("search", "source:interview slow", code=2).stderr == refused.stderr


def test_a_type_is_named_in_any_case_by_its_name_plural_or_folder(pmops, example_kb: Path) -> None:
    people = ids(pmops, "list", "person")
    assert ids(pmops, "list", "people") == ids(pmops, "list", "People") == people
    assert ids(pmops, "list", "Insights") == ids(pmops, "list", "insight")
    assert {h["type"] for h in found(pmops, "approval", "--type", "insights")} == {"insight"}
    said = pmops("list", "peple", code=2).stderr.splitlines()
    assert said[0] == "error: unknown document type 'peple'" and said[1].startswith(
        "hint: did you mean 'person'? types: "
    )


def test_filters_that_cannot_match_say_so(pmops, example_kb: Path) -> None:
    said = pmops("insight", "list", "--segment", "ent", code=2).stderr  # the start of a choice: suggested
    assert said.endswith("hint: did you mean 'enterprise'?\n")
    said = pmops("insight", "list", "--since", "2026-11-01", "--until", "2026-10-01", code=2).stderr
    assert said.startswith("error: --since 2026-11-01 is after --until 2026-10-01: no day is between them")
    assert pmops("list", "insight", "--since", "2026-11-01", "--until", "2026-10-01", code=2).stderr == said


def test_a_search_that_finds_only_archived_documents_says_so(pmops, example_kb: Path) -> None:
    pmops("archive", "met-261126-4hb3")
    result = pmops("search", "weekly active approvers")
    assert result.stdout == "no results\n"
    assert result.stderr.endswith(" match: --all shows them\n") or result.stderr.endswith(" matches: --all shows it\n")
    assert "met-261126-4hb3" in pmops("search", "weekly active approvers", "--all").stdout
    assert pmops("search", "wombats").stderr == ""  # nothing archived matches either: nothing more to say


def test_the_archived_documents_a_search_counts_are_those_that_match_it(pmops, example_kb: Path) -> None:
    pmops("archive", "dec-261126-hebs")  # the dark-mode decision; prc-250210-m4tq is archived already
    pmops("archive", "ins-260127-wzjy")  # an unrelated insight: counted no more
    result = pmops("search", "revisit dark mode")
    assert result.stdout == "no results\n"
    assert result.stderr == "1 archived document matches: --all shows it\n"
    assert [h["id"] for h in found(pmops, "revisit dark mode", "--all")] == ["dec-261126-hebs"]
    said = pmops("search", "revisit dark mode", "--limit", "1").stderr  # the limit reached: at least that many
    assert said == "1 or more archived documents match: --all shows them\n"
