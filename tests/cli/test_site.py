"""`pmops site build` and `pmops site serve`: the KB as a static website, through the CLI, on real git repos."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pmops.site import linkcheck
from tests.conftest import PMOPS, SITE_TODAY, git, stop_group

TODAY = SITE_TODAY


def build(pmops, *args: str, code: int = 0):
    result = pmops("site", "build", "--today", TODAY, "--json", *args, code=code)
    return json.loads(result.stdout) if code == 0 else result


def pages(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*.html")}


@pytest.fixture
def site(built_site: tuple[Path, dict]) -> tuple[Path, dict]:
    """The example KB's site as `build` builds it (conftest.built_site: a copy of its own)."""
    return built_site


@pytest.fixture
def built_kb(site) -> Path:
    """The KB of `site`."""
    return site[0].parent


def test_every_document_is_a_page_with_its_facts(shared_site) -> None:
    out, result = shared_site
    built = pages(out)
    documents = [p.relative_to(out.parent).as_posix() for p in out.parent.rglob("*.md")
                 if "_site" not in p.parts and "drafts" not in p.parts]  # fmt: skip
    assert documents and all(d.removesuffix(".md") + ".html" in built for d in documents), "a document has no page"
    assert result["pages"] == len(built) and result["written"] == len(built) and result["unchanged"] == 0
    assert result["files"] == {"total": 3, "written": 3, "unchanged": 0, "removed": 0}  # site.css, search.js, .nojekyll
    insight = built["insights/ins-260203-dc9k-slack-approvals-would-replace-our-own-bot.html"]
    assert "We built a janky Slack bot on your webhooks" in insight and "Cobalt Labs" in insight
    decision = built["decisions/dec-261126-0mq9-approve-and-reject-from-slack.html"]
    evidence = decision.split('id="evidence"')[1].split("</section>")[0]
    assert 'href="../insights/ins-260203-dc9k-slack-approvals-would-replace-our-own-bot.html"' in evidence
    backlinks = decision.split('id="backlinks"')[1].split("</section>")[0]
    assert "Remind approvers with a twice-daily email digest" in backlinks  # it supersedes that one
    assert 'id="chain"' in decision  # the supersession chain
    assert "<svg" in built["index.html"] and "Intake per week" in built["index.html"]  # the report's dashboard
    metric = built["metrics/met-261126-4hb3-weekly-active-approvers.html"]
    assert "<svg" in metric and metric.count("<script") == 1  # the search box's; not pygal's
    assert "What moving this metric says" not in metric  # the template's hint, an HTML comment
    for name in ("browse/insights.html", "browse/decisions.html", "browse/processes.html", "browse/themes.html",
                 "browse/tags.html", "browse/areas.html", "browse/customers.html", "browse/people.html",
                 "browse/tools.html", "browse/metrics.html", "browse/onboarding-plans.html"):  # fmt: skip
        assert name in built, name
    assert "Decision log" in built["browse/decisions.html"] and "Renewals" in built["browse/tools.html"]
    # Who captured an insight, on the roster: a link to their page, which lists it.
    heard = built["insights/ins-260114-57h6-approvers-miss-requests-buried-in-email-digests.html"]
    assert (
        '<dt>author<span class="vh">: </span></dt><dd><a href="../people/per-261126-10bf-theo-park.html">Theo Park</a>'
        in heard
    )
    assert "Approvers miss requests buried in email digests" in built["people/per-261126-10bf-theo-park.html"]
    # A customer's page follows its insights to the opportunities they support and the decisions on those.
    lumen = built["customers/cus-261126-3bcn-lumen-health-systems.html"]
    assert "Opportunities their insights support:" in lumen and "Approvers miss requests outside the office" in lumen


def test_pages_are_self_contained_accessible_and_searchable(shared_site) -> None:
    out, _ = shared_site
    for name, html in pages(out).items():
        assert '<meta http-equiv="Content-Security-Policy" content="default-src &#39;self&#39;' in html, name
        assert "wasm-unsafe-eval" in html
        for attr, url in re.findall(r'\b(src|href)="([^"]*)"', html):
            assert not re.match(r"(https?:)?//", url), f"{name}: {attr}={url} leaves the site"
            assert not url.startswith("/"), f"{name}: {attr}={url} is not relative"
        assert html.count("<h1") == 1, name
        for landmark in ("<header", "<nav", "<main", "<footer", 'class="skip" href="#main"', "data-pagefind-body",
                         'data-pagefind-filter="type"', 'name="viewport"', 'class="filters" hidden data-pagefind-ignore',
                         'src="' + "../" * name.count("/") + 'assets/search.js" defer'):  # fmt: skip
            assert landmark in html, f"{name}: {landmark}"
    css = (out / "assets/site.css").read_text()
    assert "prefers-color-scheme: dark" in css and ":focus-visible" in css


def test_links_resolve_as_lint_resolves_them(shared_site) -> None:
    out, _ = shared_site
    tips = (out / "handbook/interview-tips.html").read_text()
    # `{{ site.baseurl }}/handbook/research/#before-a-conversation`: the page whose permalink it is
    assert 'href="../handbook/how-we-do-research.html#before-a-conversation"' in tips
    for name, html in pages(out).items():  # every relative link reaches a file of the site
        for url in re.findall(r'href="([^"#]+)', html):
            if url == "data:,":  # the pages' empty icon
                continue
            target = (out / name).parent / url
            assert target.resolve().is_file(), f"{name}: {url} is broken"


def test_a_rebuild_writes_only_the_pages_that_show_a_change(pmops, site, built_kb: Path) -> None:
    out, _ = site
    again = build(pmops)
    assert again["written"] == 0 and again["removed"] == 0
    insight = next((built_kb / "insights").glob("ins-260203-dc9k-*.md"))
    page = "insights/" + insight.stem + ".html"
    before = {p: (out / p).stat().st_mtime_ns for p in pages(out)}
    insight.write_text(insight.read_text() + "\nOne more line heard on the call.\n")
    changed = build(pmops)
    assert changed["written_paths"] == [page]
    assert "One more line heard on the call." in (out / page).read_text()
    assert all((out / p).stat().st_mtime_ns == t for p, t in before.items() if p != page)
    # A new title shows wherever the insight is listed or linked: those pages, and only those.
    text = insight.read_text().replace(
        "title: Slack approvals would replace our own bot", "title: Slack approvals replace our bot"
    )
    insight.write_text(text)
    retitled = build(pmops)["written_paths"]
    assert page in retitled and "browse/insights.html" in retitled
    assert "decisions/dec-261126-0mq9-approve-and-reject-from-slack.html" in retitled  # cites it as evidence
    assert (
        "browse/processes.html" not in retitled
        and "metrics/met-261126-4hb3-weekly-active-approvers.html" not in retitled
    )
    for name in retitled:
        assert "Slack approvals replace our bot" in (out / name).read_text(), name


