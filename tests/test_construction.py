"""The fast constructors of the loader's path build what the dataclasses' constructors build.

`oncall.models.written_event`, `occurrence`, `written_shift` and `merged_window` set the
fields of a frozen dataclass directly where its ``__post_init__`` would change nothing, and
call the constructor otherwise: on any values, the result (or the error) is the constructor's.
`oncall.planner.planned_decision` does the same for a planned shift's decision, whose
instants (a shift's) need nothing done.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall.errors import InputError, Origin, origin_at
from oncall.models import (
    EventKind,
    EventSpec,
    Risk,
    RiskyEvent,
    Shift,
    Window,
    merged_window,
    occurrence,
    unchecked_builder,
    written_event,
    written_shift,
)
from oncall.planner import Decision, planned_decision

from .strategies import kinds, risks, zones

# Instants as the loader gives them, and every other kind a script could pass.
instants = st.one_of(
    st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - naive bounds are what st.datetimes takes
        max_value=datetime(2100, 1, 1),  # noqa: DTZ001
    ).map(lambda t: t.replace(microsecond=0, tzinfo=UTC)),
    st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001
        max_value=datetime(2100, 1, 1),  # noqa: DTZ001
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5))]),
    ),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),  # noqa: DTZ001
)
lengths = st.one_of(
    st.integers(-60, 24 * 60).map(lambda m: timedelta(minutes=m)),
    st.just(timedelta(seconds=1, microseconds=5)),
)
zone_names = st.one_of(zones, st.just("Not/AZone"), st.just("utc"))
kinds_or_text = st.one_of(kinds, st.sampled_from(["other", "nonsense"]))
risks_or_text = st.one_of(risks, st.sampled_from(["high", "extreme"]))
origins = st.builds(Origin, st.just(("events", 3)), st.just("team.yaml"), st.integers(1, 9))
texts = st.sampled_from(["Deploy", "a", "on-call"])


def _outcome(build: Callable[[], object]) -> object:
    """What ``build`` gives: its value and every field's type, or its error's type and text."""
    try:
        value = build()
    except (InputError, TypeError, ValueError) as exc:
        return (type(exc), str(exc))
    assert dataclasses.is_dataclass(value)
    fields = [getattr(value, f.name) for f in dataclasses.fields(value)]
    return (type(value), fields, [type(f) for f in fields])


@given(
    st.tuples(
        texts,
        instants,
        lengths,
        zone_names,
        st.none() | st.just("e1"),
        kinds_or_text,
        risks_or_text,
        st.none() | st.just("FREQ=WEEKLY"),
        st.sampled_from([(), (date(2027, 1, 1),), (datetime(2027, 1, 1, 9, tzinfo=UTC),)]),
        origins,
        st.none() | st.just("uid-1"),
    )
)
def test_a_written_event_is_the_constructors(values: tuple[Any, ...]) -> None:
    title, start, duration, zone, id_, kind, risk, rrule, exdates, origin, uid = values
    general = _outcome(
        lambda: EventSpec(
            title, start, duration, zone, id_, kind, risk, rrule, exdates, origin, None, uid
        )
    )
    assert _outcome(lambda: written_event(*values)) == general


@given(
    instants,
    lengths,
    st.tuples(
        texts,
        texts,
        kinds_or_text,
        risks_or_text,
        zone_names,
        origins,
        st.none() | st.just("cal.ics"),
        st.none() | st.just("uid-1"),
        st.sampled_from([(), ("team.yaml",), ("a.ics", "b.ics")]),
    ),
)
def test_an_occurrence_is_the_constructors(
    start: datetime, length: timedelta, rest: tuple[Any, ...]
) -> None:
    values = (start, start + length, *rest)
    assert _outcome(lambda: occurrence(*values)) == _outcome(lambda: RiskyEvent(*values))


@given(
    instants,
    lengths,
    st.sampled_from([(), ("apark",), ("apark", "bortiz")]),
    st.sampled_from([(), ("e1", "e2")]),
    origins,
)
def test_a_written_shift_is_the_constructors(
    start: datetime,
    length: timedelta,
    people: tuple[str, ...],
    events: tuple[str, ...],
    origin: Origin,
) -> None:
    values = (start, start + length, people, events, origin)
    assert _outcome(lambda: written_shift(*values)) == _outcome(lambda: Shift(*values))


@given(
    instants,
    lengths,
    st.sampled_from([(), ("apark",), ("apark", "bortiz")]),
    st.sampled_from([(), ("apark",)]),
)
def test_a_planned_decision_is_the_constructors(
    start: datetime, length: timedelta, people: tuple[str, ...], broke: tuple[str, ...]
) -> None:
    # Whatever instants a shift was given, its own are as the constructor's checks leave them.
    try:
        shift = written_shift(start, start + length, people, (), Origin())
    except InputError:
        return
    assert _outcome(lambda: planned_decision(shift, broke)) == _outcome(
        lambda: Decision(shift.start, shift.end, shift.people, broke_rest=broke)
    )


@given(instants, instants, st.sampled_from([(), ("e1", "e2")]))
def test_a_merged_window_is_the_constructors(
    start: datetime, end: datetime, events: tuple[Any, ...]
) -> None:
    values = (start, end, events)
    assert _outcome(lambda: merged_window(*values)) == _outcome(lambda: Window(*values))


@pytest.mark.parametrize(
    "build",
    [
        lambda: written_event(
            "a", datetime(2027, 1, 1, tzinfo=UTC), timedelta(hours=1), "UTC", None,
            EventKind.OTHER, Risk.HIGH, None, (), Origin(), None,
        ),
        lambda: occurrence(
            datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 1, 2, tzinfo=UTC), "a", "a",
            EventKind.OTHER, Risk.HIGH, "UTC", Origin(), None, None, (),
        ),
        lambda: written_shift(
            datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 1, 2, tzinfo=UTC), ("a",), (),
            Origin(),
        ),
        lambda: merged_window(
            datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 1, 2, tzinfo=UTC), (),
        ),
        lambda: planned_decision(
            Shift(datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 1, 2, tzinfo=UTC), ("a",)),
            (),
        ),
    ],
)  # fmt: skip
def test_what_they_build_fast_is_as_immutable(build: Callable[[], object]) -> None:
    value = build()
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.start = datetime(2028, 1, 1, tzinfo=UTC)  # type: ignore[attr-defined]
    with pytest.raises((AttributeError, TypeError)):
        value.extra = 1  # type: ignore[attr-defined]
    assert hash(value) == hash(dataclasses.replace(value))  # type: ignore[type-var]
    assert value == dataclasses.replace(value)  # type: ignore[type-var]


@given(
    st.lists(st.one_of(st.text(max_size=3), st.integers(0, 9)), max_size=4).map(tuple),
    st.none() | st.text(max_size=5),
    st.none() | st.integers(1, 99),
)
def test_an_origin_at_a_line_is_the_constructors(
    path: tuple[str | int, ...], file: str | None, line: int | None
) -> None:
    fast, general = origin_at(path, file, line), Origin(path, file, line)
    assert _outcome(lambda: fast) == _outcome(lambda: general)
    assert hash(fast) == hash(general)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.line = 1  # type: ignore[misc]


def test_aunchecked_builder_sets_every_field_whatever_it_is_called() -> None:
    """`unchecked_builder`'s own names cannot be taken for a field's: each field gets its argument."""

    @dataclasses.dataclass(frozen=True, slots=True)
    class Awkward:
        made: int
        new: int
        cls: int
        set_made: int
        build: int

    built = unchecked_builder(Awkward)(1, 2, 3, 4, 5)
    assert built == Awkward(1, 2, 3, 4, 5)
    assert type(built) is Awkward
