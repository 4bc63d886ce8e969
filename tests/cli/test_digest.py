"""pmops digest: each section of the digest of February 2026 (2026-02-01 to 03-01) over the scripted
history of tests/cli/history_kb.py; every line below was written by hand from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import history_kb
from tests.conftest import commit_count, git

TODAY = "2026-03-01"


@pytest.fixture
def month(kb: Path) -> Path:
    return history_kb.made(kb, history_kb.build_digest)


def digest(pmops, *args: str) -> str:
    return pmops("digest", "--since", "2026-02-01", "--today", TODAY, *args).stdout


def sections(text: str) -> dict[str, list[str]]:
    """Each section's bullets, a wrapped bullet joined back into one line."""
    found: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = found.setdefault(line[3:], [])
        elif current is not None and line.startswith("- "):
            current.append(line[2:])
        elif current is not None and line.startswith("  ") and current:
            current[-1] += " " + line.strip()
    return found


def test_every_section(pmops, month: Path) -> None:
    text = digest(pmops)
    assert all(len(line) <= 76 for line in text.splitlines()), "short lines, for an email"
    assert "|" not in text, "no tables"
    assert text.startswith("""# Test KB — digest, 1 Feb to 1 Mar 2026

Since 1 Feb (29 days). In short:

- Expectations: 1 met, 1 missed (1 review overdue).
- Decisions: 1 taken, 1 proposed; 1 waiting more than 30 days.
- Research: 5 new insights, 1 theme rising.
- Metrics: 1 crossed its target, 1 stale.
- Processes: 3 not happening as written.
- Onboarding: 1 plan at risk.
- Tool renewals: 1 to decide, 1 renewing as it is (notice passed).

## Expectations
""")
    found = sections(text)
    assert list(found) == ["Expectations", "Decisions", "Research", "Metrics", "Processes", "Onboarding",
                           "Tool renewals", "Who did what"]  # fmt: skip
    # dec-inv, reviewed on 02-26: errors 10 → 4 on 02-20 (target 5: met that day), admins 80 → 90 (target 100: missed), its
    # review not recorded: one item per expectation, the overdue review a note on each (never an item of
    # its own beside them); dec-soon judged on 03-20, 19 days away.
    assert found["Expectations"] == [
        "Met: Invoice errors down to 5 (“Validate invoices before sending”): 10 → 4 on 20 Feb; review overdue "
        "since 26 Feb (`pmops decision review dec-inv`)",
        "Missed: Active admins up to 100 (“Validate invoices before sending”): 80 → 90 by 26 Feb; review "
        "overdue since 26 Feb (`pmops decision review dec-inv`)",
        "Due 20 Mar: Active admins up to 120 (“Bill annually”): no value before → 90 on 20 Feb so far (dec-soon)",
    ]
    assert found["Decisions"] == [
        "Waiting since 20 Dec 2025 (71 days): Old proposal (Priya Ops) (dec-old)",
        "Taken 12 Feb: Validate invoices before sending (Ben Lee) (dec-inv)",
        "Proposed 25 Feb: Add PO numbers to invoices (Ana Silva) (dec-po)",
    ]
    # a0 (01-20) is before; b1 has no author field: Ben committed it. billing: 4 insights, none before.
    assert found["Research"] == [
        "Cards declined abroad (24 Feb, Priya Ops) (ins-p1)",
        "Invoices in euros (20 Feb, Ana Silva) (ins-a3)",
        "Billing exports fail (17 Feb, Ben Lee) (ins-b1)",
        "Invoices lack PO numbers (10 Feb, Ana Silva) (ins-a2)",
        "Invoices confuse admins (3 Feb, Ana Silva) (ins-a1)",
        "Rising: billing, 4 insights (none in the 29 days before); no decision addresses it yet",
    ]
    assert found["Metrics"] == [
        "Invoice errors reached its target of 5: 4 on 20 Feb (met-err)",
        "Stale: Invoice errors: last value 20 Feb, 9 days ago (met-err)",
    ]
    # 29 days: Ana 29 on the roster, Ben 14 (from 02-16), Cy 8 (to 02-08): 51 PM-days, 7.3 PM-weeks;
    # 4 insights by PMs: 0.55 a PM a week. Cy made none. Launch B open 19 days; no February review.
    assert found["Processes"] == [
        "Not happening: Interview programme (Priya Ops): 4 insights in 29 days by 3 PMs, against about 7 promised "
        "(0.55 per PM a week against 1); 1 of 3 PMs made none (prc-int)",
        "Not happening: Launch checklist (Priya Ops): checklist runs open more than 14 days: B (chk-2), open since "
        "10 Feb (prc-lau)",
        "Not happening: Roadmap review (Priya Ops): no record of the meeting for Feb 2026 (prc-rev)",
    ]  # fmt: skip
    # Beside the checklist, what Ben did on his own (as onboard status says it): b1 on 02-17, day 1 of his
    # plan (from 02-16); dec-inv names him but is dated 02-12, before his start: no decision yet.
    assert found["Onboarding"] == [
        "Ben Lee: 1 of 4 steps done at day 13, 2 overdue; first insight on day 1, no decision yet (onb-ben)"
    ]
    assert found["Tool renewals"] == [
        "Mixpanel (Priya Ops): notice passed 18 Feb: renews 20 Mar 2026 as it is; 12,000 USD a year, 8 of 10 seats "
        "used (tol-mix)",
        "Hotjar (Priya Ops): decide by 16 Mar (renews 15 Apr 2026); 3,000 USD a year, 2 of 5 seats used (tol-hot)",
    ]  # fmt: skip
    # Ana: a1, a2, a3, a decider of dec-po, February's ranking and launches A and B (she committed them, none
    # names an author), Monthly prioritization reviewed 02-01 (no commit that day: its owner), launch B's Ship
    # ticked on 02-28, and her edit of prc-int on 02-28. Priya: p1, the interview programme and the launch
    # checklist reviewed 02-01 (their owner), the two metrics and two tools she added (git's A: "added"). Ben: b1 (he committed it),
    # dec-inv, Billing asks scoring reviewed 02-01 (its owner) and the roadmap review on 02-28 (his commit, not
    # its owner's), and his plan's W1-1 done 02-17 (the step's owner: nobody committed the plan that day).
    # Priya's plan and the decisions of 2025 she added are no work of the window; the roster's PMs all did some.
    assert found["Who did what"] == [
        "Ana Silva: 3 insights captured, 1 decision, 1 ranking recorded, 1 process reviewed, 2 checklist runs "
        "started, 1 checklist item ticked, 1 document edited",
        "Priya Ops: 1 insight captured, 2 processes reviewed, 2 metrics added, 2 tools added",
        "Ben Lee: 1 insight captured, 1 decision, 2 processes reviewed, 1 onboarding step done",
    ]  # fmt: skip


def test_json_and_html(pmops, month: Path) -> None:
    data = json.loads(digest(pmops, "--format", "json"))
    assert (data["since"], data["until"], data["area"]) == ("2026-02-01", "2026-03-01", None)
    assert "note" not in data  # its git history was read
    assert [s["key"] for s in data["sections"]] == ["expectations", "decisions", "research", "metrics", "processes",
                                                    "onboarding", "tools", "people"]  # fmt: skip
    assert data["sections"][0]["items"][0] == {"text": "Met: Invoice errors down to 5 (“Validate invoices before "
                                               "sending”): 10 → 4 on 20 Feb; review overdue since 26 Feb (pmops decision "
                                                   "review dec-inv)", "id": "dec-inv",
                                               "path": "decisions/dec-inv.md", "tone": "good",
                                               "short": "met: Invoice errors"}  # fmt: skip
    people = data["sections"][-1]["items"]
    assert [(p["text"].split(":")[0], p["counts"]) for p in people] == [
        ("Ana Silva", {"insight": 3, "decision": 1, "ranking": 1, "review": 1, "run": 2, "tick": 1, "edit": 1}),
        ("Priya Ops", {"insight": 1, "review": 2, "metric_added": 2, "tool_added": 2}),
        ("Ben Lee", {"insight": 1, "decision": 1, "review": 2, "step": 1})]  # fmt: skip
    assert "counts" not in data["sections"][0]["items"][0]
    page = digest(pmops, "--format", "html")
    assert page.startswith("<!doctype html>") and "<style>" in page
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert '<a href="decisions/dec-inv.md">dec-inv</a>' in page


