from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall.errors import AmbiguousTimeError, InputError, NonexistentTimeError
from oncall.export.vtimezone import transitions, vtimezone_span
from oncall.grammar import SHIFT_YEARS, YEARS
from oncall.timeutil import (
    WallClock,
    _iso,
    date_or_datetime_reader,
    format_duration,
    format_local,
    format_span,
    generated_to_utc,
    get_zone,
    local_to_utc,
    parse_date_or_datetime,
    parse_duration,
    read_instant,
    start_of_day,
    when_pattern,
    when_text,
)

from .strategies import aware_instants, when_texts, zones

NY = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90m", timedelta(minutes=90)),
        ("1h30m", timedelta(minutes=90)),
        ("1h 30m", timedelta(minutes=90)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(hours=24)),
        ("45s", timedelta(seconds=45)),
        ("PT1H30M", timedelta(minutes=90)),
        ("pt15m", timedelta(minutes=15)),
        ("P1D", timedelta(days=1)),
        ("P1W", timedelta(weeks=1)),
        ("P1DT2H", timedelta(hours=26)),
        ("0", timedelta(0)),
        (0, timedelta(0)),
    ],
)
def test_durations(text: str | int, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["90", 90, "1.5", "1x", "h", "", "P", "PT", "P1M", "1h-30m", "-1h"]
)
def test_bad_durations_are_input_errors(text: str | int) -> None:
    with pytest.raises(InputError) as caught:
        parse_duration(text)
    assert repr(text) in str(caught.value)


def test_a_bare_number_asks_for_a_unit() -> None:
    with pytest.raises(InputError, match="needs a unit"):
        parse_duration(90)


@pytest.mark.parametrize("value", [True, 1.5, None, [1]])
def test_durations_of_the_wrong_type(value: object) -> None:
    with pytest.raises(InputError, match="expected a duration"):
        parse_duration(value)


def test_absurd_durations_are_refused() -> None:
    with pytest.raises(InputError, match="at most 999w, 9999d"):
        parse_duration("99999999d")


@given(st.integers(min_value=0, max_value=3650 * 86400))
def test_duration_round_trip(seconds: int) -> None:
    duration = timedelta(seconds=seconds)
    assert parse_duration(format_duration(duration)) == duration


def test_format_duration() -> None:
    assert format_duration(timedelta(minutes=90)) == "1h30m"
    assert format_duration(timedelta(0)) == "0m"
    assert format_duration(timedelta(days=1, hours=2)) == "26h"  # as min_rest: 26h is written
    assert format_duration(timedelta(days=2)) == "2d"
    assert format_duration(timedelta(days=2), days=False) == "48h"


def test_parse_date_or_datetime() -> None:
    assert parse_date_or_datetime("2026-12-03") == date(2026, 12, 3)
    assert parse_date_or_datetime("2026-12-03T20:00") == datetime(2026, 12, 3, 20)  # noqa: DTZ001
    assert parse_date_or_datetime("2026-12-03 20:00:30") == datetime(2026, 12, 3, 20, 0, 30)  # noqa: DTZ001
    aware = parse_date_or_datetime("2026-12-03T20:00-0500")
    assert isinstance(aware, datetime)
    assert aware.utcoffset() == timedelta(hours=-5)
    assert parse_date_or_datetime("2026-12-03T20:00Z") == datetime(2026, 12, 3, 20, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    ["2026-13-01", "2026-12-03T25:00", "tomorrow", "20:00", "2026-12-03T20", "12/03/2026", 5],
)
def test_invalid_dates(text: object) -> None:
    with pytest.raises(InputError, match="date"):
        parse_date_or_datetime(text)


@pytest.mark.parametrize("text", ["1899-12-31", "3000-01-01T00:00", "9999-12-31", "0001-01-01"])
def test_dates_far_from_now_are_refused(text: str) -> None:
    with pytest.raises(InputError, match="years 1900 to 2999"):
        parse_date_or_datetime(text)


def test_offsets_with_seconds_read_back() -> None:
    """Local mean time offsets (before about 1900) have seconds; rotations carry them."""
    value = parse_date_or_datetime("1900-01-03T00:00:00-10:29:20")
    assert isinstance(value, datetime)
    assert value.utcoffset() == -timedelta(hours=10, minutes=29, seconds=20)


