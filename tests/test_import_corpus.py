"""Every test calendar shipped inside the installed recurring-ical-events and icalendar.

Each file, imported as ``sources.events`` and as ``sources.pto``, must give what
recurring-ical-events expands from it, read by the documented rules
(`tests.calendars.reference_import`), or be refused with an `InputError` (never a
traceback) for one of the documented choices in `CHOICES`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events  # type: ignore[import-untyped]

from oncall import InputError
from tests.calendars import import_calendar, reference_import

FILES = sorted(Path(recurring_ical_events.__file__).parent.rglob("*.ics")) + sorted(
    Path(icalendar.__file__).parent.rglob("*.ics")
)
ZONE = "Europe/Berlin"

CHOICES: dict[str, Callable[[str, bool], bool]] = {
    # The reference cannot read the file either (no DTSTART, two DTSTARTs, a broken value
    # or rule, not iCalendar at all): oncall says which event and what is wrong.
    "refused by both": lambda _, reference_failed: reference_failed,
    # A source is a calendar (VCALENDAR); a file holding one bare VEVENT (icalendar's own
    # test components) is refused, where the reference expands whatever it is given.
    "a source is a VCALENDAR": lambda message, _: "does not begin with BEGIN:VCALENDAR" in message,
    # A TZID that only the machine's own zoneinfo knows (icalendar before 7 reads
    # posix/Europe/Vaduz from /usr/share/zoneinfo rather than from the file's VTIMEZONE).
    "zones are tzdata's": lambda message, _: "not a zone the tzdata package ships" in message,
    # A property that decides when the event happens and that icalendar could not parse
    # (before version 7 it dropped such properties: a broken RRULE left one occurrence).
    "broken dates or rules": lambda message, _: "that cannot be read" in message,
}


def _horizon(data: bytes) -> tuple[str, str]:
    """From just before the first DTSTART, three years on: where each file's events are."""
    starts = []
    try:
        for component in icalendar.Calendar.from_ical(data).walk("VEVENT"):
            value = getattr(component.get("DTSTART"), "dt", None)
            if isinstance(value, date):
                day = value.date() if isinstance(value, datetime) else value
                if 1900 < day.year < 2990:
                    starts.append(day)
    except Exception:  # a file the parser refuses gets any horizon
        starts = []
    first = min(starts, default=date(2026, 1, 1)) - timedelta(days=2)
    return first.isoformat(), (first + timedelta(days=3 * 366)).isoformat()


def test_the_corpus_is_found() -> None:
    assert len(FILES) > 100


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_calendar_imports_as_the_reference_reads_it(path: Path, tmp_path: Path) -> None:
    data = path.read_bytes()
    start, end = _horizon(data)
    for pto in (False, True):
        try:
            expected = reference_import(data, pto=pto, timezone=ZONE, start=start, end=end)
        except Exception:  # the reference refuses it: so must oncall, clearly
            expected = None
        try:
            actual = import_calendar(tmp_path, data, pto=pto, timezone=ZONE, start=start, end=end)
        except InputError as exc:
            message = str(exc)
            assert "Traceback" not in message
            why = [name for name, applies in CHOICES.items() if applies(message, expected is None)]
            assert why, f"refused for no documented choice: {message}"
            continue
        assert actual == expected
