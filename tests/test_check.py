"""The checker on hand-made rotations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall import InputError, parse_team
from oncall.checker import _Context, check
from oncall.load import parse_rotation
from oncall.models import (
    Code,
    Finding,
    Horizon,
    Person,
    Policy,
    Rotation,
    Severity,
    Shift,
    Team,
)

from .test_scaling import operations

TEAM = """
team: travel-pay
timezone: America/New_York
policy: {min_staff: 1, ideal_staff: 2, min_rest: 8h}
people:
  - {id: apark, name: Ada Park}
  - {id: bortiz, name: Ben Ortiz}
  - {id: cobi, name: Chidi Obi}
  - {id: dlee, name: Dana Lee, timezone: America/Los_Angeles}
pto:
  - {person: bortiz, start: 2026-12-03T21:00, end: 2026-12-04T09:00, note: dentist}
  - {person: dlee, start: 2026-12-10}
events:
  - {id: deploy, title: API deployment, start: 2026-12-03T20:00, end: 2026-12-03T22:00}
"""


def team(extra: str = "") -> Team:
    return parse_team(TEAM + extra)


def findings(rotation: str, extra: str = "") -> list[Finding]:
    the_team = team(extra)
    return check(the_team, parse_rotation(rotation, the_team))


def codes(found: list[Finding]) -> list[tuple[str, str, str]]:
    zone = team().zone
    return [
        (
            f.code,
            f.start.astimezone(zone).strftime("%H:%M"),
            f.end.astimezone(zone).strftime("%H:%M"),
        )
        for f in found
    ]


def test_two_people_for_the_whole_window_is_enough() -> None:
    rotation = (
        "shifts:\n  - {start: 2026-12-03T19:00, end: 2026-12-03T23:00, people: [apark, cobi]}\n"
    )
    assert findings(rotation) == []


def test_hand_offs_inside_a_window() -> None:
    rotation = """
shifts:
  - {start: 2026-12-03T19:00, end: 2026-12-03T21:00, people: [apark, cobi]}
  - {start: 2026-12-03T21:00, end: 2026-12-03T23:00, people: [dlee, apark]}
"""
    assert findings(rotation) == []


def test_a_gap_inside_a_window_is_uncovered_and_one_person_understaffed() -> None:
    rotation = """
shifts:
  - {start: 2026-12-03T19:00, end: 2026-12-03T20:00, people: [apark]}
  - {start: 2026-12-03T21:30, end: 2026-12-03T23:00, people: [cobi, dlee]}
"""
    found = findings(rotation)
    assert codes(found) == [("understaffed", "19:00", "20:00"), ("uncovered", "20:00", "21:30")]
    understaffed, uncovered = found
    assert understaffed.people == ("apark",)
    assert understaffed.severity is Severity.WARNING
    assert uncovered.people == ()
    assert uncovered.severity is Severity.ERROR
    assert uncovered.events == ("deploy",)
    assert uncovered.message.startswith(
        "Nobody is on call Thu 2026-12-03 20:00-21:30 EST for API deployment (deploy) "
        "(at least 1 needed)."
    )


def test_a_hand_off_between_lone_people_is_one_maximal_finding() -> None:
    rotation = """
shifts:
  - {start: 2026-12-03T19:00, end: 2026-12-03T21:00, people: [apark]}
  - {start: 2026-12-03T21:00, end: 2026-12-03T23:00, people: [cobi]}
