"""The planner on hand-made teams."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import timedelta

from oncall import parse_team
from oncall.checker import check
from oncall.load import parse_rotation
from oncall.models import Code, Team
from oncall.planner import make_plan, plan
from oncall.render import dump_rotation

H = timedelta(hours=1)


def team(people: str, events: str, policy: str = "{}", pto: str = "[]", extra: str = "") -> Team:
    return parse_team(
        f"team: t\ntimezone: America/New_York\npolicy: {policy}\npeople: {people}\npto: {pto}\n"
        f"events:\n{events}{extra}"
    )


def local(shift_time: object, the_team: Team) -> str:
    assert hasattr(shift_time, "astimezone")
    return shift_time.astimezone(the_team.zone).strftime("%m-%d %H:%M")  # type: ignore[no-any-return]


def weekly(count: int, hours: int = 2) -> str:
    return (
        f"  - {{id: api, title: API deployment, start: 2026-12-03T20:00, duration: {hours}h, "
        f"rrule: FREQ=WEEKLY;COUNT={count}}}\n"
    )


def test_two_people_per_window_and_load_balanced() -> None:
    the_team = team("[{id: a}, {id: b}, {id: c}, {id: d}]", weekly(8))
    rotation = plan(the_team)
    assert len(rotation.shifts) == 8
    assert all(len(s.people) == 2 for s in rotation.shifts)
    load = Counter(p for s in rotation.shifts for p in s.people)
    assert set(load.values()) == {4}
    assert check(the_team, rotation) == []


def test_pairings_rotate() -> None:
    the_team = team("[{id: a}, {id: b}, {id: c}, {id: d}]", weekly(6))
    pairs = [frozenset(s.people) for s in plan(the_team).shifts]
    assert len(set(pairs)) == 6  # all six pairs of four people, none twice


def test_nobody_during_pto_and_the_reason_is_reported() -> None:
    the_team = team(
        "[{id: a, name: Ada}, {id: b, name: Ben}]",
        weekly(2),
        pto="[{person: b, start: 2026-12-10, note: holiday}]",
    )
    result = make_plan(the_team, explain=True)
    assert [s.people for s in result.rotation.shifts] == [("a", "b"), ("a",)]
    assert result.decisions[1].passed_over == (("b", "on time off (holiday)"),)
    (finding,) = check(the_team, result.rotation)
    assert finding.code is Code.UNDERSTAFFED
    assert "On time off: Ben (holiday)." in finding.message


def test_an_uncoverable_window_is_written_empty_with_its_reason() -> None:
    the_team = team("[{id: a, name: Ada}]", weekly(1), pto="[{person: a, start: 2026-12-03}]")
    rotation = plan(the_team)
    assert [s.people for s in rotation.shifts] == [()]
    (finding,) = check(the_team, rotation)
    assert finding.code is Code.UNCOVERED
    assert "On time off: Ada." in finding.message


def test_history_counts_toward_load() -> None:
    the_team = team("[{id: a}, {id: b}, {id: c}]", weekly(1), extra="history: {a: 10h}\n")
    assert plan(the_team).shifts[0].people == ("b", "c")


def test_max_shift_splits_long_windows_into_hand_offs() -> None:
    events = "  - {title: Migration, start: 2026-12-05T08:00, end: 2026-12-05T16:00}\n"
    the_team = team("[{id: a}, {id: b}, {id: c}, {id: d}]", events, policy="{max_shift: 6h}")
    rotation = plan(the_team)
    assert [(local(s.start, the_team), local(s.end, the_team)) for s in rotation.shifts] == [
        ("12-05 07:00", "12-05 12:00"),
        ("12-05 12:00", "12-05 17:00"),
    ]
    first, second = (set(s.people) for s in rotation.shifts)
    assert first.isdisjoint(second)  # nobody on for 10 hours straight
    assert check(the_team, rotation) == []


def test_staffing_the_first_window_fully_must_not_strand_the_second() -> None:
    # Two people, 8h rest, windows 4 hours apart. Greedy puts both on the first window
    # (ideal 2) and nobody can take the second; one each covers both.
    events = (
        "  - {title: Early deploy, start: 2026-12-05T09:00, duration: 1h}\n"
        "  - {title: Late deploy, start: 2026-12-05T15:00, duration: 1h}\n"
    )
    the_team = team("[{id: a}, {id: b}]", events, policy="{min_rest: 8h}")
    result = make_plan(the_team, explain=True)
    assert [len(s.people) for s in result.rotation.shifts] == [1, 1]
    assert [f.code for f in check(the_team, result.rotation)] == [Code.UNDERSTAFFED] * 2
    (held,) = [reason for _, reason in result.decisions[0].passed_over]
    assert held.startswith("kept free so that a later window can be covered (on call from")
    assert result.decisions[0].why == (
        "ideal_staff out of reach without breaking min_rest or stranding a window"
    )


def test_rest_is_broken_only_to_reach_min_staff() -> None:
    events = (
        "  - {title: Early deploy, start: 2026-12-05T09:00, duration: 1h}\n"
        "  - {title: Late deploy, start: 2026-12-05T15:00, duration: 1h}\n"
    )
    the_team = team("[{id: a}]", events, policy="{min_rest: 8h}")
    result = make_plan(the_team)
    assert [s.people for s in result.rotation.shifts] == [("a",), ("a",)]
    assert result.decisions[1].broke_rest == ("a",)
    codes = [f.code for f in check(the_team, result.rotation)]
    assert Code.REST_VIOLATION in codes
    assert Code.UNCOVERED not in codes


def test_keep_keeps_hand_edited_shifts_exactly_and_counts_their_load() -> None:
    the_team = team("[{id: a}, {id: b}, {id: c}, {id: d}]", weekly(3))
    first = plan(the_team)
    # Keep only the first shift, hand-edited: d and c instead of a and b.
    hand_edited = "\n".join(dump_rotation(the_team, first, "yaml").splitlines()[:6]) + "\n"
    hand_edited = hand_edited.replace("people: [a, b]", "people: [d, c]")
    kept = parse_rotation(hand_edited, the_team)
    assert len(kept.shifts) == 1
    again = plan(the_team, keep=kept)
    assert again.shifts[0].people == ("d", "c")
    assert again.shifts[0] == kept.shifts[0]
    # The kept shift's load counts: c and d have 4h already, so a and b take the next one.
    assert set(again.shifts[1].people) == {"a", "b"}
    assert dump_rotation(the_team, again, "yaml").splitlines()[1:6] == hand_edited.splitlines()[1:6]


def test_keep_replans_shifts_that_no_longer_fit() -> None:
    the_team = team("[{id: a}, {id: b}, {id: c}]", weekly(1))
    stale = parse_rotation(
        "shifts:\n  - {start: 2026-12-03T18:00, end: 2026-12-03T23:00, people: [a, b]}\n", the_team
    )
    rotation = plan(the_team, keep=stale)
    assert [(local(s.start, the_team), local(s.end, the_team)) for s in rotation.shifts] == [
        ("12-03 19:00", "12-03 23:00")
    ]


def test_keep_plans_the_uncovered_rest_of_a_window() -> None:
    the_team = team("[{id: a}, {id: b}, {id: c}]", weekly(1))
    partial = parse_rotation(
        "shifts:\n  - {start: 2026-12-03T19:00, end: 2026-12-03T21:00, people: [c, b]}\n", the_team
    )
    rotation = plan(the_team, keep=partial)
    assert next((local(s.start, the_team), s.people) for s in rotation.shifts) == (
        "12-03 19:00",
        ("c", "b"),
    )
    assert local(rotation.shifts[1].start, the_team) == "12-03 21:00"
    assert rotation.shifts[1].people[0] == "a"  # the least loaded takes over


def test_same_input_same_bytes() -> None:
    the_team = team(
        "[{id: a}, {id: b}, {id: c}]", weekly(10), pto="[{person: a, start: 2026-12-17}]"
    )
    outputs = {dump_rotation(the_team, plan(the_team), fmt) for fmt in ("yaml",) for _ in range(3)}
    assert len(outputs) == 1


def test_rotation_files_round_trip_in_every_format() -> None:
    the_team = team("[{id: a}, {id: b}, {id: on}]", weekly(3))
    rotation = plan(the_team)
    for fmt, name in (("yaml", "r.yaml"), ("json", "r.json"), ("toml", "r.toml")):
        text = dump_rotation(the_team, rotation, fmt)
        assert parse_rotation(text, the_team, name=name) == rotation, fmt


def test_every_pair_in_pairs() -> None:
    people = "[{id: a}, {id: b}, {id: c}]"
    rotation = plan(team(people, weekly(9)))
    assert Counter(frozenset(s.people) for s in rotation.shifts) == {
        frozenset(pair): 3 for pair in itertools.combinations("abc", 2)
    }


def test_a_team_of_nobody_or_one_plans_without_a_crash() -> None:
    # The fuzzer's find: the balancing pass took the most and least loaded of nobody.
    for people in ("[]", "[{id: a}]"):
        the_team = team(people, weekly(2))
        rotation = plan(the_team)
        assert len(rotation.shifts) == 2
        assert {p for s in rotation.shifts for p in s.people} <= {"a"}
        codes = {f.code for f in check(the_team, rotation)}
        assert Code.UNCOVERED in codes if people == "[]" else Code.UNDERSTAFFED in codes
