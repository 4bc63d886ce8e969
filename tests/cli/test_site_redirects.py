"""A renamed document's old URL (bookmarked, pasted in chat) leads to its page: a redirect page, from
the last build's pages and from git's history of the KB, by the id the URL names."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from pmops.site import linkcheck
from tests.conftest import SITE_TODAY

TODAY = SITE_TODAY  # the day conftest.built_site is built for
OLD = "insights/ins-260203-dc9k-slack-approvals-would-replace-our-own-bot.html"


def build(pmops, *args: str) -> dict:
    return json.loads(pmops("site", "build", "--today", TODAY, "--json", *args).stdout)


def refresh(page: Path) -> tuple[str, str]:
    """Where a redirect page sends the reader: its meta refresh's URL and its canonical link."""
    html = page.read_text(encoding="utf-8")
    found = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', html)
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html)
    assert found and canonical, html
    return found.group(1), canonical.group(1)


def test_a_renamed_documents_old_url_leads_to_its_page(pmops, built_site: tuple[Path, dict]) -> None:
    out, first = built_site  # the example KB's site, as build(pmops) built it
    assert first["redirects"] == {} and (out / OLD).is_file()
    pmops("mv", "ins-260203-dc9k", "Cobalt would drop its Slack bot")
    new = "insights/ins-260203-dc9k-cobalt-would-drop-its-slack-bot.html"
    again = build(pmops)
    assert again["redirects"] == {OLD: new}
    assert (again["pages"], again["files"]["total"]) == (first["pages"], first["files"]["total"] + 1)
    target, canonical = refresh(out / OLD)
    assert target == canonical == "ins-260203-dc9k-cobalt-would-drop-its-slack-bot.html"
    assert (out / OLD).parent.joinpath(target).resolve() == (out / new).resolve()
    html = (out / OLD).read_text()
    assert "<script" not in html and "Content-Security-Policy" in html and "Cobalt would drop its Slack bot" in html
    assert linkcheck.check(out) == []  # every link, the redirect's meta refresh too, lands
    # The search finds the document at its new URL alone: a redirect is no page of the index.
    assert again["search"]["pages"] == again["pages"]
    entries = json.loads((out / "pagefind/pagefind-entry.json").read_text())
    assert entries["languages"]["en"]["page_count"] == again["pages"]

    # Renamed again: both old URLs lead straight to the page it has now.
    pmops("mv", "ins-260203-dc9k", "Slack approvals, not a bot")
    newest = "insights/ins-260203-dc9k-slack-approvals-not-a-bot.html"
    third = build(pmops)
    assert third["redirects"] == {OLD: newest, new: newest}
    assert refresh(out / new)[0] == "ins-260203-dc9k-slack-approvals-not-a-bot.html"
    assert linkcheck.check(out) == []


def test_a_fresh_build_finds_old_urls_in_git_history(pmops, example_kb: Path, tmp_path: Path) -> None:
    """CI builds from a clean checkout, with no last build: the old URLs come from the KB's history."""
    pmops("mv", "ins-260203-dc9k", "Cobalt would drop its Slack bot")
    out = tmp_path / "public"
    result = build(pmops, "--out", str(out), "--base-url", "https://kb.example.com/")
    new = "insights/ins-260203-dc9k-cobalt-would-drop-its-slack-bot.html"
    assert result["redirects"] == {OLD: new}
    target, canonical = refresh(out / OLD)
    assert canonical == "https://kb.example.com/" + new and target == new.split("/")[1]
    assert linkcheck.check(out, "https://kb.example.com/") == []
    # Nothing changed since: the redirect is neither written again nor removed.
    again = build(pmops, "--out", str(out), "--base-url", "https://kb.example.com/")
    assert (again["files"]["written"], again["files"]["removed"], again["redirects"]) == (0, 0, {OLD: new})


def test_an_old_url_taken_again_or_of_a_document_gone_has_no_redirect(pmops, built_site: tuple[Path, dict]) -> None:
    out, _ = built_site  # the example KB's site, as build(pmops) built it
    pmops("mv", "ins-260203-dc9k", "Cobalt would drop its Slack bot")
    assert build(pmops)["redirects"]
    pmops("rm", "ins-260203-dc9k", "--force")  # removed: its old URLs lead nowhere, and their pages go
    gone = build(pmops)
    assert gone["redirects"] == {} and OLD in gone["removed_paths"] and not (out / OLD).exists()
    assert gone["files"]["removed"] == 1
    assert linkcheck.check(out) == []


def test_a_change_of_bodies_alone_keeps_the_redirects(pmops, built_site: tuple[Path, dict]) -> None:
    out, _ = built_site  # the example KB's site, as build(pmops) built it
    example_kb = out.parent
    pmops("mv", "ins-260203-dc9k", "Cobalt would drop its Slack bot")
    build(pmops)
    page = next((example_kb / "insights").glob("ins-260203-dc9k-*.md"))
    page.write_text(page.read_text() + "\nOne more line heard on the call.\n")
    again = build(pmops)
    assert again["written_paths"] == [page.relative_to(example_kb).with_suffix(".html").as_posix()]
    assert OLD in again["redirects"] and (out / OLD).is_file()
    shutil.rmtree(out)
    assert OLD in build(pmops)["redirects"]
    said = pmops("site", "build", "--today", TODAY).stdout
    assert "; 4 other files: 0 written (" in said and "1 old URL of a renamed document redirects to its page" in said


def test_the_ci_recipes_fetch_the_history_the_old_urls_come_from() -> None:
    import yaml

    from tests.conftest import ROOT

    github = yaml.safe_load((ROOT / "examples/ci/github-pages.yml").read_text())
    (checkout,) = [s for s in github["jobs"]["build"]["steps"] if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["fetch-depth"] == 0
    gitlab = yaml.safe_load((ROOT / "examples/ci/.gitlab-ci.yml").read_text())
    assert gitlab["pages"]["variables"]["GIT_DEPTH"] == 0
