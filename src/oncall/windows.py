"""Risky events -> coverage windows.

Each event at or above the policy's risk threshold needs people on call over
``[start - lead, end + lag)`` (`oncall.models.Policy.coverage`). Windows that overlap,
touch, or lie at most ``merge_gap`` apart merge into one window, which lists every event it
covers. All of it is elapsed-time arithmetic on UTC instants.
"""

from __future__ import annotations

from collections.abc import Iterable

from oncall.errors import expect
from oncall.models import EVENT_ORDER, Horizon, Policy, Risk, RiskyEvent, Team, Window
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
    needed = {risk for risk in Risk if risk.at_least(policy.risk_threshold)}
    # Sorted by start (lead is the same for all), then end and id: a total order, which
    # each window's events keep.
    risky = sorted((e for e in events if e.risk in needed), key=EVENT_ORDER)
    windows: list[Window] = []
    current: list[RiskyEvent] = []
    start = end = None
    for event in risky:
        event_start, event_end = policy.coverage(event)
        if start is None or end is None or event_start > end + policy.merge_gap:
            if start is not None and end is not None:
                windows.append(Window(start, end, tuple(current)))
            start, end, current = event_start, event_end, [event]
        else:
            end = max(end, event_end)
            current.append(event)
    if start is not None and end is not None:
        windows.append(Window(start, end, tuple(current)))
    return windows


def coverage_windows(team: Team, horizon: Horizon | None = None) -> list[Window]:
    """The coverage windows of the team's events that start inside ``horizon``.

    Args:
        team: the team, with its events and policy.
        horizon: replaces the team's horizon; windows are not clipped to it.

    Raises:
        InputError: when the events cannot be expanded (see
            `oncall.recurrence.expand_events`).
    """
    return merge_windows(expand_events(team, horizon), team.policy)
