"""`pmops mcp`: the KB as an MCP server, started as a subprocess and driven by the SDK's own stdio client."""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PMOPS, commit_count, git

if os.environ.get("PMOPS_REQUIRE_MCP"):  # CI (.ci/run, make test) installs the extra: no SDK fails, never skips
    import mcp  # noqa: F401
else:
    pytest.importorskip("mcp", reason="needs the optional extra mcp (the SDK): pip install -e '.[test,mcp]'")

import anyio
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, PaginatedRequestParams

READS = {"search", "show", "list", "themes", "evidence", "report_summary"}
QUOTE = "We'd delete it tomorrow if you shipped this"  # ins-260203-dc9k's quote
DECISION = "dec-261126-0mq9"  # Approve and reject from Slack: cites ins-260203-dc9k, ins-260114-57h6, ins-260518-rsb3


def session(kb: Path, *extra: str, then: Callable[[ClientSession], Awaitable[None]], log: Path | None = None) -> None:
    """Start `pmops mcp --kb KB` (with `extra`) from another folder, as a client does, and run `then` on it;
    the server's stderr goes to `log`."""
    env = {
        k: os.environ[k] for k in ("HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM", "NO_COLOR")
    }
    params = StdioServerParameters(command=PMOPS, args=["mcp", "--kb", str(kb), *extra], env=env, cwd=kb.parent)

    async def run() -> None:
        with open(log or os.devnull, "w") as errlog:
            async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as client:
                await client.initialize()
                await then(client)

    anyio.run(run)


async def call(client: ClientSession, tool: str, **arguments: Any) -> Any:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content[0].text
    return json.loads(result.content[0].text)


async def refused(client: ClientSession, tool: str, **arguments: Any) -> str:
    result = await client.call_tool(tool, arguments)
    assert result.is_error
    return result.content[0].text


def cli_error(pmops, *args: str, code: int) -> str:
    """What the CLI prints on stderr for the same mistake."""
    return pmops(*args, code=code).stderr.strip()