"""
    (finding,) = findings(rotation)
    assert codes([finding]) == [("understaffed", "19:00", "23:00")]
    assert finding.people == ("apark", "cobi")
    assert finding.shifts == (0, 1)


def test_pto_conflict_partial_day_and_the_person_does_not_count() -> None:
    # Ben is at the dentist from 21:00: on call 19-23 he counts only until 21:00.
    rotation = (
        "shifts:\n  - {start: 2026-12-03T19:00, end: 2026-12-03T23:00, people: [apark, bortiz]}\n"
    )
    found = findings(rotation)
    assert codes(found) == [("pto-conflict", "21:00", "23:00"), ("understaffed", "21:00", "23:00")]
    conflict, understaffed = found
    assert conflict.people == ("bortiz",)
    assert (
        "Ben Ortiz is on call Thu 2026-12-03 21:00-23:00 EST but on time off (dentist)"
        in conflict.message
    )
    assert understaffed.people == ("apark",)
    assert "On time off: Ben Ortiz (dentist)." in understaffed.message


def test_pto_dates_are_days_in_the_persons_own_zone() -> None:
    # Dana's 2026-12-10 is a Los Angeles day: 03:00 EST on the 10th to 03:00 EST on the 11th.
    extra = "  - {id: late, title: Late deploy, start: 2026-12-10T01:00, end: 2026-12-10T02:00}\n"
    early = "shifts:\n  - {start: 2026-12-10T00:00, end: 2026-12-10T03:00, people: [dlee, apark]}\n"
    assert [f for f in findings(early, extra) if "late" in f.events] == []
    extra = "  - {id: late, title: Late deploy, start: 2026-12-11T01:00, end: 2026-12-11T02:00}\n"
    late = "shifts:\n  - {start: 2026-12-11T00:00, end: 2026-12-11T03:00, people: [dlee, apark]}\n"
    found = [f for f in findings(late, extra) if "late" in f.events]
    assert [f.code for f in found] == [Code.PTO_CONFLICT, Code.UNDERSTAFFED]
    assert found[0].start == datetime(2026, 12, 11, 5, tzinfo=UTC)  # 00:00 EST: Dana's day


def test_time_off_is_found_for_each_shift_by_its_index_and_once_per_person() -> None:
    # The first shift touches neither the horizon nor a window, so the second is not the
    # first the checker looks at; Ben, named twice, is on time off during it once.
    the_team = team()
    rotation = parse_rotation(
        """
shifts:
  - {start: 2026-11-02T10:00, end: 2026-11-02T11:00, people: [cobi, apark]}
  - {start: 2026-12-03T19:00, end: 2026-12-03T23:00, people: [apark, bortiz, bortiz]}
""",
        the_team,
    )
    horizon = Horizon(datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    found = check(the_team, rotation, horizon)
    assert [(f.code, f.people, f.shifts) for f in found] == [
        (Code.DUPLICATE_PERSON, ("bortiz",), (1,)),
        (Code.PTO_CONFLICT, ("bortiz",), (1,)),
        (Code.UNDERSTAFFED, ("apark",), (1,)),
    ]
    assert codes(found)[1:] == [
        ("pto-conflict", "21:00", "23:00"),
        ("understaffed", "21:00", "23:00"),
    ]


def test_unknown_and_duplicate_people() -> None:
    rotation = "shifts:\n  - {start: 2026-12-03T19:00, end: 2026-12-03T23:00, people: [apark, aprak, apark]}\n"
    found = findings(rotation)
    assert [f.code for f in found] == [
        Code.DUPLICATE_PERSON,
        Code.UNKNOWN_PERSON,
        Code.UNDERSTAFFED,
    ]
    assert found[0].people == ("apark",)
    assert (
        "'aprak', who is not one of the team's people (did you mean 'apark'?)" in found[1].message
    )
    assert found[2].people == ("apark",)  # counted once, and the unknown one not at all


def test_rest_violations_but_back_to_back_is_continuous_duty() -> None:
    extra = "  - {id: late, title: Late deploy, start: 2026-12-04T06:00, end: 2026-12-04T07:00}\n"
    rotation = """
shifts:
  - {start: 2026-12-03T19:00, end: 2026-12-03T21:00, people: [apark, cobi]}
  - {start: 2026-12-03T21:00, end: 2026-12-03T23:00, people: [apark, cobi]}
  - {start: 2026-12-04T05:00, end: 2026-12-04T08:00, people: [apark, dlee]}
