"""`pmops mv` keeps every link lint accepts working: each form the KB's link resolution reads
(anchors, `./` and `../`, no `.md`, pretty URLs, site paths, template base URLs, angle brackets,
reference definitions, `[[id]]`), from other folders and from the moved document itself."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import git

FORMS = [
    "[anchor](../../insights/{old}.md#what-we-heard)",
    "[no-md](../../insights/{old})",
    "[pretty](../../insights/{old}/)",
    "[site](/insights/{old}/)",
    "[baseurl]({{{{ site.baseurl }}}}/insights/{old}/)",
    "[jekyll]({{% link insights/{old}.md %}})",
    "[angle](<../../insights/{old}.md>)",
    "[html](/insights/{old}.html)",
    "[ref][r]",
    "[[{id}]]",
    '<a href="../../insights/{old}.md#why">html</a>',
]


def broken(pmops) -> list[str]:
    report = json.loads(pmops("lint", "--json", code=None).stdout)
    return [f"{f['path']}: {f['message']}" for f in report if f["rule"] == "link-broken"]


def test_mv_keeps_every_form_of_link_lint_resolves_working(pmops, kb: Path) -> None:
    target = json.loads(
        pmops("insight", "add", "--title", "Export is hidden", "--source", "interview", "--json").stdout
    )
    old = Path(target["path"]).stem
    forms = [f.format(old=old, id=target["id"]) for f in FORMS]
    page = kb / "handbook" / "deep" / "guide.md"
    page.parent.mkdir(parents=True)
    page.write_text("# Guide\n\n" + "\n".join(f"- {f}" for f in forms) + f'\n\n[r]: ../../insights/{old}.md "Title"\n')
    index = kb / "handbook" / "index.md"  # a folder's own page: links read from its folder
    index.write_text(f"# Handbook\n\n[dot](./../insights/{old}.md#x) and [pretty](../insights/{old}/)\n")
    sibling = json.loads(
        pmops("insight", "add", "--title", "Sibling", "--source", "survey", "--json",
              "--body", f"See [it](./{old}.md) and [bare]({old}).").stdout
    )  # fmt: skip
    git(kb, "add", "handbook")
    git(kb, "commit", "-qm", "pages")
    assert broken(pmops) == []
    out = json.loads(pmops("mv", target["id"], "Export button is buried", "--json").stdout)
    new = Path(out["path"]).stem
    assert sorted(out["links_rewritten"]) == sorted(["handbook/deep/guide.md", "handbook/index.md", sibling["path"]])
    assert broken(pmops) == []
    text = page.read_text()
    assert old not in text and f"[anchor](../../insights/{new}.md#what-we-heard)" in text
    assert f"[pretty](../../insights/{new}/)" in text and f"[no-md](../../insights/{new})" in text
    assert (
        f"[baseurl]({{{{ site.baseurl }}}}/insights/{new}/)" in text and f"[angle](<../../insights/{new}.md>)" in text
    )
    assert f"[jekyll]({{% link insights/{new}.md %}})" in text and f"[html](/insights/{new}.html)" in text
    assert f'[r]: ../../insights/{new}.md "Title"' in text and f"[[{target['id']}]]" in text
    assert f'<a href="../../insights/{new}.md#why">html</a>' in text
    assert index.read_text() == f"# Handbook\n\n[dot](./../insights/{new}.md#x) and [pretty](../insights/{new}/)\n"
    assert f"See [it](./{new}.md) and [bare]({new})." in (kb / sibling["path"]).read_text()
    assert git(kb, "status", "--porcelain") == ""


def test_mv_keeps_the_moved_documents_own_links_and_a_permalink_link_untouched(pmops, kb: Path) -> None:
    target = json.loads(pmops("insight", "add", "--title", "Old name", "--source", "interview", "--json").stdout)
    old = Path(target["path"]).stem
    path = kb / target["path"]
    text = path.read_text().replace("---\n", "---\npermalink: /heard/export/\n", 1)
    path.write_text(text + f"\nSee [myself](./{old}.md#why) and [steps]({old}/steps.md).\n")
    steps = kb / "insights" / old / "steps.md"  # a page beside it, under its pretty URL
    steps.parent.mkdir()
    steps.write_text("# Steps\n")
    page = kb / "guide.md"
    page.write_text("# Guide\n\n[by permalink](/heard/export/) and [by file](insights/" + old + ".md)\n")
    git(kb, "add", "-A")
    git(kb, "commit", "-qm", "pages")
    assert broken(pmops) == []
    out = json.loads(pmops("mv", target["id"], "New name", "--json").stdout)
    new = Path(out["path"]).stem
    assert broken(pmops) == []
    assert page.read_text() == f"# Guide\n\n[by permalink](/heard/export/) and [by file](insights/{new}.md)\n"
    moved = (kb / out["path"]).read_text()
    assert f"[myself](./{new}.md#why)" in moved and f"[steps]({old}/steps.md)" in moved  # still reaches it


def test_mv_leaves_a_link_shown_as_code_in_a_longer_fence_as_written(pmops, kb: Path) -> None:
    """A ```` fence showing a ``` example is code to every renderer: lint does not check the link in it, and mv
    does not rewrite it (both read any fence line as closing the last: the example's link was rewritten)."""
    target = json.loads(
        pmops("insight", "add", "--title", "Export is hidden", "--source", "interview", "--json").stdout
    )
    old = Path(target["path"]).stem
    example = f"See [it](../insights/{old}.md) and [gone](nowhere.md)."
    page = kb / "handbook" / "how-to-link.md"
    page.parent.mkdir(parents=True)
    page.write_text(f"# How to link\n\n````md\n```md\n{example}\n```\n````\n\nThe [real one](../insights/{old}.md).\n")
    git(kb, "add", "handbook")
    git(kb, "commit", "-qm", "pages")
    assert broken(pmops) == []  # the example's missing page is code
    new = Path(json.loads(pmops("mv", target["id"], "Export button is buried", "--json").stdout)["path"]).stem
    text = page.read_text()
    assert example in text and f"The [real one](../insights/{new}.md)." in text


def test_a_path_given_as_the_new_title_is_refused(pmops, kb: Path) -> None:
    """`pmops mv a.md folder/b.md`, typed as `git mv` is, retitled the document with the path."""
    made = json.loads(pmops("insight", "add", "--title", "Export is hidden", "--source", "interview", "--json").stdout)
    said = pmops("mv", made["path"], "insights/renamed-example.md", code=2).stderr
    assert said.startswith("error: the new title 'insights/renamed-example.md' looks like a file's path")
    assert (kb / made["path"]).is_file() and git(kb, "status", "--porcelain") == ""