@pytest.mark.heavy
def test_an_assistant_searches_shows_and_reads_the_example_kb(example_kb: Path, pmops) -> None:
    # Personal data in what a document says: every answer redacts it, as the report does.
    pmops("insight", "add", "--title", "Call back about Slack approvals", "--source", "interview", "--keep-pii",
          "--quote", "Write to jane.doe@example.com or call +44 20 7946 0958", "--tag", "approvals")  # fmt: skip
    (example_kb.parent / "outside.md").write_text("# Outside\nnot part of the KB\n")
    (example_kb / ".private").mkdir()
    (example_kb / ".private" / "notes.md").write_text("# Private\nhidden from pmops\n")
    (example_kb / ".git" / "info" / "exclude").write_text(".private/\n")
    commits = commit_count(example_kb)
    not_found = cli_error(pmops, "show", "no-such-thing", code=1)
    seen: dict[str, Any] = {}

    async def then(client: ClientSession) -> None:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert set(tools) == READS  # no write tool without --allow-writes
        assert all(t.annotations.read_only_hint for t in tools.values())

        found = await call(client, "search", query=f'"{QUOTE}"')
        assert [r["id"] for r in found["results"]] == ["ins-260203-dc9k"]
        hit = found["results"][0]
        assert set(hit) >= {"id", "type", "title", "date", "snippet", "path"} and hit["type"] == "insight"
        assert (await call(client, "search", query="slack", type="decision", limit=2))["results"][0][
            "type"
        ] == "decision"

        shown = await call(client, "show", ref=DECISION)
        assert shown["title"] == "Approve and reject from Slack" and "## Context" in shown["body"]
        assert shown["evidence_summary"]["count"] == 3
        assert {"outgoing", "backlinks"} <= set(shown["links"])
        evidence = await call(client, "evidence", ref="Approve and reject from Slack")
        quotes = {i["id"]: i["quote"] for i in evidence["insights"]}
        assert set(quotes) == {"ins-260203-dc9k", "ins-260114-57h6", "ins-260518-rsb3"}
        assert QUOTE in quotes["ins-260203-dc9k"]
        assert "is an insight; evidence is cited by decision" in await refused(
            client, "evidence", ref="ins-260203-dc9k"
        )

        listed = await call(client, "list", type="insight", filters={"segment": "enterprise"}, limit=3)
        assert len(listed["documents"]) == 3 and listed["total"] > 3
        assert all(d["segment"] == "enterprise" for d in listed["documents"])
        assert (await refused(client, "list", type="insight", filters={"source": "pigeon"})).startswith(
            "error: --source must be interview, survey,"
        )
        assert (await refused(client, "search", query="approvals", limit=0)).startswith(
            "error: limit: input should be greater than or equal to 1"
        )
        themes = await call(client, "themes")
        assert any(t["theme"] == "approvals" for t in themes["themes"])
        assert (await call(client, "report_summary"))["sections"]["Research"]

        # Personal data: redacted in the search, the document and the resource.
        mine = (await call(client, "search", query="call back slack approvals"))["results"][0]
        pii = await call(client, "show", ref=mine["id"])
        assert "[email redacted]" in pii["quote"] and "[phone redacted]" in pii["quote"]
        resource = (await client.read_resource(f"pmops://{mine['id']}")).contents[0].text
        for text in (json.dumps(pii), resource, json.dumps(await call(client, "search", query="jane.doe"))):
            assert "jane.doe@example.com" not in text and "7946 0958" not in text

        # Resources: every document, the taxonomy, the processes.
        uris = {str(r.uri) for r in (await client.list_resources()).resources}
        assert {
            f"pmops://{DECISION}",
            "pmops://taxonomy",
            "pmops://processes",
            "pmops://handbook/interview-tips.md",
        } <= uris
        text = (await client.read_resource(f"pmops://{DECISION}")).contents[0].text
        assert text.startswith("---\nid: dec-261126-0mq9\n")
        taxonomy = json.loads((await client.read_resource("pmops://taxonomy")).contents[0].text)
        assert {"tag": "approvals", "facet": "theme"}.items() <= next(
            t for t in taxonomy["tags"] if t["tag"] == "approvals"
        ).items()
        assert any(
            p["id"].startswith("prc-")
            for p in json.loads((await client.read_resource("pmops://processes")).contents[0].text)
        )
        with pytest.raises(MCPError) as missing:
            await client.read_resource("pmops://no-such-thing")
        seen["missing"] = missing.value.error

        # Nothing outside the KB, nothing hidden or under templates/.
        assert "is not a document of the knowledge base" in await refused(client, "show", ref=".private/notes.md")
        assert (await refused(client, "show", ref="../outside.md")).startswith("error: no document")
        with pytest.raises(MCPError):
            await client.read_resource("pmops://../outside.md")
        seen["not_found"] = await refused(client, "show", ref="no-such-thing")

        # Prompts fetch the evidence and ask for cited ids.
        prompts = {p.name for p in (await client.list_prompts()).prompts}
        assert prompts == {"synthesise_evidence", "roadmap_review_preread"}
        synthesis = (await client.get_prompt("synthesise_evidence", {"theme": "approvals"})).messages[0].content.text
        assert "[ins-260203-dc9k]" in synthesis and "Cite every claim" in synthesis and DECISION in synthesis
        preread = (await client.get_prompt("roadmap_review_preread", {"area": "approvals"})).messages[0].content.text
        assert f"[{DECISION}]" in preread and "prc-260119-qda7" in preread
        with pytest.raises(MCPError) as unknown_area:
            await client.get_prompt("roadmap_review_preread", {"area": "nowhere"})
        assert "area must be billing, onboarding" in unknown_area.value.error.message

        # Writes are refused, and say how to allow them.
        assert "this server is read-only" in await refused(client, "add_insight", title="T", source="interview")

    session(example_kb, then=then)
    # The same one-line message as the CLI's, here as an MCP error (message, and the hint in its data).
    assert seen["not_found"] == not_found
    assert seen["missing"].message == not_found.splitlines()[0].removeprefix("error: ")
    assert seen["missing"].data["exit_code"] == 1
    assert commit_count(example_kb) == commits and not git(example_kb, "status", "--porcelain")


