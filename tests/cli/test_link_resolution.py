"""Links read as the site generators that publish handbooks read them (Jekyll, Hugo, Eleventy,
MkDocs, GitHub): one resolver for lint and for `pmops links`, on a fixture and on real handbooks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPORA, FIXTURES, copy_kb, git

FOLDER_HINT = (
    "looked for as written, with .md, and as a folder's index.md or README.md, from the page's folder and its URL"
)
SITE_HINT = "no file of the site has that path, nor does a page's permalink, url, redirect_from or aliases"


@pytest.fixture
def links_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_kb(FIXTURES / "kb-links", tmp_path / "kb-links")
    monkeypatch.chdir(root)
    return root


def test_every_link_form_resolves_and_only_the_broken_ones_are_reported(pmops, links_kb: Path) -> None:
    findings = json.loads(pmops("lint", "--json", code=1).stdout)
    assert [(f["path"], f["line"], f["rule"], f["message"], f["hint"]) for f in findings] == [
        ("handbook/links.md", 18, "link-broken", "link to missing file 'handbook/tools/nowhere'", FOLDER_HINT),
        ("handbook/links.md", 18, "link-broken", "link to missing page '/no-such-page/'", SITE_HINT),
        ("handbook/links.md", 19, "link-broken", "link to missing file 'handbook/www.example.com'",
         "a web address needs its scheme: https://www.example.com"),
        ("handbook/links.md", 21, "link-broken", "link to missing page '/tools/gone/'", SITE_HINT),
    ]  # fmt: skip


def test_links_shows_what_each_link_reaches_and_every_page_linking_here(pmops, links_kb: Path) -> None:
    out = json.loads(pmops("links", "handbook/links.md", "--json").stdout)["outgoing"]
    reached = [o["path"] for o in out if not o["broken"]]
    assert reached == [
        "handbook/tools/index.md", "handbook/tools/wiki.md", "handbook/tools/wiki.md", "handbook/guides/_index.md",
        "handbook/guides/bundle/index.md", "handbook/tools/wiki.md", "handbook/tools/index.md", "handbook/tools/chat.md",
        "handbook/README.md", "handbook/guides/onboarding.md", "handbook/guides/onboarding.md", "handbook/tools/wiki.md",
        "handbook/guides/renamed.md", "handbook/guides/first-week.md", "handbook/guides/onboarding.md",
        "handbook/guides/renamed.md", "handbook/tools/wiki.md", "handbook/guides/onboarding.md",
        "handbook/tools/team notes.md",
    ]  # fmt: skip
    assert [o["id"] for o in out if o["broken"]] == [
        "tools/nowhere/",
        "{{ site.baseurl }}/no-such-page/",
        "www.example.com",
        "/tools/gone/",
    ]
    # `chat.md` is served at /tools/chat/: its `etiquette/` is chat/etiquette.md, whose `../` is chat.md again;
    # first-week's {{ site.baseurl }}/chat/ is chat.md's redirect_from.
    back = json.loads(pmops("links", "handbook/tools/chat.md", "--json").stdout)["backlinks"]
    assert sorted(b["path"] for b in back) == [
        "handbook/guides/first-week.md",
        "handbook/links.md",
        "handbook/tools/chat/etiquette.md",
        "handbook/tools/index.md",
    ]
    # A permalink page's relative link is read from its URL: /start-here/ + first-week/ is first-week's permalink.
    back = json.loads(pmops("links", "handbook/guides/first-week.md", "--json").stdout)["backlinks"]
    assert sorted(b["path"] for b in back) == ["handbook/guides/onboarding.md", "handbook/links.md"]


def test_a_site_path_is_read_from_the_handbooks_folder_and_a_relative_one_from_the_page(pmops, links_kb: Path) -> None:
    """The KB has its own tools/ page: the handbook's /tools/ still means the handbook's, and a
    page at the KB's root reads /tools/ from the KB's root."""
    (links_kb / "tools.md").write_text("# The KB's own tools page\n\nSee [the handbook's tools](/handbook/tools/).\n")
    (links_kb / "handbook" / "guides" / "moved.md").write_text("# Moved\n\n[Up](../tools/chat.md), [tools](/tools/).\n")
    git(links_kb, "add", "-A")
    graph = json.loads(pmops("links", "handbook/guides/moved.md", "--json").stdout)["outgoing"]
    assert [o["path"] for o in graph] == ["handbook/tools/chat.md", "handbook/tools/index.md"]
    graph = json.loads(pmops("links", "tools.md", "--json").stdout)["outgoing"]
    assert [o["path"] for o in graph] == ["handbook/tools/index.md"]
    back = json.loads(pmops("links", "tools.md", "--json").stdout)["backlinks"]
    assert back == []


# The 18F handbooks' links that are broken where they are published too (judged one by one):
REAL_BROKEN = {
    # slack.md still lists its emoji page, deleted upstream (18F/handbook #4107).
    ("18f-handbook/pages/tools/slack.md", 16, "link to missing file 'corpora/18f-handbook/pages/tools/emoji'"),
    # Web addresses written without https://: browsers and GitHub read them as relative paths.
    ("18f-methods/README.md", 11, "link to missing file 'corpora/18f-methods/pra.digital.gov'"),
    ("18f-methods/assets/uswds/LICENSE.md", 7, "link to missing file 'corpora/18f-methods/assets/uswds/www.sorkintype.com'"),
    ("18f-methods/assets/uswds/LICENSE.md", 9, "link to missing file 'corpora/18f-methods/assets/uswds/www.impallari.com'"),
    # USWDS's own README and CONTRIBUTING, vendored into 18F/methods without the files they link to.
    ("18f-methods/assets/uswds/CONTRIBUTING.md", 154, "link to missing file 'corpora/18f-methods/assets/uswds/spec/unit'"),
    ("18f-methods/assets/uswds/README.md", 40,
     "link to missing file 'corpora/18f-methods/assets/uswds/docs/WHO_IS_USING_USWDS.md'"),
}  # fmt: skip


def test_the_18f_handbooks_have_no_false_broken_links(pmops, tmp_path: Path) -> None:
    """Jekyll (methods, product guide: permalinks, redirect_from, {{ site.baseurl }}, {% link %}) and
    Eleventy (the handbook: pretty URLs, {% page "/x/" %}, redirect_from) dropped into one KB."""
    if not CORPORA.is_dir():
        pytest.skip("the shared corpora are not beside this checkout")
    root = tmp_path / "kb"
    pmops("init", root, "--no-commit")
    shutil.copytree(CORPORA, root / "corpora")
    findings = json.loads(pmops("--kb", root, "lint", "--json", code=1).stdout)
    broken = {
        (f["path"].removeprefix("corpora/"), f["line"], f["message"]) for f in findings if f["rule"] == "link-broken"
    }
    assert broken == REAL_BROKEN
    schemeless = {f["hint"].rpartition("//")[2] for f in findings if "needs its scheme" in (f["hint"] or "")}
    assert schemeless == {"pra.digital.gov", "www.sorkintype.com", "www.impallari.com"}
    # Who links to the handbook's Slack page: {% page "/tools/slack/" %}, {% page "tools/slack/" %},
    # {% page "/tools/slack" %}, and its seven subpages' `../` (each served at /tools/slack/NAME/).
    graph = json.loads(pmops("--kb", root, "links", "corpora/18f-handbook/pages/tools/slack.md", "--json").stdout)
    assert sorted(b["path"].removeprefix("corpora/18f-handbook/pages/") for b in graph["backlinks"]) == [
        "about-us/tts-consulting/operations/internal-communications.md", "about-us/tts-consulting/operations/welcome.md",
        "general-information-and-resources/collaboration-tools.md", "getting-started/classes.md",
        "getting-started/equipment.md", *(f"tools/slack/{name}.md" for name in (
            "external-collaboration", "getting-started", "guidelines", "integrations",
            "notifications-general-communication", "records", "user-management")),
    ]  # fmt: skip
