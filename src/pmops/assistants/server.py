"""`pmops mcp`: the answers of pmops.assistants.answers as MCP tools, resources and prompts, over stdio.

Built on the `mcp` SDK's MCPServer, which this module imports (only `pmops mcp` imports it).
Every call opens the KB afresh (settings, taxonomy and documents as they are now: a long
session never answers from a stale copy); searches reuse the KB's search server as
`pmops search` does. Calls run one at a time. A library error is the CLI's: a tool answers
`is_error` with "error: MESSAGE" and "hint: HINT" (what `pmops` prints on stderr); a
resource or a prompt fails with an MCP error whose message is the CLI's and whose data holds
the hint and the exit code.

(Over 400 lines: every tool, resource and prompt is declared here with its schema and wording, as the
CLI's commands are in theirs; what they answer is pmops.assistants.answers.)
"""

import base64
import threading
import urllib.parse
from pathlib import Path
from typing import Annotated, Any

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.shared.exceptions import MCPError
from mcp_types import (
    INVALID_PARAMS,
    CallToolResult,
    ListResourcesResult,
    PaginatedRequestParams,
    TextContent,
    ToolAnnotations,
)
from mcp_types import Resource as MCPResource
from pydantic import Field

from pmops import __version__, pii
from pmops.assistants import answers
from pmops.doctypes import DECISION, INSIGHT
from pmops.errors import InvalidInput, NotFound, PmopsError
from pmops.kb import KnowledgeBase
from pmops.text import close_matches

WRITES = ("add_insight", "add_decision")
RESOURCES_PAGE = 200  # resources a page of resources/list
READ = ToolAnnotations(read_only_hint=True, open_world_hint=False)
WRITE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False)
INSTRUCTIONS = (
    "pmops: a product team's knowledge base (customer insights, decisions, processes, metrics, tools) "
    "as markdown in git. Search it before answering questions about customers, research or decisions, "
    "and cite the ids of the documents you use, e.g. [ins-260203-dc9k]. Personal data (emails, phone "
    "and card numbers) is redacted in every answer."
)


MESSAGE_CHARS = 300  # a message longer than this (a 5,000-character id echoed) is cut


def said(exc: PmopsError) -> tuple[str, str | None]:
    """An error's message and hint as an assistant is told them: what `pmops` prints, with personal
    data redacted (a did-you-mean names titles) and a very long one cut."""

    def clean(text: str) -> str:
        text = pii.redact(text)
        return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1] + "…"

    return clean(exc.message), clean(exc.hint) if exc.hint else None


def error_text(exc: PmopsError) -> str:
    """What `pmops` prints on stderr for this error: 'error: …' and, when there is one, 'hint: …'."""
    message, hint = said(exc)
    return f"error: {message}" + (f"\nhint: {hint}" if hint else "")


def _tool_error(exc: PmopsError) -> CallToolResult:
    message, hint = said(exc)
    return CallToolResult(
        content=[TextContent(type="text", text=error_text(exc))],
        structured_content={"error": message, "hint": hint, "exit_code": exc.exit_code},
        is_error=True,
    )


def _protocol_error(exc: PmopsError) -> MCPError:
    message, hint = said(exc)
    return MCPError(code=INVALID_PARAMS, message=message, data={"hint": hint, "exit_code": exc.exit_code})


def _os_error(exc: OSError) -> PmopsError:
    """An OSError as the CLI reports one (PmopsGroup.invoke)."""
    where = f"{exc.filename}: " if exc.filename else ""
    return PmopsError(f"{where}{exc.strerror or exc}", hint="nothing more was written; run with --debug for details")


def _wrong_arguments(exc: BaseException) -> PmopsError | None:
    """Arguments the SDK refused before pmops saw them (pydantic's validation), said in one line as
    the CLI says a bad value: the argument, then what is wrong with it."""
    cause: BaseException | None = exc
    while cause is not None and type(cause).__name__ != "ValidationError":
        cause = cause.__cause__ or cause.__context__
    if cause is None:
        return None
    errors = cause.errors()  # type: ignore[attr-defined]
    first = errors[0] if errors else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "arguments") or "arguments"
    message = str(first.get("msg") or "is not valid")
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return InvalidInput(f"{where}: {message[:1].lower()}{message[1:]}{more}", hint="see the tool's input schema")


