"""`pmops site serve`: what the preview notices, through the CLI on a real KB."""

from __future__ import annotations

import re
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PMOPS, stop_group

TODAY = "2026-12-01"


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def test_an_edit_saved_while_the_first_build_runs_is_caught(example_kb: Path) -> None:
    # The file you had open in the editor, saved just after starting the preview: the first build may
    # have read it already; the preview still shows what was saved (it kept the old page for good).
    server = subprocess.Popen([PMOPS, "site", "serve", "--port", "0", "--today", TODAY], cwd=example_kb,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)  # fmt: skip
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(server.stderr.readline, "")), daemon=True)
    reader.start()
    insight = example_kb / "insights/ins-260109-bd36-new-admins-stall-at-the-accounting-sync-step.md"
    text = insight.read_text()
    try:
        n = 0
        deadline = time.monotonic() + 60
        while not any("serving" in line for line in lines):  # saved again and again while the build runs
            assert server.poll() is None and time.monotonic() < deadline, "".join(lines)
            n += 1
            insight.write_text(text + f"\nSaved while building, take {n}.\n")
            time.sleep(0.1)
        url = re.search(r"http://127\.0\.0\.1:\d+/", next(line for line in lines if "serving" in line)).group(0)
        page = "insights/ins-260109-bd36-new-admins-stall-at-the-accounting-sync-step.html"
        while f"take {n}." not in fetch(url + page):
            if time.monotonic() > deadline:
                pytest.fail(f"the preview kept an old page: take {n} never shown\n" + "".join(lines))
            time.sleep(0.3)
    finally:
        stop_group(server)
        reader.join(10)
        server.stderr.close()
