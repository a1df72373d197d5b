"""Issue 15.8 to 15.11: team-file times that passed silently or broke a round trip.

- An exdate that matched no occurrence (a wrong hour, a day not on the rule) was ignored.
- A rule-generated time in a DST gap moved onto the next occurrence, and expansion then
  stopped with "two events have the same id": it is one occurrence.
- ``right/...`` and ``posix/...`` zone names, found only in some machines' zoneinfo, were
  accepted there and refused elsewhere; ``right/`` zones count leap seconds.
- Fractional seconds were accepted in team files but rotation files keep whole seconds,
  so ``plan -o`` then ``validate`` reported slivers of "uncovered" time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from oncall import InputError, Shift, expand_events, parse_team
from oncall.cli import main
from tests.calendars import calendar, import_calendar

TEAM = """
team: t
timezone: {zone}
people: [{{id: ada}}, {{id: ben}}]
horizon: {{start: {start}, end: {end}}}
events:
  - title: Deploy
    start: {first}
    duration: 30m
    rrule: {rule}
{extra}"""


def _team(
    *,
    zone: str = "America/New_York",
    start: str = "2026-12-01",
    end: str = "2026-12-31",
    first: str = "2026-12-03T20:00",
    rule: str = "FREQ=WEEKLY;BYDAY=TH",
    extra: str = "",
) -> str:
    return TEAM.format(zone=zone, start=start, end=end, first=first, rule=rule, extra=extra)


@pytest.mark.parametrize(
    "exdate",
    ["2026-12-10T21:00", "2026-12-11", "2026-12-11T20:00", "2026-12-10T20:00-04:00"],
)
def test_exdate_matching_no_occurrence_is_an_error(exdate: str) -> None:
    text = _team(extra=f"    exdates: [2026-12-17T20:00, {exdate}]\n")
    with pytest.raises(InputError, match="exdates\\[1\\]: matches no occurrence") as caught:
        expand_events(parse_team(text))
    assert exdate[:10] in str(caught.value)  # an offset is shown as the local time it names


@pytest.mark.parametrize(
    "exdate", ["2026-12-10T20:00", "2026-12-10", "2026-12-10T20:00-05:00", "2026-12-11T01:00Z"]
)
def test_exdate_matching_an_occurrence_skips_it(exdate: str) -> None:
    events = expand_events(parse_team(_team(extra=f"    exdates: [{exdate}]\n")))
    assert [e.id for e in events] == [
        "deploy-2026-12-03",
        "deploy-2026-12-17",
        "deploy-2026-12-24",
        "deploy-2026-12-31",
    ]


def test_exdate_beyond_the_horizon_is_checked_against_the_rule() -> None:
    text = _team(extra="    exdates: [2027-02-04T21:00]\n")
    with pytest.raises(InputError, match="matches no occurrence"):
        expand_events(parse_team(text))
    expand_events(parse_team(_team(extra="    exdates: [2027-02-04T20:00]\n")))


def test_hourly_rule_across_spring_forward_is_one_occurrence_per_instant() -> None:
    text = _team(
        start="2026-03-08", end="2026-03-09", first="2026-03-08T00:00", rule="FREQ=HOURLY;COUNT=5"
    )
    starts = [e.start for e in expand_events(parse_team(text))]
    # 00:00 and 01:00 EST, then 02:00 (skipped: read as 03:00 EDT) and 03:00 EDT are one.
    assert starts == [
        datetime(2026, 3, 8, 5, tzinfo=UTC),
        datetime(2026, 3, 8, 6, tzinfo=UTC),
        datetime(2026, 3, 8, 7, tzinfo=UTC),
        datetime(2026, 3, 8, 8, tzinfo=UTC),
    ]


def test_daily_rule_across_apias_skipped_day() -> None:
    text = _team(
        zone="Pacific/Apia",
        start="2011-12-28",
        end="2012-01-02",
        first="2011-12-28T10:00",
        rule="FREQ=DAILY;COUNT=5",
    )
    ids = [e.id for e in expand_events(parse_team(text))]
    assert ids == [
        "deploy-2011-12-28",
        "deploy-2011-12-29",
        "deploy-2011-12-31",
        "deploy-2012-01-01",
    ]


@pytest.mark.parametrize("name", ["right/America/New_York", "posix/America/New_York", "localtime"])
def test_machine_only_zone_names_are_refused(name: str) -> None:
    with pytest.raises(InputError, match="unknown time zone") as caught:
        parse_team(_team(zone=name))
    if name != "localtime":
        assert "did you mean 'America/New_York'" in str(caught.value)


@pytest.mark.parametrize(
    "first", ["2026-12-03T20:00:00.5", "2026-12-03T20:00:00.000001", "2026-12-03T20:00:00,5-05:00"]
)
def test_fraction_of_a_second_is_refused(first: str) -> None:
    with pytest.raises(InputError, match="whole seconds"):
        parse_team(_team(first=first))


def test_whole_seconds_plan_then_validate_round_trip(tmp_path: Path) -> None:
    (tmp_path / "team.yaml").write_text(_team(first="2026-12-03T20:00:30"), encoding="utf-8")
    team, rotation = tmp_path / "team.yaml", tmp_path / "rotation.yaml"
    assert main(["plan", str(team), "-o", str(rotation)]) == 0
    assert main(["validate", str(team), str(rotation)]) == 0


def test_fraction_of_a_second_is_refused_in_toml_and_by_the_api() -> None:
    toml = 'team = "t"\ntimezone = "UTC"\n[[events]]\ntitle = "x"\nstart = 2026-12-03T20:00:00.5\nduration = "1h"\n'
    with pytest.raises(InputError, match="whole seconds"):
        parse_team(toml, name="team.toml")
    with pytest.raises(InputError, match="whole seconds"):
        Shift(
            datetime(2026, 12, 3, 20, 0, 0, 500_000, tzinfo=UTC), datetime(2026, 12, 4, tzinfo=UTC)
        )


def test_machine_only_zone_in_a_calendar_tzid_is_refused(tmp_path: Path) -> None:
    ics = calendar(
        "UID:r\nDTSTAMP:20260101T000000Z\nSUMMARY:r\n"
        "DTSTART;TZID=right/America/New_York:20261203T200000\nDURATION:PT1H"
    )
    if not Path("/usr/share/zoneinfo/right/America/New_York").exists():
        pytest.skip("this machine has no right/ zones: icalendar cannot resolve the TZID")
    with pytest.raises(InputError, match="the event r has a DTSTART whose TZID is not a zone"):
        import_calendar(tmp_path, ics)


def test_exdate_too_far_beyond_the_horizon_to_tell_is_left_alone() -> None:
    far = _team(rule="FREQ=HOURLY", extra="    exdates: [2040-01-01T20:00, 2026-12-31T20:30]\n")
    with pytest.raises(InputError, match="exdates\\[1\\]: matches no occurrence"):
        expand_events(parse_team(far))
    fine = _team(rule="FREQ=HOURLY", extra="    exdates: [2040-01-01T20:30]\n")
    assert expand_events(parse_team(fine))  # 2040 is past the look-ahead: not judged