def test_a_rebuild_sees_what_changed_since_its_own_folders_last_build(pmops, site, built_kb: Path, tmp_path) -> None:
    """A rebuild after bodies alone changed keeps the last build's keys for every other page: only
    when that build was into the same folder, from the same front-matter everywhere."""
    out, _ = site
    insight = next((built_kb / "insights").glob("ins-260203-dc9k-*.md"))
    original = insight.read_text()
    renamed = original.replace("title: Slack approvals would replace our own bot", "title: Slack bot replaced")
    insight.write_text(renamed)
    there = build(pmops)["written_paths"]
    insight.write_text(original)  # and back: every page shows it as it is now
    assert sorted(build(pmops)["written_paths"]) == sorted(there)
    assert not any("Slack bot replaced" in html for html in pages(out).values())
    other = tmp_path / "other"  # a second site of the same KB, built after a change the first has not seen
    build(pmops, "--out", str(other))
    insight.write_text(renamed)
    build(pmops, "--out", str(other))
    insight.write_text(renamed + "\nA line heard on the call.\n")
    assert "browse/insights.html" in build(pmops)["written_paths"]
    assert "Slack bot replaced" in (out / "browse/insights.html").read_text()
    plan = next((built_kb / "onboarding").glob("onb-260817-yc2h-*.md"))  # its steps are in its body
    plan.write_text(plan.read_text().replace("- [ ]", "- [x]", 1))
    written = build(pmops)["written_paths"]
    assert "onboarding/" + plan.stem + ".html" in written and "browse/onboarding-plans.html" in written


def test_a_rebuild_from_kept_records_writes_the_pages_a_build_reading_every_file_writes(
    pmops, site, built_kb: Path, tmp_path
) -> None:
    """After a changed body, the rebuild reads one file and keeps the other pages' keys; its pages are, byte for
    byte, those of a build that kept nothing (every record's type, fields and values as kept; the people and the
    metrics in the same order)."""
    out, _ = site
    kept = built_kb / ".git/pmops/site.records"
    assert kept.is_file()
    insight = next((built_kb / "insights").glob("ins-260203-dc9k-*.md"))
    insight.write_text(insight.read_text() + "\nOne more line heard on the call.\n")
    assert build(pmops)["written_paths"] == ["insights/" + insight.stem + ".html"]
    kept.unlink()  # nothing kept: every file read
    fresh = tmp_path / "fresh"
    build(pmops, "--out", str(fresh))
    rebuilt, scratch = pages(out), pages(fresh)
    assert rebuilt.keys() == scratch.keys() and any(name.startswith(("people/", "metrics/")) for name in rebuilt)
    assert [name for name in rebuilt if rebuilt[name] != scratch[name]] == []


def test_a_changed_page_is_replaced_whole_and_a_stopped_builds_new_page_is_written_again(
    pmops, site, built_kb: Path
) -> None:
    """A page that was there is replaced by a rename (a reader holding it reads the whole old one); a new page
    is written in place, and one a stopped build left half written (not in its manifest) is written again."""
    out, _ = site
    insight = next((built_kb / "insights").glob("ins-260203-dc9k-*.md"))
    page = out / "insights" / (insight.stem + ".html")
    old = page.stat().st_ino
    insight.write_text(insight.read_text() + "\nOne more line heard on the call.\n")
    build(pmops)
    assert page.stat().st_ino != old and "One more line heard on the call." in page.read_text()
    created = json.loads(pmops("insight", "add", "Exports time out on big workspaces", "--source", "support-ticket",
                               "--quote", "The export spins forever", "--json").stdout)  # fmt: skip
    new_page = out / "insights" / (Path(created["path"]).stem + ".html")
    new_page.write_text("<!doctype html><html><head><title>half")  # what a build stopped mid-page leaves
    assert "insights/" + new_page.name in build(pmops)["written_paths"]
    assert "The export spins forever" in new_page.read_text() and new_page.read_text().rstrip().endswith("</html>")
    assert not list(out.rglob("*.pmops-tmp"))


def test_a_removed_document_loses_its_page(pmops, site, built_kb: Path) -> None:
    out, _ = site
    tips = built_kb / "handbook/interview-tips.md"
    git(built_kb, "rm", "-q", str(tips))
    result = build(pmops)
    assert "handbook/interview-tips.html" in result["removed_paths"]
    assert not (out / "handbook/interview-tips.html").exists()


def test_personal_data_is_redacted(pmops, example_kb: Path) -> None:
    pmops("insight", "add", "--title", "Call me back", "--source", "interview", "--keep-pii", "--no-commit",
          "--quote", "Mail me at jane.doe@example.com or call +44 20 7946 0958", "--date", "2026-11-30")  # fmt: skip
    build(pmops)
    built = pages(example_kb / "_site")
    assert not any("jane.doe@example.com" in html or "7946 0958" in html for html in built.values())
    page = next(html for name, html in built.items() if "call-me-back" in name)
    assert "[email redacted]" in page and "[phone redacted]" in page


def test_site_exclude_leaves_folders_and_types_out(pmops, site, built_kb: Path) -> None:
    config = built_kb / "pmops.yaml"
    assert "exclude: [handbook/drafts]" in config.read_text()  # the example KB's drafts: not published
    _, result = site  # the first build
    built = pages(built_kb / "_site")
    assert result["excluded"] == 1 and not any(name.startswith("handbook/drafts/") for name in built)
    config.write_text(config.read_text().replace("exclude: [handbook/drafts]", "exclude: [handbook/drafts, person]"))
    result = build(pmops)
    built = pages(built_kb / "_site")
    assert not any(name.startswith(("people/", "handbook/drafts/")) for name in built)
    assert result["excluded"] == 14
    assert "Ada Brooks" in built["decisions/dec-261126-0mq9-approve-and-reject-from-slack.html"]  # named, not linked
    assert 'href="../people/' not in built["decisions/dec-261126-0mq9-approve-and-reject-from-slack.html"]
    # Insights left out: the home page's priorities name their evidence as text, never a link to "#".
    config.write_text(config.read_text().replace("exclude: [handbook/drafts, person]", "exclude: [insights]"))
    pmops("site", "build", "--today", "2026-12-02")  # the December ranking: its evidence on the home page
    home = (built_kb / "_site" / "index.html").read_text()
    assert "ins-260114-57h6" in home and 'href="#"' not in home


def test_a_site_exclude_entry_that_leaves_nothing_out_is_refused_or_said(pmops, example_kb: Path) -> None:
    """A typo in a privacy setting would publish what it was meant to hide: a folder or name that is no type and
    nothing of the KB is refused (exit 2, one line, the nearest name, nothing written); a glob matching nothing
    yet (a policy, `**/private-*`) is said on stderr and named in --json."""
    config = example_kb / "pmops.yaml"
    setting = config.read_text()
    for typos, first, near in (("handbook/drafst, persons, Decisions", "handbook/drafst", "handbook/drafts"),
                               ("handbook/drafts, persons", "persons", "person"),
                               ("handbook/drafts, Decisions", "Decisions", "decisions")):  # fmt: skip
        config.write_text(setting.replace("exclude: [handbook/drafts]", f"exclude: [{typos}, person]"))
        result = pmops("site", "build", "--today", TODAY, code=2)
        assert result.stderr.startswith(f"error: pmops.yaml: site.exclude '{first}' is no type and no file or folder")
        assert "nothing built" in result.stderr and f"did you mean '{near}'?" in result.stderr
        assert result.stderr.count("\n") == 2 and result.stdout == ""
        assert not (example_kb / "_site").exists()
        assert ("(nor 'persons', 'Decisions')" in result.stderr) == (first == "handbook/drafst")
    config.write_text(
        setting.replace("exclude: [handbook/drafts]", 'exclude: [handbook/drafts, "**/private-*", person]')
    )
    result = pmops("site", "build", "--today", TODAY)
    assert (
        "warning: site.exclude '**/private-*' matches no document and no type: it leaves nothing out" in result.stderr
    )
    assert json.loads(pmops("site", "build", "--today", TODAY, "--json").stdout)["unmatched_exclude"] == [
        "**/private-*"
    ]
    config.write_text(setting.replace("exclude: [handbook/drafts]", "exclude: [handbook/drafts, drafts, person]"))
    assert "warning" not in pmops("site", "build", "--today", TODAY).stderr  # a name in any folder: the drafts


