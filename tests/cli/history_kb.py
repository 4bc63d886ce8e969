"""A KB with a scripted git history: several authors, each commit dated (GIT_AUTHOR_DATE and
GIT_COMMITTER_DATE), for the checks that read who did what and when (process check, digest,
onboarding activity). The verdicts expected of it are written by hand in each test."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

PEOPLE = {
    "Ana Silva": ("ana@example.com", "pm", "billing", "2025-01-06", None),
    "Ben Lee": ("ben@example.com", "pm", "billing", "2026-02-16", None),
    "Cy Diaz": ("cy@example.com", "pm", "cards", "2025-06-02", "2026-02-08"),
    "Priya Ops": ("priya@example.com", "product-ops", None, "2024-06-03", None),
    "Eve Eng": ("eve@example.com", "eng", "billing", "2024-01-08", None),
    "Dan Design": ("dan@example.com", "design", "billing", "2024-01-08", None),
    "Sue Support": ("sue@example.com", "support", "billing", "2024-01-08", None),
    "Sal Sales": ("sal@example.com", "sales", "cards", "2024-01-08", None),
}
SECTIONS = "".join(f"## {s}\n\nText.\n\n" for s in ("Purpose", "Roles", "Steps", "Inputs", "Outputs"))
DECISION_SECTIONS = "".join(
    f"## {s}\n\nText.\n\n" for s in ("Context", "Options considered", "Decision", "Consequences")
)
RANKING_TYPE = (
    "  ranking:\n    prefix: rnk\n    folder: rankings\n    fields:\n      cycle: {}\n      date: {kind: date}\n"
)


def process(pid: str, title: str, kind: str, owner: str, cadence: str, date: str, outputs: str | None,
            body: str = SECTIONS) -> tuple[str, str]:  # fmt: skip
    extra = f"outputs: {outputs}\n" if outputs else ""
    sections = body + ("## Scoring\n\nText.\n\n" if kind == "prioritization" else "")
    sections += "## Checklist\n\n- [ ] Ship\n" if kind == "launch-checklist" else ""
    return (f"processes/{pid}.md", f"---\nid: {pid}\ntitle: {title}\nkind: {kind}\nowner: {owner}\ncadence: {cadence}\n"
            f"status: active\ndate: {date}\nlast_reviewed: 2026-02-01\n{extra}---\n{sections}")  # fmt: skip


def insight(iid: str, title: str, date: str, author: str | None, tags: str = "[]") -> tuple[str, str]:
    who = f"author: {author}\n" if author else ""
    return (f"insights/{iid}.md", f"---\nid: {iid}\ntitle: {title}\ndate: {date}\nsource: interview\ntags: {tags}\n"
            f"{who}---\nWhat we heard.\n")  # fmt: skip


def decision(did: str, title: str, date: str, status: str, body: str = "", extra: str = "") -> tuple[str, str]:
    return (f"decisions/{did}.md",
            f"---\nid: {did}\ntitle: {title}\ndate: {date}\nstatus: {status}\n{extra}---\n{DECISION_SECTIONS}{body}")  # fmt: skip


def person(name: str) -> tuple[str, str]:
    _email, role, area, start, end = PEOPLE[name]
    pid = "per-" + name.split()[0].lower()
    text = f"---\nid: {pid}\nname: {name}\nrole: {role}\n" + (f"area: {area}\n" if area else "")
    text += f"start: {start}\n" + (f"end: {end}\nstatus: left\n" if end else "") + "---\n"
    return f"people/{pid}.md", text


def commit(kb: Path, who: str, day: str, files: list[tuple[str, str]], message: str) -> None:
    """Write `files` and commit them as `who` on `day` (noon UTC)."""
    for rel, text in files:
        path = kb / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    email = PEOPLE[who][0]
    stamp = f"{day}T12:00:00+00:00"
    env = {**os.environ, "GIT_AUTHOR_NAME": who, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": who,
           "GIT_COMMITTER_EMAIL": email, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}  # fmt: skip
    subprocess.run(["git", "add", "-A"], cwd=kb, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "--no-verify", "-m", message], cwd=kb, check=True, env=env)


def build(kb: Path) -> Path:
    """The history, oldest first (see each test for what it should say)."""
    yaml = kb / "pmops.yaml"
    yaml.write_text(yaml.read_text().replace("types:\n", "types:\n" + RANKING_TYPE, 1))
    interviews = "[{check: insights-per-pm, per: week, target: 1}]"
    pri_b = ("## Purpose\n\nBen scores billing asks in a sheet.\n\n## Roles\n\nBen.\n\n## Steps\n\n1. Sheet.\n\n"
             "## Inputs\n\nAsks.\n\n## Outputs\n\nA sorted sheet.\n\n")  # fmt: skip
    commit(kb, "Priya Ops", "2025-12-01", [
        *(person(n) for n in PEOPLE),
        process("prc-int", "Interview programme", "custom", "Priya Ops", "weekly", "2025-12-01", interviews),
        process("prc-rev", "Roadmap review", "roadmap-review", "Priya Ops", "monthly", "2025-11-03",
                "[{check: review, per: cadence}]", SECTIONS + "## Agenda\n\nText.\n\n## Decisions to record\n\nText.\n\n"),
        process("prc-lau", "Launch checklist", "launch-checklist", "Priya Ops", "per-launch", "2025-11-03",
                "[{check: checklist-run, per: launch}]"),
        process("prc-pri", "Monthly prioritization", "prioritization", "Ana Silva", "monthly", "2025-11-03",
                "[{check: ranking, per: cycle}]"),
        process("prc-prb", "Billing asks scoring", "prioritization", "Ben Lee", "biweekly", "2025-11-10", None, pri_b),
    ], "roster and processes")  # fmt: skip
    commit(kb, "Ana Silva", "2026-01-15", [decision("dec-q1", "Roadmap for Q1", "2026-01-15", "accepted",
                                                    "Held in [[prc-rev]].\n")], "roadmap review, January")  # fmt: skip
    commit(kb, "Ana Silva", "2026-01-20", [insight("ins-a0", "Old insight", "2026-01-20", "Ana Silva")], "a0")
    run = "---\nid: {id}\ntitle: Launch {name}\nprocess: prc-lau\nfor: {name}\nstarted: {day}\nstatus: {status}\n---\n## Checklist\n\n- [{x}] Ship\n- [{x}] Announce\n"
    commit(kb, "Ana Silva", "2026-02-03", [
        insight("ins-a1", "Invoices confuse admins", "2026-02-03", "Ana Silva", "[billing]"),
        ("checklists/chk-1.md", run.format(id="chk-1", name="A", day="2026-02-03", status="done", x="x")),
    ], "a1 and launch A")  # fmt: skip
    commit(kb, "Ana Silva", "2026-02-10", [
        insight("ins-a2", "Invoices lack PO numbers", "2026-02-10", "Ana Silva", "[billing]"),
        ("checklists/chk-2.md", run.format(id="chk-2", name="B", day="2026-02-10", status="open", x=" ")),
    ], "a2 and launch B")  # fmt: skip
    commit(kb, "Ben Lee", "2026-02-17", [insight("ins-b1", "Billing exports fail", "2026-02-17", None, "[billing]")],
           "b1")  # fmt: skip
    commit(kb, "Ana Silva", "2026-02-20", [insight("ins-a3", "Invoices in euros", "2026-02-20", "Ana Silva", "[billing]")], "a3")  # fmt: skip
    commit(kb, "Priya Ops", "2026-02-24", [insight("ins-p1", "Cards declined abroad", "2026-02-24", "Priya Ops")], "p1")
    commit(kb, "Ana Silva", "2026-02-27", [("rankings/rnk-feb.md", "---\nid: rnk-feb\ntitle: February ranking\n"
                                             "cycle: 2026-02\ndate: 2026-02-27\n---\n1. Invoices\n")], "ranking")  # fmt: skip
    return kb


def metric(mid: str, name: str, direction: str, target: str, cadence: str, values: str) -> list[tuple[str, str]]:
    return [(f"metrics/{mid}.md", f"---\nid: {mid}\nname: {name}\ndefinition: d\nowner: Priya Ops\nunit: count\n"
                                  f"target: {target}\ndirection: {direction}\ncadence: {cadence}\n---\n## How it is measured\n"),
            (f"metrics/{mid}.csv", "date,value\n" + values)]  # fmt: skip


def tool(tid: str, name: str, renewal: str, notice: str, cost: str, seats: str, used: str) -> tuple[str, str]:
    return (f"tools/{tid}.md", f"---\nid: {tid}\nname: {name}\ncategory: analytics\nowner: Priya Ops\nstatus: adopted\n"
                               f"cost: {cost}\nseats: {seats}\nseats_used: {used}\nrenewal: {renewal}\nnotice_days: {notice}\n---\n")  # fmt: skip


PLAN = """---
id: onb-ben
title: Onboarding Ben Lee
person: per-ben
start: 2026-02-16
area: billing
buddy: Ana Silva
status: active
---
## Week 1

