"""Baseline: the least a static site generator does — every markdown file's body to an HTML page.

Front-matter split off with a regex, the body rendered by markdown-it-py (as pmops does), a
page written per file; no links, indexes, facts or templates.

    python bench/bare_site.py KB_ROOT OUT_DIR
"""

from __future__ import annotations

import html
import os
import re
import sys

from markdown_it import MarkdownIt

FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


def main(root: str, out: str) -> None:
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.endswith(".md"):
                continue
            source = os.path.join(folder, name)
            with open(source, encoding="utf-8") as handle:
                text = handle.read()
            match = FRONT.match(text)
            body = text[match.end() :] if match else text
            target = os.path.join(out, os.path.relpath(source, root))[:-3] + ".html"
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(f"<!doctype html><title>{html.escape(name)}</title><main>{md.render(body)}</main>")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