def test_people_and_customers_left_out_have_no_pages(pmops, example_kb: Path) -> None:
    """site.exclude of the person (customer) type: no page about anyone (any customer), names as text; a
    person named without a document of their own lists what they captured too."""
    config = example_kb / "pmops.yaml"
    config.write_text(
        config.read_text().replace("exclude: [handbook/drafts]", "exclude: [handbook/drafts, person, customer]")
    )
    build(pmops)
    built = pages(example_kb / "_site")
    assert not any(name.startswith(("people/", "browse/people/", "customers/", "browse/customers/")) for name in built)
    assert "Theo Park" in built["insights/ins-260114-57h6-approvers-miss-requests-buried-in-email-digests.html"]
    assert [str(b) for b in linkcheck.check(example_kb / "_site")] == []
    config.write_text(config.read_text().replace(", person, customer]", ", people/per-261126-10bf-theo-park.md]"))
    build(pmops)
    page = (example_kb / "_site/browse/people/theo-park.html").read_text()
    assert "(no person page of their own on this site" in page and "document of its own" not in page
    assert "Approvers miss requests buried in email digests" in page and "insight, author" in page


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("insights/site", "is among the knowledge base's documents"),
        (".", "holds the knowledge base"),
        ("..", "holds the knowledge base"),
    ],
)
def test_a_site_folder_among_the_documents_is_refused(pmops, example_kb: Path, out: str, message: str) -> None:
    result = build(pmops, "--out", out, code=2)
    assert message in result.stderr and result.stderr.count("\n") <= 2
    assert not (example_kb / "insights/site").exists() and not (example_kb / "_site").exists()
    assert not (example_kb / "index.html").exists()


def test_a_folder_inside_another_site_is_refused(pmops, site, built_kb: Path) -> None:
    """A site built inside another would be published and found by search twice (found by a new user)."""
    result = pmops("site", "build", "--out", "_site/sub", code=2)
    assert "--out _site/sub: is inside the pmops site in" in result.stderr and "search this one" in result.stderr
    assert not (built_kb / "_site/sub").exists()


def test_a_folder_that_is_not_a_site_is_refused(pmops, example_kb: Path, tmp_path: Path) -> None:
    other = tmp_path / "photos"
    other.mkdir()
    (other / "holiday.jpg").write_bytes(b"jpg")
    result = build(pmops, "--out", str(other), code=2)
    assert result.stderr.startswith(f"error: --out {other}: is not empty and holds no pmops site; nothing written")
    assert [p.name for p in other.iterdir()] == ["holiday.jpg"]
    assert build(pmops, "--out", str(tmp_path / "public"))["pages"] > 100  # a new folder is fine
    assert build(pmops, "--out", str(tmp_path / "public"))["written"] == 0  # and so is a previous site


def test_base_url_gives_canonical_urls_and_a_wrong_one_is_refused(pmops, example_kb: Path) -> None:
    result = build(pmops, "--base-url", "ftp://x", code=2)
    assert "--base-url must be an http(s) URL" in result.stderr
    build(pmops, "--base-url", "https://handbook.example.com/pm")
    home = (example_kb / "_site/index.html").read_text()
    assert '<link rel="canonical" href="https://handbook.example.com/pm/index.html">' in home


def test_the_summary_for_people(pmops, example_kb: Path) -> None:
    result = pmops("site", "build", "--today", TODAY)
    # Pages and the other files (the stylesheet, the search box's script, .nojekyll) counted each on their own.
    said = re.fullmatch(r"_site: (\d+) pages: (\d+) written, 0 unchanged, 0 removed; 3 other files: 3 written "
                        r"\(\d+\.\d s\)\n1 document left out \(site\.exclude\)\n"
                        r"search: \1 pages indexed \(\d+\.\d s\)\n", result.stdout)  # fmt: skip
    assert said and said.group(1) == said.group(2), result.stdout
    pages = int(said.group(1))
    assert pages == len(list((example_kb / "_site").rglob("*.html")))
    again = pmops("site", "build", "--today", TODAY).stdout
    assert "search" not in again  # no page changed: the index holds
    assert again.startswith(
        f"_site: {pages} pages: 0 written, {pages} unchanged, 0 removed; 3 other files: 0 written ("
    )
    tips = example_kb / "handbook/interview-tips.md"
    tips.write_text(tips.read_text() + "\nOne more tip.\n")
    assert pmops("site", "build", "--today", TODAY).stdout.startswith(
        f"_site: {pages} pages: 1 written, {pages - 1} unchanged, 0 removed; 3 other files: 0 written ("
    )