class KBServer(MCPServer[Any]):
    """An MCPServer whose tools answer library errors as the CLI does, and refuse the write tools
    when the server is read-only (they are not listed then; a client calling one is told why)."""

    def __init__(self, root: Path, *, allow_writes: bool) -> None:
        super().__init__(
            "pmops", title="pmops knowledge base", version=__version__, instructions=INSTRUCTIONS,
            log_level="WARNING",
        )  # fmt: skip
        self.root = root
        self.allow_writes = allow_writes
        self._one_at_a_time = threading.Lock()

    def answer(self, question: Any, *args: Any, **kwargs: Any) -> Any:
        """One answer of pmops.assistants.answers, on a KB opened for it, one call at a time."""
        with self._one_at_a_time:
            try:
                return question(KnowledgeBase(self.root), *args, **kwargs)
            except OSError as exc:
                raise _os_error(exc) from exc

    def resource_answer(self, question: Any, *args: Any) -> Any:
        try:
            return self.answer(question, *args)
        except PmopsError as exc:
            raise _protocol_error(exc) from None

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        if name in WRITES and not self.allow_writes:
            return _tool_error(InvalidInput(f"{name} writes to the knowledge base, and this server is read-only",
                                            hint="start it with: pmops mcp --allow-writes"))  # fmt: skip
        tools = [t.name for t in await self.list_tools()]
        if name not in tools and name not in WRITES:
            close = close_matches(name, tools, n=1)
            return _tool_error(InvalidInput(f"no tool '{name[:60]}'" + (f"; did you mean {close[0]}?" if close else ""),
                                            hint=f"tools: {', '.join(tools)}"))  # fmt: skip
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            if isinstance(exc.__cause__, PmopsError):
                return _tool_error(exc.__cause__)
            wrong = _wrong_arguments(exc)
            if wrong is not None:
                return _tool_error(wrong)
            raise

    async def get_prompt(self, name: str, arguments: dict[str, Any] | None = None, context: Any = None) -> Any:
        """A prompt, its mistakes said as the CLI says a bad usage: one line (an unknown prompt, an argument
        missing or unknown), an MCP error, no traceback in the server's log."""
        prompts = {p.name: p for p in await self.list_prompts()}
        prompt = prompts.get(name)
        if prompt is None:
            close = close_matches(name, list(prompts), n=1)
            raise _protocol_error(InvalidInput(f"no prompt '{name}'" + (f"; did you mean {close[0]}?" if close else ""),
                                               hint=f"prompts: {', '.join(prompts)}"))  # fmt: skip
        expected = {arg.name: arg for arg in prompt.arguments or []}
        given = arguments or {}
        unknown = [key for key in given if key not in expected]
        if unknown:
            raise _protocol_error(InvalidInput(f"{name} has no argument '{unknown[0]}'",
                                               hint=f"its arguments: {', '.join(expected) or 'none'}"))  # fmt: skip
        missing = [key for key, arg in expected.items() if arg.required and not str(given.get(key) or "").strip()]
        if missing:
            raise _protocol_error(InvalidInput(f"{name} needs the argument '{missing[0]}'",
                                               hint=expected[missing[0]].description))  # fmt: skip
        try:
            return await super().get_prompt(name, arguments, context)
        except ValueError as exc:  # the SDK's wrapper of what a prompt raised
            if isinstance(exc.__cause__, PmopsError):
                raise _protocol_error(exc.__cause__) from None
            raise

    async def read_resource(self, uri: Any, context: Any = None) -> Any:
        """A resource; a pmops:// URI that names no document (an unknown id, a path out of the KB, which the
        SDK's template refuses) is the CLI's one line: no document with that id, did you mean …"""
        try:
            return await super().read_resource(uri, context)
        except ResourceNotFoundError:
            text = str(uri)
            if not text.startswith("pmops://"):
                raise
            ref = urllib.parse.unquote(text.removeprefix("pmops://"))
            await anyio.to_thread.run_sync(self.resource_answer, answers.text_of, ref)  # raises the CLI's error
            raise _protocol_error(NotFound(f"no document with the id or title '{ref}'")) from None

    async def list_resources(self) -> list[MCPResource]:
        """Every resource at once (the taxonomy, the processes, every document); resources/list pages them."""
        return await self._resources_after(None, None)

    async def _handle_list_resources(self, ctx: Any, params: PaginatedRequestParams | None) -> ListResourcesResult:
        """resources/list, a page at a time (the SDK's cursors): the taxonomy and the processes first, then
        the documents by id, RESOURCES_PAGE each; a cursor is the last document of the page before (a document
        added or removed meanwhile moves no other from one page to another)."""
        cursor = params.cursor if params is not None else None
        after = None
        if cursor is not None:
            try:
                after = base64.b64decode(cursor.encode("ascii"), altchars=b"-_", validate=True).decode("utf-8")
                if not after or base64.urlsafe_b64encode(after.encode("utf-8")).decode("ascii") != cursor:
                    raise ValueError(cursor)
            except (ValueError, UnicodeError):
                raise _protocol_error(InvalidInput("cursor: not one this server gave", hint="list from the start, "
                                                   "without a cursor")) from None  # fmt: skip
        page = await self._resources_after(after, RESOURCES_PAGE + 1)
        more = len(page) > RESOURCES_PAGE
        page = page[:RESOURCES_PAGE]
        last = page[-1].name if more else None
        next_cursor = base64.urlsafe_b64encode(last.encode("utf-8")).decode("ascii") if last else None
        return ListResourcesResult(resources=page, next_cursor=next_cursor)

    async def _resources_after(self, after: str | None, limit: int | None) -> list[MCPResource]:
        """The static resources (unless `after`), then the documents whose id (or path) sorts after `after`."""
        static = await super().list_resources() if after is None else []
        found = sorted(await anyio.to_thread.run_sync(self.answer, answers.documents))
        documents = [
            MCPResource(uri=uri(ref), name=ref, title=title, description=f"{kind} {ref}", mime_type="text/markdown")
            for ref, title, kind in found
            if after is None or ref > after
        ]
        listed = static + documents
        return listed if limit is None else listed[:limit]


