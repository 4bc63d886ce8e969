"""Amounts on the website are in the KB's currency, and its tools page says what `pmops tool renewals` says,
in the same words (pmops.reports.renewals)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from tests.conftest import SITE_TODAY, git

TODAY = SITE_TODAY  # the day conftest.built_site is built for


def build(pmops) -> dict:
    return json.loads(pmops("site", "build", "--today", TODAY, "--json").stdout)


def text(page: Path) -> str:
    """A page's words as a reader sees them: its <main> without tags, spaces folded."""
    main = page.read_text(encoding="utf-8").split("<main", 1)[1].split("</main>")[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main.split(">", 1)[1])).split())


def test_amounts_are_shown_in_the_kbs_currency(pmops, built_site: tuple[Path, dict]) -> None:
    out, _ = built_site  # the example KB's site, as build(pmops) built it
    example_kb = out.parent
    tools = text(out / "browse/tools.html")
    assert "Total cost per year: $175,600" in tools
    assert "$42,000 41 of 60 $1,024" in tools  # Amplitude: its cost, the seats used, the cost per active seat
    assert "cost : $42,000" in text(next((out / "tools").glob("tol-*-amplitude.html")))
    assert "arr : $96,000" in text(next((out / "customers").glob("cus-*-cobalt-labs.html")))
    assert "Total cost per year: $175,600" in text(out / "index.html")  # the dashboard's
    settings = example_kb / "pmops.yaml"
    settings.write_text(settings.read_text().replace("currency: USD", "currency: EUR"))
    git(example_kb, "commit", "-qam", "The KB counts in euros")
    build(pmops)
    assert "Total cost per year: €175,600" in text(out / "browse/tools.html")
    assert "arr : €96,000" in text(next((out / "customers").glob("cus-*-cobalt-labs.html")))
    settings.write_text(settings.read_text().replace("currency: EUR", "currency: CHF"))
    build(pmops)
    assert "Total cost per year: CHF 175,600" in text(out / "browse/tools.html")
    assert "$" not in text(out / "browse/tools.html")


def test_the_tools_page_says_what_tool_renewals_says(pmops, example_kb: Path) -> None:
    pmops("set", "Figma", "seats_used=0")  # a contract nobody uses: said below the list, by both
    pmops("set", "Confluence", "renewal=2027-02-01")  # retired: no renewal to decide on
    found = json.loads(pmops("tool", "renewals", "--today", TODAY, "--json").stdout)
    cli = pmops("tool", "renewals", "--today", TODAY).stdout
    out = example_kb / "_site"
    build(pmops)
    tools = text(out / "browse/tools.html")
    rows = tools.split("cost per active seat", 2)[2].split(" All ")[0]  # the renewals table, after its header
    days = {r["name"]: r["days_to_decide"] for r in found}
    for name, when in (("Amplitude", "notice passed"), ("Productboard", f"in {days['Productboard']} days"),
                       ("Typeform", f"in {days['Typeform']} days, notice unknown")):  # fmt: skip
        row = next(r for r in found if r["name"] == name)
        assert f"{row['decide_by']} {when} {name}" in rows, (name, rows)
    assert "Figma Sam Okafor 2027-03-20 30 days $16,000 0 of 30 none used" in rows
    # The notes under the list: the CLI's lines, word for word (its amounts without the currency sign).
    for line in ("notice passed: inside its notice period, too late to give notice; it renews as it is",
                 "no active seats: Figma pays 16,000 a year for 30 seats nobody uses: cancel it, or record the seats "
                 "used (pmops set NAME seats_used=N)"):  # fmt: skip
        assert line in " ".join(cli.split()), cli
        assert line.replace("pays 16,000", "pays $16,000") in tools
    amplitude = text(next((out / "tools").glob("tol-*-amplitude.html")))
    assert "Decide by 2026-10-16: notice passed · renews 2026-12-15 · notice: 60 days" in amplitude
    assert "seats used: 41 of 60 · cost per active seat: $1,024" in amplitude
    assert "notice passed: inside its notice period" in amplitude
    # A tool not adopted is no renewal to decide on (`tool renewals` lists adopted tools alone).
    assert "Confluence" not in [r["name"] for r in found] and "Confluence" not in rows
    confluence = text(next((out / "tools").glob("tol-*-confluence.html")))
    assert "renewal : 2027-02-01" in confluence and "Decide by" not in confluence