def test_the_search_index_is_built_when_pages_change(pmops, site, built_kb: Path) -> None:
    out, result = site
    assert result["search"] == {"indexed": True, "unchanged": False, "pages": result["pages"],
                                "seconds": result["search"]["seconds"], "skipped": None, "shards": 1,
                                "shards_indexed": 1, "shards_early": 0, "error": None}  # fmt: skip
    entry = json.loads((out / "pagefind/pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == result["pages"]
    assert {"pagefind-ui.js", "pagefind-ui.css", "pagefind.js"} <= {p.name for p in (out / "pagefind").iterdir()}
    assert not [p for p in out.iterdir() if p.name.startswith(".pagefind-")]  # the new bundle swapped in whole
    assert build(pmops)["search"] == {"indexed": False, "unchanged": True, "pages": 0, "seconds": 0.0, "skipped": None,
                                      "shards": 0, "shards_indexed": 0, "shards_early": 0, "error": None}  # fmt: skip
    bundle = (out / "pagefind/pagefind-entry.json").stat().st_mtime_ns
    tips = built_kb / "handbook/interview-tips.md"
    tips.write_text(tips.read_text() + "\nA line about zanzibar.\n")
    assert build(pmops)["search"]["indexed"] is True
    assert (out / "pagefind/pagefind-entry.json").stat().st_mtime_ns != bundle
    script = (out / "assets/search.js").read_text()
    assert 'new URL("../pagefind/", script.src)' in script  # the bundle beside assets/, wherever the site is served


def test_pagefind_failing_is_one_line_and_the_pages_are_built(pmops, example_kb: Path, tmp_path, monkeypatch) -> None:
    failing = tmp_path / "pagefind"
    failing.write_text("#!/bin/sh\necho 'Error: the site is on fire' >&2\nexit 3\n")
    failing.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(failing))
    result = pmops("site", "build", "--today", TODAY, code=1)
    assert result.stderr.startswith(
        "error: the search index was not built: pagefind says: Error: the site is on fire\n"
    )
    pages = len(list((example_kb / "_site").rglob("*.html")))
    assert re.match(rf"_site: {pages} pages: {pages} written, ", result.stdout)  # what was built, said all the same
    assert "search:" not in result.stdout
    assert (
        f"hint: the pages are built, and the next build indexes them; Pagefind run: {failing} (PAGEFIND_BINARY_PATH)\n"
        in result.stderr
    )
    assert (example_kb / "_site/index.html").is_file() and not (example_kb / "_site/pagefind").exists()
    assert not [p for p in (example_kb / "_site").iterdir() if p.name.startswith(".pagefind-")]
    again = pmops("site", "build", "--today", TODAY, "--json", code=1)  # a CI script gets the numbers, and exit 1
    assert again.stderr.startswith("error: the search index was not built: pagefind says: Error: the site is on fire\n")
    said = json.loads(again.stdout)
    assert said["pages"] == pages and said["written"] == 0 and said["search"]["indexed"] is False
    assert said["search"]["error"] == "the search index was not built: pagefind says: Error: the site is on fire"


@pytest.mark.parametrize("given", ["0", "-5", "abc", "1.5"])
def test_a_bad_shard_size_is_refused_before_anything_is_written(pmops, example_kb: Path, monkeypatch, given) -> None:
    monkeypatch.setenv("PMOPS_SITE_SHARD_PAGES", given)
    said = pmops("site", "build", "--today", TODAY, code=2).stderr
    assert said.startswith(f"error: PMOPS_SITE_SHARD_PAGES={given!r}: the pages of a search index's shard are a whole")
    assert not (example_kb / "_site").exists()


def test_an_index_that_failed_after_a_change_is_built_by_the_next_build(
    pmops, built_kb: Path, tmp_path, monkeypatch
) -> None:
    """The pages changed, Pagefind failed (or was stopped): the old index no longer matches the pages,
    and the next build indexes them though it writes no page."""
    page = next((built_kb / "handbook").glob("*.md"))
    page.write_text(page.read_text() + "\nA word only here: zzqqxx.\n")
    failing = tmp_path / "pagefind"
    failing.write_text("#!/bin/sh\nexit 3\n")
    failing.chmod(0o755)
    with monkeypatch.context() as broken:
        broken.setenv("PAGEFIND_BINARY_PATH", str(failing))
        pmops("site", "build", "--today", TODAY, code=1)
    again = json.loads(pmops("site", "build", "--today", TODAY, "--json").stdout)
    assert (again["written"], again["search"]["indexed"]) == (0, True)
    assert not (built_kb / "_site" / ".pmops-search-pending").exists()
    assert json.loads(pmops("site", "build", "--today", TODAY, "--json").stdout)["search"]["unchanged"] is True


def _without_pagefind(monkeypatch) -> None:
    """As a KB without Pagefind installed: its Python package not importable, no binary named."""
    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    for name in ("pagefind", "pagefind.service"):
        monkeypatch.setitem(sys.modules, name, None)


def test_without_pagefind_the_site_is_built_without_search(pmops, example_kb: Path, monkeypatch) -> None:
    _without_pagefind(monkeypatch)
    result = pmops("site", "build", "--today", TODAY)
    assert result.stderr == (
        "search skipped: Pagefind's binary was not found (pip install 'pagefind[bin]', or set PAGEFIND_BINARY_PATH); "
        "the site has no search box\n"
    )
    assert (example_kb / "_site/index.html").is_file() and not (example_kb / "_site/pagefind").exists()
    assert "search skipped" not in result.stdout
    (example_kb / "README.md").write_text("# Tally\n\nChanged.\n")
    data = pmops("site", "build", "--today", TODAY, "--json")
    assert json.loads(data.stdout)["search"]["skipped"].startswith("Pagefind's binary was not found")


def test_pagefind_binary_path_empty_is_unset_and_a_wrong_one_is_refused(pmops, example_kb: Path, monkeypatch) -> None:
    """CI templates export a variable empty: the installed Pagefind is used. A path that names no executable
    (a typo) would have published a site without search with exit 0: exit 2, nothing written."""
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(example_kb / "no-such-pagefind"))
    said = pmops("site", "build", "--today", TODAY, code=2).stderr
    assert said.startswith(f"error: PAGEFIND_BINARY_PATH={example_kb / 'no-such-pagefind'}: no executable file there")
    assert not (example_kb / "_site").exists()
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "")
    assert json.loads(pmops("site", "build", "--today", TODAY, "--json").stdout)["search"]["indexed"] is True
    # A name alone is looked for on PATH; one that writes no index is said so, not as "exit status 0".
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "true")
    (example_kb / "README.md").write_text("# Tally\n\nChanged.\n")
    failed = pmops("site", "build", "--today", TODAY, code=1).stderr
    assert "pagefind says: it ended without writing an index" in failed, failed


def test_serve_previews_and_rebuilds_on_change(example_kb: Path) -> None:
    server = subprocess.Popen([PMOPS, "site", "serve", "--port", "0", "--today", TODAY], cwd=example_kb,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)  # fmt: skip
    try:
        line = ""
        while "serving" not in line:
            line = server.stderr.readline()
            assert line or server.poll() is None, server.stderr.read()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        home = fetch(url + "index.html")
        assert "Tally Product" in home
        tips = example_kb / "handbook/interview-tips.md"
        tips.write_text(tips.read_text() + "\nA line written while the preview runs.\n")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            page = fetch(url + "handbook/interview-tips.html")
            if "A line written while the preview runs." in page:
                break
            time.sleep(0.3)
        else:
            pytest.fail("the preview did not rebuild")
        while not (example_kb / "_site/pagefind/pagefind-entry.json").is_file():  # indexed in the background
            assert time.monotonic() < deadline, "the preview's search was not indexed"
            time.sleep(0.3)
    finally:
        stop_group(server)
        server.stdout.close()
        server.stderr.close()


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def test_a_wrong_site_setting_is_one_line(pmops, example_kb: Path) -> None:
    config = example_kb / "pmops.yaml"
    config.write_text(config.read_text().replace("exclude: [handbook/drafts]", "exclude: {drafts: yes}"))
    result = build(pmops, code=2)
    assert result.stderr == (
        "error: pmops.yaml: 'site.exclude' must be a list of folders, globs or type names, e.g. [handbook/drafts, person]\n"
    )
    assert not (example_kb / "_site").exists()


def test_files_a_page_shows_are_published_beside_it(pmops, example_kb: Path) -> None:
    tips = example_kb / "handbook/interview-tips.md"
    (example_kb / "handbook/img").mkdir()
    (example_kb / "handbook/img/flow.png").write_bytes(b"\x89PNG not really")
    tips.write_text(tips.read_text() + "\n![The flow](img/flow.png) and ![theirs](https://example.com/x.png)\n")
    git(example_kb, "add", "handbook/img/flow.png")  # published once git tracks it (test_site_files.py)
    build(pmops)
    out = example_kb / "_site"
    page = (out / "handbook/interview-tips.html").read_text()
    assert '<img src="../handbook/img/flow.png" alt="The flow"' in page
    assert 'href="https://example.com/x.png"' in page and 'src="https://' not in page  # a link, never loaded
    assert (out / "handbook/img/flow.png").read_bytes() == b"\x89PNG not really"
    tips.write_text(tips.read_text().replace("![The flow](img/flow.png)", "no picture"))
    result = build(pmops)
    assert "handbook/img/flow.png" in result["removed_paths"] and not (out / "handbook/img").exists()