def test_the_first_and_last_days_allowed() -> None:
    assert parse_date_or_datetime("1900-01-01T00:00") == datetime(1900, 1, 1)  # noqa: DTZ001
    assert parse_date_or_datetime("2999-12-31T23:59Z") == datetime(2999, 12, 31, 23, 59, tzinfo=UTC)


def test_unknown_zone_suggests_the_closest() -> None:
    with pytest.raises(InputError) as caught:
        get_zone("America/NewYork")
    assert "did you mean 'America/New_York'?" in str(caught.value)
    with pytest.raises(InputError, match="did you mean 'Europe/Berlin'"):
        get_zone("europe/berlin")


@pytest.mark.parametrize(
    "name", ["", "localtime", "../etc/passwd", "/etc/localtime", "Nowhere/Land"]
)
def test_machine_dependent_or_bogus_zones_are_refused(name: str) -> None:
    with pytest.raises(InputError, match="unknown time zone"):
        get_zone(name)


# DST in America/New_York: 2026-03-08 02:00 -> 03:00, 2026-11-01 02:00 -> 01:00.
# In Australia/Sydney (southern hemisphere): 2026-04-05 03:00 -> 02:00, 2026-10-04 02:00 -> 03:00.


def test_local_time_on_an_ordinary_day() -> None:
    assert local_to_utc(datetime(2026, 12, 3, 20), NY) == datetime(2026, 12, 4, 1, tzinfo=UTC)  # noqa: DTZ001
    assert local_to_utc(datetime(2026, 7, 3, 20), NY) == datetime(2026, 7, 4, 0, tzinfo=UTC)  # noqa: DTZ001


@pytest.mark.parametrize(
    ("zone", "local"),
    [(NY, datetime(2026, 3, 8, 2, 30)), (SYDNEY, datetime(2026, 10, 4, 2, 30))],  # noqa: DTZ001
)
def test_nonexistent_local_time_is_an_error(zone: ZoneInfo, local: datetime) -> None:
    with pytest.raises(NonexistentTimeError) as caught:
        local_to_utc(local, zone)
    message = str(caught.value)
    assert "does not exist" in message
    assert zone.key in message
    assert "explicit UTC offset" in message


@pytest.mark.parametrize(
    ("zone", "local", "offsets"),
    [
        (NY, datetime(2026, 11, 1, 1, 30), ("-04:00", "-05:00")),  # noqa: DTZ001
        (SYDNEY, datetime(2026, 4, 5, 2, 30), ("+11:00", "+10:00")),  # noqa: DTZ001
    ],
)
def test_ambiguous_local_time_is_an_error(
    zone: ZoneInfo, local: datetime, offsets: tuple[str, str]
) -> None:
    with pytest.raises(AmbiguousTimeError) as caught:
        local_to_utc(local, zone)
    message = str(caught.value)
    assert "happens twice" in message
    assert all(offset in message for offset in offsets)


def test_a_time_with_an_offset_is_always_accepted() -> None:
    written = datetime(2026, 11, 1, 1, 30, tzinfo=ZoneInfo("Etc/GMT+5"))
    assert local_to_utc(written, NY) == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


def test_generated_times_resolve_as_rfc5545_says() -> None:
    # Skipped: moves forward by the gap (02:30 EST does not exist; 03:30 EDT is 07:30Z).
    assert generated_to_utc(datetime(2026, 3, 8, 2, 30), NY) == datetime(  # noqa: DTZ001
        2026, 3, 8, 7, 30, tzinfo=UTC
    )
    # Repeated: the first occurrence (01:30 EDT is 05:30Z).
    assert generated_to_utc(datetime(2026, 11, 1, 1, 30), NY) == datetime(  # noqa: DTZ001
        2026, 11, 1, 5, 30, tzinfo=UTC
    )


@given(zones, st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)))  # noqa: DTZ001
def test_local_to_utc_either_round_trips_or_refuses(zone_name: str, local: datetime) -> None:
    zone = ZoneInfo(zone_name)
    try:
        instant = local_to_utc(local, zone)
    except (AmbiguousTimeError, NonexistentTimeError):
        # Refused: then the time really is skipped or repeated.
        first, second = local.replace(tzinfo=zone, fold=0), local.replace(tzinfo=zone, fold=1)
        assert first.utcoffset() != second.utcoffset()
        return
    assert instant.tzinfo is UTC
    assert instant.astimezone(zone).replace(tzinfo=None) == local
    # Never ambiguous: no other offset of the zone maps to the same wall-clock time.
    assert generated_to_utc(local, zone) == instant


