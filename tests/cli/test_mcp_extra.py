"""`pmops mcp` without its optional extra, and the CI that runs the tests of `pmops mcp` with it (no SDK needed here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parents[2]
# pmops run by a Python where the SDK cannot be imported: `import mcp` fails as when it is not installed.
WITHOUT_MCP = (
    "import sys; sys.modules['mcp'] = None; sys.argv = ['pmops', *sys.argv[1:]]; from pmops.cli import main; main()"
)


def test_without_the_extra_pmops_mcp_says_what_the_docs_say(kb: Path) -> None:
    done = subprocess.run([sys.executable, "-c", WITHOUT_MCP, "mcp", "--kb", str(kb)], capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    docs = (REPO / "docs" / "assistants.md").read_text(encoding="utf-8")
    shown = docs.split("$ pmops mcp\n", 1)[1].split("```", 1)[0]
    assert (done.returncode, done.stdout, done.stderr) == (1, "", shown)


def test_ci_runs_the_tests_of_pmops_mcp_and_never_skips_them() -> None:
    """make test installs the extra (.[test,mcp]); .ci/run runs make test; both require the SDK (no skip)."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert '-e ".[test,mcp]"' in makefile and "PMOPS_REQUIRE_MCP=1" in makefile
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
