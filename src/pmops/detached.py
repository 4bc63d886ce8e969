"""Detached processes: work a command starts and does not wait for (a background sync, the
indexing of a large import, the search server). They outlive the command; their output goes
to a log in pmops' state folder, and a failure to start one never fails the command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_started: list[subprocess.Popen] = []  # kept, so Python never warns they are still running


def start(module: str, args: list[str], log: Path) -> None:
    """`python -m MODULE ARGS…` in a new session, stdout and stderr appended to `log`."""
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "ab") as handle:
            _started.append(subprocess.Popen(
                [sys.executable, "-m", module, *args],
                stdin=subprocess.DEVNULL, stdout=handle, stderr=handle, start_new_session=True, close_fds=True,
            ))  # fmt: skip
    except OSError:
        pass  # the command's own work is done; see the callers for what catches up later
