"""Results -> text and JSON for people and programs. Pure functions: no printing here."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from oncall.models import RiskyEvent, Team, Window
from oncall.timeutil import format_duration, format_instant, format_span, local_date

__all__ = ["dumps", "event_json", "windows_json", "windows_text"]


def dumps(document: object) -> str:
    """JSON as oncall writes it: indented, UTF-8 text, a final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def event_json(event: RiskyEvent, team: Team) -> dict[str, Any]:
    """One event as JSON, its instants with the team zone's offset."""
    return {
        "id": event.id,
        "title": event.title,
        "kind": str(event.kind),
        "risk": str(event.risk),
        "start": format_instant(event.start, team.zone),
        "end": format_instant(event.end, team.zone),
    }


def windows_json(team: Team, windows: Sequence[Window]) -> dict[str, Any]:
    """``{"windows": [{"start", "end", "events": [...]}]}``, as SPEC section 7 says."""
    return {
        "windows": [
            {
                "start": format_instant(w.start, team.zone),
                "end": format_instant(w.end, team.zone),
                "events": [event_json(e, team) for e in w.events],
            }
            for w in windows
        ]
    }


def windows_text(team: Team, windows: Sequence[Window]) -> str:
    """A table of windows in the team's zone, each with the events it covers."""
    zone = team.zone
    if not windows:
        return f"{team.name}: no risky events need coverage (times in {team.timezone})\n"
    total = sum((w.duration for w in windows), start=windows[0].duration * 0)
    lines = [
        f"{team.name}: {len(windows)} coverage window{'s' if len(windows) != 1 else ''}, "
        f"{format_duration(total, days=False)} in all (times in {team.timezone})",
        "",
    ]
    for window in windows:
        span = format_span(window.start, window.end, zone)
        lines.append(f"{span} ({format_duration(window.duration, days=False)})")
        for event in window.events:
            same_day = local_date(event.start, zone) == local_date(window.start, zone)
            when = format_span(event.start, event.end, zone, date_too=not same_day)
            lines.append(f"    {when}  {event.title} ({event.kind}, {event.risk})  {event.id}")
        lines.append("")
    return "\n".join(lines)
