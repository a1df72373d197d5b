"""The planner's ranks 5 and 6 and follow the sun: working hours and holidays (SPEC 6)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from oncall.cli import main
from oncall.models import EventSpec, Holidays, Person, Policy, Team, WorkingHours
from oncall.planner import _Planner, make_plan, plan
from oncall.workhours import split_by_person

from .reference import Measures, assignment_of, measure, units_of
from .strategies import planning_teams

H = timedelta(hours=1)
ALWAYS = WorkingHours.parse("Mon-Sun 00:00-24:00")
"""Working hours that make every measure below rank 4 zero for everyone."""


def one_team(people: tuple[Person, ...], starts: list[datetime], **policy: object) -> Team:
    events = tuple(
        EventSpec(f"Deploy {i}", start, H, "UTC", id=f"e{i}") for i, start in enumerate(starts)
    )
    policy = {"lead": timedelta(0), "lag": timedelta(0), **policy}
    return Team("t", "UTC", people, events=events, policy=Policy(**policy))  # type: ignore[arg-type]


def neutral(team: Team) -> Team:
    """The same team with everyone working around the clock and no holidays."""
    people = tuple(replace(p, working_hours=ALWAYS, holidays=None) for p in team.people)
    return replace(team, people=people)


def after_hours(team: Team, people: tuple[Person, ...] | None = None) -> dict[str, float]:
    rotation = plan(team)
    split = split_by_person(team if people is None else replace(team, people=people), rotation)
    return {p: s.after_hours / H for p, s in split.items()}


def test_evenings_are_shared_when_plans_tie_on_load() -> None:
    # Four days of a morning and an evening deployment, two people, one on call each:
    # every plan giving each person four hours ties on ranks 1 to 4. Without rank 5 the
    # planner alternates by who was on call longest ago and gives every evening to b.
    days = [datetime(2027, 1, 11, tzinfo=UTC) + timedelta(days=d) for d in range(4)]
    starts = [day + timedelta(hours=h) for day in days for h in (10, 20)]
    team = one_team((Person("a"), Person("b")), starts, ideal_staff=1)
    lopsided = after_hours(neutral(team), team.people)
    assert sorted(lopsided.values()) == [0.0, 4.0]  # what the tie-break alone does
    units = units_of(team)
    balanced = measure(team, units, assignment_of(plan(team), units))
    tie_break = measure(team, units, assignment_of(plan(neutral(team)), units))
    assert replace(balanced, after_spread=None) == replace(tie_break, after_spread=None)
    assert (balanced.after_spread, tie_break.after_spread) == (0, 240)
    assert after_hours(team) == {"a": 2.0, "b": 2.0}


def test_follow_the_sun_picks_the_person_inside_working_hours() -> None:
    # 16:00-17:00 UTC on a Tuesday in January: 17:00-18:00 in Berlin (after hours), 11:00
    # in New York (working hours). Berlin comes first in the file and wins every tie above.
    people = (
        Person("berlin", timezone="Europe/Berlin"),
        Person("newyork", timezone="America/New_York"),
    )
    team = one_team(people, [datetime(2027, 1, 12, 16, tzinfo=UTC)], ideal_staff=1)
    assert [s.people for s in plan(neutral(team)).shifts] == [("berlin",)]
    result = make_plan(team, explain=True)
    assert [s.people for s in result.rotation.shifts] == [("newyork",)]
    (decision,) = result.decisions
    assert decision.why == (
        "ideal_staff reached, load spread tied; picked newyork: after-hours time evens out"
        " (inside their working hours)"
    )


def test_each_zone_takes_the_deployment_in_its_working_hours() -> None:
    # 08:00 UTC is 09:00 in Berlin and 03:00 in New York; 15:30 UTC is 16:30 in Berlin
    # (half an hour before the end of the day) and 10:30 in New York. File order alone
    # gives New York the early one.
    people = (
        Person("newyork", timezone="America/New_York"),
        Person("berlin", timezone="Europe/Berlin"),
    )
    day = datetime(2027, 1, 12, tzinfo=UTC)
    team = one_team(people, [day + timedelta(hours=8), day + timedelta(hours=15.5)], ideal_staff=1)
    assert [s.people for s in plan(neutral(team)).shifts] == [("newyork",), ("berlin",)]
    assert [s.people for s in plan(team).shifts] == [("berlin",), ("newyork",)]
    assert after_hours(team) == {"newyork": 0.0, "berlin": 0.0}


def test_holiday_time_goes_to_who_is_not_on_holiday() -> None:
    # 02:00-03:00 in New York on 2028-07-04 (a Tuesday): after hours for both, and a
    # public holiday only for the first, who would win every tie above rank 6.
    people = (
        Person("us", timezone="America/New_York", holidays=Holidays("US")),
        Person("other", timezone="America/New_York"),
    )
    team = one_team(people, [datetime(2028, 7, 4, 6, tzinfo=UTC)], ideal_staff=1)
    assert [s.people for s in plan(neutral(team)).shifts] == [("us",)]
    result = make_plan(team, explain=True)
    assert [s.people for s in result.rotation.shifts] == [("other",)]
    assert result.decisions[0].why.endswith("picked other: holiday time evens out")


def test_explain_in_the_command_names_the_measure(tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(
        "team: t\ntimezone: UTC\npolicy: {ideal_staff: 1}\n"
        "people:\n  - {id: berlin, name: Bea Berg, timezone: Europe/Berlin}\n"
        "  - {id: newyork, name: Ned York, timezone: America/New_York}\n"
        "events:\n  - {title: Deploy, start: 2027-01-12T16:00, duration: 1h}\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    assert main(["plan", str(team), "--explain"], out=out) == 0
    assert "picked Ned York: after-hours time evens out (inside their working hours)" in (
        out.getvalue()
    )


ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney")
HOURS = ("Mon-Fri 09:00-17:00", "Mon-Thu 08:00-18:00", "Sun-Thu 09:00-17:00", "Mon-Fri 22:00-06:00")


def assert_ranks_one_to_four_kept(got: Measures, without: Measures) -> None:
    """Ranks 1 to 3 exactly as they were, and the load spread no wider."""
    assert (got.uncovered, got.breaks, got.understaffed, got.staffed) == (
        without.uncovered,
        without.breaks,
        without.understaffed,
        without.staffed,
    )
    assert got.spread <= without.spread


@given(
    planning_teams(shifts=True),
    st.lists(
        st.tuples(st.sampled_from(ZONES), st.sampled_from(HOURS), st.booleans()),
        min_size=4,
        max_size=4,
    ),
)
def test_working_hours_never_change_ranks_one_to_four(
    team: Team, calendars: list[tuple[str, str, bool]]
) -> None:
    people = tuple(
        replace(
            p,
            timezone=zone,
            working_hours=WorkingHours.parse(hours),
            holidays=Holidays("US") if holiday else None,
        )
        for p, (zone, hours, holiday) in zip(team.people, calendars, strict=False)
    )
    team = replace(team, people=people)
    units = units_of(team)
    got = measure(team, units, assignment_of(plan(team), units))
    without = measure(team, units, assignment_of(plan(neutral(team)), units))
    note(f"with working hours {got}, without {without}")
    assert_ranks_one_to_four_kept(got, without)


def test_the_working_hours_pass_grows_linearly(monkeypatch: pytest.MonkeyPatch) -> None:
    # Two people and a morning and an evening deployment a day: every person has half of
    # the units, and each trade looks through them all.
    def work(days: int) -> int:
        start = datetime(2027, 1, 11, tzinfo=UTC)
        starts = [start + timedelta(days=d, hours=h) for d in range(days) for h in (10, 20)]
        team = one_team((Person("a"), Person("b")), starts, ideal_staff=1)
        calls = [0]
        original = _Planner._hours

        def counted(self: _Planner, person: str, index: int) -> tuple[int, int]:
            calls[0] += 1
            return original(self, person, index)

        with monkeypatch.context() as patch:
            patch.setattr(_Planner, "_hours", counted)
            plan(team)
        return calls[0]

    small, large = work(200), work(800)
    assert large < 4 * small * 2


@given(
    planning_teams(shifts=True),
    st.lists(st.tuples(st.sampled_from(ZONES), st.sampled_from(HOURS)), min_size=4, max_size=4),
)
def test_the_working_hours_pass_evens_after_hours_and_keeps_ranks_one_to_four(
    team: Team, calendars: list[tuple[str, str]]
) -> None:
    # Measured by the reference (minute by minute, not oncall.workhours): the same team
    # planned with the pass and with it switched off.
    people = tuple(
        replace(p, timezone=zone, working_hours=WorkingHours.parse(hours))
        for p, (zone, hours) in zip(team.people, calendars, strict=False)
    )
    team = replace(team, people=people)
    units = units_of(team)
    got = measure(team, units, assignment_of(plan(team), units))
    with patch.object(_Planner, "_even_hours", lambda _self: None):
        without = measure(team, units, assignment_of(plan(team), units))
    note(f"with the pass {got}, without {without}")
    assert_ranks_one_to_four_kept(got, without)
    assert got.after_spread is not None
    assert without.after_spread is not None
    assert got.after_spread <= without.after_spread
