"""No public function or type accepts a naive datetime: the machine's zone is never guessed.

``EventSpec.exdates`` is the one exception by design: naive values there are wall-clock
times in the event's own zone, as a team file writes them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

import oncall
from oncall import (
    Decision,
    EventSpec,
    Finding,
    Horizon,
    InputError,
    RiskyEvent,
    Rotation,
    Shift,
    Team,
    TimeOff,
    Window,
    to_ics,
)
from oncall.models import Code

AWARE = datetime(2026, 12, 3, 20, tzinfo=UTC)
LATER = AWARE + timedelta(hours=1)
NAIVE = datetime(2026, 12, 3, 20)  # noqa: DTZ001 - the point of this module
TEAM = Team(name="t", timezone="UTC")

CALLS: dict[str, list[Callable[[datetime], object]]] = {
    "Decision": [lambda t: Decision(t, LATER, ()), lambda t: Decision(AWARE, t + timedelta(1), ())],
    "EventSpec": [lambda t: EventSpec("x", t, timedelta(hours=1), "UTC")],
    "Finding": [
        lambda t: Finding(Code.UNCOVERED, "m", t, LATER),
        lambda t: Finding(Code.UNCOVERED, "m", AWARE, t + timedelta(1)),
    ],
    "Horizon": [lambda t: Horizon(start=t), lambda t: Horizon(end=t)],
    "RiskyEvent": [
        lambda t: RiskyEvent(t, LATER, "i", "x"),
        lambda t: RiskyEvent(AWARE, t + timedelta(1), "i", "x"),
    ],
    "Shift": [lambda t: Shift(t, LATER), lambda t: Shift(AWARE, t + timedelta(1))],
    "TimeOff": [lambda t: TimeOff("a", t, LATER), lambda t: TimeOff("a", AWARE, t + timedelta(1))],
    "Window": [lambda t: Window(t, LATER, ()), lambda t: Window(AWARE, t + timedelta(1), ())],
    "to_ics": [lambda t: to_ics(TEAM, Rotation(()), [], stamp=t)],
}


def _takes_datetime(obj: object) -> bool:
    try:
        signature = inspect.signature(obj)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return any(
        "datetime" in str(p.annotation).replace("date | datetime", "")
        for p in signature.parameters.values()
    )


def test_every_public_callable_with_a_datetime_is_listed() -> None:
    public = {name for name in oncall.__all__ if _takes_datetime(getattr(oncall, name))}
    assert public == set(CALLS)


@pytest.mark.parametrize(
    "call", [c for calls in CALLS.values() for c in calls], ids=lambda c: repr(c)[:40]
)
def test_naive_datetime_is_refused(call: Callable[[datetime], object]) -> None:
    call(AWARE)  # the aware form works
    with pytest.raises(InputError, match="time-zone aware"):
        call(NAIVE)
