"""The example KB's site in a real headless browser: Debian's chromium driven by Playwright, the
site served by a local static server, every request to another origin aborted and recorded.

One site build, one server and one browser for the module (a few seconds in all). Screenshots of
the pages opened go to $PMOPS_SITE_SCREENSHOTS (`.ci/run` sets it and prints where), else into
the test's temporary folder. Select these tests alone with `pytest -m browser`.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_KB, PMOPS

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
QUOTE = "Half my team's fuel receipts come back as 'unreadable'"  # ins-260120-jeyn's
INSIGHT = "Receipt capture fails on crumpled thermal paper"
DECISION = "dec-261126-0mq9"  # Approve and reject from Slack: three insights as evidence, superseding another
# How long (ms) a page may take to show what Pagefind finds: a deadline, not a sleep. Generous, since the
# whole suite on two cores (and other suites beside it) left a page 30 s without its filters.
LOADED = 90_000
RENAMED = "tol-261126-xx8j"  # Condens, renamed by pmops mv before the build: its old URL leads to its page


def _isolated_env(home: Path) -> dict[str, str]:
    gitconfig = home / ".gitconfig"
    gitconfig.write_text("[user]\n\tname = Test PM\n\temail = test.pm@example.com\n[init]\n\tdefaultBranch = main\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PMOPS_", "GIT_"))}
    return {**env, "HOME": str(home), "GIT_CONFIG_GLOBAL": str(gitconfig), "GIT_CONFIG_NOSYSTEM": "1"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example KB (in a git repository of its own) built into a site."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Debian's chromium (.ci/run installs it)")
        pytest.skip("no chromium binary here (Debian's `chromium`; .ci/run installs it for CI)")
    work = tmp_path_factory.mktemp("site")
    env = _isolated_env(tmp_path_factory.mktemp("home"))
    kb = work / "kb"
    shutil.copytree(EXAMPLE_KB, kb, ignore=shutil.ignore_patterns(".git", ".pmops"))
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "example"]):
        subprocess.run(["git", *args], cwd=kb, env=env, check=True, capture_output=True)
    renamed = subprocess.run([PMOPS, "--kb", str(kb), "mv", RENAMED, "Condens research repository"], env=env,
                             capture_output=True, text=True, check=False)  # fmt: skip
    assert renamed.returncode == 0, renamed.stderr  # its old URL: a redirect page (test_an_old_url_…)
    out = work / "out"
    built = subprocess.run([PMOPS, "--kb", str(kb), "site", "build", "--out", str(out)], env=env,
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert built.returncode == 0, built.stderr
    pages = re.match(r".*: (\d+) pages:", built.stdout)
    assert pages and f"search: {pages.group(1)} pages indexed" in built.stdout, built.stdout + built.stderr
    return out


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def origin(site: Path) -> Iterator[str]:
    """The site served as a static host serves it, on 127.0.0.1."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(site: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("PMOPS_SITE_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("site-screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


class Visit:
    """A browser tab on the site; `left` records every request that tried to go elsewhere (aborted
    by the route, or refused by the pages' Content-Security-Policy before it was made)."""

    def __init__(self, browser, origin: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.origin = origin
        self.left: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("console", self._console)

    def _route(self, route) -> None:
        if route.request.url.startswith(self.origin + "/"):
            route.continue_()
        else:
            self.left.append(route.request.url)
            route.abort()

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.left.append(f"refused by the CSP: {message.text}")

    def open(self, path: str) -> None:
        response = self.page.goto(f"{self.origin}/{path}")
        assert response is not None and response.status == 200, path


@pytest.fixture
def visit(browser, origin: str) -> Iterator[Visit]:
    tab = Visit(browser, origin)
    yield tab
    tab.context.close()
    assert tab.left == []  # no request left the site


def test_the_home_page_draws_the_dashboards_charts(visit: Visit, screenshots: Path) -> None:
    visit.open("")
    charts = visit.page.locator("main svg")
    assert charts.count() >= 4
    for i in range(charts.count()):
        chart = charts.nth(i)
        box = chart.bounding_box()
        assert box is not None and box["width"] > 50 and box["height"] > 50
        assert chart.locator("path, rect, circle, polyline").count() > 0  # drawn, not an empty frame
    visit.page.screenshot(path=screenshots / "home.png", full_page=True)


def test_a_search_for_a_quote_finds_its_insight_and_opens_it(visit: Visit, screenshots: Path) -> None:
    visit.open("")  # the search box is in every page's header
    visit.page.locator(".pagefind-ui__search-input").fill(QUOTE)
    first = visit.page.locator(".pagefind-ui__result-link").first
    first.wait_for(timeout=LOADED)  # Pagefind loads its index in the page
    assert first.inner_text() == INSIGHT
    filters = visit.page.locator(".pagefind-ui__filter-name")  # Pagefind's filters, from the pages' markers
    # A locator waits without evaluating a string in the page: the site's CSP forbids eval, and
    # Playwright's wait_for_function("…") polls with it once its first check is false (a loaded machine)
    try:
        filters.nth(2).wait_for(timeout=LOADED)
    except Exception as exc:  # a first search typed while the filters load (search.js completes them): kept
        visit.page.screenshot(path=screenshots / "search-without-filters.png", full_page=True)
        shown = [filters.nth(i).inner_text() for i in range(filters.count())]
        raise AssertionError(f"the search box showed only these of its three filters: {shown}") from exc
    assert {filters.nth(i).inner_text().strip().lower() for i in range(filters.count())} == {"area", "tag", "type"}
    visit.page.screenshot(path=screenshots / "search.png")
    first.click()
    visit.page.wait_for_load_state()
    assert visit.page.locator("h1").first.inner_text() == INSIGHT
    assert "fuel receipts" in visit.page.locator("main").inner_text()


def test_a_title_finds_its_document_not_the_listings_naming_it(visit: Visit, site: Path) -> None:
    """An index page lists other pages' titles (a type's, a tag's, an area's, a customer's, the home page's
    numbers): the search leaves those listings out, so a document's title finds its page and not every
    listing naming it; an index page is found all the same by its own title, and counts in the filters."""
    visit.open("pagefind/pagefind-entry.json")
    found = visit.page.evaluate(
        """async (title) => {
            const pf = await import('/pagefind/pagefind.js');
            const urls = async (q) => Promise.all((await pf.search(q)).results.map(async (r) => (await r.data()).url));
            return {title: await urls(title), tag: await urls('Tag: receipts'), types: (await pf.filters()).type};
        }""",
        INSIGHT,
    )
    (page,) = [p.relative_to(site).as_posix() for p in site.rglob("ins-260120-jeyn*.html")]
    assert "/" + page in found["title"]
    assert [url for url in found["title"] if url.startswith("/browse/") or url == "/index.html"] == []
    assert "/browse/tags/receipts.html" in found["tag"]
    index = [p for p in site.rglob("*.html") if 'data-pagefind-filter="type">index<' in p.read_text("utf-8")]
    assert len(index) > 40 and found["types"]["index"] == len(index)


class _SlowFilter(_Quiet):
    """A static host on a slow line for one of the filters' data files (the first by name): 3 s."""

    def do_GET(self) -> None:
        if self.path.endswith(".pf_filter") and self.path.rsplit("/", 1)[-1] == _SlowFilter.slow:
            time.sleep(3)
        super().do_GET()


def test_a_search_typed_while_a_filter_still_loads_shows_every_filter(browser, site: Path) -> None:
    """Pagefind's UI shows the filters its search returned, which are those whose data had arrived: the
    first search, typed before one filter's file came in, kept two filters of three until the next
    keystroke. search.js loads every filter once the box shows some and searches again when one is
    missing."""
    _SlowFilter.slow = min(p.name for p in (site / "pagefind/filter").iterdir())
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_SlowFilter, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tab = Visit(browser, f"http://127.0.0.1:{server.server_address[1]}")
    try:
        tab.open("")
        tab.page.locator(".pagefind-ui__search-input").fill(QUOTE)
        tab.page.locator(".pagefind-ui__result-link").first.wait_for(timeout=LOADED)
        filters = tab.page.locator(".pagefind-ui__filter-name")
        filters.nth(2).wait_for(timeout=LOADED)
        assert {filters.nth(i).inner_text().strip().lower() for i in range(filters.count())} == {"area", "tag", "type"}
    finally:
        tab.context.close()
        server.shutdown()
        server.server_close()
    assert tab.left == []


class _Asked(_Quiet):
    """A static host that records the paths asked of it."""

    asked: list[str] = []

    def do_GET(self) -> None:
        _Asked.asked.append(self.path)
        super().do_GET()


def test_a_page_asks_the_host_for_nothing_it_lacks(browser, site: Path) -> None:
    """No /favicon.ico (a 404 in the browser's console): the pages name an empty icon. (A tab whose requests
    are routed, as Visit's are, never asks for an icon: this one is not.)"""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Asked, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        page.wait_for_load_state("networkidle")
        assert "/favicon.ico" not in _Asked.asked and all(
            (site / p.lstrip("/").split("?")[0]).exists() for p in _Asked.asked
        )
    finally:
        context.close()
        server.shutdown()
        server.server_close()


def test_a_decision_page_shows_its_evidence_and_backlinks(visit: Visit, site: Path, screenshots: Path) -> None:
    (page,) = [p for p in site.rglob(f"{DECISION}*.html")]
    visit.open(page.relative_to(site).as_posix())
    main = visit.page.locator("main")
    assert visit.page.locator("h1").first.inner_text() == "Approve and reject from Slack"
    evidence = main.get_by_role("link", name="Slack approvals would replace our own bot")
    assert evidence.count() >= 1
    assert main.get_by_role("link", name="Remind approvers with a twice-daily email digest").count() >= 1
    visit.page.screenshot(path=screenshots / "decision.png", full_page=True)
    evidence.first.click()
    visit.page.wait_for_load_state()
    assert visit.page.locator("h1").first.inner_text() == "Slack approvals would replace our own bot"


def test_an_old_url_of_a_renamed_document_opens_its_page(visit: Visit) -> None:
    """A bookmark to the page a document had before `pmops mv`: the browser goes on to its page (a meta
    refresh, which the pages' Content-Security-Policy allows; no script)."""
    visit.open(f"tools/{RENAMED}-condens.html")
    visit.page.wait_for_url(f"**/tools/{RENAMED}-condens-research-repository.html", timeout=LOADED)
    assert visit.page.locator("h1").first.inner_text() == "Condens research repository"


def _luminance(css: str) -> float:
    """WCAG's relative luminance of a computed CSS colour, rgb(…) or rgba(…)."""
    red, green, blue = (int(float(v)) / 255 for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3])
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(ink: str, paper: str) -> float:
    lighter, darker = sorted((_luminance(ink), _luminance(paper)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_search_box_and_its_results_are_readable_in_either_theme(visit: Visit, scheme: str) -> None:
    visit.page.emulate_media(color_scheme=scheme)
    visit.open("")
    box = visit.page.locator(".pagefind-ui__search-input")
    box.fill(QUOTE)
    visit.page.locator(".pagefind-ui__result-link").first.wait_for(timeout=LOADED)
    colour = "el => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]"
    ink, paper = box.evaluate(colour)
    assert _contrast(ink, paper) >= 4.5, (scheme, ink, paper)
    title = visit.page.locator(".pagefind-ui__result-link").first.evaluate("el => getComputedStyle(el).color")
    page = visit.page.locator("body").evaluate("el => getComputedStyle(el).backgroundColor")
    assert _contrast(title, page) >= 4.5, (scheme, title, page)


_TEXT_COLOURS = """() => {
  // Every visible element with text of its own (charts' SVG left out): its colour and the first opaque
  // background behind it, with whether its text is large (WCAG: 3:1 then).
  const found = [];
  const opaque = el => { for (let e = el; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor; const a = c.match(/[\\d.]+/g).map(Number);
      if (a.length === 3 || a[3] > 0.5) return c; } return "rgb(255, 255, 255)"; };
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest("svg, [hidden], .skip") || !el.getClientRects().length) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const style = getComputedStyle(el); const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && parseInt(style.fontWeight) >= 700);
    found.push([el.tagName + "." + el.className + " " + el.textContent.trim().slice(0, 40), style.color, opaque(el), large]);
  }
  return found;
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_has_enough_contrast_in_either_theme(visit: Visit, site: Path, scheme: str) -> None:
    visit.page.emulate_media(color_scheme=scheme)
    (decision,) = [p.relative_to(site).as_posix() for p in site.rglob(f"{DECISION}*.html")]
    weak = []
    for path in ("", "browse/decisions.html", "browse/processes.html", "browse/themes.html", decision):
        visit.open(path)
        for what, ink, paper, large in visit.page.evaluate(_TEXT_COLOURS):
            if _contrast(ink, paper) < (3.0 if large else 4.5):
                weak.append((path, what, ink, paper, round(_contrast(ink, paper), 2)))
    assert weak == [], weak[:10]


# Every cell of the site's own tables on the page: where it is, and how wide its table is against what it shows.
_CELLS = """() => [...document.querySelectorAll("main table.stacked")].map(t => ({
  hidden: t.scrollWidth - t.clientWidth,
  cells: [...t.querySelectorAll("td")].filter(td => td.getClientRects().length).map(td => {
    const box = td.getBoundingClientRect();
    return [td.getAttribute("data-label"), td.textContent.trim().slice(0, 30), box.left, box.right];
  }),
}))"""


def test_no_page_scrolls_sideways_on_a_phone_and_every_column_shows(browser, origin: str, screenshots: Path) -> None:
    """At 375 px (a small phone), no page scrolls sideways, and the site's listings (the process catalogue,
    a type's documents, the renewals, the themes) show a card per row: every cell on screen, under its
    column's name, none hidden in a box scrolling sideways."""
    phone = browser.new_context(viewport={"width": 375, "height": 812})
    tab = phone.new_page()
    try:
        for path in ("", "browse/decisions.html", "browse/processes.html", "browse/tools.html", "browse/themes.html",
                     "browse/onboarding-plans.html"):  # fmt: skip
            tab.goto(f"{origin}/{path}")
            wide = tab.evaluate("document.documentElement.scrollWidth")
            assert wide <= 375, (path, wide)
            for table in tab.evaluate(_CELLS):
                assert table["hidden"] <= 1, (path, table)
                for label, text, left, right in table["cells"]:
                    assert left >= 0 and right <= 375, (path, label, text, left, right)
        tab.goto(f"{origin}/browse/processes.html")
        catalogue = tab.locator("#catalogue + .table tbody tr").first
        health = catalogue.locator('td[data-label="health"]')
        assert health.is_visible() and health.inner_text().strip()
        label = health.evaluate("td => getComputedStyle(td, '::before').content")
        assert label == '"health"'  # the column's name beside its value
        tab.screenshot(path=screenshots / "processes-phone.png", full_page=True)
    finally:
        phone.close()


def _sharded_kb(tmp_path_factory: pytest.TempPathFactory, name: str) -> tuple[Path, Path, dict[str, str]]:
    """A folder with the example KB in a repository of its own (`kb/`), and the environment of a pmops that
    splits a site's search index in shards of 60 pages ($PMOPS_SITE_SHARD_PAGES: a large site's layout on
    a small one)."""
    work = tmp_path_factory.mktemp(name)
    env = {**_isolated_env(tmp_path_factory.mktemp("home")), "PMOPS_SITE_SHARD_PAGES": "60"}
    kb = work / "kb"
    shutil.copytree(EXAMPLE_KB, kb, ignore=shutil.ignore_patterns(".git", ".pmops"))
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "example"]):
        subprocess.run(["git", *args], cwd=kb, env=env, check=True, capture_output=True)
    return work, kb, env


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory, site: Path) -> Iterator[tuple[Path, str]]:
    """The example KB's site with its search index split in 3 shards ($PMOPS_SITE_SHARD_PAGES: a large
    site's layout on a small one), served as a static host serves it."""
    work, kb, env = _sharded_kb(tmp_path_factory, "sharded")
    out = work / "out"
    built = subprocess.run([PMOPS, "--kb", str(kb), "site", "build", "--out", str(out), "--json"], env=env,
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert '"shards": 3' in built.stdout and (out / "pagefind-02/pagefind-entry.json").is_file()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield out, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_sharded_index_finds_what_one_index_finds(browser, sharded: tuple[Path, str]) -> None:
    """Search over an index split in shards (merged in the browser by search.js): the quote finds its
    insight in whichever shard it is, and the filters count every shard's pages."""
    from pmops.site.searchindex import shard_of

    out, origin = sharded
    (insight,) = [p.relative_to(out).as_posix() for p in out.rglob("ins-260120-jeyn*.html")]
    assert shard_of(insight, 3) != 0  # in a merged shard, not the one the search box loads first
    tab = Visit(browser, origin)
    try:
        tab.open("")
        tab.page.locator(".pagefind-ui__search-input").fill(QUOTE)
        first = tab.page.locator(".pagefind-ui__result-link").first
        first.wait_for(timeout=LOADED)
        assert first.inner_text() == INSIGHT
        first.click()
        tab.page.wait_for_load_state()
        assert tab.page.locator("h1").first.inner_text() == INSIGHT
        # Pagefind's API alone (a document without the search box, which merges the shards once already)
        tab.open("pagefind/pmops-shards.json")
        counts = tab.page.evaluate(
            """async () => {
                const pf = await import('/pagefind/pagefind.js');
                for (const name of ['pagefind-01', 'pagefind-02']) await pf.mergeIndex('/' + name + '/');
                return (await pf.filters()).type;
            }"""
        )
        insights = len(list((out / "insights").glob("*.html")))
        assert counts["insight"] == insights and sum(counts.values()) == len(
            [p for p in out.rglob("*.html") if not p.relative_to(out).parts[0].startswith("pagefind")]
        )
    finally:
        tab.context.close()
    assert tab.left == []


def test_a_shard_indexed_again_after_a_change_finds_the_change_and_the_rest(
    browser, sharded: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A rebuild after one changed body indexes the changed page's shard again, keeping the files of the
    last index whose content did not change: the search box finds the new words and the old ones on the
    page, no longer the words removed, and the filters still count every page of every shard. (The first
    build is `sharded`'s, copied with its KB: the files' times kept, as the rebuild reads them.)"""
    work = tmp_path_factory.mktemp("reindexed")
    shutil.copytree(sharded[0].parent, work, symlinks=True, dirs_exist_ok=True)
    kb, out = work / "kb", work / "out"
    subprocess.run(["git", "update-index", "-q", "--refresh"], cwd=kb, check=False)  # the copy's stat data
    env = {**_isolated_env(tmp_path_factory.mktemp("home")), "PMOPS_SITE_SHARD_PAGES": "60"}
    build = [PMOPS, "--kb", str(kb), "site", "build", "--out", str(out), "--json"]
    (insight,) = kb.rglob("ins-260120-jeyn*.md")
    head, body = insight.read_text(encoding="utf-8").split("\n---\n", 1)
    assert "photograph" in body and "photograph" not in head  # a word of its body alone, replaced below
    body = body.replace("photograph", "quokka") + "\nSeen again by a wombat-shaped scanner.\n"
    insight.write_text(f"{head}\n---\n{body}", encoding="utf-8")
    again = subprocess.run(build, env=env, capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    assert '"shards_indexed": 1' in again.stdout
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tab = Visit(browser, f"http://127.0.0.1:{server.server_address[1]}")
    try:
        tab.open("pagefind/pmops-shards.json")
        found = tab.page.evaluate(
            """async () => {
                const pf = await import('/pagefind/pagefind.js');
                for (const name of ['pagefind-01', 'pagefind-02']) await pf.mergeIndex('/' + name + '/');
                const urls = async (q) => Promise.all((await pf.search(q)).results.map(async (r) => (await r.data()).url));
                return {wombat: await urls('wombat'), quokka: await urls('quokka'), photograph: await urls('photograph'),
                        quote: await urls('fuel receipts unreadable'), types: (await pf.filters()).type};
            }"""
        )
        (url,) = [p.relative_to(out).as_posix() for p in out.rglob("ins-260120-jeyn*.html")]
        assert found["wombat"] == ["/" + url] and "/" + url in found["quokka"] and "/" + url in found["quote"]
        assert "/" + url not in found["photograph"]
        assert found["types"]["insight"] == len(list((out / "insights").glob("*.html"))) and sum(
            found["types"].values()
        ) == len([p for p in out.rglob("*.html") if not p.relative_to(out).parts[0].startswith("pagefind")])
    finally:
        tab.context.close()
        server.shutdown()
        server.server_close()
    assert tab.left == []
