"""`pmops person`: the roster — added, listed, shown with what names them, left; and what reads it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import commit_count, git

MAYA = "per-261126-q3xy"  # Maya Chen, pm, billing, in the example KB
THEO = "per-261126-10bf"  # Theo Park, pm, approvals
NOAH = "per-261126-f4nx"  # Noah Fischer, pm, cards, left on 2025-08-29


def _json(pmops, *args: str, code: int = 0):
    return json.loads(pmops(*args, "--json", code=code).stdout)


def _unchanged(kb: Path, commits: int) -> bool:
    return commit_count(kb) == commits and git(kb, "status", "--porcelain") == ""


def test_add_writes_one_person_through_the_create_path_in_one_commit(pmops, example_kb: Path) -> None:
    before = commit_count(example_kb)
    created = _json(pmops, "person", "add", "Dana  Reyes", "--role", "pm", "--area", "billing", "--manager",
                    "ada brooks", "--start", "1 Dec 2026")  # fmt: skip
    assert commit_count(example_kb) == before + 1
    assert git(example_kb, "show", "--name-only", "--format=", "HEAD").split() == [created["path"]]
    shown = _json(pmops, "person", "show", "dana reyes")
    assert (shown["id"], shown["name"], shown["role"], shown["area"]) == (created["id"], "Dana Reyes", "pm", "billing")
    assert (shown["manager"], shown["start"], shown["status"]) == ("Ada Brooks", "2026-12-01", "active")
    assert "end" not in shown and shown["named_in"] == []
    assert created["id"] in [p["id"] for p in _json(pmops, "person", "list", "--role", "pm", "--area", "billing")]


def test_bad_input_is_one_line_and_writes_nothing(pmops, example_kb: Path) -> None:
    before = commit_count(example_kb)
    for args, code, message in [
        (
            ("--role", "pmm"),
            2,
            "error: --role must be pm, product-ops, design, eng, support, sales, leadership or other, e.g. --role pm",
        ),
        (
            (),
            2,
            "error: --role is required (what they do: pm, product-ops, design, eng, support, sales, leadership, other)",
        ),
        (("--role", "pm", "--start", "someday"), 2, "error: --start: 'someday' is not a date"),
        (
            ("--role", "pm", "--manager", "Ada Broks"),
            2,
            "error: --manager: no one named 'Ada Broks' on the roster",
        ),
    ]:
        result = pmops("person", "add", "Dana Reyes", *args, code=code)
        assert result.stderr.startswith(message) and result.stdout == "", args
        assert len(result.stderr.splitlines()) <= 2  # the error, and its hint
    assert "hint: did you mean Ada Brooks?" in pmops("person", "add", "X", "--role", "pm", "--manager", "Ada Broks",
                                                     code=2).stderr  # fmt: skip
    duplicate = pmops("person", "add", "maya chen", "--role", "design", code=1)
    assert duplicate.stderr == "error: a person named 'maya chen' already exists\n"
    for name in ("Máyá Chén", "MAYA  CHEN"):  # accents aside, as the roster compares names: one Maya Chen
        said = pmops("person", "add", name, "--role", "pm", code=1).stderr
        assert said.startswith(f"error: a person named '{' '.join(name.split())}' already exists")
    said = pmops("person", "add", "Máyá Chén", "--role", "pm", code=1).stderr
    assert said == f"error: a person named 'Máyá Chén' already exists ({MAYA} 'Maya Chen' goes by that name)\n"
    assert pmops("mv", THEO, "Mayá Chen", code=1).stderr == f"error: {MAYA} is already named 'Mayá Chen'\n"
    assert _unchanged(example_kb, before) and not list((example_kb / "people").glob("*dana*"))


def test_list_hides_people_who_left_unless_all_and_filters_by_role_and_area(pmops, example_kb: Path) -> None:
    everyone = _json(pmops, "person", "list")
    assert [p["name"] for p in everyone] == sorted((p["name"] for p in everyone), key=str.casefold)
    assert {p["role"] for p in _json(pmops, "person", "list", "--role", "product-ops")} == {"product-ops"}
    assert [p["name"] for p in _json(pmops, "person", "list", "--area", "billing")] == ["Maya Chen"]
    pmops("person", "leave", "Maya Chen", "--date", "2026-11-30")
    assert "Maya Chen" not in [p["name"] for p in _json(pmops, "person", "list")]
    assert "Maya Chen" in [p["name"] for p in _json(pmops, "person", "list", "--all")]
    # Her last day is 2026-11-30: listed as of that day, not the day after.
    assert "Maya Chen" in [p["name"] for p in _json(pmops, "person", "list", "--today", "2026-11-30")]
    assert "Maya Chen" not in [p["name"] for p in _json(pmops, "person", "list", "--today", "2026-12-01")]
    bad = pmops("person", "list", "--role", "wizard", code=2)
    assert bad.stderr.startswith("error: --role must be pm, product-ops, ") and "e.g. --role pm" in bad.stderr


def test_leave_changes_two_lines_in_one_commit_and_only_once(pmops, example_kb: Path) -> None:
    path = example_kb / "people" / "per-261126-10bf-theo-park.md"
    before, commits = path.read_text(), commit_count(example_kb)
    left = _json(pmops, "person", "leave", "Theo Park", "--date", "2026-11-27")
    assert (left["id"], left["action"], left["end"], left["changed"]) == (
        THEO,
        "leave",
        "2026-11-27",
        ["status", "end"],
    )
    assert left["commit"] == git(example_kb, "rev-parse", "HEAD").strip()
    assert commit_count(example_kb) == commits + 1
    diff = [line for line in git(example_kb, "diff", "HEAD~1", "--", str(path)).splitlines()
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]  # fmt: skip
    assert sorted(diff) == ["+end: 2026-11-27", "+status: left", "-status: active"]
    assert path.read_text().replace("status: left\nend: 2026-11-27\n", "status: active\n") == before
    twice = pmops("person", "leave", THEO)  # the same again: said, exit 0, nothing written
    assert twice.stdout == "Theo Park already left; last day 2026-11-27; nothing changed\n"
    other = pmops("person", "leave", THEO, "--date", "2026-12-01", code=1)  # another day: pmops set corrects it
    assert other.stderr.startswith("error: Theo Park already left on 2026-11-27")
    early = pmops("person", "leave", "Maya Chen", "--date", "2020-01-01", code=2)
    assert early.stderr.startswith("error: --date 2020-01-01: before Maya Chen started (2024-02-05)")
    assert commit_count(example_kb) == commits + 1 and git(example_kb, "status", "--porcelain") == ""
    ended = _json(pmops, "person", "leave", "Maya Chen", "--end", "2026-11-30")  # --end: the field's name
    assert ended["end"] == "2026-11-30"


def test_a_person_is_named_by_name_id_or_unique_prefix_and_errors_say_which(pmops, example_kb: Path) -> None:
    for ref in ("Maya Chen", "MAYA  chen", MAYA, MAYA[:-1]):
        assert _json(pmops, "person", "show", ref)["id"] == MAYA
    assert _json(pmops, "person", "show", "Maya")["id"] == MAYA  # a piece of one name only
    missing = pmops("person", "show", "Maia Chen", code=1)
    assert (
        missing.stderr
        == f"error: no person with the id or title 'Maia Chen'\nhint: did you mean {MAYA} \"Maya Chen\"?\n"
    )
    ambiguous = pmops("person", "leave", "per-26", code=1)
    assert ambiguous.stderr.startswith("error: 'per-26' matches ") and "documents: per-" in ambiguous.stderr
    other = pmops("person", "show", "dec-261126-0mq9", code=2)
    assert other.stderr.startswith("error: dec-261126-0mq9 is a decision, not a person")
    assert "no person with the id or title 'Nobody'" in pmops("person", "leave", "Nobody", code=1).stderr


def test_show_lists_what_they_own_decided_manage_and_their_plan(pmops, example_kb: Path) -> None:
    theo = _json(pmops, "person", "show", "Theo Park")
    named = {(n["type"], n["id"]): n["via"] for n in theo["named_in"]}
    assert named[("onboarding", "onb-261116-rj33")] == ["buddy"]  # Ben Carter's buddy
    assert named[("decision", "dec-261126-0mq9")] == ["deciders"]
    assert {n["id"] for n in theo["named_in"] if n["type"] == "metric"} == {"met-261126-pgw3", "met-261126-4hb3"}
    ana = _json(pmops, "person", "show", "Ana Souza")["named_in"]
    assert [(n["id"], n["via"]) for n in ana if n["type"] != "insight"] == [("onb-260504-ja74", ["person", "text"])]
    assert {tuple(n["via"]) for n in ana if n["type"] == "insight"} == {("author",)}  # what she heard
    text = pmops("person", "show", "Ada Brooks").stdout
    assert "Named in" in text and "prc-260202-1hgn  Monthly prioritization (active)  as owner" in text
    assert "per-261126-q3xy  Maya Chen (active)  as manager" in text


def test_new_pm_uses_the_roster(pmops, example_kb: Path) -> None:
    before = commit_count(example_kb)
    typo = pmops("onboard", "new-pm", "Dana Reyes", "--start", "2026-12-01", "--buddy", "Maya Chn", code=2)
    assert typo.stderr == "error: --buddy: no one named 'Maya Chn' on the roster\nhint: did you mean Maya Chen?\n"
    pmops("person", "leave", "Jonas Weber", "--date", "2026-11-20")
    gone = pmops("onboard", "new-pm", "Dana Reyes", "--start", "2026-12-01", "--buddy", "Jonas Weber", code=1)
    assert gone.stderr.startswith("error: --buddy: Jonas Weber left the team on 2026-11-20")
    assert commit_count(example_kb) == before + 1
    # A person already on the roster gets a plan and no second record; one who left gets neither.
    pmops("person", "add", "Dana Reyes", "--role", "pm", "--area", "billing", "--start", "2026-12-01")
    plan = _json(pmops, "onboard", "new-pm", "dana reyes", "--start", "2026-12-01", "--buddy", "maya chen")
    assert git(example_kb, "show", "--name-only", "--format=", "HEAD").split() == [plan["path"]]
    text = (example_kb / plan["path"]).read_text()
    assert "buddy: Maya Chen" in text  # as the roster spells it
    # Jonas owns sprint planning: still in the reading list, but no intro meeting with someone who left.
    assert "Sprint planning (owner: Jonas Weber)" in text and "Intro with Jonas Weber" not in text
    assert "Intro with Priya Nair (process owner)" in text
    refused = pmops("onboard", "new-pm", "Jonas Weber", "--start", "2026-12-07", code=1)
    assert refused.stderr.startswith("error: Jonas Weber left the team on 2026-11-20; nothing changed")


def test_new_pm_refuses_someone_leaving_today_and_notes_a_start_other_than_the_roster(pmops, example_kb: Path) -> None:
    lena = _json(pmops, "person", "show", "Lena Ortiz")["id"]
    pmops("person", "leave", "Lena Ortiz")  # her last day is today: on the team still, but not joining it
    before = commit_count(example_kb)
    refused = pmops("onboard", "new-pm", "Lena Ortiz", "--start", "2026-12-01", code=1).stderr.splitlines()
    assert refused[0].startswith("error: Lena Ortiz left the team on ") and refused[0].endswith("; nothing changed")
    assert refused[1] == f"hint: pmops set {lena} status=active end= brings them back"
    pmops("set", lena, "end=2099-01-29")  # a last day to come: leaving
    refused = pmops("onboard", "new-pm", "Lena Ortiz", "--start", "2026-12-01", code=1).stderr
    assert refused.startswith("error: Lena Ortiz leaves the team on 2099-01-29; nothing changed")
    assert commit_count(example_kb) == before + 1 and git(example_kb, "status", "--porcelain") == ""
    omar = _json(pmops, "person", "show", "Omar Haddad")["id"]  # on the roster since 2025-09-01
    result = pmops("onboard", "new-pm", "Omar Haddad", "--start", "2026-12-01")
    assert result.stderr == (f"Omar Haddad started on 2025-09-01 on the roster; the plan starts on 2026-12-01 "
                             f"(pmops set {omar} start=2026-12-01 if the roster is wrong)\n")  # fmt: skip
    assert pmops("onboard", "new-pm", "Dana Reyes", "--start", "2026-12-01").stderr == ""  # added: the same start


def test_onboard_status_hides_plans_of_people_who_left_and_archived_ones(pmops, example_kb: Path) -> None:
    def names(*extra: str) -> list[str]:
        return [p["name"] for p in _json(pmops, "onboard", "status", "--today", "2026-12-01", *extra)["plans"]]

    assert names() == ["Ben Carter", "Chloe Dubois", "Ana Souza"]
    pmops("person", "leave", "Chloe Dubois", "--date", "2026-11-20")
    pmops("archive", "onb-260504-ja74")
    assert names() == ["Ben Carter"]
    assert names("--all") == ["Ben Carter", "Chloe Dubois", "Ana Souza"]
    assert _json(pmops, "onboard", "status", "Chloe Dubois")["plans"][0]["name"] == "Chloe Dubois"  # asked by name


def test_a_roster_without_a_person_checks_no_names(pmops, kb: Path) -> None:
    plan = _json(pmops, "onboard", "new-pm", "Dana Reyes", "--start", "2026-12-01", "--buddy", "Someone Else")
    assert "buddy: Someone Else" in (kb / plan["path"]).read_text()
    assert [p["name"] for p in _json(pmops, "person", "list")] == ["Dana Reyes"]


def test_counts_of_pms_read_the_roster_with_each_leavers_last_day(pmops, example_kb: Path) -> None:
    def team(day: str) -> dict:
        result = _json(pmops, "assess", "--today", day)
        return next(s for s in result["signals"] if s["signal"] == "team size")

    before = team("2026-11-26")
    assert len(before["evidence"]["pms"]) == 10 and before["evidence"]["left"] == [NOAH]  # left in 2025
    pmops("person", "leave", "Theo Park", "--date", "2026-11-27")
    pmops("person", "leave", "Maya Chen", "--date", "2026-11-29")
    # On 2026-11-27 Theo is in his last day, Maya still in; by 2026-11-30 both are gone.
    assert len(team("2026-11-27")["evidence"]["pms"]) == 10
    later = team("2026-11-30")
    assert len(later["evidence"]["pms"]) == 8 and sorted(later["evidence"]["left"]) == [THEO, NOAH, MAYA]
    assert "left: " in later["basis"] and "Theo Park (last day 2026-11-27)" in later["basis"]
    assert "Maya Chen (last day 2026-11-29)" in later["basis"]
    # Brought back: `set` removes the end date and the status.
    pmops("set", THEO, "status=active", "end=")
    assert len(team("2026-11-30")["evidence"]["pms"]) == 9
    assert "end" not in _json(pmops, "person", "show", THEO)


def test_a_plan_its_person_left_before_finishing_is_not_measured(pmops, example_kb: Path) -> None:
    def chloe(day: str) -> dict:
        ttp = _json(pmops, "onboard", "status", "--today", day)["time_to_productivity"]
        return next(p for p in ttp["day30"]["plans"] if p["name"] == "Chloe Dubois")

    # Chloe (from 2026-08-17) is still open past day 45: late, at least her days so far.
    assert chloe("2026-11-26")["state"] == "late"
    pmops("person", "leave", "Chloe Dubois", "--date", "2026-11-20")
    left = chloe("2026-11-26")
    assert (left["state"], left["reason"]) == ("not counted", "left the team on 2026-11-20 before it")
    assert chloe("2026-11-19")["state"] == "late"  # as of a day she was still there
    ana = _json(pmops, "onboard", "status", "--today", "2026-11-26")["time_to_productivity"]["day30"]["plans"]
    assert [p["state"] for p in ana if p["name"] == "Ana Souza"] == ["finished"]


def test_role_is_asked_on_a_terminal_again_until_it_is_a_role(kb: Path) -> None:
    from tests.cli.test_prompts import Terminal

    term = Terminal(kb, "person", "add", "Zoe Lin", "--json")
    term.answer("pm, product-ops, design", "designer")
    term.answer("did you mean 'design'?", "")  # Enter takes the choice offered
    for _ in ("area", "start", "manager"):  # the common optional fields: Enter skips each
        term.answer("(optional)", "")
    code, shown = term.finish()
    assert code == 0, shown
    created = json.loads(shown[shown.index("{") :])
    assert "role: design" in (kb / created["path"]).read_text()


def test_new_pm_takes_start_area_and_manager_from_the_roster_and_its_spelling(pmops, example_kb: Path) -> None:
    """Someone added with `person add --start --area --manager` needs no flags again: their plan has
    the roster's start, area and manager, and their name as the roster spells it."""
    pmops("person", "add", "Dana Reyes", "--role", "pm", "--area", "billing", "--manager", "Ada Brooks",
          "--start", "2026-12-01")  # fmt: skip
    plan = _json(pmops, "onboard", "new-pm", "dana reyes")
    text = (example_kb / plan["path"]).read_text()
    assert "title: Onboarding Dana Reyes" in text and "dana reyes" not in text
    assert "start: 2026-12-01" in text and "area: billing" in text and "manager: Ada Brooks" in text
    assert git(example_kb, "log", "-1", "--format=%s").startswith("pmops: onboard Dana Reyes (")
    # someone not on the roster still needs --start (exit 2, nothing written)
    before = commit_count(example_kb)
    missing = pmops("onboard", "new-pm", "Ezra Quill", code=2)
    assert missing.stderr.splitlines()[0] == "error: --start is required" and _unchanged(example_kb, before)


