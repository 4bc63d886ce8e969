"""`pmops site build`: a tag's (an area's) page, one per tag however it is spelt, through the CLI on a real KB."""

from __future__ import annotations

import json
from pathlib import Path

TODAY = "2026-12-01"


def _tag(example_kb: Path, name: str, tags: str) -> Path:
    path = example_kb / "insights" / name
    text = path.read_text()
    start = text.index("\ntags: ")
    end = text.index("\n", start + 1)
    path.write_text(text[:start] + f"\ntags: {tags}" + text[end:])
    return path


def test_tags_that_slug_alike_keep_their_own_pages_or_share_one_listing_both(pmops, example_kb: Path) -> None:
    # C++, C# and c are three tags (an engineering org's); billing and Billing are one, spelt twice.
    _tag(example_kb, "ins-260109-bd36-new-admins-stall-at-the-accounting-sync-step.md", '[billing, "C++", onboarding]')
    _tag(example_kb, "ins-260114-57h6-approvers-miss-requests-buried-in-email-digests.md", '["C#", c, Billing]')
    result = json.loads(pmops("site", "build", "--today", TODAY, "--json").stdout)
    out = example_kb / "_site"
    built = {p.relative_to(out).as_posix() for p in out.rglob("*.html") if "pagefind" not in p.parts}
    assert result["pages"] == len(built)  # one page per URL: the count is what the folder holds

    def tag_page(slug: str) -> str:
        return (out / "browse" / "tags" / f"{slug}.html").read_text()

    plus, sharp, c = tag_page("c-plus-plus"), tag_page("c-sharp"), tag_page("c")
    assert "<h1>Tag: C++</h1>" in plus and "New admins stall at the accounting sync step" in plus
    assert "Approvers miss requests" not in plus
    assert "<h1>Tag: C#</h1>" in sharp and "Approvers miss requests" in sharp
    assert "<h1>Tag: c</h1>" in c and "Approvers miss requests" in c and "New admins stall" not in c
    billing = tag_page("billing")
    assert "New admins stall at the accounting sync step" in billing and "Approvers miss requests" in billing
    assert "Also written" in billing and ("<q>Billing</q>" in billing or "<q>billing</q>" in billing)
    # Every chip links to the page that lists its document.
    first = (out / "insights/ins-260109-bd36-new-admins-stall-at-the-accounting-sync-step.html").read_text()
    assert 'href="../browse/tags/c-plus-plus.html"' in first and 'href="../browse/tags/billing.html"' in first
    second = (out / "insights/ins-260114-57h6-approvers-miss-requests-buried-in-email-digests.html").read_text()
    assert 'href="../browse/tags/c-sharp.html"' in second and 'href="../browse/tags/c.html"' in second
    assert 'href="../browse/tags/billing.html"' in second
    # The list of tags: one entry per page.
    listing = (out / "browse/tags.html").read_text()
    assert listing.count('href="../browse/tags/billing.html"') == 1
    # Which spelling names the page does not change with an unrelated rebuild.
    pmops("metric", "record", "met-261126-4hb3", "4600", "--date", "2026-11-30")
    json.loads(pmops("site", "build", "--today", TODAY, "--json").stdout)
    assert tag_page("c-sharp") == sharp and tag_page("billing") == billing
