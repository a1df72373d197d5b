"""Half-open ``[start, end)`` intervals of instants: merging, subtracting, overlapping."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

__all__ = ["Interval", "merge", "overlap", "subtract"]

Interval = tuple[datetime, datetime]


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, disjoint intervals covering the same instants; touching ones join."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def subtract(interval: Interval, others: Iterable[Interval]) -> list[Interval]:
    """The parts of ``interval`` that none of ``others`` covers, sorted."""
    start, end = interval
    parts: list[Interval] = []
    cursor = start
    for other_start, other_end in merge(others):
        if other_end <= cursor or other_start >= end:
            continue
        if other_start > cursor:
            parts.append((cursor, other_start))
        cursor = max(cursor, other_end)
        if cursor >= end:
            break
    if cursor < end:
        parts.append((cursor, end))
    return parts


def overlap(a: Interval, b: Interval) -> Interval | None:
    """The common part of two intervals, or ``None``."""
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return (start, end) if start < end else None
