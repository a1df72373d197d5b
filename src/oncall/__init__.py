"""oncall: on-call coverage around risky events.

Load a team, compute the coverage windows its risky events need, plan who covers them
and check a rotation:

    import oncall

    team = oncall.load_team("examples/travel-pay/team.yaml")
    for window in oncall.coverage_windows(team):
        print(window.start, window.end, [event.title for event in window.events])
    rotation = oncall.plan(team)
    findings = oncall.check(team, rotation)

Every instant in the API is an aware UTC `datetime.datetime`; every length an
elapsed `datetime.timedelta`.
"""

from typing import TYPE_CHECKING

from oncall.check import Summary, Validation, check, validate
from oncall.errors import AmbiguousTimeError, InputError, NonexistentTimeError, OncallError
from oncall.load import load_rotation, load_team, parse_rotation, parse_team
from oncall.models import (
    Code,
    Escalation,
    EscalationStep,
    EventKind,
    EventSpec,
    Finding,
    Horizon,
    Person,
    Policy,
    Risk,
    RiskyEvent,
    Rotation,
    Severity,
    Shift,
    Team,
    TimeOff,
    Window,
)
from oncall.plan import Decision, PlanResult, make_plan, plan
from oncall.recurrence import expand_events
from oncall.render import dump_rotation
from oncall.windows import coverage_windows, merge_windows

__version__ = "0.1.0"

if TYPE_CHECKING:
    from oncall.export.ics import to_ics
    from oncall.export.pagerduty import escalation_policy, to_pagerduty

_LAZY = {
    "to_ics": "oncall.export.ics",
    "to_pagerduty": "oncall.export.pagerduty",
    "escalation_policy": "oncall.export.pagerduty",
}


def __getattr__(name: str) -> object:
    """Load the exports (and icalendar) only when they are used: they are slow to import."""
    if name in _LAZY:
        import importlib  # noqa: PLC0415 - the point of this function

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'oncall' has no attribute {name!r}")


__all__ = [
    "AmbiguousTimeError",
    "Code",
    "Decision",
    "Escalation",
    "EscalationStep",
    "EventKind",
    "EventSpec",
    "Finding",
    "Horizon",
    "InputError",
    "NonexistentTimeError",
    "OncallError",
    "Person",
    "PlanResult",
    "Policy",
    "Risk",
    "RiskyEvent",
    "Rotation",
    "Severity",
    "Shift",
    "Summary",
    "Team",
    "TimeOff",
    "Validation",
    "Window",
    "__version__",
    "check",
    "coverage_windows",
    "dump_rotation",
    "escalation_policy",
    "expand_events",
    "load_rotation",
    "load_team",
    "make_plan",
    "merge_windows",
    "parse_rotation",
    "parse_team",
    "plan",
    "to_ics",
    "to_pagerduty",
    "validate",
]