def uri(ref: str) -> str:
    """The resource of a document: pmops://ID (a page without an id: pmops://PATH)."""
    return "pmops://" + urllib.parse.quote(ref, safe="/")


def _field(doctype: Any, name: str, what: str = "") -> str:
    fld = doctype.field(name)
    text = what or fld.help
    return text + (f" (one of: {', '.join(fld.choices)})" if fld.choices else "")


def build(root: Path, *, allow_writes: bool = False) -> KBServer:
    """The server of the KB at `root`: its tools (the write tools with `allow_writes`), resources and prompts."""
    app = KBServer(root, allow_writes=allow_writes)
    ask = app.answer

    def search(
        query: Annotated[
            str,
            Field(
                description='Words (all must match), "a phrase", OR, NOT, prefix*, and fields '
                "such as tag:pricing, type:decision, segment:enterprise, area:billing, "
                "source:interview, date:2026-03 or date:[2026-01-01 to 2026-03-31]."
            ),
        ],
        type: Annotated[
            str | None, Field(description="Only this document type (insight, decision, process, page …).")
        ] = None,
        tag: Annotated[str | None, Field(description="Only documents with this tag.")] = None,
        since: Annotated[
            str | None, Field(description="Only documents dated on or after this day (YYYY-MM-DD).")
        ] = None,
        limit: Annotated[int, Field(description="At most this many results.", ge=1, le=200)] = 20,
        include_archived: Annotated[bool, Field(description="Archived documents too.")] = False,
    ) -> dict[str, Any]:
        """Search every document of the knowledge base, best matches first (what `pmops search` finds): each
        result's id, type, title, date, path and a snippet around the matched words."""
        return ask(lambda kb: answers.search(root, lambda: kb, query, doc_type=type, tag=tag, since=since,
                                             limit=limit, include_archived=include_archived))  # fmt: skip

    def show(
        ref: Annotated[
            str, Field(description="A document: its id, a unique prefix of one, its exact title or its path.")
        ],
    ) -> dict[str, Any]:
        """One document of any type: its fields, its text (body), its outgoing links and backlinks, and for a
        decision the summary of its evidence (`pmops show` and `pmops links`)."""
        return ask(answers.show, ref)

    def list_(
        type: Annotated[
            str,
            Field(
                description="A document type: insight, decision, process, checklist, onboarding, "
                "person, tool, metric, page, or one of the KB's own."
            ),
        ],
        filters: Annotated[
            dict[str, str] | None,
            Field(
                description='Field values to match, e.g. {"segment": '
                '"enterprise", "tags": "pricing"} (a list field: among its values; a tag\'s synonym '
                "finds it)."
            ),
        ] = None,
        since: Annotated[str | None, Field(description="Dated on or after this day (YYYY-MM-DD).")] = None,
        until: Annotated[str | None, Field(description="Dated on or before this day (YYYY-MM-DD).")] = None,
        include_archived: Annotated[bool, Field(description="Archived documents too.")] = False,
        limit: Annotated[
            int, Field(description="At most this many documents (the total is given).", ge=1)
        ] = answers.LIST_LIMIT,
    ) -> dict[str, Any]:
        """The documents of one type, newest first, filtered by their fields and date (`pmops list TYPE`)."""
        return ask(answers.listing, type, filters, since=since, until=until, include_archived=include_archived,
                   limit=limit)  # fmt: skip

    def themes(
        by: Annotated[
            str, Field(description="Group insights by tag (the taxonomy's themes), area or segment.")
        ] = "tag",
        since: Annotated[
            str | None,
            Field(
                description="Count insights from this day (default: the last 90 "
                "days, against the 90 before for the trend)."
            ),
        ] = None,
        signals: Annotated[bool, Field(description="Group by the signal tags (bug, praise …) instead.")] = False,
    ) -> dict[str, Any]:
        """Themes across customer insights: size, signals, customers, segments, trend, the latest quote, the
        insights' ids, and whether a decision in force addresses each (`pmops insight themes`)."""
        return ask(answers.themes, by, since, signals=signals)

    def evidence(
        ref: Annotated[
            str, Field(description="A decision (or another document that cites evidence): id, unique prefix or title.")
        ],
    ) -> dict[str, Any]:
        """The insights behind a decision, each with its quote, customer, segment, date and tags, and how strong
        they are together (how many, how many customers and segments, newest and oldest)."""
        return ask(answers.evidence, ref)

    def report_summary() -> dict[str, Any]:
        """The product report in brief (`pmops report`): metrics' latest values against target, a sentence
        each on research, decisions, processes, onboarding and tools, and the largest unaddressed themes."""
        return ask(answers.report_summary)

    for fn, name in ((search, "search"), (show, "show"), (list_, "list"), (themes, "themes"), (evidence, "evidence"),
                     (report_summary, "report_summary")):  # fmt: skip
        app.add_tool(fn, name=name, annotations=READ)
    if allow_writes:
        _writes(app)

    @app.resource("pmops://taxonomy", name="taxonomy", title="The tag taxonomy", mime_type="application/json",
                  description="Every tag of taxonomy.yaml by facet, how often each is used; unknown and unused tags.")  # fmt: skip
    def taxonomy() -> dict[str, Any]:
        return app.resource_answer(answers.tags)

    @app.resource("pmops://processes", name="processes", title="The processes catalogue", mime_type="application/json",
                  description="Every process with its owner, cadence, review date and health.")  # fmt: skip
    def processes() -> list[dict[str, Any]]:
        return app.resource_answer(answers.process_catalogue)

    @app.resource("pmops://{+ref}", name="document", title="A document of the knowledge base", mime_type="text/markdown",
                  description="A document's markdown by its id (or a page's path), personal data redacted.")  # fmt: skip
    def document(ref: str) -> str:
        return app.resource_answer(answers.text_of, urllib.parse.unquote(ref))

    @app.prompt(name="synthesise_evidence", title="Synthesise the evidence on a theme")
    def synthesise_evidence(theme: Annotated[str, Field(description="A tag of the taxonomy, e.g. approvals.")]) -> str:
        """Synthesise what customers said about THEME and what was decided, citing the ids of insights and decisions."""
        return app.resource_answer(answers.evidence_prompt, theme)

    @app.prompt(name="roadmap_review_preread", title="Prepare the roadmap review pre-read for an area")
    def roadmap_review_preread(area: Annotated[str, Field(description="A product area, e.g. approvals.")]) -> str:
        """Prepare the roadmap review pre-read for AREA: themes, decisions and their evidence, open questions, with cited ids."""
        return app.resource_answer(answers.roadmap_prompt, area)

    return app


