"""Generate docs/cli.md from the CLI's own --help (`make docs`); tests/test_docs.py keeps it in sync."""

from __future__ import annotations

import html
import os
import subprocess
import sys
from pathlib import Path

HEADER = "<!-- Generated from `pmops --help` by `make docs`. Do not edit by hand. -->\n\n"


def generate() -> str:
    typer_cli = Path(sys.executable).with_name("typer")
    env = {
        **os.environ,
        "TERMINAL_WIDTH": "100",
        "COLUMNS": "100",
        "NO_COLOR": "1",
        "_TYPER_FORCE_DISABLE_TERMINAL": "1",
    }
    done = subprocess.run(
        [str(typer_cli), "--app", "app", "pmops.cli", "utils", "docs", "--name", "pmops", "--title", "pmops command reference"],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    return HEADER + html.unescape(done.stdout).rstrip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(generate())
