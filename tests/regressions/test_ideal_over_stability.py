"""A later event may reshuffle an earlier window to make the later one ideal; `--keep` may not.

SPEC section 6 (revised): a plan is the best plan for its horizon, and stability comes
from ``--keep``. Ada and Dana are away in the afternoon; with ``min_rest: 8h`` whoever
takes the morning cannot take the afternoon, so the morning must leave Ben and Chidi free.
"""

from __future__ import annotations

from oncall import parse_team, plan

TEAM = """
team: t
timezone: UTC
policy: {min_rest: 8h}
people: [{id: ada}, {id: ben}, {id: chidi}, {id: dana}]
pto:
  - {person: ada, start: 2026-12-05T14:00, end: 2026-12-05T18:00}
  - {person: dana, start: 2026-12-05T14:00, end: 2026-12-05T18:00}
events:
  - {id: early, title: Early deploy, start: 2026-12-05T09:00, duration: 1h}
"""
LATER = "  - {id: late, title: Late deploy, start: 2026-12-05T15:00, duration: 1h}\n"


def test_the_later_window_gets_ideal_staffing() -> None:
    before = plan(parse_team(TEAM))
    assert before.shifts[0].people == ("ada", "ben")
    after = plan(parse_team(TEAM + LATER))
    assert set(after.shifts[0].people) == {"ada", "dana"}
    assert set(after.shifts[1].people) == {"ben", "chidi"}


def test_keep_holds_the_committed_window() -> None:
    before = plan(parse_team(TEAM))
    after = plan(parse_team(TEAM + LATER), keep=before)
    assert after.shifts[0] == before.shifts[0]
    assert after.shifts[1].people == ("chidi",)  # covered (min_staff), not ideal
