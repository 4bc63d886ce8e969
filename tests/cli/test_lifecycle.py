"""The lifecycle after creation, through the CLI on real repositories: set, archive, rm, mv, and
decision add's sections; each one commit (or none), git's state after it, and search following."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import commit_count, git


def add(pmops, title: str, *extra: str, kind: str = "insight") -> dict:
    if kind == "insight":
        args = ("insight", "add", "--title", title, "--source", "interview", *extra)
    else:
        args = ("decision", "add", "--title", title, *extra)
    return json.loads(pmops(*args, "--json").stdout)


def clean(kb: Path) -> bool:
    return git(kb, "status", "--porcelain") == ""


def last_message(kb: Path) -> str:
    return git(kb, "log", "-1", "--format=%s").strip()


def search_ids(pmops, *args: str) -> list[str]:
    return [hit["id"] for hit in json.loads(pmops("search", *args, "--json").stdout)]


# -- set ---------------------------------------------------------------------------------


def test_set_changes_only_the_lines_of_those_fields_in_one_commit(pmops, kb: Path) -> None:
    ins = add(pmops, "Export is hidden", "--tag", "pricing", "--segment", "smb")
    path = kb / ins["path"]
    # A hand-written comment and layout the writer must keep.
    path.write_bytes(path.read_bytes().replace(b"segment: smb\n", b"segment: smb  # from the CRM\n"))
    git(kb, "commit", "-qam", "note")
    before = path.read_bytes()
    commits = commit_count(kb)
    out = json.loads(
        pmops("set", ins["id"][:12], "sentiment=negative", "date=2026-01-05", "--add-tag", "usability", "--json").stdout
    )
    assert out == {"id": ins["id"], "path": ins["path"], "action": "set", "commit": out["commit"],
                   "changed": ["sentiment", "date", "tags"]}  # fmt: skip
    after = path.read_bytes()
    old_lines, new_lines = before.splitlines(), after.splitlines()
    assert [line for line in old_lines if line not in new_lines] == [b"date: " + old_lines[3][6:], b"tags: [pricing]"]
    assert [line for line in new_lines if line not in old_lines] == [b"date: 2026-01-05", b"tags: [pricing, usability]",
                                                                     b"sentiment: negative"]  # fmt: skip
    assert b"segment: smb  # from the CRM\n" in after
    assert commit_count(kb) == commits + 1 and clean(kb)
    assert last_message(kb) == f'pmops: set sentiment, date, tags of insight {ins["id"]} "Export is hidden"'
    assert git(kb, "show", "--name-only", "--format=", "HEAD").split() == [ins["path"]]


def test_set_removes_a_field_and_a_tag_and_unchanged_is_nothing(pmops, kb: Path) -> None:
    ins = add(pmops, "Digest ignored", "--tag", "pricing", "--tag", "usability", "--customer", "Acme")
    commits = commit_count(kb)
    result = pmops("set", ins["id"], "customer=", "--remove-tag", "pricing")
    assert "Set customer, tags of insight" in result.stdout
    shown = json.loads(pmops("show", ins["id"], "--json").stdout)
    assert "customer" not in shown and shown["tags"] == ["usability"]
    assert commit_count(kb) == commits + 1
    again = pmops("set", ins["id"], "source=interview", "--add-tag", "usability")
    assert "Nothing changed" in again.stdout and commit_count(kb) == commits + 1 and clean(kb)
    # removing a tag it does not have is the same rule as adding one it has: nothing changed, exit 0
    gone = pmops("set", ins["id"], "--remove-tag", "pricing")
    assert "Nothing changed" in gone.stdout and "has no tag 'pricing'" in gone.stdout + gone.stderr
    repeat = json.loads(pmops("set", ins["id"], "--remove-tag", "pricing", "--json").stdout)
    assert (repeat["commit"], repeat["changed"], repeat["already"]) == (None, [], True)  # as every repeat says it
    assert commit_count(kb) == commits + 1 and clean(kb)


def test_set_says_how_an_archived_document_comes_back_and_that_the_id_never_changes(pmops, kb: Path) -> None:
    ins, dec = add(pmops, "Slow export"), add(pmops, "Build exports", kind="decision")
    pmops("archive", ins["id"])
    pmops("archive", dec["id"])
    commits = commit_count(kb)
    said = pmops("set", dec["id"], "status=active", code=2).stderr.splitlines()  # (an insight's: see archive's test)
    assert said[0].startswith("error: status must be proposed, accepted, ")
    assert said[1] == f"hint: pmops set {dec['id']} status= brings it back as it was (proposed)"
    said = pmops("set", ins["id"], "id=ins-x", code=2).stderr.splitlines()
    assert said == [f"error: id: the id never changes ({ins['id']}): links and history name it by it",
                    f'hint: pmops mv {ins["id"]} "New title" renames the file, the id staying']  # fmt: skip
    assert commit_count(kb) == commits and clean(kb)
    pmops("set", ins["id"], "status=")  # the way the hint says
    assert "status" not in json.loads(pmops("show", ins["id"], "--json").stdout)


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["owner=x"], "'owner=x': an insight has no field 'owner'", 2),
        (["sentiment=furious"], "sentiment must be positive, neutral, negative or mixed, e.g. sentiment=positive", 2),
        (["date=2026-02-30"], "date:", 2),
        (["date=2999-01-01"], "is after today", 2),
        (["source="], "source: an insight requires it", 2),
        (["id=ins-1"], "id: the id never changes (ins-", 2),
        (["title=New"], "title: a new title renames the file too", 2),
        (["sentiment"], "'sentiment': write FIELD=VALUE", 2),
        (["sentiment=negative", "sentiment=mixed"], "sentiment is given twice", 2),
        (["--add-tag", "no-such-tag"], "unknown tag 'no-such-tag'", 2),
        ([], "give FIELD=VALUE (e.g. status=archived)", 2),
    ],
)
def test_set_refuses_bad_input_and_writes_nothing(pmops, kb: Path, args: list[str], message: str, code: int) -> None:
    ins = add(pmops, "Slow export")
    before, commits = (kb / ins["path"]).read_bytes(), commit_count(kb)
    result = pmops("set", ins["id"], *args, code=code)
    assert message in result.stderr and len(result.stderr.strip().splitlines()) <= 2
    assert (kb / ins["path"]).read_bytes() == before and commit_count(kb) == commits and clean(kb)


def test_set_with_a_new_tag_adds_it_to_the_taxonomy_in_the_same_commit(pmops, kb: Path) -> None:
    ins = add(pmops, "Needs SSO")
    commits = commit_count(kb)
    pmops("set", ins["id"], "--add-tag", "sso", "--new-tag")
    assert commit_count(kb) == commits + 1 and clean(kb)
    assert sorted(git(kb, "show", "--name-only", "--format=", "HEAD").split()) == sorted([ins["path"], "taxonomy.yaml"])


def test_set_works_for_every_type_through_the_registry(pmops, kb: Path) -> None:
    prc = json.loads(pmops("process", "new", "Planning", "--kind", "sprint-planning", "--json").stdout)
    pmops("set", prc["id"], "cadence=monthly", "owner=Ada Brooks", "review_every_days=30")
    shown = json.loads(pmops("show", prc["id"], "--json").stdout)
    assert (shown["cadence"], shown["owner"], shown["review_every_days"]) == ("monthly", "Ada Brooks", 30)
    assert (
        "review_every_days must be a whole number" in pmops("set", prc["id"], "review_every_days=soon", code=2).stderr
    )
    dec = add(pmops, "Ship it", kind="decision")
    pmops("set", dec["id"], "deciders=Ada Brooks", "deciders=Theo Park", "review_date=2027-01-10")
    shown = json.loads(pmops("show", dec["id"], "--json").stdout)
    assert shown["deciders"] == ["Ada Brooks", "Theo Park"] and shown["review_date"] == "2027-01-10"
    assert json.loads(pmops("lint", "--json").stdout) == []


# -- decision add's sections --------------------------------------------------------------


def test_decision_add_fills_the_adr_sections_it_is_given(pmops, kb: Path) -> None:
    ins = add(pmops, "Approvers live in Slack")
    dec = add(pmops, "Approve from Slack", "--context", "Approvers miss emails.", "--option", "A Slack app",
              "--option", "Email links", "--consequences", "We keep a Slack app running.", "--evidence", ins["id"],
              kind="decision")  # fmt: skip
    body = json.loads(pmops("show", dec["id"], "--json").stdout)["body"]
    assert "## Context\n\nApprovers miss emails.\n\n- [[" + ins["id"] + "]]\n" in body
    assert "## Options considered\n\n1. A Slack app\n2. Email links\n" in body
    assert "## Consequences\n\nWe keep a Slack app running.\n" in body
    assert body.count("<!--") == 1  # the Decision section's prompt only: it was not given
    partial = json.loads(
        pmops("show", add(pmops, "Other", "--option", "Only this", kind="decision")["id"], "--json").stdout
    )
    assert "1. Only this\n" in partial["body"] and "<!-- The problem" in partial["body"]
    assert json.loads(pmops("lint", "--json").stdout) == []
    commits = commit_count(kb)
    assert "--option: an option is empty" in pmops("decision", "add", "--title", "X", "--option", " ", code=2).stderr
    assert commit_count(kb) == commits and clean(kb)


def test_decision_add_keeps_each_text_inside_its_section(pmops, kb: Path) -> None:
    ins = add(pmops, "Approvers live in Slack")
    dec = add(pmops, "Pick a vendor", "--context", "Line one.\n\n## Fake heading\n- list", "--option", "A",
              "--option", "1. numbered already", "--consequences", "# Big\nWe pay.", "--evidence", ins["id"],
              kind="decision")  # fmt: skip
    body = json.loads(pmops("show", dec["id"], "--json").stdout)["body"]
    # a heading given is a sub-heading of its section; the evidence has its own, not read as under the one before it
    assert f"## Context\n\nLine one.\n\n### Fake heading\n- list\n\n### Evidence\n\n- [[{ins['id']}]]\n" in body
    assert "## Options considered\n\n1. A\n2. numbered already\n" in body
    assert "## Consequences\n\n### Big\nWe pay.\n" in body
    listed = add(pmops, "Pick a bank", "--context", "Banks differ.\n- fees\n- speed", "--evidence", ins["id"],
                 kind="decision")  # fmt: skip
    shown = json.loads(pmops("show", listed["id"], "--json").stdout)["body"]  # a list, no heading: introduced
    assert f"## Context\n\nBanks differ.\n- fees\n- speed\n\nEvidence:\n\n- [[{ins['id']}]]\n" in shown
    assert [line for line in body.splitlines() if line.startswith("## ")] == [
        "## Context", "## Options considered", "## Decision", "## Consequences"
    ]  # fmt: skip


# -- archive ------------------------------------------------------------------------------


def test_archive_hides_from_lists_and_search_unless_asked(pmops, kb: Path) -> None:
    keep = add(pmops, "Thermal printer jams")
    gone = add(pmops, "Thermal label misaligned")
    assert sorted(search_ids(pmops, "thermal")) == sorted([keep["id"], gone["id"]])
    commits = commit_count(kb)
    out = json.loads(pmops("archive", gone["id"], "--json").stdout)
    assert out["action"] == "archive" and out["status_before"] is None
    assert commit_count(kb) == commits + 1 and clean(kb)
    assert last_message(kb) == f'pmops: archive insight {gone["id"]} "Thermal label misaligned"'
    assert search_ids(pmops, "thermal") == [keep["id"]]
    assert sorted(search_ids(pmops, "thermal", "--all")) == sorted([keep["id"], gone["id"]])
    assert search_ids(pmops, "thermal", "--archived") == [gone["id"]]
    assert search_ids(pmops, "thermal status:archived") == [gone["id"]]
    listed = [r["id"] for r in json.loads(pmops("insight", "list", "--json").stdout)]
    assert listed == [keep["id"]]
    assert [r["id"] for r in json.loads(pmops("insight", "list", "--archived", "--json").stdout)] == [gone["id"]]
    assert len(json.loads(pmops("insight", "list", "--all", "--json").stdout)) == 2
    assert [r["id"] for r in json.loads(pmops("list", "insight", "--json").stdout)] == [keep["id"]]
    assert len(json.loads(pmops("list", "insight", "--all", "--json").stdout)) == 2
    commits = commit_count(kb)
    assert "is already archived." in pmops("archive", gone["id"]).stdout
    assert json.loads(pmops("archive", gone["id"], "--json").stdout)["already"] is True
    assert commit_count(kb) == commits
    assert "not both" in pmops("insight", "list", "--all", "--archived", code=2).stderr
    # Brought back with set; found again. An insight has no status of its own: status=active says how.
    refused = pmops("set", gone["id"], "status=active", code=2)
    assert "error: status=active: an insight has no status of its own, only archived" in refused.stderr
    assert f"hint: pmops set {gone['id']} status= brings it back from the archive" in refused.stderr
    assert f"pmops archive {keep['id']} archives it" in pmops("set", keep["id"], "status=live", code=2).stderr
    pmops("set", gone["id"], "status=")
    assert sorted(search_ids(pmops, "thermal")) == sorted([keep["id"], gone["id"]])
    assert json.loads(pmops("lint", "--json").stdout) == []


def test_archive_keeps_the_previous_status_in_the_output_for_every_listing(pmops, kb: Path) -> None:
    dec = add(pmops, "Weekly digest", "--status", "accepted", kind="decision")
    out = json.loads(pmops("archive", dec["id"], "--json").stdout)
    assert out["status_before"] == "accepted"
    assert json.loads(pmops("decision", "list", "--json").stdout) == []
    assert [d["id"] for d in json.loads(pmops("decision", "list", "--status", "archived", "--json").stdout)] == [
        dec["id"]
    ]
    prc = json.loads(pmops("process", "new", "Planning", "--kind", "custom", "--json").stdout)
    tool = json.loads(pmops("tool", "add", "Figma", "--category", "design", "--json").stdout)
    metric = json.loads(
        pmops("metric", "add", "Activation", "--definition", "d", "--owner", "o", "--unit", "%", "--json").stdout
    )
    for ref, listing in (
        (prc["id"], ("process", "list")),
        (tool["id"], ("tool", "list")),
        (metric["id"], ("metric", "list")),
    ):
        pmops("archive", ref)
        assert json.loads(pmops(*listing, "--json").stdout) == []
        assert [r["id"] for r in json.loads(pmops(*listing, "--all", "--json").stdout)] == [ref]
    assert json.loads(pmops("lint", "--json").stdout) == []
    assert clean(kb)


# -- rm -----------------------------------------------------------------------------------


def test_rm_is_refused_while_linked_then_forced_and_search_follows(pmops, kb: Path) -> None:
    target = add(pmops, "Export hidden in zephyr menu")
    linkers = [add(pmops, f"Related note {n}", "--link", target["id"]) for n in range(6)]
    add(pmops, "Cites it", "--evidence", target["id"], kind="decision")
    commits = commit_count(kb)
    refused = pmops("rm", target["id"], code=1)
    assert f"{target['id']} is linked from 7 documents: " in refused.stderr and "… 2 more" in refused.stderr
    assert "--force" in refused.stderr
    assert (kb / target["path"]).exists() and commit_count(kb) == commits and clean(kb)
    assert search_ids(pmops, "zephyr") == [target["id"]]
    out = json.loads(pmops("rm", target["id"], "--force", "--json").stdout)
    assert out["action"] == "rm" and out["path"] == target["path"]
    assert not (kb / target["path"]).exists() and commit_count(kb) == commits + 1 and clean(kb)
    assert git(kb, "show", "--name-status", "--format=", "HEAD").split() == ["D", target["path"]]
    assert last_message(kb) == f'pmops: remove insight {target["id"]} "Export hidden in zephyr menu"'
    assert search_ids(pmops, "zephyr") == []
    assert linkers  # their links are broken now: lint says so
    assert "link-broken" in pmops("lint", code=1).stdout


def test_rm_of_an_unlinked_document_commits_exactly_that_path(pmops, kb: Path) -> None:
    ins = add(pmops, "Lonely insight")
    (kb / "notes.txt").write_text("mine, staged\n")
    git(kb, "add", "notes.txt")
    pmops("rm", ins["id"])
    assert git(kb, "show", "--name-only", "--format=", "HEAD").split() == [ins["path"]]
    assert git(kb, "status", "--porcelain").splitlines() == ["A  notes.txt"]
    assert "no document with the id or title" in pmops("rm", ins["id"], code=1).stderr


def test_rm_with_no_commit_removes_the_file_only(pmops, kb: Path) -> None:
    ins = add(pmops, "Not committed removal")
    commits = commit_count(kb)
    pmops("rm", ins["id"], "--no-commit")
    assert not (kb / ins["path"]).exists() and commit_count(kb) == commits
    assert git(kb, "status", "--porcelain").split() == ["D", ins["path"]]


# -- mv -----------------------------------------------------------------------------------


def test_mv_renames_retitles_and_rewrites_links_in_one_commit(pmops, kb: Path) -> None:
    target = add(pmops, "Export is hidden")
    old_name = Path(target["path"]).name
    body = f"See [the first](./{old_name}#what-we-heard), [[{target['id']}]] and [x](other.md).\n"
    linker = add(pmops, "Second", "--body", body)
    page = kb / "handbook" / "guide.md"
    page.parent.mkdir()
    page.write_text(f"# Guide\n\nRead [it](../insights/{old_name}).\n\n```\n[code](../insights/{old_name})\n```\n")
    git(kb, "add", "handbook")
    git(kb, "commit", "-qm", "guide")
    commits = commit_count(kb)
    out = json.loads(pmops("mv", target["id"], "Export button is hidden in settings", "--json").stdout)
    new_rel = f"insights/{target['id']}-export-button-is-hidden-in-settings.md"
    assert out["path"] == new_rel and out["from"] == target["path"] and out["id"] == target["id"]
    assert sorted(out["links_rewritten"]) == sorted([linker["path"], "handbook/guide.md"])
    assert commit_count(kb) == commits + 1 and clean(kb)
    assert last_message(kb) == (f'pmops: rename insight {target["id"]} "Export is hidden" to '
                                '"Export button is hidden in settings"')  # fmt: skip
    status = git(kb, "show", "-M", "--name-status", "--format=", "HEAD").splitlines()
    assert f"{target['path']}\t{new_rel}" in "\n".join(status) and any(s.startswith("R") for s in status)
    assert len(git(kb, "log", "--follow", "--format=%h", "--", new_rel).split()) == 2
    new_name = Path(new_rel).name
    assert (
        (kb / linker["path"])
        .read_text()
        .endswith(f"See [the first](./{new_name}#what-we-heard), [[{target['id']}]] and [x](other.md).\n")
    )
    linked = (kb / linker["path"]).read_text()
    assert f"](./{new_name}#what-we-heard)" in linked and old_name not in linked
    guide = page.read_text()
    assert f"Read [it](../insights/{new_name})." in guide and f"[code](../insights/{old_name})" in guide
    shown = json.loads(pmops("show", target["id"], "--json").stdout)
    assert shown["title"] == "Export button is hidden in settings" and shown["path"] == new_rel
    assert search_ids(pmops, "settings button") == [target["id"]]
    paths = [h["path"] for h in json.loads(pmops("search", "hidden", "--json").stdout)]
    assert new_rel in paths and target["path"] not in paths
    report = json.loads(pmops("lint", "--json", code=1).stdout)
    assert [f["message"] for f in report] == ["link to missing file 'insights/other.md'"]  # the test's own


def test_mv_rewrites_reference_style_link_definitions(pmops, kb: Path) -> None:
    """`[ref]: ../insights/x.md` definitions are links too: rewritten, title and anchor kept."""
    target = add(pmops, "Export is hidden")
    old_name = Path(target["path"]).name
    page = kb / "handbook" / "guide.md"
    page.parent.mkdir()
    page.write_text(f"# Guide\n\nRead [it][ref] and [this][two].\n\n[ref]: ../insights/{old_name}\n"
                    f'  [two]: <../insights/other.md> "Other"\n[three]: ../insights/{old_name}#what-we-heard "The bit"\n')  # fmt: skip
    git(kb, "add", "handbook")
    git(kb, "commit", "-qm", "guide")
    out = json.loads(pmops("mv", target["id"], "Export button is buried", "--json").stdout)
    new_name = Path(out["path"]).name
    assert out["links_rewritten"] == ["handbook/guide.md"] and clean(kb)
    assert page.read_text() == (f"# Guide\n\nRead [it][ref] and [this][two].\n\n[ref]: ../insights/{new_name}\n"
                                f'  [two]: <../insights/other.md> "Other"\n'
                                f'[three]: ../insights/{new_name}#what-we-heard "The bit"\n')  # fmt: skip


def test_mv_refuses_empty_same_and_pages(pmops, kb: Path) -> None:
    ins = add(pmops, "Same title")
    commits = commit_count(kb)
    assert "the new title is empty" in pmops("mv", ins["id"], "  ", code=2).stderr
    assert "is already titled 'Same title'" in pmops("mv", ins["id"], "Same title").stdout
    (kb / "page.md").write_text("# A page\n")
    git(kb, "add", "page.md")
    git(kb, "commit", "-qm", "page")
    assert "is a page" in pmops("mv", "page.md", "New", code=2).stderr  # the wrong type: exit 2, as everywhere
    assert commit_count(kb) == commits + 1 and clean(kb)


def test_mv_to_a_title_another_document_has_warns_and_a_change_of_case_names_the_file_once(pmops, kb: Path) -> None:
    first, second = add(pmops, "Approvers live in Slack"), add(pmops, "Approvers want a digest")
    result = pmops("mv", second["id"], "approvers live in  Slack")
    assert result.stderr == (f"warning: insight {first['id']} is titled 'Approvers live in Slack' already: "
                             "the title now names both, so give the id to name either\n")  # fmt: skip
    assert "they share that title" in pmops("show", "Approvers live in Slack", code=1).stderr
    assert pmops("mv", second["id"], "Approvers want a digest").stderr == ""  # no other has it: nothing to warn of
    result = pmops("mv", second["id"], "Approvers Want A Digest")  # a change of case: the same file name
    path = json.loads(pmops("show", second["id"], "--json").stdout)["path"]
    assert result.stderr == ""
    assert result.stdout.startswith(f"Renamed insight {second['id']}: now titled 'Approvers Want A Digest' → {path} (")
    assert result.stdout.count(path) == 1
    opp = json.loads(pmops("opportunity", "add", "Approvals on the go", "--area", "approvals", "--json").stdout)
    other = json.loads(pmops("opportunity", "add", "Card limits", "--area", "approvals", "--json").stdout)
    said = pmops("mv", other["id"], "Approvals on the go").stderr  # as opportunity add warns of one
    assert said.startswith(f"warning: opportunity {opp['id']} is titled 'Approvals on the go' already: one problem")
    assert clean(kb)


def test_mv_of_a_tool_renames_by_its_name_field(pmops, kb: Path) -> None:
    tool = json.loads(pmops("tool", "add", "Dovetial", "--category", "research", "--json").stdout)
    out = json.loads(pmops("mv", tool["id"], "Dovetail", "--json").stdout)
    assert (
        out["path"].endswith("-dovetail.md")
        and json.loads(pmops("show", tool["id"], "--json").stdout)["name"] == "Dovetail"
    )


def test_set_resolves_references_as_create_does(pmops, kb: Path) -> None:
    ins = add(pmops, "Cited later")
    dec = add(pmops, "Decide", kind="decision")
    pmops("set", dec["id"], f"evidence={ins['id'][:12]}")
    assert json.loads(pmops("show", dec["id"], "--json").stdout)["evidence"] == [ins["id"]]
    commits = commit_count(kb)
    assert (
        "error: evidence: no insight with the id or title"
        in pmops("set", dec["id"], "evidence=ins-000000-none", code=1).stderr
    )
    assert "not an insight" in pmops("set", dec["id"], f"evidence={dec['id']}", code=2).stderr
    assert commit_count(kb) == commits and clean(kb)


def test_mv_refuses_a_name_another_document_of_a_unique_type_has(pmops, kb: Path) -> None:
    pmops("tool", "add", "Figma", "--category", "design")
    other = json.loads(pmops("tool", "add", "Miro", "--category", "collaboration", "--json").stdout)
    commits = commit_count(kb)
    assert "is already named 'Figma'" in pmops("mv", other["id"], "Figma", code=1).stderr
    assert commit_count(kb) == commits and clean(kb)


def test_rm_of_a_document_never_committed_removes_it_without_a_commit(pmops, kb: Path) -> None:
    ins = json.loads(
        pmops("insight", "add", "--title", "Draft only", "--source", "survey", "--no-commit", "--json").stdout
    )
    commits = commit_count(kb)
    out = json.loads(pmops("rm", ins["id"], "--json").stdout)
    assert out["commit"] is None and not (kb / ins["path"]).exists()
    assert commit_count(kb) == commits and clean(kb)


def test_every_command_that_moves_a_document_to_a_state_says_so_in_json(pmops, example_kb: Path) -> None:
    """--json of accept, supersede, review, tick and done: the document, the commit, and whether it was
    already so (then no commit and nothing written)."""

    def state(*args: str) -> dict:
        return json.loads(pmops(*args, "--json").stdout)

    proposed = state("decision", "list", "--status", "proposed")[0]["id"]
    accepted = state("decision", "accept", proposed)
    assert (accepted["id"], accepted["action"], accepted["status"], accepted["already"]) == (
        proposed, "accept", "accepted", False)  # fmt: skip
    assert accepted["commit"] == git(example_kb, "rev-parse", "HEAD").strip()
    again = state("decision", "accept", proposed)
    assert (again["commit"], again["already"]) == (None, True)
    newer = state("decision", "add", "--title", "Replace it", "--status", "accepted")["id"]
    superseded = state("decision", "supersede", proposed, "--by", newer)
    assert (superseded["id"], superseded["by"], superseded["already"]) == (proposed, newer, False)
    assert state("decision", "supersede", proposed, "--by", newer)["already"] is True
    reviewed = state("process", "review", "Monthly prioritization", "--today", "2026-12-02")
    assert (reviewed["reviewed"], reviewed["next_review"], reviewed["already"]) == ("2026-12-02", "2027-03-02", False)
    run = state("checklist", "status")[0]["id"]
    ticked = state("checklist", "tick", run, "6")
    assert (ticked["id"], ticked["action"], ticked["item"], ticked["already"]) == (run, "tick", 6, False)
    assert state("checklist", "tick", run, "6")["already"] is True
    done = state("onboard", "done", "Ben Carter", "D30-1", "--today", "2026-12-02")
    assert (done["step"], done["done_on"], done["already"], done["commit"] is not None) == (
        "D30-1", "2026-12-02", False, True)  # fmt: skip
    before = commit_count(example_kb)
    assert state("onboard", "done", "Ben Carter", "D30-1")["already"] is True
    assert commit_count(example_kb) == before


# -- the user's own edits, not committed --------------------------------------------------


def _state(kb: Path) -> tuple[int, str, str]:
    return commit_count(kb), git(kb, "status", "--porcelain"), git(kb, "diff", "HEAD")


@pytest.mark.parametrize("staged", [False, True])
@pytest.mark.parametrize(
    "command",
    [
        ["set", "{id}", "confidence=low"],
        ["archive", "{id}"],
        ["mv", "{id}", "A new title"],
        ["rm", "{id}"],
        ["rm", "{id}", "--force"],
        ["decision", "accept", "{id}"],
    ],
)
def test_a_write_to_a_file_with_the_users_own_uncommitted_edits_is_refused(
    pmops, kb: Path, command: list[str], staged: bool
) -> None:
    doc = add(pmops, "Ship the export", kind="decision" if command[0] == "decision" else "insight")
    path = kb / doc["path"]
    path.write_text(path.read_text() + "My unsaved paragraph.\n")
    if staged:
        git(kb, "add", doc["path"])
    before, state = path.read_bytes(), _state(kb)
    result = pmops(*[word.format(id=doc["id"]) for word in command], code=1)
    lose = command[0] == "rm"
    assert result.stderr.splitlines() == [
        f"error: {doc['path']} has changes of yours not committed: "
        + ("removing it would lose them" if lose else "pmops commits only what it writes")
        + "; nothing was written",
        f"hint: commit them, or stash them (git stash push -- {doc['path']}), then run this again",
    ]
    assert path.read_bytes() == before and _state(kb) == state
    git(kb, "commit", "-qm", "mine", "--", doc["path"])  # committed, the same command goes through
    pmops(*[word.format(id=doc["id"]) for word in command])
    assert clean(kb) and "+My unsaved paragraph." not in git(kb, "show", "HEAD")


def test_mv_is_refused_when_a_file_whose_links_it_rewrites_has_uncommitted_edits(pmops, kb: Path) -> None:
    target = add(pmops, "Export is hidden")
    linker = add(pmops, "Second", "--body", f"See [it](./{Path(target['path']).name}).\n")
    path = kb / linker["path"]
    path.write_text(path.read_text() + "A draft paragraph.\n")
    state = _state(kb)
    result = pmops("mv", target["id"], "Export is very hidden", code=1)
    assert result.stderr.startswith(f"error: {linker['path']} has changes of yours not committed")
    assert _state(kb) == state and (kb / target["path"]).exists()


def test_no_commit_keeps_the_users_edits_in_a_changed_file_but_never_removes_them(pmops, kb: Path) -> None:
    ins = add(pmops, "Digest ignored")
    path = kb / ins["path"]
    path.write_text(path.read_text() + "Mine.\n")
    commits = commit_count(kb)
    pmops("set", ins["id"], "confidence=low", "--no-commit")
    assert "confidence: low" in path.read_text() and path.read_text().endswith("Mine.\n")
    assert commit_count(kb) == commits
    pmops("rm", ins["id"], "--no-commit", code=1)
    assert path.exists()


def test_a_metrics_values_move_with_it_go_with_it_and_are_flagged_when_left_behind(pmops, example_kb: Path) -> None:
    kb = example_kb
    old = kb / "metrics" / "met-261126-pgw3-median-time-to-approval.csv"
    values = old.read_bytes()
    shown = pmops("metric", "show", "met-261126-pgw3", "--json").stdout
    commits = commit_count(kb)
    result = pmops("mv", "met-261126-pgw3", "Median hours to approval")
    new = kb / "metrics" / "met-261126-pgw3-median-hours-to-approval.csv"
    assert not old.exists() and new.read_bytes() == values
    assert "moved with it: metrics/met-261126-pgw3-median-time-to-approval.csv" in " ".join(result.stderr.split())
    assert commit_count(kb) == commits + 1 and clean(kb)
    assert sorted(git(kb, "show", "--no-renames", "--name-only", "--format=", "HEAD").split()) == [
        "metrics/met-261126-pgw3-median-hours-to-approval.csv",
        "metrics/met-261126-pgw3-median-hours-to-approval.md",
        "metrics/met-261126-pgw3-median-time-to-approval.csv",
        "metrics/met-261126-pgw3-median-time-to-approval.md",
    ]
    after = json.loads(pmops("metric", "show", "met-261126-pgw3", "--json").stdout)
    assert len(after["values"]) == 53 and after["values"] == json.loads(shown)["values"]
    assert after["latest"] == json.loads(shown)["latest"] and after["trend"] == json.loads(shown)["trend"]
    # Renamed by hand, without its values: lint says where they belong.
    git(kb, "mv", "metrics/met-261126-pgw3-median-hours-to-approval.md", "metrics/met-261126-pgw3-by-hand.md")
    git(kb, "commit", "-qm", "by hand")
    findings = [f for f in json.loads(pmops("lint", "metrics", "--json").stdout) if f["rule"] != "metric-stale"]
    assert [(f["path"], f["rule"], f["severity"]) for f in findings] == [
        ("metrics/met-261126-pgw3-median-hours-to-approval.csv", "values-orphaned", "warning")
    ]
    assert findings[0]["hint"].startswith(
        "git mv metrics/met-261126-pgw3-median-hours-to-approval.csv metrics/met-261126-pgw3-by-hand.csv"
    )
    git(kb, "mv", "metrics/met-261126-pgw3-median-hours-to-approval.csv", "metrics/met-261126-pgw3-by-hand.csv")
    git(kb, "commit", "-qm", "values too")
    pmops("rm", "met-261126-pgw3", "--force")
    assert not list((kb / "metrics").glob("met-261126-pgw3*")) and clean(kb)
    assert sorted(git(kb, "show", "--no-renames", "--name-only", "--format=", "HEAD").split()) == [
        "metrics/met-261126-pgw3-by-hand.csv",
        "metrics/met-261126-pgw3-by-hand.md",
    ]


def test_a_customer_insights_name_keeps_them_when_renamed_and_rm_is_refused_while_they_do(
    pmops, example_kb: Path
) -> None:
    kb = example_kb
    insights = lambda name: [  # noqa: E731
        i["id"] for i in json.loads(pmops("insight", "list", "--customer", name, "--json").stdout)
    ]
    naming = insights("Verde Foods")
    assert len(naming) == 2
    evidence = lambda: next(  # noqa: E731
        line for line in pmops("opportunity", "show", "opp-261202-04kv").stdout.splitlines() if "Evidence" in line
    )
    reach = evidence()
    commits = commit_count(kb)
    result = pmops("mv", "cus-261126-10dq", "Verde Group")
    assert "'Verde Foods' kept as an alias" in " ".join(result.stderr.split())
    assert commit_count(kb) == commits + 1 and clean(kb)
    assert git(kb, "show", "--name-only", "--format=", "HEAD").split() == ["customers/cus-261126-10dq-verde-group.md"]
    shown = json.loads(pmops("show", "cus-261126-10dq", "--json").stdout)
    assert shown["name"] == "Verde Group" and shown["aliases"] == ["Verde Foods"]
    assert insights("Verde Group") == naming
    assert evidence() == reach and "ARR" in reach
    assert "customer-unknown" not in pmops("lint", "--json", code=None).stdout
    # Back to its first name: that is no alias any more, the other one is.
    pmops("mv", "cus-261126-10dq", "Verde Foods")
    assert json.loads(pmops("show", "cus-261126-10dq", "--json").stdout)["aliases"] == ["Verde Group"]
    # Removing it while insights name it is refused, as for a linked document.
    state = commit_count(kb)
    refused = pmops("rm", "cus-261126-10dq", code=1)
    assert refused.stderr.startswith("error: cus-261126-10dq is linked from 2 documents: ")
    assert all(f"{i} (customer)" in refused.stderr for i in naming)
    assert commit_count(kb) == state and clean(kb)
    pmops("rm", "cus-261126-10dq", "--force")
    assert commit_count(kb) == state + 1


def test_a_step_done_before_its_plan_started_or_a_review_moved_back_is_refused(pmops, example_kb: Path) -> None:
    kb = example_kb
    state = _state(kb)
    early = pmops("onboard", "done", "Chloe Dubois", "W1-4", "--today", "2020-01-01", code=2)
    assert early.stderr.splitlines()[0] == (
        "error: --today: 2020-01-01 is before onb-260817-yc2h started (2026-08-17): a step is done once the plan runs"
    )
    back = pmops("process", "review", "prc-260105-ya68", "--today", "2026-11-01", code=2)
    assert back.stderr.splitlines()[0] == (
        "error: --today: 2026-11-01 is before its last review (2026-11-16): a review never moves back"
    )
    assert pmops("process", "review", "prc-260105-ya68", "--today", "2020-01-01", code=2).stderr.startswith(
        "error: --today: 2020-01-01 is before prc-260105-ya68 was written (2026-01-05)"
    )
    assert _state(kb) == state
    pmops("onboard", "done", "Chloe Dubois", "W1-4", "--today", "2026-08-20")
    pmops("process", "review", "prc-260105-ya68", "--today", "2026-11-20")
    assert commit_count(kb) == state[0] + 2 and clean(kb)


def test_a_tools_cost_is_never_negative(pmops, example_kb: Path) -> None:
    state = _state(example_kb)
    added = pmops("tool", "add", "Negtool", "--category", "design", "--cost", "-5", code=2)
    assert added.stderr.splitlines()[0] == "error: --cost: '-5' is negative: an amount of money here is never below 0"
    assert pmops("set", "tol-261126-0db8", "cost=-5", code=2).stderr.splitlines()[0] == (
        "error: cost: '-5' is negative: an amount of money here is never below 0"
    )
    assert _state(example_kb) == state
    pmops("set", "tol-261126-0db8", "cost=0")


@pytest.mark.parametrize("written", ["24k", "$24,000", "24 000", "24000", "24,000.00"])
def test_a_tools_cost_is_read_by_set_as_tool_add_reads_it(pmops, example_kb: Path, written: str) -> None:
    """One parser for amounts (pmops.amounts): what `tool add --cost` takes, `set cost=` and `new tool cost=`
    take, stored as the number; what it refuses, both refuse with the same one line."""
    added = json.loads(pmops("tool", "add", "Zeplin", "--category", "design", "--cost", written, "--json").stdout)
    assert json.loads(pmops("show", added["id"], "--json").stdout)["cost"] == 24000
    pmops("set", "tol-261126-0db8", f"cost={written}")
    assert json.loads(pmops("show", "tol-261126-0db8", "--json").stdout)["cost"] == 24000
    assert (
        "cost: 24000"
        in (example_kb / json.loads(pmops("show", "tol-261126-0db8", "--json").stdout)["path"]).read_text()
    )
    flag = pmops("tool", "add", "Other", "--category", "design", "--cost", "24 grand", code=2).stderr
    field = pmops("set", "tol-261126-0db8", "cost=24 grand", code=2).stderr
    assert flag.replace("--cost", "cost") == field and len(field.splitlines()) == 1


def test_a_name_given_twice_is_kept_once_and_a_document_never_refers_to_itself(pmops, example_kb: Path) -> None:
    pmops("set", "dec-261126-whps", "deciders=Ada Brooks, Theo Park, ada  brooks")
    assert json.loads(pmops("show", "dec-261126-whps", "--json").stdout)["deciders"] == ["Ada Brooks", "Theo Park"]
    before = commit_count(example_kb)
    said = pmops("set", "ins-260407", "links=ins-260407", code=2).stderr
    assert said == "error: links: ins-260407-wszq is this insight itself: a document does not refer to itself\n"
    assert commit_count(example_kb) == before and clean(example_kb)


def test_a_page_is_the_wrong_type_for_set_archive_and_mv_exit_2_as_everywhere(pmops, example_kb: Path) -> None:
    page = sorted(p.relative_to(example_kb).as_posix() for p in (example_kb / "handbook").glob("*.md"))[0]
    before = commit_count(example_kb)
    for args in (("set", page, "owner=Ada Brooks"), ("archive", page), ("mv", page, "A new title")):
        said = pmops(*args, code=2).stderr
        assert said.startswith(f"error: {page} is a page, not a pmops document; pmops does not "), args
    assert "is an insight, not a decision" in pmops("decision", "accept", "ins-260407", code=2).stderr
    assert commit_count(example_kb) == before and clean(example_kb)


@pytest.mark.parametrize(
    ("ref", "assignment", "command"),
    [
        ("dec-261124-p4lg", "status=accepted", "pmops decision accept dec-261124-p4lg"),
        ("dec-261124-p4lg", "status=Rejected", "pmops decision reject dec-261124-p4lg"),
        ("dec-261126-0mq9", "status=superseded", "pmops decision supersede dec-261126-0mq9 NEW"),
        ("dec-261126-0mq9", "superseded_by=dec-261124-p4lg", "pmops decision supersede dec-261126-0mq9 NEW"),
        ("dec-261124-p4lg", "supersedes=dec-261126-0mq9", "pmops decision supersede OLD dec-261124-p4lg"),
        ("Theo Park", "status=left", "pmops person leave per-261126-10bf --date"),
        ("onb-261116-rj33", "status=complete", "pmops onboard done PERSON STEP"),
    ],
)
def test_set_refuses_a_lifecycle_change_and_names_the_command_that_checks_it(
    pmops, example_kb: Path, ref: str, assignment: str, command: str
) -> None:
    """A decision accepted, rejected or superseded, a person who left, a plan completed: each has a
    command with its own checks (DocType.lifecycle); `set` is exit 2 naming it, and writes nothing."""
    commits = commit_count(example_kb)
    refused = pmops("set", ref, assignment, code=2)
    assert "changes through its lifecycle" in refused.stderr and f"hint: {command}" in refused.stderr
    assert len(refused.stderr.splitlines()) == 2 and commit_count(example_kb) == commits and clean(example_kb)


def test_archive_keeps_the_status_it_had_and_set_status_nothing_restores_it(pmops, example_kb: Path) -> None:
    rejected = "decisions/dec-261126-hebs-build-dark-mode-this-year.md"
    pmops("archive", "dec-261126-hebs")
    assert "\narchived_from: rejected\n" in (example_kb / rejected).read_text()
    refused = pmops("set", "dec-261126-hebs", "status=active", code=2).stderr.splitlines()
    assert refused[1] == "hint: pmops set dec-261126-hebs status= brings it back as it was (rejected)"
    pmops("set", "dec-261126-hebs", "status=")  # as the hint says: rejected again, not proposed
    assert json.loads(pmops("show", "dec-261126-hebs", "--json").stdout)["status"] == "rejected"
    assert "archived_from" not in (example_kb / rejected).read_text()
    for name, status in (("Looker", "adopted"), ("Theo Park", "active")):  # a tool, a person: never left with none
        pmops("archive", name)
        pmops("set", name, "status=")
        assert json.loads(pmops("show", name, "--json").stdout)["status"] == status
    assert "Looker" in pmops("tool", "list", "--status", "adopted", "--format", "csv", "--columns", "name").stdout
    pmops("set", "Looker", "status=archived")  # archived through set: kept as archive keeps it
    pmops("set", "Looker", "status=retired")  # another status brings it back with that one
    assert "archived_from" not in pmops("show", "Looker", "--json").stdout
    assert clean(example_kb)


def test_a_file_archived_before_the_status_was_kept_is_never_left_without_one(pmops, example_kb: Path) -> None:
    tool = example_kb / "tools/tol-261126-ajqg-looker.md"
    tool.write_text(tool.read_text().replace("status: adopted", "status: archived"))
    git(example_kb, "commit", "-qam", "archived by hand")
    commits = commit_count(example_kb)
    said = pmops("set", "Looker", "status=", code=2).stderr.splitlines()
    assert said == ["error: status=: tol-261126-ajqg was archived before pmops kept the status it had, so it "
                    "cannot be restored", "hint: pmops set tol-261126-ajqg status=evaluating brings it back (or "
                    "adopted or retired); git log -p -- tools/tol-261126-ajqg-looker.md shows what it was"]  # fmt: skip
    assert commit_count(example_kb) == commits and "status: archived" in tool.read_text()
    decision = next((example_kb / "decisions").glob("dec-261124-p4lg*.md"))
    decision.write_text(decision.read_text().replace("status: proposed\n", ""))
    found = pmops("lint", "decisions/", code=1).stdout
    assert "missing required field 'status'" in found


def test_set_keeps_what_no_lifecycle_command_does_and_brings_an_archived_decision_back(pmops, example_kb: Path) -> None:
    pmops("set", "dec-261126-0mq9", "status=deprecated")  # no command deprecates: set does
    assert "pmops decision accept" in pmops("set", "dec-261126-0mq9", "status=accepted", code=2).stderr
    pmops("set", "dec-261124-p4lg", "status=proposed")  # the status it has: nothing to check, nothing written
    pmops("archive", "dec-261126-0mq9")
    pmops("set", "dec-261126-0mq9", "status=accepted")  # archived: brought back with the status it had
    assert json.loads(pmops("show", "dec-261126-0mq9", "--json").stdout)["status"] == "accepted"
    assert clean(example_kb)