def test_with_allow_writes_an_insight_is_added_committed_and_found(example_kb: Path, pmops) -> None:
    commits = commit_count(example_kb)
    unknown_tag = cli_error(pmops, "insight", "add", "--title", "Bulk approvals", "--source", "interview",
                            "--tag", "aprovals", code=2)  # fmt: skip
    answers: dict[str, Any] = {}

    async def then(client: ClientSession) -> None:
        assert {"add_insight", "add_decision"} <= {t.name for t in (await client.list_tools()).tools}
        # Refused with the CLI's message, and nothing written.
        answers["tag"] = await refused(
            client, "add_insight", title="Bulk approvals", source="interview", tags=["aprovals"]
        )
        answers["card"] = await refused(client, "add_insight", title="Card on file", source="support-ticket",
                                        quote="my card is 4111 1111 1111 1111, charge it")  # fmt: skip
        answers["decision_card"] = await refused(client, "add_decision", title="Refunds by card",
                                                 consequences="Refund 4111 1111 1111 1111 at once")  # fmt: skip
        answers["commits_after_refusals"] = commit_count(example_kb)

        added = await call(client, "add_insight", title="Approvers want to approve in bulk", source="interview",
                           quote="Friday afternoons I approve forty reports one by one", segment="enterprise",
                           area="approvals", tags=["approvals"], date="2026-11-30")  # fmt: skip
        answers["added"] = added
        found = await call(client, "search", query='"forty reports one by one"')
        assert [r["id"] for r in found["results"]] == [added["id"]]

        decided = await call(client, "add_decision", title="Bulk approval on the web", evidence=[added["id"]],
                             area="approvals", context="Approvers clear queues weekly; ask ana@example.com",
                             options=["Bulk", "Digest"])  # fmt: skip
        assert any("email address redacted" in n for n in decided["notes"]), decided
        evidence = await call(client, "evidence", ref=decided["id"])
        assert [i["id"] for i in evidence["insights"]] == [added["id"]]
        answers["decided"] = decided

    session(example_kb, "--allow-writes", then=then)
    assert answers["tag"] == unknown_tag
    assert answers["card"].startswith("error: quote: contains a payment card number (**** **** **** 1111)")
    assert answers["decision_card"].startswith("error: consequences: contains a payment card number")
    written = (example_kb / answers["decided"]["path"]).read_text()
    assert "ana@example.com" not in written and "Approvers clear queues weekly" in written
    assert answers["commits_after_refusals"] == commits
    added, decided = answers["added"], answers["decided"]
    assert added["commit"] == git(example_kb, "rev-parse", "HEAD~1").strip()
    assert decided["commit"] == git(example_kb, "rev-parse", "HEAD").strip()
    assert added["id"] in git(example_kb, "log", "-1", "--format=%s", "HEAD~1")
    assert commit_count(example_kb) == commits + 2 and not git(example_kb, "status", "--porcelain")
    assert added["id"] in [hit["id"] for hit in json.loads(pmops("search", "forty reports", "--json").stdout)]


def test_a_kb_that_cannot_be_found_is_one_line_before_any_mcp(tmp_path: Path, pmops) -> None:
    result = pmops("mcp", "--kb", str(tmp_path / "nowhere"), code=2)
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) <= 2