def test_a_site_of_another_pmops_version_is_rebuilt_not_refused(pmops, site, built_kb: Path) -> None:
    out, _ = site
    (out / ".pmops-site.json").write_text('{"pmops_site": 0, "pages": {}}')
    result = build(pmops)
    assert result["written"] == result["pages"] and result["files"]["written"] == 3  # the old manifest's hashes: unread


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: pages are rendered in one process")
def test_pages_rendered_by_several_processes_are_the_same(pmops, example_kb: Path, tmp_path: Path, monkeypatch) -> None:
    import pmops.site as site_module

    one = build(pmops, "--out", str(tmp_path / "one"))
    monkeypatch.setattr(site_module, "PARALLEL_FROM", 1)
    many = build(pmops, "--out", str(tmp_path / "many"))
    assert one["written_paths"] == many["written_paths"]
    assert pages(tmp_path / "one") == pages(tmp_path / "many")


def test_pages_are_rendered_in_one_process_beside_the_index_on_two_cores(monkeypatch) -> None:
    """While Pagefind indexes the shards beside the pages (a first build), it has half the cores: on two, the
    build renders in its own process (forked workers copy the documents' memory they touch, and cost more CPU
    than they save there); without the index beside them, one process per core, at most 4."""
    import pmops.site as site_module

    for cores, beside, alone in ((1, 1, 1), (2, 1, 2), (4, 2, 4), (16, 4, 4)):
        monkeypatch.setattr(os, "cpu_count", lambda cores=cores: cores)
        assert (site_module.render_workers(True), site_module.render_workers(False)) == (beside, alone)


def test_nested_fields_are_shown_in_the_types_terms_never_as_python(shared_site) -> None:
    """A ranking's rows and a process's outputs (lists of mappings) in the fact box: never a dict's repr."""
    out, _ = shared_site
    built = pages(out)
    for name, html in built.items():
        facts = html[html.find('<dl class="facts"') : html.find("</dl>")]
        assert "{'" not in facts and "':" not in facts, name
    ranking = built["rankings/rnk-261202-09zv-ranking-2026-12-rice.html"]
    assert (
        '<dt>ranked<span class="vh">: </span></dt><dd><a href="../opportunities/opp-261202-ted8-approvers-miss-requests-outside-the-office.html">'
        "Approvers miss requests outside the office</a> (rank 1, score 5.4)" in ranking
    )
    interviews = built["processes/prc-260105-ya68-customer-interview-programme.html"]
    assert '<dt>outputs<span class="vh">: </span></dt><dd>insights-per-pm: 2 per week</dd>' in interviews


def test_the_themes_page_quotes_what_customers_said(shared_site) -> None:
    """Its 'latest quote' is an insight's quote, as the home page's: never its title in quotation marks."""
    out, _ = shared_site
    themes = (out / "browse/themes.html").read_text()
    assert "“Ward managers cannot approve away from a desk”" not in themes
    assert "“Our ward managers are on the floor all shift." in themes


def test_a_build_without_pagefind_after_one_with_it_leaves_search_to_catch_up(
    pmops, site, built_kb: Path, monkeypatch
) -> None:
    """The old index is kept (said), and marked pending: the next build with the binary indexes the pages
    again even when it writes none (found by a new user: search stayed stale for good)."""
    out, _ = site
    insight = next((built_kb / "insights").glob("ins-*.md"))
    insight.write_text(insight.read_text() + "\nQuetzalcoatl appears here.\n")
    with monkeypatch.context() as missing:
        _without_pagefind(missing)
        result = pmops("site", "build", "--today", TODAY)
    assert "the search box keeps the last index, which misses this build's changes" in result.stderr
    assert (out / ".pmops-search-pending").exists() and (out / "pagefind/pagefind-entry.json").is_file()
    again = build(pmops)
    assert again["written"] == 0 and again["search"]["indexed"] and not (out / ".pmops-search-pending").exists()


def test_files_that_must_not_be_published_are_not(pmops, example_kb: Path) -> None:
    """A link to a dot-file, a file in .git, a file git ignores or one under a folder site.exclude leaves out
    is its text, the file not copied (found by a new user: `[env](../.env)` published .env); nor is any file
    a document of a pii type (an insight) links to, which could hold what its page redacts."""
    (example_kb / ".env").write_text("TOKEN=abc\n")
    (example_kb / "credentials.yaml").write_text("secret: 1\n")
    (example_kb / ".gitignore").write_text((example_kb / ".gitignore").read_text() + "credentials.yaml\n")
    (example_kb / "handbook/drafts/pricing-deck.pdf").write_bytes(b"%PDF-1.4 deck")
    (example_kb / "handbook/plan.pdf").write_bytes(b"%PDF-1.4 plan")
    git(
        example_kb, "add", "handbook/plan.pdf", "handbook/drafts/pricing-deck.pdf"
    )  # tracked, and still not all published
    (example_kb / "handbook/escape.md").write_text(
        "---\ntitle: Escape test\n---\n[env](../.env) [git](../.git/config) [creds](../credentials.yaml) "
        "[deck](drafts/pricing-deck.pdf) [plan](plan.pdf) <a href='../.env'>html env</a>\n"
    )
    (example_kb / "insights/transcripts").mkdir()
    (example_kb / "insights/transcripts/cobalt.txt").write_text("jane.doe@cobalt.io +1 415 555 0132\n")
    insight = next((example_kb / "insights").glob("ins-*.md"))
    insight.write_text(insight.read_text() + "\nTranscript: [notes](transcripts/cobalt.txt)\n")
    build(pmops)
    out = example_kb / "_site"
    for name in (".env", ".git/config", "credentials.yaml", "handbook/drafts/pricing-deck.pdf",
                 "insights/transcripts/cobalt.txt"):  # fmt: skip
        assert not (out / name).exists(), name
    assert (out / "handbook/plan.pdf").is_file()
    page = (out / "handbook/escape.html").read_text()
    assert 'href="../handbook/plan.pdf"' in page and "env git creds deck" in page and "<a>html env</a>" in page
    assert "Transcript: notes" in (out / ("insights/" + insight.stem + ".html")).read_text()
    assert [str(b) for b in linkcheck.check(out)] == []


def test_a_large_sites_index_is_split_and_only_changed_shards_are_indexed_again(
    pmops, example_kb: Path, monkeypatch
) -> None:
    """From twice $PMOPS_SITE_SHARD_PAGES pages (500 unless set) the index is split in shards by a hash
    of each page's URL; a rebuild after one change indexes the shards of the pages it wrote."""
    from pmops.site.searchindex import shard_of

    monkeypatch.setenv("PMOPS_SITE_SHARD_PAGES", "60")
    first = build(pmops)
    out = example_kb / "_site"
    assert first["search"]["shards"] == 3 and first["search"]["shards_indexed"] == 3
    assert first["search"]["pages"] == first["pages"]  # every page, in one shard or another
    assert json.loads((out / "pagefind/pmops-shards.json").read_text()) == {
        "shards": 3, "merge": ["pagefind-01", "pagefind-02"]}  # fmt: skip
    entries = {name: (out / name / "pagefind-entry.json").stat().st_mtime_ns for name in ("pagefind", "pagefind-01", "pagefind-02")}  # fmt: skip
    tips = example_kb / "handbook/interview-tips.md"
    tips.write_text(tips.read_text() + "\nA new line.\n")
    again = build(pmops)
    assert again["written_paths"] == ["handbook/interview-tips.html"]
    assert again["search"]["shards_indexed"] == 1 and again["search"]["pages"] == first["pages"]
    changed = ("pagefind", "pagefind-01", "pagefind-02")[shard_of("handbook/interview-tips.html", 3)]
    for name, stamp in entries.items():
        assert ((out / name / "pagefind-entry.json").stat().st_mtime_ns != stamp) == (name == changed), name
    assert not (out / ".pmops-search-pending").exists() and not list(out.glob(".pagefind-*"))
    # Fewer pages than twice the shard size: one index again, the shards' bundles removed.
    monkeypatch.delenv("PMOPS_SITE_SHARD_PAGES")
    tips.write_text(tips.read_text() + "\nAnother line.\n")
    one = build(pmops)
    assert one["search"]["shards"] == 1 and one["search"]["pages"] == first["pages"]
    assert (
        not list(out.glob("pagefind-*")) and json.loads((out / "pagefind/pmops-shards.json").read_text())["merge"] == []
    )


