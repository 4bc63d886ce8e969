"""What a tool's renewal says to people, in words: `pmops tool renewals` and the website say the same.

The figures are `stack.renewals`'; these are their words — when to decide (`in 40 days`, `notice passed`),
the seats used of those bought (`41 of 60`), the cost per active seat (`none used`), and the notes below
the list (what `notice passed` means, a contract with no active seats).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pmops.text import count

if TYPE_CHECKING:
    from pmops.stack import Renewal

LATE = {"passed": "renewal passed", "in notice": "notice passed"}  # a state past its day, as the list says it


def when(r: Renewal) -> str:
    """When to decide: 'today', 'in 40 days', 'notice passed', 'renewal passed' (', notice unknown': by the renewal itself)."""
    late = LATE.get(r.state)
    said = late or ("today" if r.days_to_decide == 0 else f"in {count(r.days_to_decide, 'day')}")
    return said + (", notice unknown" if r.notice_days is None else "")


def check_notice(r: Renewal) -> str | None:
    """What to do when the contract's notice is not known (None when it is): the day to decide by
    cannot be told, and may have passed already."""
    if r.notice_days is not None:
        return None
    said = "its notice period cannot be read" if r.notice_invalid else "no notice period recorded"
    return f"{said}; check the contract, then pmops set {r.id or r.name} notice_days=N"


def used(r: Renewal) -> str | None:
    """'41 of 60': the seats used of those bought (the unused ones are what a renewal can cut); None: not recorded."""
    if r.seats_used is None:
        return None
    return f"{r.seats_used:,} of {r.seats:,}" if r.seats else f"{r.seats_used:,}"


def per_seat(r: Renewal, money: Callable[[float], str]) -> str | None:
    """The cost per active seat, rounded ('none used' when seats were bought and none is used: see `notes`)."""
    if r.no_active_seats:
        return "none used"
    return None if r.cost_per_active_seat is None else money(round(r.cost_per_active_seat))


def notice(r: Renewal) -> str:
    """The days' notice the contract asks: '30 days', or 'unknown' (decide by the renewal itself)."""
    return "unknown" if r.notice_days is None else count(r.notice_days, "day")


@dataclass(frozen=True)
class Note:
    """A line below the list: its label ('notice passed') and what it says; `warning`: one to act on."""

    label: str
    text: str
    warning: bool = False


def notes(found: list[Renewal], money: Callable[[float], str]) -> list[Note]:
    """What the list's words mean where it uses them, and the contracts nobody uses."""
    states = {r.state for r in found}
    said = []
    if "in notice" in states:
        said.append(Note("notice passed", "inside its notice period, too late to give notice; it renews as it is"))
    if "passed" in states:
        said.append(Note("renewal passed", "renewed or lapsed? record the new date (pmops set NAME renewal=YYYY-MM-DD), "
                                           "or retire it (pmops set NAME status=retired)"))  # fmt: skip
    for r in found:
        if r.no_active_seats:
            paid = f"pays {money(r.cost)} a year for" if r.cost else "has"
            said.append(Note("no active seats", f"{r.name} {paid} {count(r.seats or 0, 'seat')} nobody uses: cancel it, "
                                                "or record the seats used (pmops set NAME seats_used=N)", True))  # fmt: skip
    return said