def test_start_of_day_and_inclusive_end_dates() -> None:
    assert start_of_day(date(2026, 12, 3), NY) == datetime(2026, 12, 3, 5, tzinfo=UTC)
    assert read_instant(date(2026, 12, 3), NY, end_of_date=True) == datetime(
        2026, 12, 4, 5, tzinfo=UTC
    )
    # A day that starts at 01:00 (America/Santiago skips midnight in September).
    santiago = ZoneInfo("America/Santiago")
    first = start_of_day(date(2026, 9, 6), santiago)
    assert first.astimezone(santiago).hour == 1


def test_days_across_dst_are_23_and_25_hours_long() -> None:
    spring = read_instant(date(2026, 3, 8), NY, end_of_date=True) - start_of_day(
        date(2026, 3, 8), NY
    )
    autumn = read_instant(date(2026, 11, 1), NY, end_of_date=True) - start_of_day(
        date(2026, 11, 1), NY
    )
    assert (spring, autumn) == (timedelta(hours=23), timedelta(hours=25))


def test_formatting_for_people() -> None:
    start = datetime(2026, 12, 4, 0, tzinfo=UTC)
    assert format_local(start, NY) == "Thu 2026-12-03 19:00 EST"
    assert format_span(start, start + timedelta(hours=4), NY) == "Thu 2026-12-03 19:00-23:00 EST"
    assert (
        format_span(start, start + timedelta(hours=6), NY)
        == "Thu 2026-12-03 19:00 EST - Fri 2026-12-04 01:00 EST"
    )
    night = datetime(2026, 11, 1, 4, tzinfo=UTC)  # 00:00 EDT, across the fall-back change
    assert (
        format_span(night, night + timedelta(hours=4), NY) == "Sun 2026-11-01 00:00 EDT - 03:00 EST"
    )


@given(
    st.one_of(when_texts(), st.text(alphabet="0129-: \tTZ", max_size=22)),
    st.sampled_from([YEARS, SHIFT_YEARS]),
    st.booleans(),
)
def test_a_text_is_read_exactly_when_its_json_schema_pattern_matches(
    text: str, years: range, dates: bool
) -> None:
    """Times-only fields share the pattern of dates or times: a date must still be refused.

    The JSON Schema's own pattern (`when_text`, compiled here) is the reference.
    """
    expected = re.fullmatch(when_text(years, dates=dates), text) is not None
    try:
        parse_date_or_datetime(text, years, dates=dates)
    except InputError:
        assert not expected
    else:
        assert expected


@given(when_texts(), st.sampled_from([YEARS, SHIFT_YEARS]), st.booleans())
def test_a_time_reads_as_its_normalised_iso_text(
    text: str,
    years: range,
    dates: bool,
) -> None:
    """Python reads the grammar's forms itself; only a lowercase z needs `_iso`'s mending."""
    if not when_pattern(years, dates=dates).fullmatch(text):
        return
    stripped = text.strip(" \t")
    written = date.fromisoformat(stripped) if len(stripped) == 10 else None
    read = written or datetime.fromisoformat(_iso(stripped))
    found = parse_date_or_datetime(text, years, dates=dates)
    assert (found, type(found), getattr(found, "tzinfo", None)) == (
        read,
        type(read),
        getattr(read, "tzinfo", None),
    )


@given(
    when_texts() | st.none() | st.integers() | st.just(date(2026, 12, 3)),
    st.sampled_from([YEARS, SHIFT_YEARS]),
    st.booleans(),
)
def test_a_reader_reads_as_parse_date_or_datetime(value: object, years: range, dates: bool) -> None:
    """The schema's reader of many times gives what the function gives, errors included."""

    def outcome(read: Callable[[], object]) -> object:
        try:
            found = read()
        except InputError as exc:
            return str(exc)
        return (found, type(found), getattr(found, "tzinfo", None))

    reader = date_or_datetime_reader(years, dates=dates)
    general = outcome(lambda: parse_date_or_datetime(value, years, dates=dates))
    assert outcome(lambda: reader(value)) == general
    assert outcome(lambda: reader(value)) == general  # its pattern found, on a second value


