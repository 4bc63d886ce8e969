"""`pmops onboard`: plans built from the KB, progress, time to productivity."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from tests.conftest import commit_count, git


def new_pm(pmops, name: str = "Dana Reyes", *extra: str, code: int = 0, start: str = "2026-12-01"):
    return pmops("onboard", "new-pm", name, "--start", start, "--area", "billing", "--buddy", "Maya Chen",
                 "--manager", "Ada Brooks", *extra, code=code)  # fmt: skip


def test_a_plan_for_billing_links_only_existing_documents(pmops, example_kb: Path) -> None:
    created = json.loads(new_pm(pmops, "Dana Reyes", "--json").stdout)
    plan = (example_kb / created["path"]).read_text()
    committed = sorted(git(example_kb, "show", "--name-only", "--format=", "HEAD").split())
    assert committed[0] == created["path"] and re.fullmatch(r"people/per-\d{6}-\w{4}-dana-reyes\.md", committed[1])
    assert len(committed) == 2
    linked = set(re.findall(r"\[\[([^\]]+)\]\]", plan))
    for doc_id in linked:
        pmops("show", doc_id, "--json")  # every link resolves
    billing_decisions = {d["id"] for d in json.loads(pmops("decision", "list", "--status", "accepted", "--json").stdout)
                         if d.get("area") == "billing"}  # fmt: skip
    assert billing_decisions and billing_decisions <= linked
    themes = json.loads(pmops("insight", "themes", "--by", "tag", "--json").stdout)
    assert "### Strongest themes" in plan and "pricing:" in plan
    assert all(t for t in themes)
    # Due dates follow the start date (a Tuesday), on working days: start + 4 is a Saturday.
    assert "W1-1 " in plan and "due 2026-12-02" in plan and "due 2027-03-01" in plan
    dues = [dt.date.fromisoformat(d) for d in re.findall(r"due (\d{4}-\d{2}-\d{2})", plan)]
    assert len(dues) == 15 and all(d.weekday() < 5 for d in dues)
    assert "W1-2 Intro meetings from the schedule below (owner: Dana Reyes, due 2026-12-04)" in plan
    assert "2026-12-01 Intro with Ada Brooks (manager)" in plan
    assert json.loads(pmops("lint", "--json").stdout)[0]["severity"] == "warning"
    assert all(f["severity"] == "warning" for f in json.loads(pmops("lint", "--json").stdout))


def test_running_it_again_is_exit_1_and_changes_nothing(pmops, example_kb: Path) -> None:
    new_pm(pmops)
    before = commit_count(example_kb)
    assert "already has an onboarding plan" in new_pm(pmops, code=1).stderr
    assert "already has an onboarding plan" in new_pm(pmops, "dana  reyes", code=1).stderr
    assert commit_count(example_kb) == before and git(example_kb, "status", "--porcelain") == ""
    assert "--start" in pmops("onboard", "new-pm", "X", "--start", "soon", code=2).stderr


def test_done_and_status_round_trip(pmops, example_kb: Path) -> None:
    # Dana starts 52 weeks before the example's plans' day (a Tuesday, as 2026-12-01 is): every step is done on
    # a day that has come (`onboard done --today` refuses one still to come); status reads as of any day.
    new_pm(pmops, start="2025-12-02")
    status = json.loads(pmops("onboard", "status", "Dana Reyes", "--today", "2025-12-11", "--json").stdout)["plans"][0]
    assert (status["done"], status["total"], status["status"]) == (0, 15, "overdue")
    assert status["overdue"] == ["W1-1", "W1-2", "W1-3", "W1-4", "W1-5"] and status["days_since_start"] == 9
    assert [s["id"] for s in status["open_steps"]][:2] == ["W1-1", "W1-2"]
    pmops("onboard", "done", "Dana Reyes", "W1-1", "--today", "2025-12-03")
    pmops("onboard", "done", "Dana Reyes", "intro meetings", "--today", "2025-12-05")
    assert git(example_kb, "log", "-1", "--format=%s").startswith("pmops: onboarding onb-")
    after = json.loads(pmops("onboard", "status", "Dana Reyes", "--today", "2025-12-05", "--json").stdout)["plans"][0]
    assert after["done"] == 2 and after["status"] == "on track" and after["overdue"] == []
    missing = pmops("onboard", "done", "Dana Reyes", "skydiving", code=1)
    assert "no step matches 'skydiving'" in missing.stderr and "W1-3" in missing.stderr
    again = commit_count(example_kb)
    assert "W1-1" in pmops("onboard", "done", "Dana Reyes", "W1-1").stdout.split("nothing changed")[0]
    assert commit_count(example_kb) == again
    assert "no person named" in pmops("onboard", "done", "Nobody", "W1-1", code=1).stderr
    # Finishing the first month stamps it; finishing everything completes the plan.
    for step in ("W1-3", "W1-4", "W1-5", "D30-1", "D30-2", "D30-3"):
        pmops("onboard", "done", "Dana Reyes", step, "--today", "2025-12-21")
    assert "productive" in pmops("onboard", "done", "Dana Reyes", "D30-4", "--today", "2025-12-29").stdout
    for step in ("D60-1", "D60-2", "D60-3", "D90-1", "D90-2"):
        pmops("onboard", "done", "Dana Reyes", step, "--today", "2026-02-21")
    assert "complete" in pmops("onboard", "done", "Dana Reyes", "D90-3", "--today", "2026-02-26").stdout
    final = json.loads(pmops("onboard", "status", "--today", "2027-03-01", "--json").stdout)
    dana = next(p for p in final["plans"] if p["name"] == "Dana Reyes")
    assert (dana["status"], dana["days_to_day30"], dana["days_to_complete"]) == ("complete", 27, 86)
    # As of 2027-03-01, with the example's plans: productive in 27 (Dana) and 28 days (Ana); Ben (from
    # 2026-11-16, day 105) and Chloe (from 2026-08-17, day 196) are still open past day 45. Sorted 27, 28,
    # ≥105, ≥196: the middle two give at least (28 + 105) / 2 = 66.5 days, only a lower bound.
    ttp = final["time_to_productivity"]
    assert (ttp["day30"]["measured"], ttp["day30"]["median"], ttp["day30"]["at_least"]) == (4, 66.5, True)
    assert ttp["median_days_to_day30"] is None
    # Complete: Dana 86, Ana 91, Chloe still open past day 135 (≥196); Ben's day 105 is too early: median 91.
    assert (ttp["complete"]["measured"], ttp["median_days_to_complete"], ttp["complete"]["at_least"]) == (3, 91, False)


def test_changing_the_template_changes_the_next_plan_not_existing_ones(pmops, example_kb: Path) -> None:
    first = json.loads(new_pm(pmops, "Dana Reyes", "--json").stdout)
    before = (example_kb / first["path"]).read_text()
    shipped = (Path(__file__).parents[2] / "templates" / "onboarding.md.j2").read_text()
    (example_kb / "templates").mkdir(exist_ok=True)
    (example_kb / "templates" / "onboarding.md.j2").write_text(
        shipped.replace("Shadow a sprint planning", "Shadow a support shift and a sprint planning")
    )
    second = json.loads(new_pm(pmops, "Eli Novak", "--json").stdout)
    assert "Shadow a support shift" in (example_kb / second["path"]).read_text()
    assert (example_kb / first["path"]).read_text() == before


def test_strongest_themes_are_problems_not_kinds_of_evidence(pmops, kb: Path) -> None:
    # Three bug reports about nothing else would have topped the list; the theme tags come first.
    for n in range(3):
        pmops(
            "insight", "add", "--title", f"Crash {n}", "--source", "support-ticket", "--area", "billing", "--tag", "bug"
        )
    pmops("insight", "add", "--title", "Exports drop accents", "--source", "interview", "--area", "billing",
          "--tag", "data-export", "--tag", "bug")  # fmt: skip
    path = kb / json.loads(new_pm(pmops, "Dana Reyes", "--json").stdout)["path"]
    themes = path.read_text().split("### Strongest themes", 1)[1].split("###", 1)[0]
    assert "data-export: 1 insight — e.g. Exports drop accents" in themes
    assert "bug" not in themes


def test_new_pm_finds_the_name_on_the_roster_as_person_show_does(pmops, example_kb: Path) -> None:
    pmops("person", "add", "Zoë Élan", "--role", "pm", "--start", "2026-11-20")
    pmops("person", "add", "Nadia Haddad", "--role", "pm", "--start", "2026-11-01")
    people = len(list((example_kb / "people").glob("*.md")))
    made = pmops("onboard", "new-pm", "zoe", "--start", "2026-11-20", "--json")  # Zoë Élan, as person show finds her
    out = json.loads(made.stdout)
    assert (
        out["person_added"] is None
        and out["person"] == json.loads(pmops("person", "show", "zoe", "--json").stdout)["id"]
    )
    assert f"'zoe' is Zoë Élan on the roster ({out['person']}): the plan is theirs" in made.stderr
    assert (
        json.loads(pmops("onboard", "new-pm", "nadia", "--json").stdout)["person_added"] is None
    )  # the roster's start
    before = commit_count(example_kb)
    said = pmops("onboard", "new-pm", "haddad", "--start", "2026-12-01", code=2).stderr.splitlines()
    assert said[0].startswith("error: 'haddad' matches 2 people on the roster: ") and '"Omar Haddad"' in said[0]
    assert said[1] == 'hint: give the full name, or pmops person add "haddad" --role pm adds someone new first'
    assert commit_count(example_kb) == before and len(list((example_kb / "people").glob("*.md"))) == people
    added = json.loads(pmops("onboard", "new-pm", "Kai Brandt", "--start", "2026-12-01", "--json").stdout)
    assert added["person_added"] is not None  # no one on the roster: added, as before