def test_mv_of_a_person_renames_them_in_every_field_that_names_them_in_one_commit(pmops, example_kb: Path) -> None:
    """Owners, deciders, managers, buddies name a person by name: `pmops mv` of the person rewrites
    those fields (only those lines; other names in a list stay) in the rename's own commit."""
    ada = _json(pmops, "person", "show", "Ada Brooks")
    named = sorted(r["path"] for r in ada["named_in"])
    commits = commit_count(example_kb)
    moved = _json(pmops, "mv", "Ada Brooks", "Ada Brooks-Lee")
    assert commit_count(example_kb) == commits + 1 and git(example_kb, "status", "--porcelain") == ""
    committed = git(example_kb, "show", "--name-only", "--format=", "HEAD").split()
    assert set(named) <= set(committed) and moved["path"] in committed
    for path in named:
        front = (example_kb / path).read_text().split("---")[1]  # the fields; the body's prose is the user's
        assert "Ada Brooks-Lee" in front and "Ada Brooks\n" not in front and "Ada Brooks," not in front, path
    decision = example_kb / "decisions/dec-261126-at58-offer-an-active-user-plan-for-public-sector-and-education.md"
    assert "Maya Chen" in decision.read_text()
    diff = git(example_kb, "show", "--format=", "HEAD", "--", "processes/prc-260202-1hgn-monthly-prioritization.md")
    assert [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")] == [
        "-owner: Ada Brooks",
        "+owner: Ada Brooks-Lee",
    ]
    again = _json(pmops, "person", "show", "Ada Brooks-Lee")
    assert sorted(r["path"] for r in again["named_in"]) == named
    assert not [f for f in json.loads(pmops("lint", "--json").stdout) if f["severity"] == "error"]