def test_mistakes_are_the_clis_one_line_messages_as_mcp_errors(example_kb: Path, pmops, tmp_path: Path) -> None:
    """Prompts, resources and messages: an MCP error (invalid params) with the CLI's one line and its hint, no
    traceback in the server's log; a ref named once; a query's ignored words said as pmops search says them."""
    outside = cli_error(pmops, "show", "../x", code=1).splitlines()[0].removeprefix("error: ")
    not_an_id = cli_error(pmops, "show", "ins-260203-dc9x", code=1).splitlines()
    ignored = pmops("search", "slack NOT").stderr.splitlines()[0]
    wrong_type = cli_error(pmops, "person", "show", DECISION, code=2)
    seen: dict[str, Any] = {}

    async def error(request: Awaitable[Any]) -> Any:
        with pytest.raises(MCPError) as caught:
            await request
        assert caught.value.error.code == INVALID_PARAMS, caught.value.error
        assert "\n" not in caught.value.error.message
        return caught.value.error

    async def then(client: ClientSession) -> None:
        missing = await error(client.get_prompt("synthesise_evidence", {}))
        assert missing.message == "synthesise_evidence needs the argument 'theme'"
        assert missing.data["hint"] == "A tag of the taxonomy, e.g. approvals." and missing.data["exit_code"] == 2
        unknown = await error(client.get_prompt("synthesise_evidence", {"theme": "approvals", "area": "mobile"}))
        assert unknown.message == "synthesise_evidence has no argument 'area'"
        assert (await error(client.get_prompt("synthesise_evidence ", {}))).message.startswith("no prompt ")
        theme = await error(client.get_prompt("synthesise_evidence", {"theme": "aprovals"}))
        assert "no tag 'aprovals'" in theme.message
        area = await error(client.get_prompt("roadmap_review_preread", {"area": "nowhere"}))
        assert area.message.startswith("--area must be billing, onboarding")

        for uri in ("pmops://../x", "pmops://handbook/../../x"):
            seen[uri] = await error(client.read_resource(uri))
        seen["not_an_id"] = await error(client.read_resource("pmops://ins-260203-dc9x"))
        seen["prefix"] = (await client.read_resource("pmops://ins-260203-dc9")).contents[0].text
        seen["evidence"] = await refused(client, "evidence", ref="ins-260203-dc9k")
        seen["show"] = await refused(client, "list", type="insight", filters={"source": "pigeon"})
        seen["search"] = await call(client, "search", query="slack NOT")

    log = tmp_path / "server.log"
    session(example_kb, then=then, log=log)
    assert "Traceback" not in log.read_text() and "raised" not in log.read_text(), log.read_text()
    assert seen["pmops://../x"].message == outside
    assert seen["pmops://handbook/../../x"].message == "no document with the id or title 'handbook/../../x'"
    assert seen["not_an_id"].message == not_an_id[0].removeprefix("error: ")
    assert seen["not_an_id"].data["hint"] == not_an_id[1].removeprefix("hint: ")
    assert "id: ins-260203-dc9k" in seen["prefix"]  # a unique prefix is found, as by pmops show
    assert seen["evidence"] == "error: ins-260203-dc9k is an insight; evidence is cited by decision or opportunity"
    assert wrong_type.startswith(f"error: {DECISION} is a decision, not a person")
    assert seen["search"]["note"] == ignored == "common words left out of the search: NOT"
    assert seen["search"]["ignored"] == ["NOT"] and seen["search"]["results"]


def test_resources_are_listed_a_page_at_a_time(kb: Path, pmops) -> None:
    """A KB of more documents than a page: resources/list gives them all, a page at a time, with the SDK's cursors."""
    from pmops.assistants.server import RESOURCES_PAGE

    count = RESOURCES_PAGE + 30
    for i in range(count):
        (kb / "insights" / f"ins-261201-{i:04d}.md").write_text(
            f"---\nid: ins-261201-{i:04d}\ntitle: Insight {i}\ndate: 2026-12-01\nsource: interview\n---\n\nNotes.\n"
        )
    git(kb, "add", "-A")
    git(kb, "commit", "-qm", "many insights")
    pages: list[list[str]] = []

    async def then(client: ClientSession) -> None:
        cursor = None
        while True:
            page = await client.list_resources(params=PaginatedRequestParams(cursor=cursor))
            pages.append([str(r.uri) for r in page.resources])
            cursor = page.next_cursor
            if cursor is None:
                break
        with pytest.raises(MCPError) as bad:
            await client.list_resources(params=PaginatedRequestParams(cursor="not-a-cursor!"))
        assert bad.value.error.code == INVALID_PARAMS and bad.value.error.message == "cursor: not one this server gave"

    session(kb, then=then)
    uris = [u for page in pages for u in page]
    assert [len(p) for p in pages] == [RESOURCES_PAGE, len(uris) - RESOURCES_PAGE]
    assert uris[:2] == ["pmops://taxonomy", "pmops://processes"]  # then every document once, by id
    assert len(set(uris)) == len(uris) and uris[2:] == sorted(uris[2:])
    assert {f"pmops://ins-261201-{i:04d}" for i in range(count)} <= set(uris)


