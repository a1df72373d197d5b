from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from oncall import EventSpec, Horizon, InputError, Team, expand_events, parse_team
from oncall.errors import Origin
from oncall.recurrence import MAX_OCCURRENCES, slugify

NY = ZoneInfo("America/New_York")
H = timedelta(hours=1)


def local(text: str, zone: ZoneInfo = NY) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone).astimezone(UTC)


def team_with(*specs: EventSpec, horizon: Horizon | None = None) -> Team:
    return Team(name="t", timezone="America/New_York", events=specs, horizon=horizon or Horizon())


def weekly(start: str, rule: str, zone: str = "America/New_York", **kw: object) -> EventSpec:
    return EventSpec(
        title="API deployment",
        start=local(start, ZoneInfo(zone)),
        duration=2 * H,
        timezone=zone,
        id="api",
        rrule=rule,
        origin=Origin(("events", 0)),
        **kw,  # type: ignore[arg-type]
    )


def test_weekly_keeps_its_wall_clock_time_across_dst() -> None:
    # Thursdays at 20:00 from October (EDT) into November (EST).
    team = team_with(weekly("2026-10-22T20:00", "FREQ=WEEKLY;COUNT=3"))
    events = expand_events(team)
    assert [e.start.astimezone(NY).strftime("%Y-%m-%d %H:%M %Z") for e in events] == [
        "2026-10-22 20:00 EDT",
        "2026-10-29 20:00 EDT",
        "2026-11-05 20:00 EST",
    ]
    assert {e.end - e.start for e in events} == {2 * H}
    assert [e.id for e in events] == ["api-2026-10-22", "api-2026-10-29", "api-2026-11-05"]


def test_southern_hemisphere_weekly_across_dst() -> None:
    sydney = ZoneInfo("Australia/Sydney")
    team = team_with(weekly("2026-09-27T20:00", "FREQ=WEEKLY;COUNT=3", zone="Australia/Sydney"))
    starts = [e.start.astimezone(sydney) for e in expand_events(team)]
    assert [s.strftime("%H:%M") for s in starts] == ["20:00"] * 3
    assert [s.utcoffset() for s in starts] == [
        timedelta(hours=10),
        timedelta(hours=11),
        timedelta(hours=11),
    ]


def test_a_series_at_0130_does_not_fail_on_dst_days() -> None:
    # Weekly Sundays 02:30: 2026-03-08 02:30 does not exist in New York, and it moves forward.
    team = team_with(weekly("2026-03-01T02:30", "FREQ=WEEKLY;COUNT=2"))
    second = expand_events(team)[1]
    assert second.start.astimezone(NY).strftime("%H:%M %Z") == "03:30 EDT"
    assert second.end - second.start == 2 * H
    # Sundays 01:30: 2026-11-01 01:30 happens twice; the first one is taken.
    team = team_with(weekly("2026-10-25T01:30", "FREQ=WEEKLY;COUNT=2"))
    assert expand_events(team)[1].start.astimezone(NY).strftime("%H:%M %Z") == "01:30 EDT"


def test_exdates_skip_occurrences_by_local_time_or_date() -> None:
    spec = weekly(
        "2026-12-03T20:00",
        "FREQ=WEEKLY;COUNT=5",
        exdates=(datetime(2026, 12, 10, 20), date(2026, 12, 24), local("2026-12-31T20:00")),  # noqa: DTZ001
    )
    assert [e.id for e in expand_events(team_with(spec))] == ["api-2026-12-03", "api-2026-12-17"]


def test_until_in_utc_is_read_in_the_events_zone() -> None:
    # UNTIL=20261211T010000Z is 2026-12-10 20:00 EST: that occurrence is included.
    spec = weekly("2026-12-03T20:00", "RRULE:FREQ=WEEKLY;UNTIL=20261211T010000Z")
    assert len(expand_events(team_with(spec))) == 2