def _open_steps(pmops) -> list[dict]:
    return _json(pmops, "onboard", "status", "Ben Carter")["plans"][0]["open_steps"]


def test_mv_of_a_person_renames_plan_step_owners_and_the_authors_of_their_documents(pmops, example_kb: Path) -> None:
    """A plan's step owners (`(owner: NAME, due D)`, what `onboard status` reads) and an insight's
    `author` (filled in with who wrote it) name a person too: both follow a rename, in its commit."""
    plan = example_kb / "onboarding/onb-261116-rj33-onboarding-ben-carter.md"
    owned = [s["id"] for s in _open_steps(pmops) if s["owner"] == "Ada Brooks"]
    authored = [i["path"] for i in _json(pmops, "list", "insight", "author=Maya Chen")]
    assert owned == ["D90-3"] and len(authored) == 7
    commits = commit_count(example_kb)
    _json(pmops, "mv", "Ada Brooks", "Ada Brooks-Lee")
    _json(pmops, "mv", "Maya Chen", "Maya Chen-Wu")
    assert commit_count(example_kb) == commits + 2 and git(example_kb, "status", "--porcelain") == ""
    steps = _open_steps(pmops)
    assert [s["id"] for s in steps if s["owner"] == "Ada Brooks-Lee"] == owned
    assert not [s for s in steps if s["owner"] == "Ada Brooks"]
    diff = git(example_kb, "show", "--format=", "HEAD~1", "--", str(plan.relative_to(example_kb)))
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed[:2] == ["-manager: Ada Brooks", "+manager: Ada Brooks-Lee"] and len(changed) == 8
    assert all("(owner: Ada Brooks" in line for line in changed[2:])  # and the lines of the steps she owns
    assert sorted(i["path"] for i in _json(pmops, "list", "insight", "author=Maya Chen-Wu")) == sorted(authored)
    assert _json(pmops, "list", "insight", "author=Maya Chen") == []
    assert set(authored) <= set(git(example_kb, "show", "--name-only", "--format=", "HEAD").split())