"""
    found = findings(rotation, extra)
    assert codes(found) == [("rest-violation", "23:00", "05:00")]
    assert found[0].people == ("apark",)
    assert found[0].shifts == (1, 2)
    assert "Ada Park rests only 6h between shifts" in found[0].message


def test_shifts_outside_windows_are_harmless_info() -> None:
    rotation = (
        "shifts:\n  - {start: 2026-12-03T17:00, end: 2026-12-03T23:30, people: [apark, cobi]}\n"
    )
    found = findings(rotation)
    assert codes(found) == [
        ("outside-window", "17:00", "19:00"),
        ("outside-window", "23:00", "23:30"),
    ]
    assert {f.severity for f in found} == {Severity.INFO}


def test_an_empty_rotation_leaves_every_window_uncovered() -> None:
    (finding,) = findings("shifts: []\n")
    assert codes([finding]) == [("uncovered", "19:00", "23:00")]


def test_min_and_ideal_staff() -> None:
    strict = TEAM.replace(
        "{min_staff: 1, ideal_staff: 2, min_rest: 8h}", "{min_staff: 2, ideal_staff: 3}"
    )
    the_team = parse_team(strict)
    rotation = parse_rotation(
        "shifts:\n  - {start: 2026-12-03T19:00, end: 2026-12-03T23:00, people: [apark, cobi]}\n",
        the_team,
    )
    assert [f.code for f in check(the_team, rotation)] == [Code.UNDERSTAFFED]
    rotation = parse_rotation(
        "shifts:\n  - {start: 2026-12-03T19:00, end: 2026-12-03T23:00, people: [apark]}\n", the_team
    )
    assert [f.code for f in check(the_team, rotation)] == [Code.UNCOVERED]


def test_rotation_times_are_read_in_the_teams_zone_and_strictly() -> None:
    the_team = team()
    rotation = parse_rotation(
        "shifts:\n  - {start: 2026-12-03T19:00, end: 2026-12-04T04:00Z, people: []}\n", the_team
    )
    assert rotation.shifts[0].start == datetime(2026, 12, 4, 0, tzinfo=UTC)
    assert rotation.shifts[0].origin.line == 2
    with pytest.raises(InputError) as caught:
        parse_rotation(
            "shifts:\n  - start: 2026-11-01T01:30\n    end: 2026-11-01T03:00\n    people: []\n",
            the_team,
            name="rota.yaml",
        )
    assert str(caught.value).startswith(
        "rota.yaml:2: shifts[0].start: local time 2026-11-01T01:30 happens twice"
    )
    with pytest.raises(
        InputError, match=r"rota\.yaml:4: shifts\[0\]\.end: the shift ends before it starts"
    ):
        parse_rotation(
            "shifts:\n  - people: [apark]\n    start: 2026-12-03T19:00\n    end: 2026-12-03T18:00\n",
            the_team,
            name="rota.yaml",
        )
    with pytest.raises(
        InputError, match=r"rota\.yaml:2: shifts\[0\]: missing required key 'people'"
    ):
        parse_rotation(
            "shifts:\n  - {start: 2026-12-03T19:00, end: 2026-12-03T23:00}\n",
            the_team,
            name="rota.yaml",
        )


_PEOPLE = ("ana", "bo", "cy")
_BASE = datetime(2027, 3, 1, tzinfo=UTC)


def _half_hours(count: int) -> datetime:
    return _BASE + timedelta(minutes=30 * count)


@given(
    st.lists(
        st.tuples(
            st.integers(0, 60),
            st.integers(1, 8),
            st.lists(st.sampled_from((*_PEOPLE, "stranger")), max_size=3),
        ),
        max_size=12,
    ),
    st.integers(1, 16),
    st.tuples(st.integers(-10, 70), st.integers(1, 10)),
)
def test_nearby_is_exactly_who_is_resting(
    shifts: list[tuple[int, int, list[str]]], rest: int, question: tuple[int, int]
) -> None:
    """`_Context.nearby` finds at once the people `resting` finds one by one (and only them),
    so that a shortfall's message asks no one else."""
    team = Team(
        name="t",
        timezone="UTC",
        people=tuple(Person(p) for p in _PEOPLE),
        policy=Policy(min_rest=timedelta(minutes=30 * rest)),
    )
    rotation = Rotation(
        tuple(Shift(_half_hours(s), _half_hours(s + n), tuple(people)) for s, n, people in shifts)
    )
    context = _Context(team, rotation, ())
    start, end = _half_hours(question[0]), _half_hours(question[0] + question[1])
    everyone = {p for shift in rotation.shifts for p in shift.people}
    assert context.nearby(start, end) == {p for p in everyone if context.resting(p, start, end)}


def test_a_shortfall_asks_no_one_far_from_it() -> None:
    """The message of a shortfall names who is away or resting without asking everyone:
    28 shortfalls (one away each) in a team of 400 cost about what they cost in a team of
    100 (asking everyone made it 3.5 times)."""

    def work(people: int) -> Callable[[], object]:
        lines = [
            "team: many",
            "timezone: UTC",
            "policy: {min_staff: 1, ideal_staff: 2, min_rest: 8h}",
            "people:",
            *(f"  - {{id: p{i}, name: Person {i}}}" for i in range(people)),
            "pto:",
            *(f"  - {{person: p{i}, start: 2027-01-{1 + i:02d}}}" for i in range(28)),
            "events:",
            *(
                f"  - {{id: e{d}, title: Deploy, start: 2027-01-{d:02d}T12:00Z, duration: 1h}}"
                for d in range(1, 29)
            ),
        ]
        team = parse_team("\n".join(lines) + "\n")
        rotation = parse_rotation("shifts: []\n", team)
        return lambda: check(team, rotation)

    assert operations(work(400)) < 1.5 * operations(work(100))