def _writes(app: KBServer) -> None:
    """add_insight and add_decision: the create path of `pmops insight add` and `pmops decision add`."""
    ask = app.answer

    def add_insight(
        title: Annotated[str, Field(description=_field(INSIGHT, "title"))],
        source: Annotated[str, Field(description=_field(INSIGHT, "source"))],
        quote: Annotated[str | None, Field(description=_field(INSIGHT, "quote"))] = None,
        customer: Annotated[str | None, Field(description=_field(INSIGHT, "customer"))] = None,
        segment: Annotated[str | None, Field(description=_field(INSIGHT, "segment"))] = None,
        area: Annotated[str | None, Field(description=_field(INSIGHT, "area"))] = None,
        tags: Annotated[
            list[str] | None,
            Field(description="Tags of the taxonomy (resource pmops://taxonomy); an unknown one is refused."),
        ] = None,
        date: Annotated[str | None, Field(description="When it was heard, YYYY-MM-DD (default: today).")] = None,
        sentiment: Annotated[str | None, Field(description=_field(INSIGHT, "sentiment"))] = None,
        confidence: Annotated[str | None, Field(description=_field(INSIGHT, "confidence"))] = None,
        links: Annotated[
            list[str] | None, Field(description="Related documents: ids, unique prefixes or titles.")
        ] = None,
        body: Annotated[str | None, Field(description="The notes, markdown.")] = None,
    ) -> dict[str, Any]:
        """Capture a customer insight: validated as `pmops insight add` does, written and committed; the answer
        names its id, path and commit. Emails and phone numbers are redacted; a card number is refused."""
        values = {"title": title, "source": source, "quote": quote, "customer": customer, "segment": segment,
                  "area": area, "tags": tags, "date": date, "sentiment": sentiment, "confidence": confidence,
                  "links": links}  # fmt: skip
        return ask(answers.add_insight, values, body)

    def add_decision(
        title: Annotated[str, Field(description="The decision, as a short statement.")],
        status: Annotated[str, Field(description=_field(DECISION, "status", "proposed or accepted"))] = "proposed",
        evidence: Annotated[
            list[str] | None, Field(description="Insights that justify it: ids, unique prefixes or titles.")
        ] = None,
        deciders: Annotated[list[str] | None, Field(description="Who decides.")] = None,
        area: Annotated[str | None, Field(description="The product area.")] = None,
        tags: Annotated[list[str] | None, Field(description="Tags of the taxonomy.")] = None,
        date: Annotated[str | None, Field(description="When, YYYY-MM-DD (default: today).")] = None,
        context: Annotated[str | None, Field(description="The Context section: the problem and what we know.")] = None,
        options: Annotated[list[str] | None, Field(description="The options considered, in order.")] = None,
        consequences: Annotated[str | None, Field(description="The Consequences section.")] = None,
    ) -> dict[str, Any]:
        """Record a decision citing the insights that justify it, as `pmops decision add` does: validated,
        written and committed; the answer names its id, path and commit."""
        values = {"title": title, "status": status, "evidence": evidence, "deciders": deciders, "area": area,
                  "tags": tags, "date": date}  # fmt: skip
        return ask(answers.add_decision, values, context=context, options=options, consequences=consequences)

    app.add_tool(add_insight, name="add_insight", annotations=WRITE)
    app.add_tool(add_decision, name="add_decision", annotations=WRITE)


def serve(root: Path, *, allow_writes: bool = False) -> None:
    """Answer MCP requests on stdin/stdout until the client closes them."""
    build(root, allow_writes=allow_writes).run("stdio")