def test_rm_of_a_person_named_in_other_documents_is_refused_unless_forced(pmops, example_kb: Path) -> None:
    commits = commit_count(example_kb)
    refused = pmops("rm", "Ada Brooks", code=1)
    assert refused.stderr.splitlines()[0].startswith("error: per-")
    assert "prc-260202-1hgn (owner)" in refused.stderr and "--force" in refused.stderr
    assert len(refused.stderr.splitlines()) == 2 and _unchanged(example_kb, commits)
    pmops("person", "add", "Ezra Quill", "--role", "pm")
    commits = commit_count(example_kb)
    pmops("rm", "Ezra Quill")  # named nowhere: removed
    assert commit_count(example_kb) == commits + 1
    forced = pmops("rm", "Ada Brooks", "--force")
    assert "still link" in forced.stdout + forced.stderr


def test_set_refuses_an_end_before_the_start_and_writes_nothing(pmops, example_kb: Path) -> None:
    created = _json(pmops, "person", "add", "Dana Reyes", "--role", "pm", "--start", "2026-11-02")
    before = commit_count(example_kb)
    refused = pmops("set", created["id"], "end=2026-11-01", code=2)
    assert refused.stderr.splitlines()[0] == "error: end: 2026-11-01 is before the person's start (2026-11-02)"
    refused = pmops("set", created["id"], "end=2026-11-20", "start=2026-12-01", code=2)
    assert "end: 2026-11-20 is before the person's start (2026-12-01)" in refused.stderr
    assert _unchanged(example_kb, before)
    pmops("set", created["id"], "end=2026-11-02")  # a last day on the first is a day in the team
    assert _json(pmops, "show", created["id"])["end"] == "2026-11-02"
    pmops("set", created["id"], "start=2026-11-03", code=2)  # the start moved after the end: the same check
    (example_kb / created["path"]).write_text(
        (example_kb / created["path"]).read_text().replace("end: 2026-11-02", "end: 2026-10-01")
    )
    assert "field-invalid error end: 2026-10-01 is before the person's start (2026-11-02)" in " ".join(
        pmops("lint", code=1).stdout.split()
    )


