"""Who is away when: each person's time off, merged and indexed for fast questions."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from datetime import datetime, timedelta
from functools import cached_property
from itertools import accumulate
from typing import Final

from oncall.intervals import Interval, merge
from oncall.models import Team, TimeOff

__all__ = ["Availability"]

_SHORT: Final = timedelta(days=14)
"""Time off this long or shorter is found among stretches that start near the question."""


class Availability:
    """Answers "is this person free over ``[start, end)``?" in logarithmic time."""

    def __init__(self, team: Team) -> None:
        entries: defaultdict[str, list[TimeOff]] = defaultdict(list)
        for off in team.time_off:
            entries[off.person].append(off)
        self._entries = {p: sorted(e, key=lambda o: (o.start, o.end)) for p, e in entries.items()}
        self._starts = {p: [o.start for o in e] for p, e in self._entries.items()}
        # The latest end among each person's first n entries: entries before the first
        # index where it passes an instant all end at or before that instant.
        self._reach = {
            p: list(accumulate((o.end for o in e), max)) for p, e in self._entries.items()
        }
        self._merged: dict[str, list[Interval]] = {
            p: merge((o.start, o.end) for o in e) for p, e in self._entries.items()
        }
        # Each person's merged time off as one sorted list of bounds, start, end, start, ...:
        # an instant is away exactly when an odd number of bounds are at or before it.
        self._bounds = {p: [bound for off in m for bound in off] for p, m in self._merged.items()}

    def is_free(self, person: str, start: datetime, end: datetime) -> bool:
        """Whether ``person`` has no time off overlapping ``[start, end)``."""
        bounds = self._bounds.get(person)
        if not bounds:
            return True
        index = bisect_right(bounds, start)
        return index % 2 == 0 and (index == len(bounds) or bounds[index] >= end)

    def away(self, person: str, start: datetime, end: datetime) -> list[TimeOff]:
        """The person's time off entries that overlap ``[start, end)``, by start."""
        if self.is_free(person, start, end):
            return []
        entries = self._entries[person]
        first = bisect_right(self._reach[person], start)
        last = bisect_left(self._starts[person], end)
        return [o for o in entries[first:last] if o.end > start]

    def away_intervals(self, person: str, start: datetime, end: datetime) -> list[Interval]:
        """The merged stretches of time off overlapping ``[start, end)``."""
        merged = self._merged.get(person, [])
        index = bisect_right(self._bounds.get(person, []), start) // 2  # the first that matters
        found = []
        for away_start, away_end in merged[index:]:
            if away_start >= end:
                break
            if away_end > start:
                found.append((away_start, away_end))
        return found

    def away_people(self, start: datetime, end: datetime) -> set[str]:
        """Everyone with time off overlapping ``[start, end)``: who is not free then.

        Without asking each person: a short stretch of time off (`_SHORT` or less) that
        overlaps starts at most `_SHORT` before ``start``, so one bisection finds the few;
        longer ones are few, and each is looked at.
        """
        starts, short, long = self._stretches
        first = bisect_left(starts, start - _SHORT)
        last = bisect_left(starts, end)
        found = {person for _, away_end, person in short[first:last] if away_end > start}
        found.update(person for s, e, person in long if s < end and e > start)
        return found

    @cached_property
    def _stretches(
        self,
    ) -> tuple[
        list[datetime], list[tuple[datetime, datetime, str]], list[tuple[datetime, datetime, str]]
    ]:
        """Everyone's merged time off: the short stretches' starts, them by start, the long."""
        stretches = sorted((s, e, p) for p, merged in self._merged.items() for s, e in merged)
        short = [stretch for stretch in stretches if stretch[1] - stretch[0] <= _SHORT]
        long = [stretch for stretch in stretches if stretch[1] - stretch[0] > _SHORT]
        return [s for s, _, _ in short], short, long