def test_a_team_file_may_end_a_rule_with_a_utc_until() -> None:
    """RFC 5545's form for zoned series; the loader's check once refused it."""
    team = parse_team(
        "team: t\ntimezone: America/New_York\nevents:\n"
        "  - {title: x, start: 2026-12-03T20:00, duration: 1h,"
        " rrule: 'FREQ=WEEKLY;UNTIL=20261211T010000Z'}\n"
    )
    starts = [e.start for e in expand_events(team)]
    assert starts == [local("2026-12-03T20:00"), local("2026-12-10T20:00")]


def test_an_endless_rule_needs_a_horizon_end() -> None:
    spec = weekly("2026-12-03T20:00", "FREQ=WEEKLY")
    with pytest.raises(InputError) as caught:
        expand_events(team_with(spec))
    assert "events[0].rrule" in str(caught.value)
    assert "horizon end" in str(caught.value)
    horizon = Horizon(end=local("2027-01-01T00:00"))
    assert len(expand_events(team_with(spec), horizon)) == 5


def test_a_rule_running_past_the_last_year_is_an_error() -> None:
    spec = weekly("2999-12-01T20:00", "FREQ=YEARLY;COUNT=5")
    with pytest.raises(InputError, match=r"events\[0\]\.rrule: the recurrence rule runs past"):
        expand_events(team_with(spec))


def test_expansion_is_capped() -> None:
    spec = weekly("2026-12-03T20:00", "FREQ=SECONDLY")
    horizon = Horizon(end=local("2027-12-03T00:00"))
    with pytest.raises(InputError, match=f"more than {MAX_OCCURRENCES:,}"):
        expand_events(team_with(spec), horizon)


def test_the_horizon_start_does_not_rename_events() -> None:
    spec = EventSpec(
        title="Nightly",
        start=local("2026-12-01T23:00"),
        duration=H,
        timezone="America/New_York",
        rrule="FREQ=HOURLY;COUNT=3",
    )
    all_ids = [e.id for e in expand_events(team_with(spec))]
    assert all_ids == [
        "nightly-2026-12-01",
        "nightly-2026-12-02-0000",
        "nightly-2026-12-02-0100",
    ]
    later = Horizon(start=local("2026-12-02T00:30"))
    assert [e.id for e in expand_events(team_with(spec), later)] == all_ids[2:]


def test_derived_ids_get_the_time_where_they_collide() -> None:
    specs = [
        EventSpec(
            title="CRM update",
            start=local(f"2026-12-09T{hour:02d}:00"),
            duration=H,
            timezone="America/New_York",
        )
        for hour in (9, 18)
    ]
    specs.append(
        EventSpec(
            title="CRM update",
            start=local("2026-12-10T09:00"),
            duration=H,
            timezone="America/New_York",
        )
    )
    ids = [e.id for e in expand_events(team_with(*specs))]
    assert ids == [
        "crm-update-2026-12-09-0900",
        "crm-update-2026-12-09-1800",
        "crm-update-2026-12-10",
    ]


def test_ids_that_still_collide_are_an_error() -> None:
    one = EventSpec(
        title="x",
        start=local("2026-12-09T09:00"),
        duration=H,
        timezone="America/New_York",
        id="same",
        origin=Origin(("events", 0), "team.yaml", 3),
    )
    two = EventSpec(
        title="y",
        start=local("2026-12-10T09:00"),
        duration=H,
        timezone="America/New_York",
        id="same",
        origin=Origin(("events", 1), "team.yaml", 9),
    )
    with pytest.raises(InputError) as caught:
        expand_events(team_with(one, two))
    assert str(caught.value) == (
        "team.yaml:9: events[1]: two events have the same id 'same' "
        "(so does the event at team.yaml:3: events[0]; give one of them another id)"
    )


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Travel Pay API deployment", "travel-pay-api-deployment"),
        ("Zürich  release!", "zurich-release"),
        ("???", "event"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug
