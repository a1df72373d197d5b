from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from oncall import EventSpec, Horizon, Policy, Risk, RiskyEvent, Team, coverage_windows
from oncall.recurrence import expand_events
from oncall.windows import merge_windows

from .strategies import policies, risky_events

NY = ZoneInfo("America/New_York")
H = timedelta(hours=1)


def at(text: str) -> datetime:
    """A New York wall-clock time (unambiguous) as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=NY).astimezone(UTC)


def event(event_id: str, start: str, hours: float, risk: Risk = Risk.MODERATE) -> RiskyEvent:
    begin = at(start)
    return RiskyEvent(begin, begin + timedelta(hours=hours), event_id, event_id, risk=risk)


def test_the_seed_example_8_to_10pm_et_needs_7_to_11pm_et() -> None:
    team = Team(
        name="travel-pay",
        timezone="America/New_York",
        events=(
            EventSpec(
                title="API deployment",
                start=at("2026-12-03T20:00"),
                duration=2 * H,
                timezone="America/New_York",
            ),
        ),
    )
    (window,) = coverage_windows(team)
    assert window.start.astimezone(NY).isoformat() == "2026-12-03T19:00:00-05:00"
    assert window.end.astimezone(NY).isoformat() == "2026-12-03T23:00:00-05:00"
    assert [e.id for e in window.events] == ["api-deployment-2026-12-03"]


def test_overlapping_and_touching_windows_merge() -> None:
    events = [
        event("a", "2026-12-03T20:00", 2),  # 19-23
        event("b", "2026-12-04T00:00", 1),  # 23-02: touches a
        event("c", "2026-12-04T01:00", 1),  # 00-03: overlaps b
        event("d", "2026-12-04T05:00", 1),  # 04-07: 1h after c's window
    ]
    windows = merge_windows(events, Policy())
    assert [[e.id for e in w.events] for w in windows] == [["a", "b", "c"], ["d"]]
    assert windows[0].start == at("2026-12-03T19:00")
    assert windows[0].end == at("2026-12-04T03:00")


def test_merge_gap_joins_windows_at_most_that_far_apart() -> None:
    events = [event("a", "2026-12-03T20:00", 2), event("d", "2026-12-04T00:30", 1)]
    assert len(merge_windows(events, Policy(merge_gap=30 * timedelta(minutes=1)))) == 1
    assert len(merge_windows(events, Policy(merge_gap=29 * timedelta(minutes=1)))) == 2


def test_events_below_the_threshold_need_no_coverage() -> None:
    events = [
        event("low", "2026-12-03T10:00", 1, Risk.LOW),
        event("moderate", "2026-12-03T14:00", 1, Risk.MODERATE),
        event("high", "2026-12-03T18:00", 1, Risk.HIGH),
    ]

    def ids(policy: Policy) -> list[str]:
        return [e.id for w in merge_windows(events, policy) for e in w.events]

    assert ids(Policy()) == ["moderate", "high"]
    assert ids(Policy(risk_threshold=Risk.LOW)) == ["low", "moderate", "high"]
    assert ids(Policy(risk_threshold=Risk.HIGH)) == ["high"]


def test_lead_and_lag_are_elapsed_time_across_a_dst_change() -> None:
    # 3 hours before the second 01:30 of 2026-11-01 (01:30 EST) is 23:30 EDT the day before;
    # wall-clock arithmetic would say 22:30.
    start = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 EST, the second 01:30
    deploy = RiskyEvent(start, start + H, "deploy", "deploy")
    (window,) = merge_windows([deploy], Policy(lead=3 * H, lag=H))
    assert window.start == start - 3 * H
    assert window.start.astimezone(NY).strftime("%H:%M %Z") == "23:30 EDT"
    assert window.end.astimezone(NY).strftime("%H:%M %Z") == "03:30 EST"


def test_the_horizon_keeps_events_that_start_inside_it_and_does_not_clip() -> None:
    team = Team(
        name="t",
        timezone="America/New_York",
        events=tuple(
            EventSpec(
                title=f"e{day}",
                start=at(f"2026-12-{day:02d}T23:30"),
                duration=H,
                timezone="America/New_York",
            )
            for day in (1, 2, 3)
        ),
    )
    horizon = Horizon(at("2026-12-02T00:00"), at("2026-12-03T00:00"))
    (window,) = coverage_windows(team, horizon)
    assert [e.title for e in window.events] == ["e2"]
    assert window.end == at("2026-12-03T01:30")  # past the horizon: not clipped


def test_a_teams_windows_are_those_of_its_occurrences_written_in_any_order() -> None:
    # coverage_windows merges the occurrences as expand_events sorts them, without sorting
    # them again: written latest first, they must still give merge_windows's windows.
    team = Team(
        name="t",
        timezone="America/New_York",
        events=tuple(
            EventSpec(f"e{hour}", at(f"2026-12-03T{hour:02d}:00"), H, "America/New_York")
            for hour in (22, 14, 20, 9, 19)
        ),
    )
    windows = coverage_windows(team)
    assert windows == merge_windows(expand_events(team), team.policy)
    assert [[e.title for e in w.events] for w in windows] == [
        ["e9"],
        ["e14"],
        ["e19", "e20", "e22"],
    ]


# Properties ---------------------------------------------------------------------------


@given(risky_events(), policies())
def test_every_covered_event_lies_in_exactly_one_window(
    events: list[RiskyEvent], policy: Policy
) -> None:
    windows = merge_windows(events, policy)
    for e in events:
        holding = [w for w in windows if e in w.events]
        if e.risk.at_least(policy.risk_threshold):
            assert len(holding) == 1
            (window,) = holding
            assert window.start <= e.start - policy.lead
            assert e.end + policy.lag <= window.end
        else:
            assert holding == []


@given(risky_events(), policies())
def test_windows_are_sorted_disjoint_and_apart(events: list[RiskyEvent], policy: Policy) -> None:
    windows = merge_windows(events, policy)
    for earlier, later in itertools.pairwise(windows):
        assert earlier.end + policy.merge_gap < later.start


@given(risky_events(), policies())
def test_windows_are_tight_around_their_events(events: list[RiskyEvent], policy: Policy) -> None:
    for window in merge_windows(events, policy):
        assert window.events == tuple(sorted(window.events))
        assert window.start == min(e.start for e in window.events) - policy.lead
        assert window.end == max(e.end for e in window.events) + policy.lag


@given(risky_events(), policies(), st.randoms(use_true_random=False))
def test_input_order_does_not_matter(
    events: list[RiskyEvent], policy: Policy, rnd: random.Random
) -> None:
    shuffled = list(events)
    rnd.shuffle(shuffled)
    assert merge_windows(shuffled, policy) == merge_windows(events, policy)
