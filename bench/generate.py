"""A seeded generator of realistic knowledge bases: 1k, 10k, 50k documents.

Insights (valid pmops insights), and processes, decisions and onboarding plans
with realistic front-matter; bodies of 100–600 words drawn Zipf-like from a
product vocabulary plus rare words, so some terms match thousands of documents
and some match a handful.
"""

from __future__ import annotations

import datetime as dt
import random
import subprocess
from pathlib import Path

from pmops import scaffold, yamlsafe

COMMON = [
    "customer",
    "customers",
    "user",
    "users",
    "admin",
    "admins",
    "team",
    "teams",
    "product",
    "feature",
    "features",
    "report",
    "reports",
    "export",
    "approval",
    "approvals",
    "invoice",
    "invoices",
    "expense",
    "expenses",
    "receipt",
    "receipts",
    "card",
    "cards",
    "budget",
    "budgets",
    "pricing",
    "plan",
    "plans",
    "onboarding",
    "setup",
    "integration",
    "integrations",
    "sync",
    "data",
    "dashboard",
    "workflow",
    "workflows",
    "policy",
    "policies",
    "limit",
    "limits",
    "request",
    "requests",
    "manager",
    "managers",
    "finance",
    "controller",
    "month",
    "close",
    "quarter",
    "review",
    "mobile",
    "app",
    "apps",
    "web",
    "email",
    "notification",
    "notifications",
    "search",
    "filter",
    "filters",
    "permission",
    "permissions",
    "role",
    "roles",
    "account",
    "accounts",
    "billing",
    "payment",
    "payments",
    "reimbursement",
    "reimbursements",
    "travel",
    "vendor",
    "vendors",
    "slow",
    "fast",
    "broken",
    "confusing",
    "easy",
    "hard",
    "missing",
    "need",
    "needs",
    "want",
    "wants",
    "asked",
    "said",
    "told",
    "showed",
    "tried",
    "used",
    "every",
    "week",
    "day",
    "time",
    "today",
    "yesterday",
    "again",
    "still",
    "already",
    "never",
    "always",
    "often",
    "sometimes",
    "usually",
    "because",
    "when",
    "where",
    "which",
    "while",
    "after",
    "before",
    "during",
    "about",
    "against",
    "between",
    "through",
    "without",
    "within",
    "the",
    "a",
    "an",
    "and",
    "or",
    "but",
    "of",
    "to",
    "in",
    "for",
    "on",
    "with",
    "at",
    "by",
    "from",
    "as",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "has",
    "have",
    "had",
    "do",
    "does",
    "it",
    "this",
    "that",
    "these",
    "those",
    "they",
    "them",
    "their",
    "we",
    "our",
    "you",
    "your",
    "he",
    "she",
    "his",
    "her",
    "its",
    "one",
    "two",
    "three",
    "many",
    "more",
]
RARE_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "nu",
    "pe",
    "ra",
    "si",
    "tu",
    "vo",
    "ze",
    "qua",
    "xi",
    "yo",
    "bre",
    "dro",
    "fli",
    "gla",
    "pho",
    "stri",
]
SEGMENTS = ["smb", "mid-market", "enterprise", "public-sector"]
AREAS = ["billing", "onboarding", "reporting", "integrations", "mobile", "approvals", "cards"]
SOURCES = ["interview", "survey", "support-ticket", "sales-call", "usability-test", "analytics", "social"]
TAGS = ["pricing", "onboarding", "performance", "reliability", "usability", "integrations", "reporting",
        "permissions", "security", "mobile", "notifications", "data-export", "accessibility",
        "feature-request", "bug", "churn-risk", "expansion", "workaround", "praise", "confusion"]  # fmt: skip
AUTHORS = ["Maya Chen", "Jonas Weber", "Priya Nair", "Sam Okafor", "Lena Ortiz", "Theo Park", "Ada Brooks"]
_B32 = "0123456789abcdefghjkmnpqrstvwxyz"


def _rare_words(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choice(RARE_SYLLABLES) for _ in range(rng.randint(3, 4))) for _ in range(n)]


