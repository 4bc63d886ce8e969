"""The KB as a source AI assistants search and cite: `pmops mcp`, a Model Context Protocol server.

answers.py: what an assistant may ask and write, as JSON answers (no SDK: testable, and
  the rules in one place — personal data redacted, only the KB's own documents);
server.py: those answers as MCP tools, resources and prompts, over stdio (imports the `mcp`
  SDK, the optional extra `pmops[mcp]`, only when the server starts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmops.errors import PmopsError

if TYPE_CHECKING:
    from pathlib import Path


# What `pmops mcp` says without the SDK, word for word as docs/assistants.md shows it (a test compares them).
MISSING = "pmops mcp needs the MCP SDK, the optional extra mcp, which is not installed"
INSTALL = "pip install 'pmops[mcp]'"


def serve(root: Path, *, allow_writes: bool = False) -> None:
    """`pmops mcp`: serve the KB at `root` over stdio; a one-line error when the SDK is not installed."""
    try:
        from pmops.assistants import server
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in ("mcp", "mcp_types", "pydantic", "anyio"):
            raise
        raise PmopsError(MISSING, hint=INSTALL) from None
    server.serve(root, allow_writes=allow_writes)
