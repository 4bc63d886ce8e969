"""`pmops mcp`: the knowledge base as a source AI assistants search and cite (Model Context Protocol)."""

from __future__ import annotations

from typing import Annotated

import typer

from pmops.cli import _shared


def mcp(
    ctx: typer.Context,
    kb_path: Annotated[
        str | None,
        typer.Option(
            "--kb",
            metavar="PATH",
            help="The knowledge base folder, as the global --kb (clients start servers from anywhere).",
        ),
    ] = None,
    allow_writes: Annotated[
        bool,
        typer.Option(
            "--allow-writes", help="Offer add_insight and add_decision: validated and committed as the CLI's."
        ),
    ] = False,
) -> None:
    """Serve the KB to AI assistants over stdio (MCP): search, show, list, themes, evidence, report.

    Read-only unless --allow-writes. Every document is a resource pmops://ID;
    personal data is redacted in every answer. An assistant starts it: see
    docs/assistants.md for Claude Desktop, VS Code and others. Needs the
    optional extra: pip install 'pmops\\[mcp]'.

    Example:

        pmops mcp --kb ~/acme-product --allow-writes
    """
    from pmops import assistants
    from pmops.kb import KnowledgeBase

    # A KB that cannot be found is one line on stderr, before any MCP.
    kb = KnowledgeBase.open(kb_path) if kb_path is not None else _shared.state(ctx).kb()
    if _shared.is_interactive():
        _shared.note(f"serving {kb.root} over MCP on stdin/stdout, for an assistant to start "
                     "(see docs/assistants.md); Ctrl-D stops it")  # fmt: skip
    assistants.serve(kb.root, allow_writes=allow_writes)


def register(app: typer.Typer) -> None:
    app.command()(mcp)