- [x] W1-1 Laptop (owner: Ben Lee, due 2026-02-17) — done 2026-02-17
- [ ] W1-2 Intro meetings (owner: Ben Lee, due 2026-02-20)
- [ ] W1-3 Shadow an interview (owner: Ana Silva, due 2026-02-20)

## Day 30

- [ ] D30-1 Talk to five customers (owner: Ben Lee, due 2026-03-13)

## Day 60

## Day 90

## Reading list
"""


def build_digest(kb: Path) -> Path:
    """build(), then the month a digest of February (2026-02-01 to 03-01) reads:

    - decisions: dec-inv taken 02-12 (Ben), expecting Invoice errors down to 5 (10 on 01-05 → 4 on
      02-20: met by its review on 02-26) and Active admins up to 100 (80 → 90: missed); dec-po
      proposed 02-25 (Ana); dec-old proposed 2025-12-20, waiting; dec-soon taken 2025-12-10, its
      expectation judged on 03-20 (too early, due within 30 days);
    - metrics: Invoice errors reached its target (10 before, 4 on 02-20), weekly, 9 days old: stale;
    - Ben's plan: W1-2 and W1-3 overdue; tools: Mixpanel inside its notice (renews 03-20, 30 days'
      notice), Hotjar to decide by 03-16; Ana edits the interview programme on 02-28 and ticks launch B's
      first item (its second stays open); Ben reviews the roadmap review on 02-28 (Priya's process).

    Its commits are dated in order (git log --since stops at the first older ones), the last days of February.
    """
    build(kb)
    commit(kb, "Priya Ops", "2026-02-27", [
        *metric("met-err", "Invoice errors", "down", "5", "weekly", "2026-01-05,10\n2026-02-20,4\n"),
        *metric("met-adm", "Active admins", "up", "100", "monthly", "2026-01-05,80\n2026-02-20,90\n"),
        decision("dec-old", "Old proposal", "2025-12-20", "proposed", extra="deciders: [Priya Ops]\n"),
        decision("dec-soon", "Bill annually", "2025-12-10", "accepted",
                 extra="expects:\n- {metric: met-adm, direction: up, target: 120}\nreview_date: 2026-03-20\n"),
    ], "metrics")  # fmt: skip
    commit(kb, "Ben Lee", "2026-02-27", [decision(
        "dec-inv", "Validate invoices before sending", "2026-02-12", "accepted",
        extra="deciders: [Ben Lee]\nexpects:\n- {metric: met-err, direction: down, target: 5}\n"
              "- {metric: met-adm, direction: up, target: 100}\nreview_date: 2026-02-26\n")], "dec-inv")  # fmt: skip
    commit(kb, "Ana Silva", "2026-02-27", [decision("dec-po", "Add PO numbers to invoices", "2026-02-25", "proposed",
                                                    extra="deciders: [Ana Silva]\n")], "dec-po")  # fmt: skip
    commit(kb, "Priya Ops", "2026-02-28", [
        ("onboarding/onb-ben.md", PLAN),
        tool("tol-mix", "Mixpanel", "2026-03-20", "30", "12000", "10", "8"),
        tool("tol-hot", "Hotjar", "2026-04-15", "30", "3000", "5", "2"),
    ], "plan and tools")  # fmt: skip
    path = kb / "processes" / "prc-int.md"
    commit(kb, "Ana Silva", "2026-02-28", [(str(path.relative_to(kb)), path.read_text() + "One more line.\n")],
           "edit")  # fmt: skip
    run = kb / "checklists" / "chk-2.md"
    commit(kb, "Ana Silva", "2026-02-28", [("checklists/chk-2.md", run.read_text().replace("- [ ] Ship", "- [x] Ship"))],
           "tick")  # fmt: skip
    review = kb / "processes" / "prc-rev.md"
    commit(kb, "Ben Lee", "2026-02-28", [("processes/prc-rev.md", review.read_text().replace(
        "last_reviewed: 2026-02-01", "last_reviewed: 2026-02-28"))], "review")  # fmt: skip
    return kb


def made(kb: Path, script: Callable[[Path], Path]) -> Path:
    """`script` (build, build_digest) run on `kb`, the `kb` fixture's fresh KB (the current folder): the
    scripted history is written once per test process (a dozen dated commits, 0.15-0.3 s of CPU) and
    copied, every commit, date and author the same, for each test (tests.conftest.from_template)."""
    from tests.conftest import from_template, init_kb

    def make(folder: Path) -> None:
        script(init_kb(folder))

    shutil.rmtree(kb)
    from_template(f"history-{script.__name__}", make, kb)
    os.chdir(kb)  # the folder it was in is no more (the `kb` fixture's monkeypatch brings the old one back)
    return kb
