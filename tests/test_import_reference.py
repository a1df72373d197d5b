"""Imported calendars against recurring-ical-events' own expansion, read by the documented rules.

Hypothesis builds calendars the way exports in the wild come: UIDs missing or shared,
floating, UTC, TZID and all-day times, RRULE and RDATE (periods too), EXDATE and
RECURRENCE-ID, DTEND or DURATION or neither, in any order; oncall's import over a horizon
in any zone must equal `tests.calendars.reference_import`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import given
from hypothesis import strategies as st

from tests.calendars import calendar, import_calendar, reference_import

ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Pacific/Chatham"]
_FORMS = ["floating", "utc", "tzid", "date"]


def _value(name: str, moment: datetime, form: str, zone: str) -> str:
    if form == "date":
        return f"{name};VALUE=DATE:{moment:%Y%m%d}"
    if form == "utc":
        return f"{name}:{moment:%Y%m%dT%H%M%S}Z"
    if form == "tzid":
        return f"{name};TZID={zone}:{moment:%Y%m%dT%H%M%S}"
    return f"{name}:{moment:%Y%m%dT%H%M%S}"


_FIRST = datetime(2026, 3, 1)  # noqa: DTZ001 - wall-clock times, placed by each form
_starts = st.builds(
    lambda day, minutes: _FIRST + timedelta(days=day, minutes=15 * minutes),
    st.integers(0, 45),
    st.integers(0, 95),
)


@st.composite
def _event(draw: st.DrawFn, index: int) -> list[str]:
    form = draw(st.sampled_from(_FORMS))
    zone = draw(st.sampled_from(ZONES[1:]))
    start = draw(_starts)
    if form == "date":
        start = start.replace(hour=0, minute=0)
    uid = draw(st.sampled_from([None, "shared", f"e{index}"]))
    lines = [f"SUMMARY:event {index}", "DTSTAMP:20260101T000000Z"]
    if uid is not None:
        lines.append(f"UID:{uid}")
    lines.append(_value("DTSTART", start, form, zone))
    length = (
        timedelta(days=draw(st.integers(-1, 3)))
        if form == "date"
        else timedelta(minutes=15 * draw(st.integers(-4, 200)))
    )
    ending = draw(st.sampled_from(["dtend", "duration", "none"]))
    if ending == "dtend":
        lines.append(_value("DTEND", start + length, form, zone))
    elif ending == "duration" and length >= timedelta(0):
        days, seconds = length.days, length.seconds
        lines.append(f"DURATION:P{days}DT{seconds}S" if form != "date" else f"DURATION:P{days}D")
    step = {"DAILY": timedelta(days=1), "WEEKLY": timedelta(weeks=1), "HOURLY": timedelta(hours=1)}
    freq = draw(st.sampled_from([None, "DAILY", "WEEKLY", "HOURLY"]))
    if freq == "HOURLY" and form == "date":
        freq = "DAILY"
    if freq is not None:
        lines.append(f"RRULE:FREQ={freq};COUNT={draw(st.integers(1, 8))}")
        if draw(st.booleans()):
            lines.append(_value("EXDATE", start + step[freq] * draw(st.integers(0, 8)), form, zone))
    rdate = draw(st.sampled_from([None, "one", "period"]))
    extra = start + timedelta(days=draw(st.integers(1, 20)), hours=draw(st.integers(0, 5)))
    if rdate == "one":
        lines.append(
            _value("RDATE", extra.replace(hour=0) if form == "date" else extra, form, zone)
        )
    elif rdate == "period" and form != "date":
        span = timedelta(minutes=15 * draw(st.integers(1, 100)))
        head = _value("RDATE", extra, form, zone).replace("RDATE", "RDATE;VALUE=PERIOD", 1)
        tail = _value("X", extra + span, form, zone).split(":", 1)[1]
        lines.append(f"{head}/{tail}" if draw(st.booleans()) else f"{head}/PT{span.seconds}S")
    if draw(st.booleans()):
        lines.append("STATUS:CANCELLED" if draw(st.booleans()) else "TRANSP:TRANSPARENT")
    events = ["\n".join(lines)]
    if freq is not None and uid == f"e{index}" and draw(st.booleans()):
        moved = start + step[freq] * draw(st.integers(0, 3))
        new = moved + timedelta(hours=draw(st.integers(-5, 5)))
        edited = [f"UID:{uid}", f"SUMMARY:event {index} moved", "DTSTAMP:20260101T000000Z"]
        edited.append(_value("RECURRENCE-ID", moved, form, zone))
        edited.append(_value("DTSTART", new, form, zone))
        if form != "date":
            edited.append(
                _value("DTEND", new + timedelta(minutes=15 * draw(st.integers(1, 20))), form, zone)
            )
        events.append("\n".join(edited))
    return events


@st.composite
def _calendars(draw: st.DrawFn) -> str:
    count = draw(st.integers(1, 5))
    events = [e for index in range(count) for e in draw(_event(index))]
    return calendar(*draw(st.permutations(events)))


_horizons = st.builds(
    lambda first, days: (first, first + timedelta(days=days)),
    st.dates(date(2026, 2, 25), date(2026, 4, 10)),
    st.integers(0, 40),
)


@given(_calendars(), st.sampled_from(ZONES), _horizons, st.booleans())
def test_import_equals_the_reference(
    ics: str, zone: str, horizon: tuple[date, date], pto: bool
) -> None:
    first, last = (d.isoformat() for d in horizon)
    expected = reference_import(ics, pto=pto, timezone=zone, start=first, end=last)
    with TemporaryDirectory() as folder:
        actual = import_calendar(Path(folder), ics, pto=pto, timezone=zone, start=first, end=last)
    assert actual == expected