class Writer:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.vocab = COMMON + _rare_words(self.rng, 3000)
        # Zipf-like weights: the common words first, rare words get rarer and rarer.
        # About one word in six is a rare one; the rarest appear in a handful of documents.
        self.weights = [1.0 / (rank + 1) ** 1.2 for rank in range(len(self.vocab))]

    def words(self, n: int) -> list[str]:
        return self.rng.choices(self.vocab, weights=self.weights, k=n)

    def sentence(self) -> str:
        words = self.words(self.rng.randint(6, 18))
        return " ".join(words).capitalize() + "."

    def body(self, headings: list[str]) -> str:
        target = self.rng.randint(100, 600)
        parts, count = [], 0
        for section, heading in enumerate(headings, 1):
            paragraph = []
            while count < target * section / len(headings):
                sentence = self.sentence()
                paragraph.append(sentence)
                count += sentence.count(" ") + 1
            parts.append(f"## {heading}\n\n" + " ".join(paragraph) + "\n")
        return "\n".join(parts)

    def title(self) -> str:
        return " ".join(self.words(self.rng.randint(4, 9))).capitalize()


def _id(prefix: str, day: dt.date, n: int) -> str:
    suffix = "".join(_B32[(n >> (5 * i)) & 31] for i in range(4))
    return f"{prefix}-{day:%y%m%d}-{suffix}"


def generate(root: Path, total: int, seed: int = 7) -> Path:
    """Write a KB of `total` documents at `root` and commit it."""
    scaffold.init(root, f"Bench {total}", commit=False)
    w = Writer(seed)
    start = dt.date(2024, 1, 1)
    kinds = [("insight", 0.7), ("process", 0.1), ("decision", 0.1), ("onboarding", 0.1)]
    for n in range(total):
        kind = w.rng.choices([k for k, _ in kinds], weights=[p for _, p in kinds])[0]
        day = start + dt.timedelta(days=w.rng.randint(0, 1000))
        title = w.title()
        if kind == "insight":
            meta = {"id": _id("ins", day, n), "title": title, "date": day, "source": w.rng.choice(SOURCES),
                    "customer": f"Customer {w.rng.randint(1, 800)}", "segment": w.rng.choice(SEGMENTS),
                    "area": w.rng.choice(AREAS), "tags": sorted(set(w.rng.sample(TAGS, w.rng.randint(1, 3)))),
                    "quote": w.sentence(), "author": w.rng.choice(AUTHORS),
                    "sentiment": w.rng.choice(["positive", "neutral", "negative", "mixed"])}  # fmt: skip
            folder, body = "insights", w.body(["What we heard", "Why it matters"])
        elif kind == "process":
            meta = {"id": _id("prc", day, n), "title": title, "kind": w.rng.choice(["prioritization", "sprint-planning"]),
                    "owner": w.rng.choice(AUTHORS), "cadence": "biweekly", "status": "active", "last_reviewed": day}  # fmt: skip
            folder, body = "processes", w.body(["Purpose", "Roles", "Steps", "Inputs", "Outputs"])
        elif kind == "decision":
            meta = {"id": _id("dec", day, n), "title": title, "date": day, "status": w.rng.choice(["accepted", "proposed"]),
                    "deciders": w.rng.sample(AUTHORS, 2), "area": w.rng.choice(AREAS)}  # fmt: skip
            folder, body = "decisions", w.body(["Context", "Options considered", "Decision", "Consequences"])
        else:
            meta = {"id": _id("onb", day, n), "title": f"Onboarding {w.rng.choice(AUTHORS)}", "start": day,
                    "area": w.rng.choice(AREAS)}  # fmt: skip
            folder, body = "onboarding", w.body(["Week 1", "Day 30", "Day 60", "Day 90"])
        path = root / folder / f"{meta['id']}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\n" + yamlsafe.dump(meta) + "---\n" + body, encoding="utf-8")
    env_git = ["-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", *env_git, "commit", "-q", "-m", "generated"], cwd=root, check=True)
    return root


def survey_csv(path: Path, rows: int, seed: int = 11) -> Path:
    """A survey export of `rows` responses, headed like the tools PMs export from."""
    import csv

    w = Writer(seed)
    start = dt.date(2026, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            ["Response ID", "Submitted At", "Company", "Plan", "Product area", "Labels", "What could be better?"]
        )
        for n in range(rows):
            day = start + dt.timedelta(days=w.rng.randint(0, 300))
            answer = " ".join(w.sentence() for _ in range(w.rng.randint(1, 4)))
            out.writerow([f"R-{100000 + n}", day.isoformat(), f"Customer {w.rng.randint(1, 800)}", w.rng.choice(SEGMENTS),
                          w.rng.choice(AREAS), ", ".join(w.rng.sample(TAGS, w.rng.randint(1, 3))), answer])  # fmt: skip
    return path