def test_a_first_builds_shards_are_indexed_while_the_rest_is_rendered(
    pmops, example_kb: Path, tmp_path: Path, monkeypatch
) -> None:
    """A first build into a folder (every page new, every shard to index) starts each shard's Pagefind as soon
    as its last page is written, while other pages are still rendered; later builds index after the pages. A
    shard failing so is one line, every page built, and the next build indexes every shard."""
    import pmops.site as site_module

    monkeypatch.setenv("PMOPS_SITE_SHARD_PAGES", "60")
    monkeypatch.setattr(site_module, "PARALLEL_FROM", 1)  # the example KB's pages rendered as a large site's
    first = build(pmops)
    out = example_kb / "_site"
    assert first["search"]["shards"] == 3 and first["search"]["shards_indexed"] == 3
    # The first shards' Pagefind started before the last pages were written; the last shard's, with them.
    assert 1 <= first["search"]["shards_early"] < 3 and first["search"]["pages"] == first["pages"]
    said = pmops("site", "build", "--today", TODAY, "--out", str(tmp_path / "said")).stdout
    assert re.search(rf"^search: {first['pages']} pages indexed \(\d+\.\d s; [12] of 3 shards while the pages were written\)$",
                     said, re.MULTILINE), said  # fmt: skip
    assert not (out / ".pmops-search-pending").exists() and not list(out.glob(".pagefind-*"))
    tips = example_kb / "handbook/interview-tips.md"
    tips.write_text(tips.read_text() + "\nA new line.\n")
    again = build(pmops)["search"]
    assert again["shards_indexed"] == 1 and again["shards_early"] == 0 and again["pages"] == first["pages"]
    failing = tmp_path / "failing"
    failing.write_text("#!/bin/sh\necho 'Error: the site is on fire' >&2\nexit 3\n")
    failing.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(failing))
    other = tmp_path / "other"
    said = pmops("site", "build", "--today", TODAY, "--out", str(other), code=1).stderr
    assert said.startswith("error: the search index was not built: pagefind says: Error: the site is on fire\n")
    assert len(pages(other)) == first["pages"] and (other / ".pmops-search-pending").exists()
    assert not list(other.glob(".pagefind-*"))
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    last = build(pmops, "--out", str(other))
    assert last["written"] == 0 and last["search"]["shards_indexed"] == 3 and last["search"]["shards_early"] == 0
    assert last["search"]["pages"] == first["pages"] and not (other / ".pmops-search-pending").exists()


def test_a_build_stopped_among_its_new_pages_leaves_nothing_published_that_the_site_no_longer_has(
    pmops, example_kb: Path
) -> None:
    """A first build stopped midway (here a template failing on the last insight) has named the pages it was
    about to write in its manifest: after a document whose page it wrote is deleted, the next build removes
    that page. The index holds the site's pages alone: not a file of the team's, nor what a stopped index left."""
    import yaml

    out = example_kb / "_site"
    insights = sorted((example_kb / "insights").glob("*.md"))
    doomed, last = insights[0], insights[-1]
    title = yaml.safe_load(last.read_text().split("---")[1])["title"]
    own = example_kb / "templates/site/doc-insight.html.j2"
    own.parent.mkdir(parents=True)
    own.write_text(f"{{% if record.title == {title!r} %}}{{{{ no_such_thing }}}}{{% endif %}}\n")
    assert "'no_such_thing' is undefined" in build(pmops, code=2).stderr
    page = out / "insights" / (doomed.stem + ".html")
    assert page.is_file()  # written before the build stopped
    own.unlink()
    git(example_kb, "rm", "-q", str(doomed))
    git(example_kb, "commit", "-qm", "Not for the site")
    (out / "mine.html").write_text("<html><body><main data-pagefind-body>ours</main></body></html>")
    (out / ".pagefind-pages-07/insights").mkdir(parents=True)  # what an index stopped midway leaves
    (out / ".pagefind-pages-07/insights/copy.html").write_text(page.read_text())
    result = build(pmops)
    assert "insights/" + page.name in result["removed_paths"] and not page.exists()
    assert result["search"]["pages"] == result["pages"] == len(result["written_paths"]) - 3
    assert (out / "mine.html").is_file() and not list(out.glob(".pagefind-*"))


def test_a_page_deleted_by_hand_is_written_again(pmops, site, built_kb: Path) -> None:
    out, _ = site
    insight = next((built_kb / "insights").glob("ins-260203-dc9k-*.md"))
    (out / "index.html").unlink()
    (out / "insights" / (insight.stem + ".html")).unlink()
    assert build(pmops)["written_paths"] == ["index.html", "insights/" + insight.stem + ".html"]
    (out / "index.html").unlink()  # and after a change to a body alone (the last build's keys kept)
    insight.write_text(insight.read_text() + "\nOne more line heard on the call.\n")
    assert build(pmops)["written_paths"] == ["index.html", "insights/" + insight.stem + ".html"]


@pytest.mark.parametrize("shards", ["", "60"], ids=["one-bundle", "three-shards"])
def test_a_build_stopped_by_sigterm_stops_its_pagefind(example_kb: Path, tmp_path: Path, monkeypatch, shards) -> None:
    """A SIGTERM to pmops alone (a CI job cancelled, `kill`) stops it as Ctrl-C does, and the Pagefind processes
    it runs with it (one, or a shard's each, side by side): they went on writing into the site, the build gone."""
    slow = tmp_path / "pagefind"
    slow.write_text(f"#!/bin/sh\necho $$ >> {tmp_path / 'pids'}\nexec sleep 60\n")  # (sleep keeps its pid)
    slow.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(slow))
    monkeypatch.setenv("PMOPS_SITE_SHARD_PAGES", shards)
    pids = tmp_path / "pids"
    with subprocess.Popen([PMOPS, "site", "build", "--today", TODAY], cwd=example_kb, stderr=subprocess.PIPE,
                          text=True) as build:  # fmt: skip
        deadline = time.monotonic() + 120
        while len(pids.read_text().split() if pids.is_file() else []) < (2 if shards else 1):
            assert build.poll() is None and time.monotonic() < deadline, "Pagefind never started"
            time.sleep(0.05)
        build.terminate()
        _, said = build.communicate(timeout=60)
    assert build.returncode == 130 and said == "error: interrupted\n"
    started = [int(pid) for pid in pids.read_text().split()]
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in started) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in started if _alive(pid)]