def test_personal_data_never_leaks_through_messages_suggestions_or_cut_snippets(
    kb: Path, pmops, tmp_path: Path
) -> None:
    """What a new user found: a did-you-mean naming a title with an email, the index's words suggesting the
    part of an email before the @, a snippet cut inside an email or a phone number; a NUL in a ref, a tool
    that does not exist and a cursor never given are one-line errors, with nothing in the server's log."""
    filler = " ".join(["wibblequark"] + ["filler"] * 30)
    (kb / "insights" / "ins-261201-pii1.md").write_text(
        "---\nid: ins-261201-pii1\ntitle: Quux contact bob.smith@example.org wants callback\ndate: 2026-12-01\n"
        f"source: interview\n---\n\n{filler} carol.jones@example.net and then call +44 20 7946 0958 frobnicate.\n"
    )
    (kb / "insights" / "ins-261201-pii2.md").write_text(
        "---\nid: ins-261201-pii2\ntitle: Ask dana.lee@example.org\ndate: 2026-12-01\nsource: interview\n---\n"
    )
    git(kb, "add", "-A")
    git(kb, "commit", "-qm", "a document with personal data")
    seen: dict[str, Any] = {}

    async def then(client: ClientSession) -> None:
        seen["near"] = await refused(client, "show", ref="Quux contact")
        seen["prefix"] = await refused(client, "show", ref="ins-2612")
        seen["suggest"] = await call(client, "search", query="carol.jonas")
        seen["cut"] = await call(client, "search", query="wibblequark")
        seen["phone"] = await call(client, "search", query="frobnicate")
        seen["nul"] = await refused(client, "show", ref="ins\x00x")
        seen["tool"] = await refused(client, "serch", query="x")
        seen["type"] = await refused(client, "search", query="x", type="insigt")
        with pytest.raises(MCPError) as bad:
            await client.list_resources(params=PaginatedRequestParams(cursor="!!!"))
        seen["cursor"] = bad.value.error.message

    log = tmp_path / "server.log"
    session(kb, then=then, log=log)
    assert log.read_text() == ""
    everything = json.dumps(seen)
    for leak in ("bob.smith", "dana.lee", "carol.jones", "7946", "+44 20"):
        assert leak not in everything, (leak, seen)
    assert "[email redacted]" in seen["near"] and seen["suggest"]["did_you_mean"] is None
    snippets = [hit["snippet"] for key in ("cut", "phone") for hit in seen[key]["results"]]
    assert snippets and all("redacted]" in s or "@" not in s for s in snippets), snippets
    assert seen["nul"].startswith("error: 'ins\\x00x': an id or title holds no control characters")
    assert seen["tool"].splitlines()[0] == "error: no tool 'serch'; did you mean search?"
    assert seen["cursor"] == "cursor: not one this server gave"
    assert seen["type"].startswith("error: type: unknown document type 'insigt'"), seen["type"]
    assert "did you mean 'insight'?" in seen["type"]


def test_a_one_line_field_refuses_a_line_break(kb: Path, pmops) -> None:
    commits = commit_count(kb)
    error = pmops("insight", "add", "--title", "Line one\nLine two", "--source", "interview", code=2).stderr
    assert error.startswith("error: --title: holds a line break, and it is one line")
    assert commit_count(kb) == commits and not list((kb / "insights").glob("*.md"))
