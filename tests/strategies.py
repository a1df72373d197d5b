"""Hypothesis strategies shared by every property test; each feature extends this module."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from oncall.models import EventKind, Policy, Risk, RiskyEvent

BASE = datetime(2026, 12, 1, tzinfo=UTC)

# Zones with DST in both hemispheres, a half-hour and a 45-minute offset, and none.
ZONES = (
    "UTC",
    "America/New_York",
    "America/Chicago",
    "Europe/Berlin",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Asia/Kolkata",
    "America/Santiago",
)

zones = st.sampled_from(ZONES)
risks = st.sampled_from(list(Risk))
kinds = st.sampled_from(list(EventKind))

# Whole minutes: how people write times.
minutes = st.integers(min_value=0, max_value=60 * 24 * 60).map(lambda m: timedelta(minutes=m))
short = st.integers(min_value=1, max_value=8 * 60).map(lambda m: timedelta(minutes=m))
gaps = st.integers(min_value=0, max_value=4 * 60).map(lambda m: timedelta(minutes=m))


@st.composite
def risky_events(draw: st.DrawFn, *, count: int = 12) -> list[RiskyEvent]:
    """A list of events with distinct ids, scattered over two months."""
    size = draw(st.integers(min_value=0, max_value=count))
    events = []
    for index in range(size):
        start = BASE + draw(minutes)
        events.append(
            RiskyEvent(
                start=start,
                end=start + draw(short),
                id=f"event-{index}",
                title=f"Event {index}",
                kind=draw(kinds),
                risk=draw(risks),
            )
        )
    return events


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    """A policy with random lead, lag, merge gap and risk threshold."""
    return Policy(
        lead=draw(gaps),
        lag=draw(gaps),
        merge_gap=draw(gaps),
        risk_threshold=draw(risks),
    )
