"""Who is away when: the indexed answers agree with a plain scan of the time off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import example, given
from hypothesis import strategies as st

from oncall.availability import Availability
from oncall.intervals import merge
from oncall.models import Person, Team, TimeOff

BASE = datetime(2026, 12, 1, tzinfo=UTC)
PEOPLE = ("ana", "bo")


def at(minutes: int) -> datetime:
    return BASE + timedelta(minutes=minutes)


# A small grid makes touching, nested and repeated entries common.
spans = st.tuples(st.integers(0, 40), st.integers(1, 12)).map(
    lambda pair: (at(pair[0] * 30), at((pair[0] + pair[1]) * 30))
)
time_off = st.lists(st.tuples(st.sampled_from(PEOPLE), spans), max_size=12).map(
    lambda entries: tuple(TimeOff(person, start, end) for person, (start, end) in entries)
)


def team_with(entries: tuple[TimeOff, ...]) -> Team:
    return Team(
        name="t",
        timezone="UTC",
        people=tuple(Person(p) for p in PEOPLE),
        time_off=entries,
        events=(),
    )


@given(time_off, st.sampled_from(PEOPLE), spans)
def test_is_free_is_no_time_off_overlapping(
    entries: tuple[TimeOff, ...], person: str, query: tuple[datetime, datetime]
) -> None:
    start, end = query
    availability = Availability(team_with(entries))
    theirs = [o for o in entries if o.person == person]
    overlapping = [o for o in theirs if o.start < end and o.end > start]
    assert availability.is_free(person, start, end) == (not overlapping)
    assert availability.away(person, start, end) == sorted(
        overlapping, key=lambda o: (o.start, o.end)
    )
    expected = [(s, e) for s, e in merge((o.start, o.end) for o in theirs) if s < end and e > start]
    assert availability.away_intervals(person, start, end) == expected


def test_touching_time_off_leaves_no_free_instant_between() -> None:
    entries = (TimeOff("ana", at(0), at(60)), TimeOff("ana", at(60), at(120)))
    availability = Availability(team_with(entries))
    assert not availability.is_free("ana", at(60), at(61))
    assert availability.is_free("ana", at(120), at(180))
    assert availability.is_free("ana", at(-60), at(0))
    assert availability.is_free("bo", at(0), at(120))


# Half days, from an hour to 20 days: stretches on both sides of `_SHORT` (14 days), and
# exactly at it, which `away_people` looks for in two different ways.
long_spans = st.tuples(st.integers(0, 80), st.integers(1, 40)).map(
    lambda pair: (at(pair[0] * 720), at((pair[0] + pair[1]) * 720))
)
# Minutes over the first day (where `spans` lie), or hours over the first 60 days.
questions = st.tuples(st.integers(0, 1800), st.integers(1, 900)).map(
    lambda pair: (at(pair[0]), at(pair[0] + pair[1]))
) | st.tuples(st.integers(0, 1440), st.integers(1, 72)).map(
    lambda pair: (at(pair[0] * 60), at((pair[0] + pair[1]) * 60))
)


@given(
    st.lists(st.tuples(st.sampled_from((*PEOPLE, "cy", "di")), spans | long_spans), max_size=16),
    questions,
)
@example([("cy", (at(0), at(15 * 1440)))], (at(15 * 1440), at(15 * 1440 + 60)))  # just back
@example([("cy", (at(0), at(14 * 1440)))], (at(14 * 1440 - 1), at(14 * 1440)))  # 14 days
def test_away_people_is_everyone_not_free(
    entries: list[tuple[str, tuple[datetime, datetime]]], question: tuple[datetime, datetime]
) -> None:
    """`away_people` finds, without asking each person, exactly who `is_free` says is away."""
    everyone = (*PEOPLE, "cy", "di")
    team = Team(
        name="t",
        timezone="UTC",
        people=tuple(Person(p) for p in everyone),
        time_off=tuple(TimeOff(person, start, end) for person, (start, end) in entries),
        events=(),
    )
    availability = Availability(team)
    start, end = question
    expected = {p for p in everyone if not availability.is_free(p, start, end)}
    assert availability.away_people(start, end) == expected
