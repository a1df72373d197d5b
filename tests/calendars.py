"""Import a calendar through a team file, as a user would: the one place tests do it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from oncall import load_team
from oncall.sources import resolve_sources

Span = tuple[datetime, datetime, str]
"""An imported occurrence: its start, its end and its title (events) or note (time off)."""


def import_calendar(
    folder: Path,
    ics: str | bytes,
    *,
    pto: bool = False,
    timezone: str = "UTC",
    start: str = "2026-01-01",
    end: str = "2027-01-01",
) -> list[Span]:
    """The occurrences oncall imports from ``ics``, as events or as Ada's time off, sorted."""
    data = ics.encode() if isinstance(ics, str) else ics
    (folder / "calendar.ics").write_bytes(data)
    source = "pto: [{person: ada, file: calendar.ics}]" if pto else "events: [calendar.ics]"
    (folder / "team.yaml").write_text(
        f"team: t\ntimezone: {timezone}\nhorizon: {{start: {start}, end: {end}}}\n"
        f"people: [{{id: ada, name: Ada}}]\nsources: {{{source}}}\n",
        encoding="utf-8",
    )
    team = resolve_sources(load_team(folder / "team.yaml"))
    if pto:
        return sorted((o.start, o.end, o.note or "") for o in team.time_off)
    return sorted((e.start, e.start + e.duration, e.title) for e in team.events)


def calendar(*events: str, head: str = "") -> str:
    """An iCalendar file around ``events`` (each the lines inside a VEVENT)."""
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    body = body.replace("\n", "\r\n").replace("\r\r\n", "\r\n")
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//test//EN\r\n"
        f"{head}{body}END:VCALENDAR\r\n"
    )
