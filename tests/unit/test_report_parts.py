"""The report's parts: their JSON is their fields, in order (the `--json` contract rests on it)."""

import datetime as dt
import json

from pmops.reports.assess import Sample, Signal
from pmops.reports.model import Counted, Month, Point, Week


def test_a_parts_json_is_its_fields_in_order() -> None:
    point = Point(dt.date(2026, 11, 2), 4.5)
    assert json.dumps(point.to_json()) == '{"date": "2026-11-02", "value": 4.5}'


def test_a_field_left_out_when_none_is_left_out_only_then() -> None:
    assert "plans" not in Sample(2, "insight", 10, "insights/").to_json()
    assert list(Sample(2, "measured plan", 3, "onboarding/", plans=5).to_json()) == [
        "size",
        "of",
        "minimum",
        "where",
        "plans",
    ]


def test_counts_carry_their_ids() -> None:
    assert Counted(("a", "b")).to_json() == {"count": 2, "ids": ["a", "b"]}
    assert Week("2026-W45", ("a",)).to_json() == {"week": "2026-W45", "count": 1, "ids": ["a"]}
    month = Month("2026-11", {"accepted": Counted(("d",)), "rejected": Counted(())})
    assert month.to_json() == {
        "month": "2026-11",
        "accepted": {"count": 1, "ids": ["d"]},
        "rejected": {"count": 0, "ids": []},
    }


def test_a_signal_says_from_its_state_whether_it_is_flagged_and_decided() -> None:
    sample = Sample(0, "insight", 10, "insights/")
    signal = Signal(
        "fragmented research", "not enough data", "not enough data: …", sample, "0 insights", {"x": [1]}, "Do it."
    )
    assert (signal.flagged, signal.enough_data) == (False, False)
    assert list(signal.to_json()) == ["signal", "state", "flagged", "enough_data", "summary", "sample", "basis", "evidence",
                                      "recommendation"]  # fmt: skip
    flagged = Signal("team size", "flagged", "12 PMs", sample, "…", {}, "Name an owner.")
    assert (flagged.flagged, flagged.enough_data) == (True, True)
