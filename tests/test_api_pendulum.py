"""The public API run with pendulum's types: the same answers as with the standard ones.

pendulum is the time library this product was specified with; a script may well hold
pendulum values. Its DateTime, Date, Duration and zones subclass the standard types, and
oncall turns them into standard values at the boundary (`oncall.timeutil`), so that the
core computes with zoneinfo alone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import oncall
from oncall.export.ics import to_ics
from oncall.timeutil import as_duration, as_instant, as_zone_name

from .strategies import aware_instants

ZONE = "America/New_York"


def standard_team() -> oncall.Team:
    return oncall.Team(
        "t",
        ZONE,
        people=(
            oncall.Person("ada", timezone="Europe/Berlin"),
            oncall.Person("ben"),
            oncall.Person("cy"),
        ),
        time_off=(oncall.TimeOff("ada", date(2026, 12, 10), date(2026, 12, 11)),),
        events=(
            oncall.EventSpec(
                "Release",
                datetime(2026, 12, 3, 20, tzinfo=ZoneInfo(ZONE)),
                timedelta(hours=2),
                ZONE,
                rrule="FREQ=WEEKLY;COUNT=4",
                exdates=(datetime(2026, 12, 17, 20, tzinfo=ZoneInfo(ZONE)),),
            ),
        ),
        policy=oncall.Policy(lead=timedelta(minutes=30), min_rest=timedelta(hours=30)),
        horizon=oncall.Horizon(date(2026, 12, 1), date(2026, 12, 31)),
        history={"ben": timedelta(hours=3)},
    )


def pendulum_team() -> oncall.Team:
    zone = pendulum.timezone(ZONE)
    return oncall.Team(
        "t",
        zone,  # type: ignore[arg-type]  # a pendulum zone: a ZoneInfo with a key
        people=(
            oncall.Person("ada", timezone=pendulum.timezone("Europe/Berlin")),  # type: ignore[arg-type]
            oncall.Person("ben"),
            oncall.Person("cy"),
        ),
        time_off=(oncall.TimeOff("ada", pendulum.date(2026, 12, 10), pendulum.date(2026, 12, 11)),),
        events=(
            oncall.EventSpec(
                "Release",
                pendulum.datetime(2026, 12, 3, 20, tz=zone),
                pendulum.duration(hours=2),
                zone,  # type: ignore[arg-type]
                rrule="FREQ=WEEKLY;COUNT=4",
                exdates=(pendulum.datetime(2026, 12, 17, 20, tz=zone),),
            ),
        ),
        policy=oncall.Policy(
            lead=pendulum.duration(minutes=30), min_rest=pendulum.duration(hours=30)
        ),
        horizon=oncall.Horizon(pendulum.date(2026, 12, 1), pendulum.date(2026, 12, 31)),
        history={"ben": pendulum.duration(hours=3)},
    )


def plain(value: object) -> None:
    """Every instant and length inside is a standard one, not a pendulum subclass."""
    if isinstance(value, datetime):
        assert type(value) is datetime
        assert value.tzinfo is UTC
    elif isinstance(value, date):
        assert type(value) is date
    elif isinstance(value, timedelta):
        assert type(value) is timedelta


def test_a_team_built_with_pendulum_is_the_same_team() -> None:
    ours, theirs = standard_team(), pendulum_team()
    assert theirs == ours
    assert hash(theirs) == hash(ours)
    assert theirs.timezone == ZONE
    assert theirs.people[0].timezone == "Europe/Berlin"
    for value in (
        theirs.events[0].start,
        theirs.events[0].duration,
        theirs.policy.lead,
        theirs.policy.min_rest,
        theirs.horizon.start,
        theirs.horizon.end,
        theirs.time_off[0].start,
        theirs.time_off[0].end,
        *theirs.history.values(),
    ):
        plain(value)
    (exdate,) = theirs.events[0].exdates  # a local wall-clock time, by design
    assert type(exdate) is datetime
    assert exdate == datetime(2026, 12, 17, 20)  # noqa: DTZ001 - naive on purpose


def test_windows_plans_and_checks_agree() -> None:
    ours, theirs = standard_team(), pendulum_team()
    assert oncall.coverage_windows(theirs) == oncall.coverage_windows(ours)
    horizon = oncall.Horizon(pendulum.date(2026, 12, 1), pendulum.date(2026, 12, 12))
    assert oncall.coverage_windows(theirs, horizon) == oncall.coverage_windows(
        ours, oncall.Horizon(date(2026, 12, 1), date(2026, 12, 12))
    )
    rotation = oncall.plan(theirs)
    assert rotation == oncall.plan(ours)
    assert oncall.check(theirs, rotation) == oncall.check(ours, rotation)


def test_shifts_findings_and_exports_take_pendulum_instants() -> None:
    team = pendulum_team()
    zone = pendulum.timezone(ZONE)
    shift = oncall.Shift(
        pendulum.datetime(2026, 12, 3, 19, 30, tz=zone),
        pendulum.datetime(2026, 12, 3, 22, tz=zone),
        ("ada", "ben"),
    )
    plain(shift.start)
    plain(shift.end)
    rotation = oncall.Rotation((shift,))
    same = oncall.Rotation(
        (
            oncall.Shift(
                datetime(2026, 12, 4, 0, 30, tzinfo=UTC),
                datetime(2026, 12, 4, 3, tzinfo=UTC),
                ("ada", "ben"),
            ),
        )
    )
    assert rotation == same
    stamp = pendulum.datetime(2026, 12, 1, tz="UTC")
    data = to_ics(team, rotation, stamp=stamp, remind=pendulum.duration(minutes=15))
    assert data == to_ics(
        standard_team(),
        same,
        stamp=datetime(2026, 12, 1, tzinfo=UTC),
        remind=timedelta(minutes=15),
    )
    assert b"TRIGGER:-PT15M" in data


def test_pendulum_instants_must_still_be_aware() -> None:
    with pytest.raises(oncall.InputError, match="must be a time-zone aware datetime"):
        oncall.Shift(pendulum.naive(2026, 12, 3, 19), pendulum.naive(2026, 12, 3, 20))


@given(
    aware_instants(), st.timedeltas(min_value=-timedelta(days=3000), max_value=timedelta(days=3000))
)
def test_pendulum_values_become_the_same_standard_values(
    instant: datetime, length: timedelta
) -> None:
    """The boundary turns pendulum's values into equal standard ones, of the standard types."""
    theirs = pendulum.instance(instant)
    converted = as_instant(theirs, "x")
    assert type(converted) is datetime
    assert converted.tzinfo is UTC
    assert converted == instant
    assert converted == as_instant(instant, "x")
    parts = {"days": length.days, "seconds": length.seconds, "microseconds": length.microseconds}
    duration = as_duration(pendulum.duration(**parts))
    assert type(duration) is timedelta
    assert duration == length
    negative = as_duration(pendulum.duration(hours=-5, minutes=3))  # pendulum's signed parts
    assert negative == timedelta(hours=-5, minutes=3)
    zone = instant.tzinfo
    assert isinstance(zone, ZoneInfo)
    assert as_zone_name(pendulum.timezone(zone.key)) == zone.key == as_zone_name(zone)


def test_pendulum_instants_with_a_fraction_of_a_second_are_refused() -> None:
    with pytest.raises(oncall.InputError, match="must be whole seconds"):
        as_instant(pendulum.datetime(2026, 12, 3, 19, 0, 0, 500_000), "x")
