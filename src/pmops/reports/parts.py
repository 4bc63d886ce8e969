"""Parts of the report and of the readiness check: frozen dataclasses whose JSON is their fields.

A part's field names are its JSON keys, in their order; `to_json` writes the fields as they
are (parts by their own `to_json`, dates as YYYY-MM-DD, tuples as lists). A part whose JSON is
shaped otherwise says so in its own `to_json`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from typing import Any

OMIT_NONE = {"omit": "none"}  # a field's metadata: left out of the JSON when it is None


def plain(value: Any) -> Any:
    """A report value as JSON: parts by their `to_json`, dates as YYYY-MM-DD, tuples as lists."""
    if hasattr(value, "to_json"):
        return value.to_json()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class Part:
    """A part of the report: its JSON is its fields, in order."""

    def to_json(self) -> dict[str, Any]:
        out = {}
        for f in fields(self):  # every Part is a dataclass
            value = getattr(self, f.name)
            if value is None and f.metadata.get("omit") == "none":
                continue
            out[f.name] = plain(value)
        return out