def test_an_area(pmops, month: Path) -> None:
    # cards: Cy (left) and Sal; the one insight without an area is not cards'; no decision is.
    text = digest(pmops, "--area", "cards")
    assert text.startswith("# Test KB — digest, 1 Feb to 1 Mar 2026 (cards)\n")
    assert list(sections(text)) == ["Processes (whole team)", "Tool renewals (whole team)"]
    assert "Nothing to report: Expectations, Decisions, Research, Metrics, Onboarding,\nWho did what." in text
    # billing: Ana and Ben, each with all they did (Priya, of no area, is not billing's); nothing from a PM.
    billing = sections(digest(pmops, "--area", "billing"))["Who did what"]
    assert [line.split(":")[0] for line in billing] == ["Ana Silva", "Ben Lee"]


def test_since_last_remembers_each_reader(pmops, month: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = pmops("digest", "--since", "last", "--today", "2026-02-20").stdout
    assert "No digest yet: the last 7 days." in first.replace("\n", " ")
    again = pmops("digest", "--since", "last", "--today", TODAY).stdout
    assert "Since your last digest on 20 Feb (10 days)." in again.replace("\n", " ")
    state = json.loads((month / ".git" / "pmops" / "digest.json").read_text())
    assert state == {
        "test.pm@example.com": {".": {"day": TODAY, "since": "2026-02-20", "said": "since your last digest on 20 Feb"}}
    }
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "someone.else@example.com")
    other = pmops("digest", "--since", "last", "--today", TODAY).stdout
    assert "No digest yet" in other
    assert "digest.json" not in history_kb.subprocess.run(["git", "status", "--porcelain"], cwd=month,
                                                          capture_output=True, text=True).stdout  # fmt: skip
    monkeypatch.delenv("GIT_AUTHOR_EMAIL")
    pmops("digest", "--since", "last", "--today", "2026-02-10")  # a digest of an earlier day (a script's)
    pmops("digest", "--since", "2026-01-01", "--today", "2026-01-15", "--format", "json")
    assert (
        json.loads((month / ".git" / "pmops" / "digest.json").read_text())["test.pm@example.com"]["."]["day"] == TODAY
    )


def test_bad_input(pmops, month: Path) -> None:
    commits = commit_count(month)
    assert pmops("digest", "--since", "someday", code=2).stderr.startswith("error: --since: ")
    assert "is after today" in pmops("digest", "--since", "2026-04-01", "--today", TODAY, code=2).stderr
    assert "--format must be md, html or json" in pmops("digest", "--format", "pdf", code=2).stderr
    assert pmops("digest", "--since", "lsat", code=2).stderr.splitlines()[1] == "hint: did you mean 'last'?"
    assert pmops("digest", "--since", "99999d", code=2).stderr == (
        "error: --since: '99999d' is too long a length (at most 4 digits), e.g. --since 30d\n"
        "hint: or give the first day: --since 2020-01-01\n")  # fmt: skip
    assert digest(pmops, "--format", "MD") == digest(pmops)  # the format meant, in any case
    yaml = month / "pmops.yaml"
    yaml.write_text(yaml.read_text().replace("      # area: {choices: [billing, onboarding, reporting]}",
                                             "      area: {choices: [billing, cards]}"))  # fmt: skip
    err = pmops("digest", "--area", "mobile", code=2).stderr
    assert err == "error: --area must be billing or cards, e.g. --area billing\n"  # nothing near: no hint
    err = pmops("digest", "--area", "billng", code=2).stderr.splitlines()
    assert err == ["error: --area must be billing or cards, e.g. --area billing", "hint: did you mean 'billing'?"]
    yaml.write_text(yaml.read_text().replace("      area: {choices: [billing, cards]}", ""))  # areas as written
    assert "(billing)" in digest(pmops, "--area", "BILLING").splitlines()[0]
    err = pmops("digest", "--area", "biling", code=2).stderr.splitlines()
    assert err == ["error: --area: no document has the area 'biling'", "hint: did you mean 'billing'?"]
    assert commit_count(month) == commits


def test_items_past_the_first_five_are_named_not_hidden(pmops, month: Path) -> None:
    for n in range(7):
        pmops("insight", "add", f"Invoices late {n}", "--source", "interview", "--date", "2026-02-27")
    data = json.loads(digest(pmops, "--format", "json"))
    research = next(s for s in data["sections"] if s["key"] == "research")
    assert research["more"] == len(research["rest"]) > 0
    named = [item["id"] for item in research["items"] + research["rest"] if item.get("id")]
    lines = sections(digest(pmops))["Research"]
    assert lines[-1] == f"… and {research['more']} more: " + ", ".join(x["id"] for x in research["rest"])
    assert all(i in " ".join(lines) for i in named)  # every insight named, in the text too
    page = digest(pmops, "--format", "html")
    assert all(f">{x['id']}</a>" in page for x in research["rest"])


def test_a_summary_says_only_what_happened(pmops, month: Path) -> None:
    # 2026-08-26 to 09-01, once no process declares outputs: no metric value in the window (both metrics stale
    # since 02-20, nothing crossed), the five processes past their review date (reviewed 02-01 or 02-28, six
    # months ago) and none checked: the summary names neither "0 crossed" nor "0 not happening".
    for path in (month / "processes").glob("*.md"):
        path.write_text("".join(line for line in path.read_text().splitlines(keepends=True)
                                if not line.startswith("outputs:")))  # fmt: skip
    short = pmops("digest", "--since", "2026-08-26", "--today", "2026-09-01").stdout
    assert "- Metrics: 2 stale." in short and "- Processes: 5 past their review date." in short


def test_a_new_kb_has_nothing_to_report(pmops, kb: Path) -> None:
    assert pmops("digest", "--today", "2026-03-01").stdout == (
        "# Test KB — digest, 23 Feb to 1 Mar 2026\n\nThe last 7 days. Nothing to report.\n\n"
        "_pmops digest of Test KB, 2026-03-01._\n"
    )
    out = pmops("process", "check").stdout
    assert out.startswith("no active process declares outputs: add outputs: [{check: insights-per-pm")
    # The page says it once, with no empty "In short" heading, and its length once ("(7 days)" was twice).
    page = pmops("digest", "--today", "2026-03-01", "--format", "html").stdout
    assert "<p>The last 7 days. Nothing to report.</p>" in page
    assert "In short" not in page and "Nothing to report:" not in page