def test_no_one_is_their_own_manager_nor_named_like_an_id(pmops, example_kb: Path) -> None:
    before = commit_count(example_kb)
    said = pmops("set", "Ana Souza", "manager=ana souza", code=2).stderr
    assert said == "error: manager: 'Ana Souza' is this person itself: name someone else\n"  # as the roster spells it
    pmops("person", "add", "Dana Reyes", "--role", "pm", "--manager", "Dana Reyes", code=2)  # not on the roster yet
    for args in (("person", "add", MAYA, "--role", "pm"), ("mv", "Ana Souza", "per-261126-aaaa")):
        said = pmops(*args, code=2).stderr
        assert "is shaped like an id, and a person is named by its name: a name is words" in said, args
    assert _unchanged(example_kb, before)


def test_a_new_person_named_by_part_of_someones_name_is_added_with_a_warning(pmops, example_kb: Path) -> None:
    added = pmops("person", "add", "theo", "--role", "pm", "--start", "2026-12-01", "--json")
    new = json.loads(added.stdout)["id"]
    assert added.stderr == (f"warning: 'theo' is part of the name of {THEO} \"Theo Park\" on the roster: added as "
                            f"someone else (pmops rm {new} if it was them)\n")  # fmt: skip
    assert pmops("person", "add", "Kai Brandt", "--role", "pm", "--start", "2026-12-01").stderr == ""
