"""Print who is on call for each risky event, and each person's on-call hours.

Run from the repository's root: ``.venv/bin/python examples/coverage_report.py``.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import oncall

HERE = Path(__file__).parent

team = oncall.load_team(HERE / "travel-pay" / "team.yaml")
rotation = oncall.load_rotation(HERE / "travel-pay" / "rotation.yaml", team)
result = oncall.validate(team, rotation)

verdict = "OK" if result.ok else "FAILING"
print(f"{team.name}: {verdict}, {result.summary.staffing_ratio:.0%} ideally staffed")
hours: Counter[str] = Counter()
for window in result.windows:
    on_call = {p for s in rotation.overlapping(window.start, window.end) for p in s.people}
    people = [team.person(p) for p in sorted(on_call)]
    names = ", ".join(person.name for person in people if person is not None)
    local = window.start.astimezone(team.zone)
    for event in window.events:
        print(f"{local:%Y-%m-%d %H:%M}  {event.title:<28} {names}")
    for person in on_call:
        hours[person] += int(window.duration / timedelta(hours=1))
print("hours:", ", ".join(f"{person} {count}" for person, count in sorted(hours.items())))