def test_the_documents_read_are_kept_for_the_next_digest(pmops, month: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pmops import store
    from pmops.kb import kept as kept_records

    monkeypatch.setattr(store, "RACY_NS", 0)  # the files of a test are seconds old: keep them all the same
    first = digest(pmops)
    kept = month / ".git" / "pmops" / "records.kept"
    found = kept_records.Store(kept, kept_records.signature(month)).entries
    assert "decisions/dec-po.md" in found and "processes/prc-int.md" in found
    assert digest(pmops) == first  # the second digest reads the kept records
    # A document edited since is read again: Ana's proposal accepted (its file's size changes).
    path = month / "decisions" / "dec-po.md"
    path.write_text(path.read_text().replace("status: proposed", "status: accepted"))
    after = sections(digest(pmops))["Decisions"]
    assert "Taken 25 Feb: Add PO numbers to invoices (Ana Silva) (dec-po)" in after
    # A tracked file deleted from the disk is gone from the digest, not an error.
    (month / "decisions" / "dec-po.md").unlink()
    assert not any("dec-po" in line for line in sections(digest(pmops))["Decisions"])
    # A damaged or foreign file of kept records is not read: the files are.
    kept.write_bytes(b"not a pickle")
    assert "Validate invoices before sending" in digest(pmops)
    assert "records.kept" not in history_kb.subprocess.run(["git", "status", "--porcelain"], cwd=month,
                                                             capture_output=True, text=True).stdout  # fmt: skip


def test_the_commits_read_are_kept_and_a_rewritten_one_is_read_again(pmops, month: Path) -> None:
    first = digest(pmops)
    kept = month / ".git" / "pmops" / "history.kept"
    assert kept.is_file() and digest(pmops) == first  # the second digest asks git only which commits
    # Ben's review of 02-28 amended into Ana's: a commit git is asked about, the old one no longer listed.
    env = {**history_kb.os.environ, "GIT_AUTHOR_NAME": "Ana Silva", "GIT_AUTHOR_EMAIL": "ana@example.com",
           "GIT_COMMITTER_DATE": "2026-02-28T12:00:00+00:00"}  # fmt: skip
    history_kb.subprocess.run(["git", "commit", "-q", "--amend", "--no-edit", "--reset-author",
                               "--date=2026-02-28T12:00:00+00:00"], cwd=month, check=True, env=env)  # fmt: skip
    who = sections(digest(pmops))["Who did what"]
    assert who[0].startswith("Ana Silva: 3 insights captured, 1 decision, 1 ranking recorded, 2 processes reviewed")
    assert who[-1] == "Ben Lee: 1 insight captured, 1 decision, 1 process reviewed, 1 onboarding step done"
    kept.write_text("{not json")  # damaged: git is asked again
    assert sections(digest(pmops))["Who did what"] == who


def test_a_date_said_from_today_is_read_again_each_day(pmops, month: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from pmops import dates
    from pmops.kb import kept

    # A proposal dated 'yesterday' by hand: read on 03-01 it is 02-28; kept, it would stay 02-28 on 03-03.
    path = month / "decisions" / "dec-po.md"
    path.write_text(path.read_text().replace("date: 2026-02-25", "date: yesterday"))
    monkeypatch.setattr(kept, "racy", lambda now: False)
    monkeypatch.setattr(dates, "clock", lambda: dt.date(2026, 3, 1))
    assert "Proposed 28 Feb: Add PO numbers" in " ".join(digest(pmops).split())
    monkeypatch.setattr(dates, "clock", lambda: dt.date(2026, 3, 3))
    later = pmops("digest", "--since", "2026-02-01", "--today", "2026-03-03").stdout
    assert "Proposed 2 Mar: Add PO numbers to invoices" in " ".join(later.split())


def test_a_kb_in_a_folder_of_its_repository(pmops, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its history is git log of its folder (git must read each commit's tree to know which touched it):
    the same people, and no commits kept."""
    from pmops import scaffold

    repo = tmp_path / "repo"
    repo.mkdir()
    history_kb.subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / "README").write_text("Not the KB.\n")
    history_kb.subprocess.run(["git", "add", "README"], cwd=repo, check=True)
    history_kb.subprocess.run(["git", "commit", "-qm", "root"], cwd=repo, check=True)
    kb = repo / "team-kb"
    scaffold.init(kb, "Test KB")
    history_kb.build_digest(kb)
    monkeypatch.chdir(kb)
    who = sections(digest(pmops))["Who did what"]
    assert [line.split(":")[0] for line in who] == ["Ana Silva", "Priya Ops", "Ben Lee"]
    assert who[2] == "Ben Lee: 1 insight captured, 1 decision, 2 processes reviewed, 1 onboarding step done"
    assert not (repo / ".git" / "pmops" / "history.kept").exists()


def test_markdown_shows_titles_as_written_never_as_markup(pmops, month: Path) -> None:
    """Pasted into an email that renders markdown, a title is text: not a link, bold, code or HTML."""
    pmops("insight", "add", "--title", "Fees <b>x</b> *stars* [x](http://evil.example) `y`", "--source", "interview",
          "--date", "2026-02-27")  # fmt: skip
    research = " ".join(sections(digest(pmops))["Research"])
    assert r"Fees \<b\>x\</b\> \*stars\* \[x\](http://evil.example) \`y\`" in research
    data = json.loads(digest(pmops, "--format", "json"))  # JSON keeps the title as written
    assert any("Fees <b>x</b> *stars*" in i["text"] for s in data["sections"] for i in s["items"])


def test_an_overdue_review_with_nothing_listed_is_one_item(pmops, month: Path) -> None:
    # dec-nod expects a metric with no values at all: no data, so no expectation item; its review date
    # (02-20) has passed and nothing is recorded: the overdue review is its one item.
    history_kb.commit(month, "Priya Ops", "2026-02-28", [
        *history_kb.metric("met-nps", "NPS", "up", "40", "monthly", ""),
        history_kb.decision("dec-nod", "Survey every admin", "2026-01-20", "accepted",
                            extra="expects:\n- {metric: met-nps, direction: up, target: 40}\nreview_date: 2026-02-20\n"),
    ], "nps")  # fmt: skip
    found = sections(digest(pmops))["Expectations"]
    assert [line for line in found if "dec-nod" in line] == [
        "Review overdue since 20 Feb: Survey every admin (`pmops decision review dec-nod`)"
    ]
    assert sum("dec-inv" in line for line in found) == 2, "one item per expectation of dec-inv"


def test_a_renewal_date_passed_is_said(pmops, month: Path) -> None:
    # Loom renewed on 02-10 (30 days' notice): the date is behind us and the registry does not say whether
    # it renewed or lapsed: the digest asks for the new date, as tool renewals does.
    history_kb.commit(month, "Priya Ops", "2026-02-28", [history_kb.tool("tol-loom", "Loom", "2026-02-10", "30",
                                                                        "1200", "10", "4")], "loom")  # fmt: skip
    text = digest(pmops)
    joined = text.replace("\n  ", " ")  # a wrapped line joined
    assert "- Tool renewals: 1 to decide, 1 renewing as it is (notice passed), 1 past its renewal date." in joined
    assert sections(text)["Tool renewals"][0] == (
        "Loom (Priya Ops): renewal date passed on 10 Feb 2026: renewed or lapsed? record the new date (`pmops set "
        "tol-loom renewal=YYYY-MM-DD`) or retire it; 1,200 USD a year, 4 of 10 seats used"
    )
    data = json.loads(digest(pmops, "--format", "json"))
    tools = next(s for s in data["sections"] if s["key"] == "tools")
    assert (tools["items"][0]["id"], tools["items"][0]["tone"]) == ("tol-loom", "bad")
    listed = pmops("tool", "renewals", "--today", TODAY).stdout
    assert "renewal passed" in listed and "renewed or lapsed? record the new date" in listed


def test_a_proposal_accepted_in_the_window_is_taken_then(pmops, month: Path) -> None:
    # dec-old, proposed 2025-12-20 and waiting, accepted on 02-27 by pmops decision accept (accepted: that
    # day): taken in the window, on the day it was accepted, saying when it was proposed; Priya, its
    # decider, is credited with a decision. It waits no more.
    path = month / "decisions" / "dec-old.md"
    history_kb.commit(month, "Priya Ops", "2026-02-27", [("decisions/dec-old.md", path.read_text().replace(
        "status: proposed\n", "status: accepted\naccepted: 2026-02-27\n"))], "accept dec-old")  # fmt: skip
    text = digest(pmops)
    assert "- Decisions: 2 taken, 1 proposed.\n" in text
    assert sections(text)["Decisions"] == [
        "Taken 12 Feb: Validate invoices before sending (Ben Lee) (dec-inv)",
        "Taken 27 Feb: Old proposal (Priya Ops), proposed 20 Dec 2025 (dec-old)",
        "Proposed 25 Feb: Add PO numbers to invoices (Ana Silva) (dec-po)",
    ]
    assert sections(text)["Who did what"][1].startswith("Priya Ops: 1 insight captured, 1 decision,")


def test_an_area_s_themes_rise_with_its_own_insights(pmops, month: Path) -> None:
    # billing rises with 4 insights of February; tagged billing but of the cards area, none of them is
    # the cards area's: its digest has no rising theme.
    for name in ("ins-a1", "ins-a2", "ins-a3", "ins-b1"):
        path = month / "insights" / f"{name}.md"
        path.write_text(path.read_text().replace("source: interview\n", "source: interview\narea: billing\n"))
    (month / "insights" / "ins-c1.md").write_text(history_kb.insight("ins-c1", "Card limits", "2026-02-24", "Ana Silva",
                                                                     "[billing]")[1].replace("tags:", "area: cards\ntags:"))  # fmt: skip
    history_kb.commit(month, "Ana Silva", "2026-02-28", [], "areas")
    assert "Rising: billing, 4 insights" in digest(pmops, "--area", "billing")
    assert "Rising" not in digest(pmops, "--area", "cards")


def test_a_window_across_new_year_says_both_years(pmops, month: Path) -> None:
    text = pmops("digest", "--since", "2025-12-29", "--today", "2026-01-04").stdout
    assert text.startswith("# Test KB — digest, 29 Dec 2025 to 4 Jan 2026\n")


def test_a_digest_as_of_a_later_day_is_not_noted(pmops, month: Path) -> None:
    import datetime as dt

    later = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    pmops("digest", "--today", later)
    assert "No digest yet: the last 7 days" in pmops("digest", "--since", "last").stdout


def test_a_pm_is_counted_from_their_start(pmops, month: Path) -> None:
    # Ben joined on 02-16. 02-10 to 02-16: his first day, nothing from him yet, and he is not named for it
    # (Cy, who left on 02-08, is not on the roster then either). 02-18 to 02-24: a week after his start,
    # nothing from him in it (b1 was 02-17): named.
    first = sections(pmops("digest", "--since", "2026-02-10", "--today", "2026-02-16").stdout)
    assert not any(line.startswith("Nothing from") for line in first["Who did what"])
    later = sections(pmops("digest", "--since", "2026-02-18", "--today", "2026-02-24").stdout)
    assert later["Who did what"][-1] == "Nothing from 1 PM: Ben Lee"


def test_an_insight_copied_by_hand_keeps_an_old_id_and_is_still_read(pmops, month: Path) -> None:
    # Found by a new user: a file copied from a 2025 insight and edited (its id's day 2025-01-01, its date
    # 2026-02-25) was left out of the digest, which reads no insight whose id's day is before its window,
    # while process check counted it. Committed in the window, it is read.
    text = history_kb.insight("ins-250101-zz99", "Copied template insight", "2026-02-25", "Ana Silva", "[billing]")[1]
    history_kb.commit(month, "Ana Silva", "2026-02-26", [("insights/ins-250101-zz99-copied.md", text)], "copy")
    found = sections(digest(pmops))
    assert found["Research"][0] == "Copied template insight (25 Feb, Ana Silva) (ins-250101-zz99)"
    assert found["Who did what"][0].startswith("Ana Silva: 4 insights captured,")


def test_a_review_recorded_in_the_window_is_said(pmops, month: Path) -> None:
    # dec-inv's review date (02-26) is before a window of 02-27 to 03-01; reviewed on 02-27 (its verdicts
    # recorded): the week after the review meeting says what it found.
    pmops("decision", "review", "dec-inv", "--today", "2026-02-27")
    found = sections(pmops("digest", "--since", "2026-02-27", "--today", TODAY).stdout)["Expectations"]
    assert found == [
        "Met: Invoice errors down to 5 (“Validate invoices before sending”): 10 → 4 on 20 Feb; recorded 27 Feb (dec-inv)",
        "Missed: Active admins up to 100 (“Validate invoices before sending”): 80 → 90 by 26 Feb; "
        "recorded 27 Feb (dec-inv)",
        "Due 20 Mar: Active admins up to 120 (“Bill annually”): no value before → 90 on 20 Feb so far (dec-soon)",
    ]


def test_decisions_said_no_to_in_the_window_are_listed(pmops, month: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A leader needs "we said no to X" as much as "we said yes". The week of 2 to 8 March, after February:
    # - dec-old (proposed 2025-12-20, waiting) rejected by pmops decision reject on 03-03 (Priya's commit);
    # - dec-q1 (taken 2026-01-15) superseded by dec-inv with pmops decision supersede on 03-04;
    # - dec-sso (accepted 2025-11-03, added 03-01) deprecated by a hand edit on 03-05;
    # - dec-dm, added 03-01 already rejected, its typo mended on 03-05: no news of the week;
    # - dec-csv, added on 03-06 already rejected, dated 03-02 (no change of status in git: its date says it);
    # - dec-xls, added on 03-06 already rejected, dated 2026-01-05 (before the window): not listed.
    # (Commits are dated in order: git log --since stops at the first older one.)
    history_kb.commit(month, "Priya Ops", "2026-03-01", [
        history_kb.decision("dec-sso", "Single sign-on for admins", "2025-11-03", "accepted"),
        history_kb.decision("dec-dm", "Dark mode this yaer", "2026-01-10", "rejected", extra="deciders: [Ana Silva]\n"),
    ], "more decisions")  # fmt: skip
    for var, who in (("NAME", "Priya Ops"), ("EMAIL", "priya@example.com")):
        monkeypatch.setenv(f"GIT_AUTHOR_{var}", who)
        monkeypatch.setenv(f"GIT_COMMITTER_{var}", who)
    for day, args in (
        ("2026-03-03", ("reject", "dec-old")),
        ("2026-03-04", ("supersede", "dec-q1", "--by", "dec-inv")),
    ):
        monkeypatch.setenv("GIT_AUTHOR_DATE", f"{day}T12:00:00+00:00")
        monkeypatch.setenv("GIT_COMMITTER_DATE", f"{day}T12:00:00+00:00")
        pmops("decision", *args)
    sso, dm = month / "decisions" / "dec-sso.md", month / "decisions" / "dec-dm.md"
    history_kb.commit(month, "Ana Silva", "2026-03-05", [
        ("decisions/dec-sso.md", sso.read_text().replace("status: accepted", "status: deprecated")),
        ("decisions/dec-dm.md", dm.read_text().replace("yaer", "year")),
    ], "deprecate SSO, mend a typo")  # fmt: skip
    history_kb.commit(month, "Ana Silva", "2026-03-06", [
        history_kb.decision("dec-csv", "Export to CSV only", "2026-03-02", "rejected", extra="deciders: [Ana Silva]\n"),
        history_kb.decision("dec-xls", "Export to Excel", "2026-01-05", "rejected"),
    ], "imported decisions")  # fmt: skip
    week = ("digest", "--since", "2026-03-02", "--today", "2026-03-08")
    text = pmops(*week).stdout
    assert "- Decisions: 2 rejected, 1 superseded, 1 deprecated, none taken.\n" in text
    assert sections(text)["Decisions"] == [
        "Rejected 2 Mar: Export to CSV only (Ana Silva) (dec-csv)",
        "Rejected 3 Mar: Old proposal (Priya Ops) (dec-old)",
        "Superseded 4 Mar: Roadmap for Q1, by dec-inv (dec-q1)",
        "Deprecated 5 Mar: Single sign-on for admins (dec-sso)",
    ]
    said = next(x for x in json.loads(pmops(*week, "--format", "json").stdout)["sections"] if x["key"] == "decisions")
    assert (said["key"], said["summary"]) == ("decisions", "2 rejected, 1 superseded, 1 deprecated, none taken")
    assert said["items"][1] == {"text": "Rejected 3 Mar: Old proposal (Priya Ops)", "id": "dec-old",
                                "path": "decisions/dec-old.md", "tone": ""}  # fmt: skip
    assert "Rejected 3 Mar: Old proposal (Priya Ops)" in pmops(*week, "--format", "html").stdout
    # A day later, one said no to and nothing else: "none taken" is said; February's digest is unchanged.
    day = pmops("digest", "--since", "2026-03-03", "--today", "2026-03-03").stdout
    assert "- Decisions: 1 rejected, none taken.\n" in day
    assert "- Decisions: 1 taken, 1 proposed; 1 waiting" not in digest(pmops)  # dec-old waits no more
    assert sections(digest(pmops))["Decisions"] == [
        "Taken 12 Feb: Validate invoices before sending (Ben Lee) (dec-inv)",
        "Proposed 25 Feb: Add PO numbers to invoices (Ana Silva) (dec-po)",
    ]


ONE_STEP = """---
id: onb-one
title: Onboarding Ana Silva
person: per-ana
start: 2026-02-02
area: billing
status: active
---
## Week 1

- [ ] W1-1 Meet the team (owner: Ana Silva, due 2026-02-06)

## Day 30

## Day 60

## Day 90

## Reading list
"""


def test_numbers_say_their_unit_and_currency_and_a_length_is_a_window(pmops, month: Path) -> None:
    # Read as a product leader reads it: a target with its unit, thousands grouped, a cost in the KB's
    # currency, a promise nobody kept said once. February, after build_digest:
    # - Weekly users (unit users), 3953 on 01-05, 4492.1 on 02-20; dec-wau (taken 02-05) expected them
    #   up to 5000 by 02-26: missed, 3,953 users → 4,492.1 users;
    # - the KB counts money in EUR: Mixpanel's 12000 a year is 12,000 EUR;
    # - the interview programme promises interviews from a survey source: none in February, from the 3 PMs
    #   on the roster in it (Ana, Ben from 02-16, Cy to 02-08): "got none", never "got 0 …; 3 of 3 made none".
    yaml = month / "pmops.yaml"
    yaml.write_text(yaml.read_text() + "currency: EUR\n")
    prc = month / "processes" / "prc-int.md"
    history_kb.commit(month, "Priya Ops", "2026-02-28", [
        *history_kb.metric("met-wau", "Weekly users", "up", "5000", "monthly", "2026-01-05,3953\n2026-02-20,4492.1\n"),
        history_kb.decision("dec-wau", "Invite approvers by email", "2026-02-05", "accepted",
                            extra="expects:\n- {metric: met-wau, direction: up, target: 5000}\nreview_date: 2026-02-26\n"),
        ("processes/prc-int.md", prc.read_text().replace("target: 1}]", "target: 1, source: survey}]")),
        history_kb.tool("tol-big", "Miro", "2026-03-15", "30", "24000", "1200", "1"),
        *history_kb.metric("met-syn", "Sync success", "up", "99.5", "weekly", "2026-01-26,99.2\n2026-02-09,99.7\n"
                                                                               "2026-02-23,99.6\n"),
        ("onboarding/onb-one.md", ONE_STEP),
        ("checklists/chk-3.md", "---\nid: chk-3\ntitle: Launch Pricing 2026-02\nprocess: prc-lau\nfor: Pricing 2026-02\n"
                                "started: 2026-02-09\nstatus: open\n---\n## Checklist\n\n- [ ] Ship\n"),
    ], "users, in euros")  # fmt: skip
    for name, unit in (("met-wau", "users"), ("met-syn", "'%'")):
        path = month / "metrics" / f"{name}.md"
        path.write_text(path.read_text().replace("unit: count", f"unit: {unit}"))
    history_kb.commit(month, "Priya Ops", "2026-02-28", [], "unit")
    found = sections(digest(pmops))
    assert ("Missed: Weekly users up to 5,000 users (“Invite approvers by email”): 3,953 users → 4,492.1 users "
            "by 26 Feb; review overdue since 26 Feb (`pmops decision review dec-wau`)") in found["Expectations"]  # fmt: skip
    assert found["Processes"][0] == (
        "Not happening: Interview programme (Priya Ops): 0 insights from survey in 29 days by 3 PMs, against about "
        "7 promised (prc-int)"
    )
    assert found["Tool renewals"][1] == ("Mixpanel (Priya Ops): notice passed 18 Feb: renews 20 Mar 2026 as it is; "
                                         "12,000 EUR a year, 8 of 10 seats used (tol-mix)")  # fmt: skip
    # Sync success crossed its target (99.5%) on 02-09 (99.7), stayed over it (99.6 on 02-23, its latest): the
    # day it got there is said, as an expectation met says it, beside its latest value.
    assert ("Sync success reached its target of 99.5% on 9 Feb (99.7%); 99.6% on 23 Feb (met-syn)"
            in found["Metrics"])  # fmt: skip
    # The launches open more than 14 days, their days said as the page says them, a title as written.
    launch = next(line for line in found["Processes"] if line.startswith("Not happening: Launch checklist"))
    assert launch == ("Not happening: Launch checklist (Priya Ops): checklist runs open more than 14 days: B (chk-2), "
                      "open since 10 Feb, Pricing 2026-02 (chk-3), open since 9 Feb (prc-lau)")  # fmt: skip
    # Miro: 1 seat used of 1,200 (a plural, thousands grouped); renews 03-15 with 30 days' notice: 13 Feb.
    assert found["Tool renewals"][0] == ("Miro (Priya Ops): notice passed 13 Feb: renews 15 Mar 2026 as it is; "
                                         "24,000 EUR a year, 1 of 1,200 seats used (tol-big)")  # fmt: skip
    # Ana's own plan, from 02-02, one step due 02-06 and not done: "0 of 1 step", at day 27 (03-01 − 02-02);
    # her first insight a1 on 02-03 (day 1), her first decision dec-po (she is its decider) on 02-25 (day 23).
    assert ("Ana Silva: 0 of 1 step done at day 27, 1 overdue; first insight on day 1, first decision on day 23 "
            "(onb-one)") in found["Onboarding"]  # fmt: skip
    # --since 30d: the last 30 days, today among them (31 Jan to 1 Mar), as process check's --window reads it.
    last = pmops("digest", "--since", "30d", "--today", TODAY).stdout
    assert last.startswith("# Test KB — digest, 31 Jan to 1 Mar 2026\n\nThe last 30 days. In short:\n")
    weeks = json.loads(pmops("digest", "--since", "4w", "--today", TODAY, "--format", "json").stdout)
    assert (weeks["since"], weeks["since_from"]) == ("2026-02-02", "the last 28 days")
    for given, said in (("0d", "error: --since: '0d' is no length of time, e.g. --since 30d\n"),
                        ("30x", "error: --since: '30x' is not a date (YYYY-MM-DD, or e.g. 7 Nov 2026)\n"
                                "hint: give a date (2026-11-02), a length (30d, 4w, 3m) or 'last'\n")):  # fmt: skip
        assert pmops("digest", "--since", given, "--today", TODAY, code=2).stderr == said


def test_a_summary_names_only_what_there_is(pmops, month: Path) -> None:
    # 27 Feb to 1 Mar: dec-inv's review (26 Feb) is before it and overdue: every verdict of it is said
    # together, its missed expectation and its met one (met on 20 Feb), so the decision does not read as a
    # plain failure: "1 met, 1 missed (1 review overdue)".
    text = pmops("digest", "--since", "2026-02-27", "--today", TODAY).stdout
    assert "- Expectations: 1 met, 1 missed (1 review overdue).\n" in text
    # 22 to 24 Feb, a row of Active admins' values unreadable (a 30 February: left out), Invoice errors 4 days
    # from its last value (weekly: not stale), neither crossing in it: "1 unreadable row left out", no "0 crossed".
    values = month / "metrics" / "met-adm.csv"
    values.write_text(values.read_text() + "2026-02-30,95\n")
    found = pmops("digest", "--since", "2026-02-22", "--today", "2026-02-24").stdout
    assert "- Metrics: 1 unreadable row left out.\n" in found
    # 2 to 8 Mar: nobody did anything, and the PMs are named: "nobody active", never "0 people active".
    quiet = json.loads(pmops("digest", "--since", "2026-03-02", "--today", "2026-03-08", "--format", "json").stdout)
    people = next(x for x in quiet["sections"] if x["key"] == "people")
    assert people["summary"] == "nobody active" and people["items"][-1]["text"].startswith("Nothing from")


def test_a_renewal_whose_notice_is_unknown_never_says_decide_by(pmops, month: Path) -> None:
    # Hotjar renews on 15 Apr (45 days after 1 Mar). With its notice written "30 days" (field-invalid) the
    # day to decide by cannot be told: never "decide by 15 Apr", said as tool renewals says it, and bad news.
    path = month / "tools" / "tol-hot.md"
    path.write_text(path.read_text().replace("notice_days: 30", "notice_days: 30 days"))
    data = json.loads(digest(pmops, "--format", "json"))
    hotjar = next(s for s in data["sections"] if s["key"] == "tools")["items"][1]
    assert (hotjar["text"], hotjar["tone"]) == (
        "Hotjar (Priya Ops): renews 15 Apr 2026, in 45 days, notice unknown: its notice period cannot be read; "
        "check the contract, then pmops set tol-hot notice_days=N; 3,000 USD a year, 2 of 5 seats used", "bad")  # fmt: skip
    assert "in 45 days, notice unknown" in pmops("tool", "renewals", "--today", TODAY, "--format", "tsv").stdout
    # In markdown the command is in backticks, as typed (no 'notice\\_days' to paste into an email or a chat), on
    # one line; the text around it is still escaped.
    text = digest(pmops)
    assert "`pmops set tol-hot notice_days=N`" in text and "notice\\_days" not in text
    assert "then `pmops set tol-hot notice_days=N`; 3,000 USD" in " ".join(text.split())
    assert any(line.count("`") == 2 and "`pmops set tol-hot notice_days=N`" in line for line in text.splitlines())
    # No notice recorded at all: the same words, "no notice period recorded" (a gap, not an error).
    path.write_text(path.read_text().replace("notice_days: 30 days\n", ""))
    data = json.loads(digest(pmops, "--format", "json"))
    hotjar = next(s for s in data["sections"] if s["key"] == "tools")["items"][1]
    assert (hotjar["text"].split(";")[0], hotjar["tone"]) == (
        "Hotjar (Priya Ops): renews 15 Apr 2026, in 45 days, notice unknown: no notice period recorded", "")  # fmt: skip
    assert "decide by" not in digest(pmops)


def test_since_last_twice_a_day_keeps_its_window_and_each_area_has_its_own(pmops, month: Path) -> None:
    # The Monday flow: read it in the terminal, then make the HTML to send; both 23 Feb to 1 Mar.
    first = pmops("digest", "--since", "last", "--today", TODAY).stdout
    assert first.startswith("# Test KB — digest, 23 Feb to 1 Mar 2026\n\nNo digest yet: the last 7 days.")
    again = pmops("digest", "--since", "last", "--today", TODAY, "--format", "json").stdout
    assert (json.loads(again)["since"], json.loads(again)["since_from"]) == (
        "2026-02-23",
        "no digest yet: the last 7 days",
    )
    assert pmops("digest", "--since", "last", "--today", TODAY).stdout == first
    # An area's digest is noted apart: it starts afresh, and leaves the whole team's window as it was.
    billing = pmops("digest", "--since", "last", "--area", "billing", "--today", TODAY).stdout
    assert "No digest yet: the last 7 days." in billing
    state = json.loads((month / ".git" / "pmops" / "digest.json").read_text())["test.pm@example.com"]
    assert sorted(state) == [".", ". --area billing"]
    # The next day's digest starts from the day of the last one, as before.
    later = pmops("digest", "--since", "last", "--today", "2026-03-03").stdout
    assert "Since your last digest on 1 Mar (3 days)." in later
    # A state file of an older pmops (a day alone) is still read.
    (month / ".git" / "pmops" / "digest.json").write_text(json.dumps({"test.pm@example.com": {".": "2026-02-26"}}))
    assert "Since your last digest on 26 Feb (4 days)." in pmops("digest", "--since", "last", "--today", TODAY).stdout


def test_a_target_reached_after_its_review_date_is_said_on_the_missed_item(pmops, month: Path) -> None:
    # Active admins up to 100 by 26 Feb: 80 → 90 by then, missed; 105 on 27 Feb reached it a day late.
    values = month / "metrics" / "met-adm.csv"
    values.write_text(values.read_text() + "2026-02-27,105\n")
    missed = sections(digest(pmops))["Expectations"][1]
    assert missed == (
        "Missed: Active admins up to 100 (“Validate invoices before sending”): 80 → 90 by 26 Feb; reached 105 on "
        "27 Feb, after its review date; review overdue since 26 Feb (`pmops decision review dec-inv`)"
    )
    found = json.loads(pmops("decision", "review", "dec-inv", "--today", TODAY, "--dry-run", "--json").stdout)
    assert [(v["verdict"], v["reached_after_review"]) for v in found["verdicts"]] == [
        ("met", None), ("not met", {"date": "2026-02-27", "value": 105.0})]  # fmt: skip
    # decision review's text says it as the digest does (its days as the rest of its line: 2026-02-27).
    text = " ".join(pmops("decision", "review", "dec-inv", "--today", TODAY, "--dry-run").stdout.split())
    assert ("✗ not met Active admins up to 100: 80 on 2026-01-05 → 90 on 2026-02-20 (+10); reached 105 on "
            "2026-02-27, after its review date") in text  # fmt: skip


def test_a_kb_without_git_history_says_what_it_cannot_count(pmops, kb: Path) -> None:
    import shutil

    note = ("No git history (no commit yet): what is counted from it (metrics, tools and documents updated, "
            "checklist items ticked, who added a document that names no author) is missing.")  # fmt: skip
    shutil.rmtree(kb / ".git")
    history_kb.subprocess.run(["git", "init", "-q"], cwd=kb, check=True)  # a repository with no commit
    pmops("insight", "add", "Invoices late", "--source", "interview", "--date", "2026-02-27", "--no-commit")
    text = pmops("digest", "--today", TODAY).stdout
    assert text.startswith("# Test KB — digest, 23 Feb to 1 Mar 2026\n\nNo git history (no commit yet): ")
    assert " ".join(text.split("\n\n")[1].split()) == note and text.split("\n\n")[2].startswith("The last 7 days.")
    data = json.loads(pmops("digest", "--today", TODAY, "--format", "json").stdout)
    assert data["note"].startswith("No git history (no commit yet): ")
    assert "No git history (no commit yet)" in pmops("digest", "--today", TODAY, "--format", "html").stdout
    shutil.rmtree(kb / ".git")  # no git at all
    assert "No git history (not a git repository)" in pmops("digest", "--today", TODAY).stdout


def test_a_renewal_with_no_seat_used_or_more_used_than_bought_says_so(pmops, month: Path) -> None:
    # Hotjar: 5 seats bought. None used: the digest advises as tool renewals does; 7 used (a typo): said.
    path = month / "tools" / "tol-hot.md"
    path.write_text(path.read_text().replace("seats_used: 2", "seats_used: 0"))
    hotjar = sections(digest(pmops))["Tool renewals"][1]
    assert hotjar == ("Hotjar (Priya Ops): decide by 16 Mar (renews 15 Apr 2026); 3,000 USD a year, none of its 5 "
                      "seats used: cancel it, or record the seats used (tol-hot)")  # fmt: skip
    path.write_text(path.read_text().replace("seats_used: 0", "seats_used: 7"))
    hotjar = sections(digest(pmops))["Tool renewals"][1]
    assert hotjar.endswith("3,000 USD a year, 7 seats used of 5 bought: check the counts (`pmops lint`) (tol-hot)")


def test_a_window_shorter_than_a_week_names_nobody_for_doing_nothing(pmops, month: Path) -> None:
    # 21 and 22 Feb: nobody did anything (a3 was heard on the 20th, p1 on the 24th), and no PM is named for
    # two days without an insight; 2 to 8 Mar, a week of nothing, names them (above).
    days = pmops("digest", "--since", "2026-02-21", "--today", "2026-02-22").stdout
    assert "Nothing from" not in days and "Who did what" in days.split("Nothing to report:")[1]


def test_a_window_over_years_gives_each_day_its_year(pmops, month: Path) -> None:
    # 1 Dec 2025 to 1 Mar 2026: what happened in 2025 says its year (dec-soon taken 10 Dec 2025), what
    # happened in 2026, the year of the last day, does not (dec-inv taken 12 Feb).
    text = " ".join(pmops("digest", "--since", "2025-12-01", "--today", TODAY).stdout.split())
    assert "Taken 10 Dec 2025: Bill annually" in text and "Taken 12 Feb: Validate invoices" in text


def test_every_rising_theme_is_named_and_those_no_decision_addresses_first(pmops, month: Path) -> None:
    """billing (4) rises, and four more themes: the first three shown in full, the others named with their
    counts — never a summary of '5 themes rising' above three of them."""
    themes = {"alpha": 3, "beta": 3, "gamma": 2, "delta": 2}
    files = [history_kb.insight(f"ins-{tag}{n}", f"About {tag} {n}", f"2026-02-2{n}", "Ana Silva", f"[{tag}]")
             for tag, many in themes.items() for n in range(many)]  # fmt: skip
    history_kb.commit(month, "Ana Silva", "2026-02-28", files, "themes")
    research = sections(digest(pmops))["Research"]
    rising = [line for line in research if line.startswith(("Rising:", "Also rising:"))]
    assert [line.split(",")[0] for line in rising[:3]] == ["Rising: billing", "Rising: alpha", "Rising: beta"]
    assert rising[3] == "Also rising: delta (2), gamma (2)"
    assert "5 themes rising" in digest(pmops)


def test_a_pm_whose_git_name_lacks_an_accent_is_the_pm_on_the_roster(pmops, example_kb: Path) -> None:
    """git's user.name 'Lucia Romero' is the roster's 'Lucía Romero': the digest credits her insight to her and
    does not list her among the PMs who did nothing (it did both before)."""
    from tests.conftest import git

    git(example_kb, "config", "user.name", "Lucia Romero")
    pmops(
        "insight", "add", "--title", "Controllers want approval SLAs", "--source", "interview", "--date", "2026-11-30"
    )
    people = json.loads(pmops("digest", "--since", "2026-11-02", "--today", "2026-12-02", "--format", "json").stdout)
    items = {i["text"].split(":")[0]: i for i in people["sections"][-1]["items"]}
    assert items["Lucía Romero"]["counts"] == {"insight": 1} and "Lucia Romero" not in items
    quiet = next(text for text in items if text.startswith("Nothing from"))
    assert "Lucía" not in items[quiet]["text"]


def test_a_met_expectation_whose_metric_fell_back_says_so(pmops, example_kb: Path) -> None:
    """Met stays met (docs/decisions.md), but the Monday email says the metric is short of its target again,
    not a bare 'Met' two months before the review date."""
    (csv,) = (example_kb / "metrics").glob("met-261126-90f8-*.csv")
    csv.write_text(csv.read_text() + "2026-11-30,99.1\n")
    text = " ".join(pmops("digest", "--since", "2026-11-02", "--today", "2026-12-02").stdout.split())
    assert "99.4% → 99.7% on 16 Nov; 99.1% on 30 Nov, short of it again" in text


def test_a_tool_nobody_uses_whose_notice_has_passed_is_not_told_to_cancel(pmops, kb: Path) -> None:
    """Its notice passed, it renews as it is: 'cancel it' would be advice nobody can follow."""
    pmops("tool", "add", "Surveyor", "--category", "research", "--status", "adopted", "--cost", "12000", "--seats", "5",
          "--seats-used", "0", "--renewal", "2026-12-20", "--notice-days", "60")  # fmt: skip
    text = " ".join(pmops("digest", "--since", "2026-11-02", "--today", "2026-12-02").stdout.split())
    assert "Surveyor: notice passed 21 Oct: renews 20 Dec 2026 as it is" in text
    assert "none of its 5 seats used: decide before the next renewal's notice" in text and "cancel it" not in text


def test_a_plan_at_risk_says_what_its_pm_did_on_their_own(pmops, month: Path) -> None:
    """The checklist says a step is overdue; the PM's own activity (onboard status's) says whether the work
    happened another way: Ben's 'Record your first decision' step is open, past due, but he recorded one."""
    plan = month / "onboarding" / "onb-ben.md"
    step = "- [ ] W1-4 Record your first decision (owner: Ben Lee, due 2026-02-20)\n"
    b1 = month / "insights" / "ins-b1.md"
    history_kb.commit(month, "Ben Lee", "2026-02-24", [
        ("onboarding/onb-ben.md", plan.read_text().replace("\n## Day 30", step + "\n## Day 30")),
        history_kb.decision("dec-ben", "Export invoices as CSV", "2026-02-23", "accepted", extra="deciders: [Ben Lee]\n"),
        # b1 was heard by Ana (Ben only committed it): its author field says so, and the field wins.
        ("insights/ins-b1.md", b1.read_text().replace("source: interview\n", "source: interview\nauthor: Ana Silva\n")),
    ], "Ben's first decision")  # fmt: skip
    # Ben (from 02-16), on 03-01: day 13; W1-1 done of 5 steps; W1-2, W1-3 and W1-4 (due 02-20) past due, W1-4
    # done another way (dec-ben dated 02-23: day 7): 2 overdue; no insight of his.
    assert sections(digest(pmops))["Onboarding"] == [
        "Ben Lee: 1 of 5 steps done at day 13, 2 overdue (and 1 done another way: W1-4); no insight yet, first "
        "decision on day 7 (onb-ben)"
    ]
    # W1-2 and W1-3 ticked: the only step past due is one done another way: no plan at risk.
    for step_id in ("W1-2", "W1-3"):
        pmops("onboard", "done", "Ben Lee", step_id, "--today", TODAY)
    text = digest(pmops)
    assert "## Onboarding" not in text and "Onboarding" in text.split("Nothing to report:", 1)[1]
    own = json.loads(pmops("onboard", "status", "--today", TODAY, "--json").stdout)["plans"][0]["activity"]
    assert [(f["type"], f["id"], f["days"]) for f in own["firsts"]] == [("insight", None, None),
                                                                        ("decision", "dec-ben", 7)]  # fmt: skip


def test_a_rising_theme_a_decision_addresses_says_which(pmops, month: Path) -> None:
    """billing rises (4 insights, none before); dec-bil, accepted and in force, cites a1, one of them: the line
    says so, as insight themes does — not good or bad news, only the news that it is handled."""
    history_kb.commit(month, "Ana Silva", "2026-02-28", [history_kb.decision(
        "dec-bil", "Explain invoices in the product", "2026-01-10", "accepted", extra="evidence: [ins-a1]\n")],
        "dec-bil")  # fmt: skip
    data = json.loads(digest(pmops, "--format", "json"))
    research = next(x for x in data["sections"] if x["key"] == "research")
    rising = [i for i in research["items"] if i["text"].startswith("Rising:")]
    assert [(i["text"], i["tone"]) for i in rising] == [
        ("Rising: billing, 4 insights (none in the 29 days before); addressed by dec-bil", "")
    ]


def test_metrics_stale_since_one_day_are_one_line_and_a_new_one_is_added_not_updated(pmops, month: Path) -> None:
    """Invoice errors (weekly) has no value since 20 Feb; Tickets (weekly, added by Priya on 02-28) neither: one
    line for both (9 days on 03-01), not two alike. Ana records an Active admins value on 02-28: a metric updated;
    the ones Priya added in the window are 'added' (git's A), not 'updated'."""
    history_kb.commit(month, "Priya Ops", "2026-02-28", history_kb.metric(
        "met-tix", "Tickets", "down", "50", "weekly", "2026-02-13,70\n2026-02-20,60\n"), "tickets")  # fmt: skip
    adm = month / "metrics" / "met-adm.csv"
    history_kb.commit(month, "Ana Silva", "2026-02-28", [("metrics/met-adm.csv", adm.read_text() + "2026-02-27,95\n")],
                      "admins")  # fmt: skip
    found = sections(digest(pmops))
    stale = [line for line in found["Metrics"] if line.startswith("Stale:")]
    assert stale == ["Stale: 2 metrics have no value since 20 Feb (9 days): Invoice errors, Tickets"]
    data = json.loads(digest(pmops, "--format", "json"))
    metrics = next(x for x in data["sections"] if x["key"] == "metrics")
    assert [i.get("ids") for i in metrics["items"] if i["text"].startswith("Stale:")] == [["met-err", "met-tix"]]
    assert "- Metrics: 1 crossed its target, 2 stale." in digest(pmops)
    who = found["Who did what"]
    assert who[0] == ("Ana Silva: 3 insights captured, 1 decision, 1 ranking recorded, 1 process reviewed, 2 checklist "
                      "runs started, 1 checklist item ticked, 1 metric updated, 1 document edited")  # fmt: skip
    assert who[1] == "Priya Ops: 1 insight captured, 2 processes reviewed, 3 metrics added, 2 tools added"


def test_an_overdue_review_shows_its_met_expectations_and_the_rest_by_name(pmops, kb: Path) -> None:
    # One decision of 1 Oct, review date 20 Nov, not recorded: overdue on 2 Dec. Six metrics, each 40 on
    # 28 Sep, expected up to 50: M1 to M4 reach 45 on 16 Nov (missed), M5 and M6 reach 55 on 9 Nov (met).
    # The window (25 Nov to 2 Dec) holds neither the values nor the review date: the overdue review shows
    # every verdict of the decision, the met ones too, and the sixth item, past the five shown, by name.
    expects = ""
    for n in range(1, 7):
        (kb / "metrics" / f"met-m{n}.md").write_text(f"---\nid: met-m{n}\nname: M{n}\ndefinition: d\nowner: Theo\n"
                                                     "direction: up\n---\n## How it is measured\n")  # fmt: skip
        after = "2026-11-16,45" if n <= 4 else "2026-11-09,55"
        (kb / "metrics" / f"met-m{n}.csv").write_text(f"date,value\n2026-09-28,40\n{after}\n")
        expects += f"- {{metric: met-m{n}, direction: up, target: 50}}\n"
    sections = "".join(f"## {x}\n\nText.\n\n" for x in ("Context", "Options considered", "Decision", "Consequences"))
    (kb / "decisions" / "dec-six.md").write_text("---\nid: dec-six\ntitle: Six\ndate: 2026-10-01\nstatus: accepted\n"
                                                 f"expects:\n{expects}review_date: 2026-11-20\n---\n{sections}")  # fmt: skip
    git(kb, "add", "-A")
    git(kb, "commit", "-qm", "six")
    text = " ".join(pmops("digest", "--since", "2026-11-25", "--today", "2026-12-02").stdout.split())
    assert "- Expectations: 2 met, 4 missed (1 review overdue)." in text
    assert "- Met: M5 up to 50 (“Six”): 40 → 55 on 9 Nov; review overdue since 20 Nov" in text
    assert "- … and 1 more: met: M6 (dec-six)" in text


def test_a_decision_review_recorded_is_said_as_one(pmops, month: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Ben Lee records dec-inv's overdue review on 1 Mar (one commit, that day): in Who did what it is
    # "1 decision reviewed", never "1 document edited".
    stamp = "2026-03-01T12:00:00+00:00"
    for var, value in (("GIT_AUTHOR_NAME", "Ben Lee"), ("GIT_AUTHOR_EMAIL", "ben@example.com"),
                       ("GIT_COMMITTER_NAME", "Ben Lee"), ("GIT_COMMITTER_EMAIL", "ben@example.com"),
                       ("GIT_AUTHOR_DATE", stamp), ("GIT_COMMITTER_DATE", stamp)):  # fmt: skip
        monkeypatch.setenv(var, value)
    pmops("decision", "review", "dec-inv", "--today", TODAY)
    found = sections(pmops("digest", "--since", "2026-03-01", "--today", TODAY).stdout)["Who did what"]
    assert found == ["Ben Lee: 1 decision reviewed"]
    counts = json.loads(pmops("digest", "--since", "2026-03-01", "--today", TODAY, "--format", "json").stdout)
    people = next(x for x in counts["sections"] if x["key"] == "people")
    assert people["items"][0]["counts"] == {"decision_review": 1}


def test_insights_of_one_day_come_by_title_with_the_rosters_names(pmops, kb: Path) -> None:
    # Four insights heard on 30 Nov, added in the order 3, 4, 1, 2, by "Lucia Romero" (no accent), who is
    # "Lucía Romero" on the roster: by title, each with the roster's spelling.
    pmops("person", "add", "Lucía Romero", "--role", "pm", "--start", "2026-01-05")
    for n in (3, 4, 1, 2):
        pmops("insight", "add", "--title", f"Approvals thing {n}", "--source", "interview", "--date", "2026-11-30",
              "--author", "Lucia Romero")  # fmt: skip
    found = sections(pmops("digest", "--since", "2026-11-25", "--today", "2026-12-02").stdout)["Research"]
    assert [line.split(" (ins-")[0] for line in found[:4]] == [
        f"Approvals thing {n} (30 Nov, Lucía Romero)" for n in (1, 2, 3, 4)]  # fmt: skip


def test_a_doubtful_value_is_said_doubtful_never_a_target_reached(pmops, example_kb: Path) -> None:
    """A ratio in a % metric (0.995 for 99.5) and a value with a zero too many (47000 after 4,638) are
    doubtful for metric record, lint, metric show and the digest alike (metrics.doubt)."""
    result = pmops("metric", "record", "met-261126-90f8", "0.995", "--date", "2026-11-30")
    assert "a ratio?" in result.stderr
    result = pmops("metric", "record", "met-261126-4hb3", "47000", "--date", "2026-11-30")
    assert ("warning: 47000: 10 times or more every recent value (the value before: 4638): a zero too many?"
            in " ".join(result.stderr.split()))  # fmt: skip
    text = " ".join(pmops("digest", "--since", "2026-11-02", "--today", "2026-12-02").stdout.split())
    assert "0.995% on 30 Nov (doubtful: 0.995: a ratio?" in text
    said = " ".join(pmops("decision", "review", "dec-261126-c5te", "--today", "2026-12-02", "--dry-run").stdout.split())
    assert "0.995% since, on 2026-11-30; 2026-11-30's 0.995 is doubtful (0.995: a ratio?" in said
    assert "Weekly active approvers reached its target" not in text
    assert ("Weekly active approvers: 47,000 users on 30 Nov would cross its target of 5,000 users, but it is "
            "doubtful: 47000: 10 times or more every recent value") in text  # fmt: skip
    shown = json.loads(pmops("metric", "show", "met-261126-4hb3", "--today", "2026-12-02", "--json").stdout)
    assert [d["date"] for d in shown["doubtful"]] == ["2026-11-30"]
    late = " ".join(pmops("decision", "review", "dec-261126-0mq9", "--today", "2026-12-02", "--dry-run").stdout.split())
    assert "reached 47,000 users on 2026-11-30, after its review date; 2026-11-30's 47000 is doubtful" in late
    listed = pmops("metric", "list", "--format", "tsv", "--columns", "id,status").stdout  # tsv: the status alone
    table = " ".join(pmops("metric", "list", "--columns", "id,status").stdout.split())
    assert "met-261126-4hb3\ton target" in listed and "on target; a doubtful value (pmops metric show)" in table
    # A value beyond any measure, as the first one of a metric too.
    result = pmops("metric", "record", "met-261126-4hb3", "99999999999999999999", "--date", "2026-12-01")
    assert "warning: 1e+20: a value beyond any measure (a typo?)" in result.stderr
    found = [(f["rule"], f["message"]) for f in json.loads(pmops("lint", "--json").stdout)
             if f["rule"] == "metric-value-range" and "4hb3" in f["path"]]  # fmt: skip
    assert [m.split(":")[0] for _, m in found] == ["2026-11-30", "2026-12-01"]


def test_a_target_met_on_the_decision_day_is_said_as_decision_review_says_it(pmops, example_kb: Path) -> None:
    # Accounting sync was 99.7% on 16 Nov: a decision of 20 Nov expecting it up to 99 changed nothing.
    pmops("decision", "add", "Sync already fine", "--date", "2026-11-20", "--expects", "met-261126-90f8:up:99",
          "--review-by", "2026-11-27", "--status", "accepted")  # fmt: skip
    text = " ".join(pmops("digest", "--since", "2026-11-02", "--today", "2026-12-02").stdout.split())
    # before: 99.7 on 16 Nov (on or before 20 Nov); the first value after it at 99 or more: 99.6 on 23 Nov.
    assert "(“Sync already fine”): 99.7% → 99.6% on 23 Nov; already met on the decision day" in text
    said = " ".join(
        pmops("decision", "review", "Sync already fine", "--today", "2026-12-02", "--dry-run").stdout.split()
    )
    assert "already met on the decision day" in said
    found = json.loads(pmops("digest", "--since", "2026-11-02", "--today", "2026-12-02", "--format", "json").stdout)
    (expectations,) = [s for s in found["sections"] if s["key"] == "expectations"]
    (item,) = [i for i in expectations["items"] + expectations.get("rest", []) if "Sync already fine" in i["text"]]
    assert item["tone"] != "good"  # no evidence the decision worked
    # Expected down where the metric says up is good: 99.4 on 26 Oct (before 27 Oct) → 99.3 on 9 Nov, the value at
    # its review date of 12 Nov: met, and the Met line says it went against the metric's own direction.
    pmops("decision", "add", "Sync goes down", "--date", "2026-10-27", "--expects", "met-261126-90f8:down",
          "--review-by", "2026-11-12", "--status", "accepted")  # fmt: skip
    text = " ".join(pmops("digest", "--since", "2026-11-02", "--today", "2026-12-02").stdout.split())
    assert ("(“Sync goes down”): 99.4% → 99.3% on 9 Nov; against the metric's own direction (up is good)"
            in text)  # fmt: skip


def test_a_process_whose_outputs_cannot_be_read_is_said_and_the_overflow_names_each(pmops, example_kb: Path) -> None:
    """A typo'd tag in a process's outputs is lint's error; the digest says so instead of leaving the process out."""
    (path,) = (example_kb / "processes").glob("prc-260105-ya68-*.md")
    path.write_text(path.read_text().replace("source: interview}", "source: interview, tag: aprovals}"))
    found = json.loads(pmops("digest", "--since", "2026-11-02", "--today", "2026-12-02", "--format", "json").stdout)
    (processes,) = [s for s in found["sections"] if s["key"] == "processes"]
    said = [i["text"] for i in processes["items"] + processes.get("rest", [])]
    assert [t for t in said if t.startswith("Customer interview programme")] == [
        "Customer interview programme (Priya Nair): its outputs cannot be read: insights-per-pm: tag 'aprovals' is "
        "not in the taxonomy (taxonomy.yaml), so no document has it: did you mean 'approvals'? (pmops lint names it)"
    ]
    assert "whose outputs cannot be read" in processes["summary"]
    # "… and N more" names each by what it is, not by its id alone
    shorts = [i.get("short") for i in processes["items"] + processes.get("rest", [])]
    assert shorts == ["outputs unreadable: Customer interview programme", "not happening: Launch checklist",
                      "not happening: Quarterly roadmap review", "not reviewed since 2 Jun 2025: Bug triage"]  # fmt: skip
