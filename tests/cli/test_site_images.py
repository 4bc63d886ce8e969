"""Images in a document: shown by the site as lint reads their paths, a missing one named by lint."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from tests.conftest import git

TODAY = "2026-12-01"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def test_root_relative_images_are_shown_and_a_missing_one_is_named(pmops, example_kb: Path) -> None:
    (example_kb / "handbook/img").mkdir()
    (example_kb / "handbook/img/plain.png").write_bytes(PNG)
    git(example_kb, "add", "handbook/img/plain.png")  # published once git tracks it
    (example_kb / "handbook/media.md").write_text(
        "---\ntitle: Media\n---\n"
        "![plain](img/plain.png) ![abs](/handbook/img/plain.png)\n\n"
        "![based]({{ site.baseurl }}/handbook/img/plain.png)\n\n"
        "![missing](img/missing.png) ![gone](/img/gone.png) ![remote](https://example.com/x.png)\n\n"
        "[root link](/handbook/interview-tips.md)\n"
    )
    result = json.loads(pmops("site", "build", "--today", TODAY, "--json").stdout)
    page = (example_kb / "_site/handbook/media.html").read_text()
    assert '<img src="../handbook/img/plain.png" alt="plain"' in page
    assert '<img src="../handbook/img/plain.png" alt="abs"' in page  # written from the site's root
    assert '<img src="../handbook/img/plain.png" alt="based"' in page  # Jekyll's {{ site.baseurl }}
    assert "[image: abs]" not in page and "[image: based]" not in page
    assert "[image: missing]" in page and "[image: gone]" in page  # the KB has none: its text
    assert 'href="../handbook/interview-tips.html"' in page
    assert (example_kb / "_site/handbook/img/plain.png").read_bytes() == PNG
    assert "handbook/img/plain.png" in result["written_paths"]
    # Lint names the images the KB does not have, and only those (a warning: lint still passes).
    findings = json.loads(pmops("lint", "--json", "handbook/media.md").stdout)
    assert [(f["rule"], f["severity"], f["line"], f["message"]) for f in findings] == [
        ("image-missing", "warning", 8, "image of missing file 'handbook/img/missing.png'"),
        ("image-missing", "warning", 8, "image of missing file '/img/gone.png'"),
    ]
    text = pmops("lint", "handbook/media.md").stdout
    assert "handbook/media.md:8: image-missing warning image of missing file 'handbook/img/missing.png'" in text