def test_a_build_stopped_stops_the_pagefind_a_wrapper_started(example_kb: Path, tmp_path: Path, monkeypatch) -> None:
    """PAGEFIND_BINARY_PATH may name a wrapper (a shell script starting Pagefind): stopped, the build stops the
    wrapper's children too (review 21t: the build waited 30 s for the Pagefind its wrapper had started)."""
    pids = tmp_path / "pids"
    wrapper = tmp_path / "pagefind"
    wrapper.write_text(f"#!/bin/sh\nsleep 60 &\necho $! >> {pids}\nwait\n")
    wrapper.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(wrapper))
    with subprocess.Popen([PMOPS, "site", "build", "--today", TODAY], cwd=example_kb, stderr=subprocess.PIPE,
                          text=True) as build:  # fmt: skip
        deadline = time.monotonic() + 120
        while not (pids.is_file() and pids.read_text().strip()):
            assert build.poll() is None and time.monotonic() < deadline, "Pagefind never started"
            time.sleep(0.05)
        build.terminate()
        stopped = time.monotonic()
        _, said = build.communicate(timeout=90)
    assert (build.returncode, said) == (130, "error: interrupted\n") and time.monotonic() - stopped < 20
    child = int(pids.read_text().split()[0])
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def test_a_first_build_stopped_while_it_renders_stops_the_shards_it_is_indexing(
    example_kb: Path, tmp_path: Path, monkeypatch
) -> None:
    """A first build of a large site indexes each shard as soon as its pages are written, while it renders the
    others. Stopped then (SIGTERM), it stops their Pagefind at once: it waited for them to end (here 60 s)."""
    for n in range(300):  # (from 400 pages to render, the shards are indexed while the pages are written)
        (example_kb / "handbook" / f"note-{n:03d}.md").write_text(f"# Note {n}\n\nA line of the handbook.\n")
    git(example_kb, "add", "handbook")
    git(example_kb, "commit", "-q", "-m", "Notes")
    slow = tmp_path / "pagefind"
    slow.write_text(f"#!/bin/sh\necho $$ >> {tmp_path / 'pids'}\nexec sleep 60\n")
    slow.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(slow))
    monkeypatch.setenv("PMOPS_SITE_SHARD_PAGES", "30")  # 16 shards, the first ones ready early
    pids = tmp_path / "pids"
    with subprocess.Popen([PMOPS, "site", "build", "--today", TODAY], cwd=example_kb, stderr=subprocess.PIPE,
                          text=True) as build:  # fmt: skip
        deadline = time.monotonic() + 120
        while len(pids.read_text().split() if pids.is_file() else []) < 2:
            assert build.poll() is None and time.monotonic() < deadline, "Pagefind never started"
            time.sleep(0.05)
        build.terminate()
        stopped = time.monotonic()
        _, said = build.communicate(timeout=90)
    assert build.returncode == 130 and said == "error: interrupted\n"
    assert time.monotonic() - stopped < 30
    started = [int(pid) for pid in pids.read_text().split()]
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in started) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in started if _alive(pid)]
    assert (example_kb / "_site" / ".pmops-search-pending").is_file()  # the next build indexes every shard


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"  # (a zombie has ended: its parent, gone, no longer waits for it)


def test_two_builds_of_one_folder_at_once_take_turns(example_kb: Path, monkeypatch) -> None:
    """The second waits for the first (a lock): the site and its index, split in shards, end whole."""
    monkeypatch.setenv("PMOPS_SITE_SHARD_PAGES", "60")
    command = [PMOPS, "site", "build", "--today", TODAY, "--json"]
    with subprocess.Popen(command, cwd=example_kb, stdout=subprocess.PIPE, text=True) as first:
        time.sleep(0.2)
        second = subprocess.run(command, cwd=example_kb, capture_output=True, text=True, check=False)
        said, _ = first.communicate(timeout=120)
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    done = [json.loads(said), json.loads(second.stdout)]
    out = example_kb / "_site"
    assert done[0]["written"] + done[1]["written"] == done[0]["pages"]  # each page written once, by one of them
    layout = json.loads((out / "pagefind/pmops-shards.json").read_text())
    assert layout == {"shards": 3, "merge": ["pagefind-01", "pagefind-02"]}
    entries = [json.loads((out / name / "pagefind-entry.json").read_text()) for name in ("pagefind", *layout["merge"])]
    assert sum(e["languages"]["en"]["page_count"] for e in entries) == done[0]["pages"]
    assert not (out / ".pmops-search-pending").exists() and not list(out.glob(".pagefind-*"))
    assert [str(b) for b in linkcheck.check(out)] == []


def test_a_manifest_that_cannot_be_read_is_said_as_such(pmops, site) -> None:
    out, _ = site
    manifest = out / ".pmops-site.json"
    manifest.write_text(manifest.read_text()[:1000])
    said = pmops("site", "build", "--today", TODAY, code=2).stderr.splitlines()
    assert said == ["error: --out _site: its manifest (.pmops-site.json) cannot be read; nothing written",
                    "hint: delete the folder to build the site again from scratch: rm -r _site"]  # fmt: skip


def test_what_a_reader_sees_of_small_things(shared_site) -> None:
    """Found by a new user: `[[id]]` reads as the document's title; a checklist's `[x]` is a box; a month
    of the decision log is not numbered from 1; a person named in documents that link to no page of
    theirs is not told 'no document links here'; the search index has no file path, and a fact's label
    and value apart; from the file system the search box says search needs the site served."""
    out, _ = shared_site
    built = pages(out)
    decision = built["decisions/dec-261126-0mq9-approve-and-reject-from-slack.html"]
    body = decision[decision.index('<article class="body">') :]
    assert ">Slack approvals would replace our own bot</a>" in body and ">ins-260203-dc9k</a>" not in body
    checklist = next(html for name, html in built.items() if name.startswith("checklists/chk-261116-bnp6"))
    assert "☑ " in checklist and "☐ " in checklist and "[x]" not in checklist and "[ ]" not in checklist
    assert '<ol class="timeline">' not in built["browse/decisions.html"]
    assert '<span class="muted" data-pagefind-ignore>decisions/dec-261126-0mq9' in decision
    assert '<dt>status<span class="vh">: </span></dt>' in decision
    person = built["people/per-261126-10bf-theo-park.html"]
    assert "No document links here yet" not in person and "Named in" in person
    script = (out / "assets/search.js").read_text()
    assert 'window.location.protocol === "file:"' in script and "Search needs the site served" in script


def test_a_link_to_a_folder_gets_the_folders_page(pmops, example_kb: Path) -> None:
    """A folder with no page of its own that a document links to: a page listing its documents, named by the
    folder with its path under it (the build failed on the tags' 'also written' line the folder page has not)."""
    (example_kb / "handbook/guides").mkdir()
    (example_kb / "handbook/guides/setup.md").write_text("---\ntitle: Setting up\n---\nSteps.\n")
    (example_kb / "handbook/links.md").write_text("---\ntitle: Links\n---\nSee [the guides](guides/).\n")
    build(pmops)
    out = example_kb / "_site"
    folder = (out / "handbook/guides/index.html").read_text()
    assert "<h1>guides/</h1>" in folder and "The folder handbook/guides/ of the knowledge base: 1 document." in folder
    assert 'href="../../handbook/guides/setup.html">Setting up</a>' in folder
    assert 'href="../handbook/guides/index.html">the guides</a>' in (out / "handbook/links.html").read_text()


def test_a_decisions_outcomes_show_the_figures_judged(shared_site) -> None:
    out, _ = shared_site
    decision = (out / "decisions/dec-261126-0mq9-approve-and-reject-from-slack.html").read_text()
    assert "Weekly active approvers</a>: not met (3,953 → 4,492, target 5,000)" in decision