def reference_span(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """`format_span` as first written: from `datetime.astimezone` and ``strftime``."""
    first, last = start.astimezone(zone), end.astimezone(zone)

    def name(local: datetime) -> str:
        return local.tzname() or local.isoformat()[-6:]

    def full(local: datetime) -> str:
        weekday = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[local.weekday()]
        return f"{weekday} {local.date().isoformat()} {local.strftime('%H:%M')} {name(local)}"

    if first.date() != last.date():
        return f"{full(first)} - {full(last)}"
    day = full(first).rsplit(" ", 2)[0]
    if name(first) == name(last):
        return f"{day} {first.strftime('%H:%M')}-{last.strftime('%H:%M')} {name(last)}"
    return f"{day} {first.strftime('%H:%M')} {name(first)} - {last.strftime('%H:%M')} {name(last)}"


@given(aware_instants(), st.integers(0, 3 * 86_400))
def test_spans_for_people_are_the_wall_clocks(start: datetime, seconds: int) -> None:
    zone = ZoneInfo(str(start.tzinfo))
    end = start + timedelta(seconds=seconds)
    assert format_span(start, end, zone) == reference_span(start, end, zone)


_CLOCK_YEARS = (date(2025, 1, 1), date(2027, 12, 31))


@functools.cache
def _clock(zone: str) -> tuple[WallClock, tuple[datetime, ...]]:
    start, end = vtimezone_span(*_CLOCK_YEARS)
    changes = tuple(change.at for change in transitions(ZoneInfo(zone), start, end))
    return WallClock(ZoneInfo(zone), changes, start, end), changes


@st.composite
def clock_instants(draw: st.DrawFn) -> tuple[str, datetime]:
    """A zone and an instant of `_CLOCK_YEARS` (and around them), often near a change."""
    zone = draw(zones)
    start, end = vtimezone_span(*_CLOCK_YEARS)
    changes = _clock(zone)[1]
    if len(changes) > 0 and draw(st.booleans()):
        near = draw(st.sampled_from(changes)) + timedelta(seconds=draw(st.integers(-7200, 7200)))
        return zone, near
    seconds = draw(st.integers(-3 * 86_400, int((end - start).total_seconds()) + 3 * 86_400))
    return zone, start + timedelta(seconds=seconds)


@given(clock_instants(), st.integers(0, 2 * 86_400))
def test_the_wall_clock_says_what_astimezone_says(case: tuple[str, datetime], length: int) -> None:
    """Its stretches are exact: at changes, in the hour clocks turn back, past its span."""
    zone, instant = case
    clock, _ = _clock(zone)
    local = instant.astimezone(ZoneInfo(zone))
    twice = local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()
    assert clock.basic(instant) == (None if twice else local.strftime("%Y%m%dT%H%M%S"))
    end = instant + timedelta(seconds=length)
    assert clock.span(instant, end) == reference_span(instant, end, ZoneInfo(zone))


@pytest.mark.parametrize(
    ("zone", "years", "instant"),
    [
        # Under one offset the name changes and changes back: CDT, then EST, then CDT.
        ("America/Indiana/Knox", (1990, 2007), datetime(1992, 1, 15, 15, tzinfo=UTC)),
        ("America/Indiana/Knox", (1990, 2007), datetime(1991, 10, 27, 6, tzinfo=UTC)),
        ("America/Resolute", (2005, 2008), datetime(2006, 11, 15, 15, tzinfo=UTC)),
        ("Asia/Manila", (1940, 1946), datetime(1942, 6, 15, 1, tzinfo=UTC)),  # PDT, JST, PDT
        ("America/Juneau", (1978, 1981), datetime(1980, 6, 1, 20, tzinfo=UTC)),
    ],
)
def test_the_wall_clock_names_the_zone_as_astimezone_does(
    zone: str, years: tuple[int, int], instant: datetime
) -> None:
    """A stretch of one offset whose name changes inside it is not read by its ends (a
    reviewer's find: the clock called Knox's EST of 1991 to 2006 CDT)."""
    start, end = vtimezone_span(date(years[0], 1, 1), date(years[1], 12, 31))
    changes = [change.at for change in transitions(ZoneInfo(zone), start, end)]
    clock = WallClock(ZoneInfo(zone), changes, start, end)
    for later in (timedelta(hours=1), timedelta(days=1)):
        expected = reference_span(instant, instant + later, ZoneInfo(zone))
        assert clock.span(instant, instant + later) == expected