PLANS = ["Starter", "Growth", "Scale", "Enterprise"]


def crm_csv(path: Path, rows: int, seed: int = 13) -> Path:
    """A CRM's accounts export of `rows` customers, written as CRMs and people write it: ARR as
    $120,000, 120k or 1.2M, renewal dates in several forms, aliases for some, an account id each."""
    import csv

    rng = random.Random(seed)
    start = dt.date(2026, 12, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            ["Account ID", "Account Name", "Segment", "Plan", "ARR", "Renewal Date", "Account Owner", "Aliases"]
        )
        for n in range(rows):
            arr = rng.choice([5, 12, 18, 36, 60, 95, 120, 240, 480, 1200]) * 1000
            written = rng.choice(
                [str(arr), f"${arr:,}", f"{arr // 1000}k", f"{arr / 1e6:g}M" if arr >= 1e6 else f"{arr:,}"]
            )
            renewal = start + dt.timedelta(days=rng.randint(0, 364))
            when = rng.choice([renewal.isoformat(), renewal.strftime("%d %b %Y"), renewal.strftime("%b %d, %Y")])
            name = f"Account {n + 1} {rng.choice(['Ltd', 'Inc.', 'GmbH', 'Group', 'Labs', 'Co'])}"
            aliases = f"Acct {n + 1}" if rng.random() < 0.3 else ""
            out.writerow([f"001{n:07d}", name, rng.choice(SEGMENTS).replace("-", " ").title(), rng.choice(PLANS),
                          written, when, rng.choice(AUTHORS), aliases])  # fmt: skip
    return path


def prioritization_kb(root: Path, insights: int = 10_000, opportunities: int = 500, customers: int = 800,
                      seed: int = 17) -> Path:  # fmt: skip
    """A KB to rank: `insights` insights naming `customers` customers of a register (each with an
    ARR), and `opportunities` opportunities citing 3 to 12 of them each, with RICE and WSJF terms
    (one in ten has no impact: its row says so). Short bodies: ranking reads front-matter only."""
    scaffold.init(root, f"Bench prioritization {insights}", commit=False)
    w = Writer(seed)
    start = dt.date(2025, 6, 1)
    ids = []
    for n in range(customers):
        meta = {"id": _id("cus", start, n), "name": f"Customer {n + 1}", "segment": w.rng.choice(SEGMENTS),
                "arr": w.rng.choice([6, 12, 18, 36, 60, 95, 120, 240, 480]) * 1000}  # fmt: skip
        _write(root / "customers" / f"{meta['id']}.md", meta, "## Account notes\n")
    for n in range(insights):
        day = start + dt.timedelta(days=w.rng.randint(0, 540))
        meta = {"id": _id("ins", day, n), "title": w.title(), "date": day, "source": w.rng.choice(SOURCES),
                "customer": f"Customer {w.rng.randint(1, customers + 100)}", "segment": w.rng.choice(SEGMENTS),
                "area": w.rng.choice(AREAS), "tags": sorted(set(w.rng.sample(TAGS, w.rng.randint(1, 3))))}  # fmt: skip
        ids.append(meta["id"])
        _write(root / "insights" / f"{meta['id']}.md", meta, w.sentence() + "\n")
    for n in range(opportunities):
        meta = {"id": _id("opp", start, n), "title": w.title(), "area": w.rng.choice(AREAS),
                "status": w.rng.choice(["discovery", "planned", "in-progress", "shipped"]),
                "evidence": w.rng.sample(ids, w.rng.randint(3, 12)), "effort": w.rng.choice([0.5, 1, 2, 3, 5, 8]),
                "business_value": w.rng.choice([1, 2, 3, 5, 8, 13, 20]), "time_criticality": w.rng.choice([1, 2, 3, 5, 8]),
                "risk_reduction": w.rng.choice([1, 2, 3, 5]), "job_size": w.rng.choice([1, 2, 3, 5, 8, 13])}  # fmt: skip
        if w.rng.random() >= 0.1:
            meta["impact"] = w.rng.choice([0.25, 0.5, 1, 2, 3])
        _write(root / "opportunities" / f"{meta['id']}.md", meta, "## Problem\n\n" + w.sentence() + "\n")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m",
                    "generated"], cwd=root, check=True)  # fmt: skip
    return root


def _write(path: Path, meta: dict, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n" + yamlsafe.dump(meta) + "---\n" + body, encoding="utf-8")
