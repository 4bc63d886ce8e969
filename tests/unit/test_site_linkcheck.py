"""The link checker of a built site, on a small hand-written one."""

from __future__ import annotations

from pathlib import Path

from pmops.site import linkcheck


def _site(root: Path, pages: dict[str, str]) -> Path:
    for name, body in pages.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<!doctype html><html><body>{body}</body></html>" if name.endswith(".html") else body)
    return root


def test_every_kind_of_internal_link_is_followed_and_only_the_broken_ones_are_said(tmp_path: Path) -> None:
    out = _site(tmp_path / "out", {
        "index.html": '<a href="insights/">all</a> <a href="insights/a.html#quote">a</a> <a href="#top">up</a>'
                      '<h1 id="top">Home</h1> <link rel="stylesheet" href="assets/site.css">'
                      '<script src="assets/gone.js"></script> <a href="https://example.com/x">out</a>'
                      '<a href="mailto:pm@example.com">mail</a> <img src="data:image/png;base64,AA==" alt="">'
                      '<a href="//cdn.example.com/x.js">cdn</a> <a href="search/?q=approvals">search</a>',
        "assets/site.css": "body{}",
        "insights/index.html": '<a href="a.html">a</a> <a href="../decisions/">decisions</a> <a href="b.html">b</a>'
                               '<a href="/insights/a.html">root</a> <a href="../../etc/passwd">out</a>',
        "insights/a.html": '<blockquote id="quote">q</blockquote> <a href="../index.html#nowhere">home</a>'
                           '<img srcset="../assets/site.css 1x, ../assets/big.png 2x" alt="">'
                           '<a href="caf%C3%A9%20notes.html">café</a> <svg><use href="#quote"/></svg>',
        "insights/café notes.html": "ok",
        "search/index.html": "<form action=\"./\"><input name=q></form>",
    })  # fmt: skip
    broken = {(b.page, b.url, b.reason) for b in linkcheck.check(out)}
    assert broken == {
        ("index.html", "assets/gone.js", "no such file"),
        ("insights/index.html", "../decisions/", "no such file"),
        ("insights/index.html", "b.html", "no such file"),
        ("insights/index.html", "../../etc/passwd", "outside the site"),
        ("insights/a.html", "../index.html#nowhere", "no such anchor"),
        ("insights/a.html", "../assets/big.png", "no such file"),
    }
    assert str(linkcheck.check(out)[0]) == "index.html: assets/gone.js (no such file)"
    assert {b.url for b in linkcheck.check(out, anchors=False)} >= {"b.html"}
    assert "../index.html#nowhere" not in {b.url for b in linkcheck.check(out, anchors=False)}


def test_the_published_address_is_the_site_and_root_paths_sit_below_it(tmp_path: Path) -> None:
    out = _site(tmp_path / "out", {
        "index.html": '<a href="https://team.example.io/kb/insights/a.html">a</a>'
                      '<a href="https://team.example.io/kb/missing.html">m</a> <a href="/kb/insights/">i</a>'
                      '<a href="/elsewhere/">e</a> <a href="https://team.example.io/other/">o</a>',
        "insights/a.html": "a",
        "insights/index.html": "i",
    })  # fmt: skip
    broken = {(b.url, b.reason) for b in linkcheck.check(out, base_url="https://team.example.io/kb/")}
    assert broken == {("https://team.example.io/kb/missing.html", "no such file"), ("/elsewhere/", "outside the site")}


def test_a_site_whose_links_all_land_has_none_broken(tmp_path: Path) -> None:
    out = _site(tmp_path / "out", {"index.html": '<a href="a/">a</a>', "a/index.html": '<a href="../">home</a>'})
    assert linkcheck.check(out) == []