def test_a_kbs_own_template_with_an_error_is_named_with_its_line(pmops, example_kb: Path) -> None:
    """Not the shipped template that includes it (found by a new user)."""
    own = example_kb / "templates/site/doc-insight.html.j2"
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_text("<p>x</p>\n<p>{{ doc.title }</p>\n")
    assert "error: template 'site/doc-insight.html.j2', line 2: unexpected '}'" in build(pmops, code=2).stderr
    own.write_text("<p>x</p>\n<p>{{ doc.id }}</p>\n")
    assert "error: template 'site/doc-insight.html.j2', line 2: 'doc' is undefined" in build(pmops, code=2).stderr


def test_a_template_changed_between_two_builds_in_one_process_is_the_one_rendered(pmops, example_kb: Path) -> None:
    """A build reads each template once, not at every page (`templates.held`); the next build in the same
    process (`site serve`'s) reads again those whose files changed."""
    own = example_kb / "templates/site/doc-insight.html.j2"
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_text('<p class="own">first</p>\n')
    build(pmops)
    (page,) = (example_kb / "_site/insights").glob("ins-260120-jeyn*.html")
    assert '<p class="own">first</p>' in page.read_text()
    own.write_text('<p class="own">second</p>\n')
    os.utime(own, ns=(own.stat().st_atime_ns, own.stat().st_mtime_ns + 1_000_000_000))
    assert build(pmops)["written"] > 0
    assert '<p class="own">second</p>' in page.read_text() and "first" not in page.read_text()


def _fragments(bundle: Path) -> dict[str, int]:
    """A bundle's page fragments (Pagefind names each by a hash of its content): name -> inode."""
    return {p.name: p.stat().st_ino for p in (bundle / "fragment").iterdir()}


def test_a_rebuilds_index_keeps_the_files_of_unchanged_pages(pmops, site, built_kb: Path) -> None:
    """After one changed page the index is built again, but the files of the last one whose content is
    the same (every other page's fragment) are kept, not compressed again; the changed page's old
    fragment and index chunks are removed."""
    import gzip

    out, result = site
    before = _fragments(out / "pagefind")
    assert len(before) == result["pages"]  # one fragment a page
    tips = built_kb / "handbook/interview-tips.md"
    tips.write_text(tips.read_text() + "\nA line about zanzibar.\n")
    again = build(pmops)
    assert again["search"]["indexed"] is True and again["search"]["pages"] == result["pages"]
    after = _fragments(out / "pagefind")
    assert len(after) == result["pages"]  # the changed page's old fragment is gone
    kept = {name for name in after if before.get(name) == after[name]}
    assert len(kept) == result["pages"] - 1  # the same files (the same inodes), not written again
    (new,) = after.keys() - kept
    assert b"zanzibar" in gzip.decompress((out / "pagefind/fragment" / new).read_bytes())
    # Every hashed file left is one the index names: nothing stale accumulates.
    meta = gzip.decompress(next((out / "pagefind").glob("pagefind.*.pf_meta")).read_bytes())
    assert len(list((out / "pagefind").glob("pagefind.*.pf_meta"))) == 1
    for folder in ("fragment", "index", "filter"):
        for path in (out / "pagefind" / folder).iterdir():
            assert path.stem.encode() in meta, path
    assert not list(out.glob(".pagefind-*"))


def test_an_index_written_by_another_pagefind_is_not_reused(pmops, site, built_kb: Path) -> None:
    out, result = site
    entry = out / "pagefind/pagefind-entry.json"
    entry.write_text(entry.read_text().replace('"version":"', '"version":"0.0.'))
    before = _fragments(out / "pagefind")
    tips = built_kb / "handbook/interview-tips.md"
    tips.write_text(tips.read_text() + "\nOne more tip.\n")
    assert build(pmops)["search"]["indexed"] is True
    after = _fragments(out / "pagefind")
    assert len(after) == result["pages"] and not {n for n in after if before.get(n) == after[n]}  # all written anew
    assert '"version":"0.0.' not in entry.read_text()


def _as_from_scratch(pmops, out: Path, kb: Path, scratch: Path) -> list[str]:
    """The pages of the rebuilt site in `out` that differ from those of a build that kept nothing."""
    (kb / ".git/pmops/site.records").unlink(missing_ok=True)
    build(pmops, "--out", str(scratch))
    rebuilt, fresh = pages(out), pages(scratch)
    assert rebuilt.keys() == fresh.keys()
    return [name for name in rebuilt if rebuilt[name] != fresh[name]]


@pytest.mark.parametrize("change", ["decision retitled", "decision removed", "author leaves the roster"])
def test_a_rebuild_after_a_change_shown_two_steps_away_is_a_build_from_scratch(
    pmops, site, built_kb: Path, tmp_path: Path, change: str
) -> None:
    """A customer's page shows the decisions addressing the opportunities its insights support (insight →
    opportunity → decision), and an insight's author links to their page while they have one: a rebuild
    after such a change rewrites those pages (review 21t found them stale)."""
    out, _ = site
    decision = next((built_kb / "decisions").glob("dec-261126-whps-*.md"))
    if change == "decision retitled":
        decision.write_text(
            decision.read_text().replace("title: Design approvals mobile-first", "title: Zebra approvals")
        )
    elif change == "decision removed":
        git(built_kb, "rm", "-q", str(decision))
    else:
        git(built_kb, "rm", "-q", *[str(p) for p in (built_kb / "people").glob("per-*-sam-okafor.md")])
    written = build(pmops)["written_paths"]
    if change == "decision retitled":
        assert "customers/cus-261126-3bcn-lumen-health-systems.html" in written
    assert _as_from_scratch(pmops, out, built_kb, tmp_path / "scratch") == []


def test_a_rebuild_shows_an_image_added_later_and_not_one_removed(pmops, site, built_kb: Path, tmp_path: Path) -> None:
    """A page shows an image of the KB when git has it, else its text: an image committed after its page was
    built, or removed, changes the page at the next build as a build from scratch shows it (review 21t: the
    image was never shown, or stayed a broken <img>, until the page's own text changed)."""
    out, _ = site
    page = built_kb / "handbook" / "how-we-do-research.md"
    page.write_text(page.read_text() + "\n![The plan](img/plan.png)\n")
    git(built_kb, "commit", "-qam", "a picture, not yet there")
    build(pmops)
    html = out / "handbook" / "how-we-do-research.html"
    assert "[image: The plan]" in html.read_text()
    (built_kb / "handbook" / "img").mkdir()
    (built_kb / "handbook" / "img" / "plan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    git(built_kb, "add", "handbook/img/plan.png")
    git(built_kb, "commit", "-qm", "the picture")
    assert "handbook/how-we-do-research.html" in build(pmops)["written_paths"]
    assert re.search(r'<img src="[./]*handbook/img/plan.png" alt="The plan"', html.read_text())
    assert (out / "handbook/img/plan.png").is_file()
    assert _as_from_scratch(pmops, out, built_kb, tmp_path / "scratch") == []
    for removal in (["rm", "-q", "--cached"], ["rm", "-q"]):  # no longer tracked, then gone
        if removal[-1] == "-q":  # tracked again: shown again
            git(built_kb, "add", "handbook/img/plan.png")
            assert "handbook/how-we-do-research.html" in build(pmops)["written_paths"]
            assert "[image: The plan]" not in html.read_text()
        git(built_kb, *removal, "handbook/img/plan.png")
        assert "handbook/how-we-do-research.html" in build(pmops)["written_paths"], removal
        assert "[image: The plan]" in html.read_text() and not (out / "handbook/img/plan.png").exists()
