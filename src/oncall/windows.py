"""Risky events -> coverage windows.

Each event at or above the policy's risk threshold needs people on call over
``[start - lead, end + lag)`` (`oncall.models.Policy.coverage`). Windows that overlap,
touch, or lie at most ``merge_gap`` apart merge into one window, which lists every event it
covers. All of it is elapsed-time arithmetic on UTC instants.
"""

from __future__ import annotations

from collections.abc import Iterable

from oncall.errors import expect
from oncall.models import (
    EVENT_ORDER,
    Horizon,
    Policy,
    Risk,
    RiskyEvent,
    Team,
    Window,
    merged_window,
)
from oncall.recurrence import expand_events

__all__ = ["coverage_windows", "merge_windows"]


def merge_windows(events: Iterable[RiskyEvent], policy: Policy) -> list[Window]:
    """The windows that ``events`` need under ``policy``, sorted and merged.

    Events below ``policy.risk_threshold`` are left out. The result does not depend on
    the order of ``events``.

    Raises:
        TypeError: for a ``policy`` that is no `Policy`.
    """
    expect(policy, Policy, "policy")
    # Sorted by start (lead is the same for all), then end and id: a total order, which
    # each window's events keep.
    return _merge_sorted(sorted(events, key=EVENT_ORDER), policy)


def coverage_windows(team: Team, horizon: Horizon | None = None) -> list[Window]:
    """The coverage windows of the team's events that start inside ``horizon``.

    Args:
        team: the team, with its events and policy.
        horizon: replaces the team's horizon; windows are not clipped to it.

    Raises:
        InputError: when the events cannot be expanded (see
            `oncall.recurrence.expand_events`).
    """
    return _merge_sorted(expand_events(team, horizon), team.policy)  # sorted already


def _merge_sorted(events: Iterable[RiskyEvent], policy: Policy) -> list[Window]:
    """`merge_windows` of events already in their order (`EVENT_ORDER`)."""
    needed = {risk for risk in Risk if risk.at_least(policy.risk_threshold)}
    coverage, gap = policy.coverage, policy.merge_gap
    windows: list[Window] = []
    current: list[RiskyEvent] = []
    start = end = None
    for event in events:
        if event.risk not in needed:
            continue
        event_start, event_end = coverage(event)
        if start is None or end is None or event_start > end + gap:
            if start is not None and end is not None:
                windows.append(merged_window(start, end, tuple(current)))
            start, end, current = event_start, event_end, [event]
        else:
            end = max(end, event_end)
            current.append(event)
    if start is not None and end is not None:
        windows.append(merged_window(start, end, tuple(current)))
    return windows
