"""oncall: on-call coverage around risky events.

Load a team, compute the coverage windows its risky events need, plan who covers them
and check a rotation:

    import oncall

    team = oncall.load_team("examples/travel-pay/team.yaml")
    for window in oncall.coverage_windows(team):
        print(window.start, window.end, [event.title for event in window.events])
    rotation = oncall.plan(team)
    findings = oncall.check(team, rotation)

Every instant the API returns is an aware UTC `datetime.datetime`; every length an
elapsed `datetime.timedelta`. It accepts what behaves like them too: pendulum's
``DateTime``, ``Date`` and ``Duration``; zones as IANA names, `zoneinfo.ZoneInfo` or
anything with an IANA ``key`` (pendulum's zones); a `datetime.date` where a day is meant
(a horizon's bounds, a day of time off), read in the team's or the person's zone.

Public names (loaded on first use, so that ``import oncall`` stays fast):

Files:
    load_team, parse_team, load_rotation, parse_rotation, dump_rotation
Coverage:
    coverage_windows, merge_windows, expand_events
Planning and checking:
    plan, make_plan, make_optimal_plan, PlanResult, Decision, check, validate, Validation,
    Summary, would_page_wrong_person
Exports:
    to_ics, read_previous, Previous, to_pagerduty, escalation_policy
The domain:
    Team, Person, TimeOff, EventSpec, RiskyEvent, Window, Policy, Horizon, Shift,
    Rotation, Finding, Code, Severity, Risk, EventKind, Escalation, EscalationStep,
    Origin
Errors:
    OncallError, InputError, AmbiguousTimeError, NonexistentTimeError
"""

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from oncall.checker import Summary, Validation, check, validate, would_page_wrong_person
    from oncall.errors import (
        AmbiguousTimeError,
        InputError,
        NonexistentTimeError,
        OncallError,
        Origin,
    )
    from oncall.export.ics import Previous, read_previous, to_ics
    from oncall.export.pagerduty import escalation_policy, to_pagerduty
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
    from oncall.optimal import make_optimal_plan
    from oncall.planner import Decision, PlanResult, make_plan, plan
    from oncall.recurrence import expand_events
    from oncall.render import dump_rotation
    from oncall.windows import coverage_windows, merge_windows

# Public names are loaded on first use (PEP 562), so that `import oncall` stays fast and
# imports only what is used (icalendar only for the exports).
_LAZY = {
    "check": "oncall.checker",
    "plan": "oncall.planner",
    "Summary": "oncall.checker",
    "Validation": "oncall.checker",
    "validate": "oncall.checker",
    "would_page_wrong_person": "oncall.checker",
    "Origin": "oncall.errors",
    "Previous": "oncall.export.ics",
    "read_previous": "oncall.export.ics",
    "AmbiguousTimeError": "oncall.errors",
    "InputError": "oncall.errors",
    "NonexistentTimeError": "oncall.errors",
    "OncallError": "oncall.errors",
    "load_rotation": "oncall.load",
    "load_team": "oncall.load",
    "parse_rotation": "oncall.load",
    "parse_team": "oncall.load",
    "Code": "oncall.models",
    "Escalation": "oncall.models",
    "EscalationStep": "oncall.models",
    "EventKind": "oncall.models",
    "EventSpec": "oncall.models",
    "Finding": "oncall.models",
    "Horizon": "oncall.models",
    "Person": "oncall.models",
    "Policy": "oncall.models",
    "Risk": "oncall.models",
    "RiskyEvent": "oncall.models",
    "Rotation": "oncall.models",
    "Severity": "oncall.models",
    "Shift": "oncall.models",
    "Team": "oncall.models",
    "TimeOff": "oncall.models",
    "Window": "oncall.models",
    "Decision": "oncall.planner",
    "PlanResult": "oncall.planner",
    "make_plan": "oncall.planner",
    "make_optimal_plan": "oncall.optimal",
    "expand_events": "oncall.recurrence",
    "dump_rotation": "oncall.render",
    "coverage_windows": "oncall.windows",
    "merge_windows": "oncall.windows",
    "to_ics": "oncall.export.ics",
    "to_pagerduty": "oncall.export.pagerduty",
    "escalation_policy": "oncall.export.pagerduty",
}


def __getattr__(name: str) -> object:
    """Load a public name's module when the name is first used."""
    if name in _LAZY:
        import importlib  # noqa: PLC0415 - the point of this function

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # found directly from now on
        return value
    raise AttributeError(f"module 'oncall' has no attribute {name!r}")


def __dir__() -> list[str]:
    """Every public name, loaded or not: for ``dir``, completion and ``help``."""
    return sorted({*__all__, *(name for name in globals() if name.startswith("__"))})


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
    "Origin",
    "Person",
    "PlanResult",
    "Policy",
    "Previous",
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
    "make_optimal_plan",
    "make_plan",
    "merge_windows",
    "parse_rotation",
    "parse_team",
    "plan",
    "read_previous",
    "to_ics",
    "to_pagerduty",
    "validate",
    "would_page_wrong_person",
]
