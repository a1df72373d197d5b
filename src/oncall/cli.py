"""The ``oncall`` command: parse arguments, call the library, print, return an exit code.

The only module that reads the clock or the environment, and the only one that catches
`oncall.errors.OncallError` (exit 2). Nothing imports it.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, NoReturn, TextIO
from zoneinfo import ZoneInfo

from oncall import __version__
from oncall.checker import Validation, check, validate, would_page_wrong_person
from oncall.errors import InputError, OncallError, within
from oncall.formats import format_for
from oncall.load import MAX_FILE_BYTES, load_previous_export, load_rotation, read_team
from oncall.models import Code, Finding, Horizon, Rotation, Severity, Team
from oncall.render import (
    dump_rotation,
    dumps,
    dumps_utf8,
    plan_json,
    plan_text,
    windows_json,
    windows_text,
)
from oncall.report import (
    validation_github,
    validation_json,
    validation_markdown,
    validation_text,
)
from oncall.schema import RotationFile, TeamFile, json_schema
from oncall.timeutil import (
    YEARS,
    DateOrTime,
    as_written,
    format_local,
    parse_date_or_datetime,
    parse_duration,
    read_instant,
    to_local,
)
from oncall.windows import coverage_windows

if TYPE_CHECKING:
    from oncall.export.ics import Previous

__all__ = ["build_parser", "command", "main"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2

Handler = Callable[[argparse.Namespace, TextIO], int]


def _when(text: str) -> DateOrTime:
    try:
        return parse_date_or_datetime(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _budget(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, found {text!r}")
    return value


def horizon_from(args: argparse.Namespace, zone: ZoneInfo, horizon: Horizon) -> Horizon:
    """The team file's ``horizon`` with ``--from``/``--to`` put in place of its bounds.

    Dates are whole days in the team's ``zone``, ``--to`` included; times are exact and
    read in the team's zone when they have no offset.
    """
    start = end = None
    if args.start is not None:
        with within("--from"):
            start = read_instant(args.start, zone)
    if args.end is not None:
        with within("--to"):
            end = read_instant(args.end, zone, end_of_date=True)
    start = start if start is not None else horizon.start
    end = end if end is not None else horizon.end
    if start is not None and end is not None and end <= start:
        raise _empty_horizon(args, zone, start, end)
    return Horizon(start, end)


def _horizon_end(end: datetime, zone: ZoneInfo) -> str:
    """``the end of Thu 2026-12-31`` for an inclusive end date, else the local time."""
    local = to_local(end, zone)
    if local.time() == datetime.min.time():
        day = local.date() - timedelta(days=1)
        return f"the end of {day:%a %Y-%m-%d}"
    return format_local(end, zone)


def _empty_horizon(
    args: argparse.Namespace, zone: ZoneInfo, start: datetime, end: datetime
) -> InputError:
    """``--from`` at or after the end, in the words typed and saying where the end came from."""
    if args.start is not None and args.end is not None:
        return InputError(
            f"--to {as_written(args.end)} is not after --from {as_written(args.start)}",
            hint="give a --to after --from",
        )
    if args.start is not None:
        return InputError(
            f"--from {as_written(args.start)} is not before the end of the team file's "
            f"horizon ({_horizon_end(end, zone)}, from horizon.end)",
            hint="give --to as well, or a later horizon.end",
        )
    return InputError(
        f"--to {as_written(args.end)} is not after the start of the team file's horizon "
        f"({format_local(start, zone)}, from horizon.start)",
        hint="give --from as well, or an earlier horizon.start",
    )


def _team_and_horizon(args: argparse.Namespace) -> tuple[Team, Horizon]:
    """The team loaded for its horizon with ``--from``/``--to``, and that horizon."""
    team = read_team(
        args.team,
        lambda zone, horizon: horizon_from(args, zone, horizon),
        allow_source_dirs=args.allow_source_dir,
    )
    return team, team.horizon


def _add_team(parser: argparse.ArgumentParser) -> None:
    """TEAM and --allow-source-dir: what every command that reads a team file takes."""
    parser.add_argument("team", metavar="TEAM", help="the team file (.yaml, .yml, .toml, .json)")
    parser.add_argument(
        "--allow-source-dir",
        metavar="DIR",
        action="append",
        default=[],
        help="also read the team's iCalendar sources from this folder (by default only "
        "from the team file's own folder); may be repeated",
    )


def _add_range(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="start",
        metavar="WHEN",
        type=_when,
        help="start of the horizon: a date (whole day in the team's zone) or a time",
    )
    parser.add_argument(
        "--to",
        dest="end",
        metavar="WHEN",
        type=_when,
        help="end of the horizon: a date (included) or a time",
    )


def _cmd_windows(args: argparse.Namespace, out: TextIO) -> int:
    team, horizon = _team_and_horizon(args)
    windows = coverage_windows(team, horizon)
    if args.format == "json":
        out.write(dumps(windows_json(team, windows)))
    else:
        out.write(windows_text(team, windows))
    return EXIT_OK


def _output_format(name: str) -> str:
    """The rotation format an ``-o`` file is written in (``-`` is YAML on standard output).

    The file is checked here, before any work: a plan is not made to be thrown away.
    """
    if name == "-":
        return "yaml"
    _check_outputs([name])
    try:
        return format_for(name)
    except InputError as exc:
        raise exc.located(name, None) from exc


def _check_outputs(names: Sequence[str]) -> None:
    """Refuse, before anything is written, any ``-o`` or feed that cannot be written.

    Missing folders are fine where they can be made (`_write` makes them).
    """
    from oncall.output import check_destinations  # noqa: PLC0415 - only writing needs it

    if "" in names:
        raise InputError("expected a file name, found nothing", value="", path=("-o",))
    check_destinations((name for name in names if name != "-"), new_folder=True)


def _cmd_plan(args: argparse.Namespace, out: TextIO) -> int:
    from oncall.planner import make_plan  # noqa: PLC0415 - kept out of validate's start-up

    fmt = _output_format(args.output) if args.output is not None else None
    team, horizon = _team_and_horizon(args)
    keep = load_rotation(args.keep, team) if args.keep else None
    try:  # a plan too large to make is refused for its team file (policy.max_shift)
        if args.optimal or args.optimal_budget is not None:
            from oncall.optimal import BUDGET, make_optimal_plan  # noqa: PLC0415 - brings OR-Tools

            budget = BUDGET if args.optimal_budget is None else args.optimal_budget
            result = make_optimal_plan(
                team, horizon, keep=keep, explain=args.explain, budget=budget
            )
            if not result.optimal:
                sys.stderr.write(
                    f"oncall: not proven optimal: the solver's bound ({budget:g} deterministic "
                    "seconds) came first; this is the best plan it found, never worse than the "
                    "default planner's (a larger --optimal-budget may prove or improve it)\n"
                )
        else:
            result = make_plan(team, horizon, keep=keep, explain=args.explain)
    except InputError as exc:
        raise exc.located(args.team, None) from exc
    for note in result.notes:
        sys.stderr.write(f"oncall: note: {note}\n")
    findings = check(team, result.rotation, horizon, windows=result.windows)
    if args.format == "json":
        report = dumps(plan_json(team, result, findings, explain=args.explain))
    else:
        report = plan_text(team, result, findings, explain=args.explain)
    if fmt is not None:
        text = dump_rotation(team, result.rotation, fmt)
        if len(text) > MAX_FILE_BYTES // 4 and len(text.encode()) > MAX_FILE_BYTES:
            raise InputError(
                f"the plan's rotation file would be larger than {MAX_FILE_BYTES // 2**20} MiB, "
                "which oncall cannot read back",
                file=args.output,
                hint="use a longer max_shift or a shorter horizon (--from/--to)",
            )
        if args.output == "-":
            out.write(text)
            out = sys.stderr  # the report goes beside the rotation, not into it
        else:
            _write(args.output, text.encode(), out)
    out.write(report)
    if fmt is not None and args.output != "-":
        out.flush()  # the report, then where the rotation went, in the order they are read
        sys.stderr.write(f"oncall: wrote the rotation to {args.output}\n")
    uncovered = any(f.code is Code.UNCOVERED for f in findings)
    return EXIT_FINDINGS if uncovered else EXIT_OK


def _now() -> datetime:
    """The time now, or ``SOURCE_DATE_EPOCH`` when set (for reproducible output)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            moment = datetime.fromtimestamp(int(epoch), tz=UTC)
            if int(epoch) < 0 or moment.year not in YEARS:
                raise ValueError(epoch)  # noqa: TRY301 - one message for every bad value
        except (ValueError, OverflowError, OSError) as exc:
            raise InputError(
                f"SOURCE_DATE_EPOCH: expected seconds since 1970, up to the year "
                f"{YEARS.stop - 1}, found",
                value=epoch,
            ) from exc
        return moment
    return datetime.fromtimestamp(time.time(), tz=UTC)


def _colour(out: TextIO) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (no-color.org)."""
    return out.isatty() and not os.environ.get("NO_COLOR")


def _cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    team, horizon = _team_and_horizon(args)
    rotation = load_rotation(args.rotation, team)
    result = validate(team, rotation, horizon, strict=args.strict)
    name = args.rotation
    if args.format == "json":
        out.write(dumps(validation_json(result)))
    elif args.format == "github":
        out.write(validation_github(result))
    elif args.format == "markdown":
        out.write(validation_markdown(result, name=name, now=_now()))
    else:
        out.write(validation_text(result, name=name, colour=_colour(out)))
    return EXIT_OK if result.ok else EXIT_FINDINGS


def _rotation_to_export(args: argparse.Namespace) -> Validation:
    """The ROTATION argument's rotation (or a plan made now), checked.

    Shifts outside ``--from``/``--to`` are left out. The caller decides what the findings
    stop (`_print_findings`, `_refuse_wrong_person`).
    """
    team, horizon = _team_and_horizon(args)
    if args.rotation:
        rotation = load_rotation(args.rotation, team)
        rotation = Rotation(rotation.overlapping(horizon.start, horizon.end))
    else:
        from oncall.planner import plan  # noqa: PLC0415 - kept out of validate's start-up

        rotation = plan(team, horizon)
    return validate(team, rotation, horizon, strict=getattr(args, "strict", False))


def _print_findings(name: str, findings: Sequence[Finding], what: str = "") -> None:
    """List errors and warnings on standard error: ``oncall: NAME has ...:`` then one a line."""
    shown = [f for f in findings if f.severity is not Severity.INFO]
    if not shown:
        return
    counts = Counter(str(f.severity) for f in shown)
    tally = " and ".join(
        f"{counts[s]} {s}{'' if counts[s] == 1 else 's'}" for s in ("error", "warning") if counts[s]
    )
    sys.stderr.write(f"oncall: {name} has {tally}{what}:\n")
    sys.stderr.write("".join(f"  {f.severity} {f.code}: {f.message}\n" for f in shown))


def _refuse_wrong_person(
    result: Validation, name: str, *, force: bool, done: str = "written"
) -> bool:
    """Whether to refuse sending ``result`` to PagerDuty: the rule of SPEC 8.

    A rotation that would page the wrong person (`would_page_wrong_person`) is refused
    unless ``force``; every other finding is listed and does not stop it.
    """
    wrong = would_page_wrong_person(result.findings)
    if wrong and not force:
        _print_findings(name, wrong, ", which would page the wrong person")
        sys.stderr.write(f"oncall: nothing was {done} (fix the rotation, or use --force)\n")
        others = [f for f in result.findings if f not in wrong]
        _print_findings(name, others, " besides")
        return True
    _print_findings(name, result.findings)
    return False


def _rotation_name(args: argparse.Namespace) -> str:
    return str(args.rotation) if args.rotation else "the plan"


def _cmd_export_ics(args: argparse.Namespace, out: TextIO) -> int:
    from pathlib import Path  # noqa: PLC0415 - kept out of the start-up (3 ms)

    from oncall.export.ics import to_ics  # noqa: PLC0415 - icalendar loads slowly

    remind = None
    if args.remind is not None:
        with within("--remind"):
            remind = parse_duration(args.remind)
    if args.output is not None:
        _check_outputs([args.output])
    result = _rotation_to_export(args)
    _print_findings(_rotation_name(args), result.findings)
    if args.strict and not result.ok:  # a calendar that shows a gap is still useful
        sys.stderr.write("oncall: nothing was written (--strict)\n")
        return EXIT_FINDINGS
    team, rotation = result.team, result.rotation
    previous = None
    if args.previous and Path(args.previous).exists():  # the first run has no earlier export
        previous = load_previous_export(args.previous)
    stamp = _now()
    outputs: list[tuple[str, bytes]] = []

    def calendar(who: str | None, earlier: Previous | None, earlier_name: str | None) -> bytes:
        with _from_previous(earlier_name):
            return to_ics(
                team,
                rotation,
                result.windows,
                stamp=stamp,
                person=who,
                remind=remind,
                previous=earlier,
            )

    if args.per_person is not None:
        folder = Path(args.per_person)
        for person in team.people:
            feed = folder / f"{person.id}.ics"  # ids are slugs: no path escapes the folder
            earlier = load_previous_export(feed) if feed.is_file() else None
            outputs.append((str(feed), calendar(person.id, earlier, str(feed))))
    if args.output is not None or args.per_person is None:
        data = calendar(args.person, previous, args.previous)
        outputs.append((args.output if args.output is not None else "-", data))
    # Every destination is checked before any is written: no feeds without the -o file.
    _check_outputs([destination for destination, _ in outputs])
    if args.per_person is not None:
        from oncall.output import make_folder  # noqa: PLC0415 - only writing needs it

        make_folder(args.per_person)
    for destination, data in outputs:
        _write(destination, data, out)
    return EXIT_OK


@contextlib.contextmanager
def _from_previous(name: str | None) -> Iterator[None]:
    """Place an error about an earlier export's events in that export's file."""
    try:
        yield
    except InputError as exc:
        raise exc.located(name, None) from exc


def _write(destination: str, data: bytes, out: TextIO) -> None:
    """Write ``data`` to the file ``destination`` atomically, or to ``out`` for ``-``."""
    if destination == "-":
        buffer = getattr(out, "buffer", None)
        if buffer is None:  # a text stream only (a StringIO)
            out.write(data.decode())
        else:  # the bytes as they are: no second copy as text, whatever the locale
            out.flush()
            buffer.write(data)
            buffer.flush()
    else:
        from pathlib import Path  # noqa: PLC0415 - only writing

        from oncall.output import make_folder, write_atomic  # noqa: PLC0415 - only writing

        make_folder(Path(destination).parent)  # `-o public/oncall.ics` makes `public/`
        write_atomic(destination, data)


def _cmd_export_pagerduty(args: argparse.Namespace, out: TextIO) -> int:
    from oncall.export.pagerduty import to_pagerduty_json  # noqa: PLC0415 - only this command

    result = _rotation_to_export(args)
    name = _rotation_name(args)
    if args.strict and not result.ok:
        _print_findings(name, result.findings)
        sys.stderr.write("oncall: nothing was written (--strict)\n")
        return EXIT_FINDINGS
    if _refuse_wrong_person(result, name, force=args.force):
        return EXIT_FINDINGS
    team, rotation = result.team, result.rotation
    del result  # its windows and findings: a large plan's memory, no longer needed
    data, notes = to_pagerduty_json(team, rotation, args.schedule)
    for note in notes:
        sys.stderr.write(f"oncall: note: {note}\n")
    _check_outputs([args.output])
    _write(args.output, data, out)
    return EXIT_OK


def _cmd_export_escalation(args: argparse.Namespace, out: TextIO) -> int:
    from oncall.export.pagerduty import escalation_policy  # noqa: PLC0415 - only this command

    team = read_team(
        args.team,
        lambda _zone, horizon: horizon,
        calendars=False,
        allow_source_dirs=args.allow_source_dir,
    )
    try:
        document = escalation_policy(team)
    except InputError as exc:
        raise exc.located(args.team, None) from exc
    _check_outputs([args.output])
    _write(args.output, dumps_utf8(document), out)
    return EXIT_OK


def _cmd_sync_pagerduty(args: argparse.Namespace, out: TextIO) -> int:
    from oncall.export import pagerduty_sync as sync  # noqa: PLC0415 - only this command
    from oncall.export.pagerduty import planned_overrides, policy_body  # noqa: PLC0415

    url = sync.api_url(args.api_url)
    token = os.environ.get("PAGERDUTY_TOKEN", "").strip()
    if not token:
        raise InputError(
            "PAGERDUTY_TOKEN is not set",
            hint="export PAGERDUTY_TOKEN=<a REST API key from Integrations > API Access Keys>; "
            "in GitHub Actions, from a secret",
        )
    result = _rotation_to_export(args)
    name = _rotation_name(args)
    if args.strict and not result.ok:
        _print_findings(name, result.findings)
        sys.stderr.write("oncall: nothing was sent (--strict)\n")
        return EXIT_FINDINGS
    if _refuse_wrong_person(result, name, force=args.force, done="sent"):
        return EXIT_FINDINGS
    team = result.team
    planned = planned_overrides(team, result.rotation, args.schedule)
    if args.escalation:
        try:
            policy_body(team)
        except InputError as exc:
            raise exc.located(args.team, None) from exc
    horizon = team.horizon  # the file's, with --from/--to in place
    now = datetime.fromtimestamp(time.time(), tz=UTC)  # never SOURCE_DATE_EPOCH: this is live
    if horizon.end is None:
        raise InputError("sync needs the end of the range", path=("--to",), hint="give --to")
    span = sync.Span(horizon.start or now, horizon.end, now)
    for note in planned.notes:
        sys.stderr.write(f"oncall: note: {note}\n")
    with sync.connect(url, token, sender=team.email) as api:
        report = sync.sync_overrides(api, team, planned, span, apply=args.apply)
        if args.escalation:
            sync.sync_policy(api, team, report)
    if args.format == "json":
        out.write(dumps(sync.sync_json(team, report)))
    else:
        out.write(sync.sync_text(team, report))
    if report.failures:
        sys.stderr.write(f"oncall: {len(report.failures)} change(s) failed:\n")
        sys.stderr.write("".join(f"  {f.action} {f.what}: {f.reason}\n" for f in report.failures))
        return EXIT_FINDINGS
    return EXIT_OK


def _add_sync(commands: argparse._SubParsersAction[_Parser], *, full: bool) -> None:
    sync = commands.add_parser(
        "sync",
        help="make PagerDuty match the rotation (a dry run unless --apply)",
        description="Keep a service in step with the rotation.",
    )
    if not full:
        return
    targets = sync.add_subparsers(dest="target", metavar="TARGET", required=True)
    pagerduty = targets.add_parser(
        "pagerduty",
        help="PagerDuty schedule overrides (and, with --escalation, the escalation policy)",
        description="Read the overrides of each --schedule, compare them with the rotation "
        "and print what would change: overrides to create, stale future ones to delete, "
        "those already right. Overrides that have started are never touched. With --apply, "
        "make the changes; running it again changes nothing. The token is read from "
        "PAGERDUTY_TOKEN. A rotation that would page the wrong person (on call during time "
        "off, or not in the team file) is refused unless --force. Exits 1 when a change "
        "failed (each is named), 2 when PagerDuty cannot be reached or refuses the token "
        "or a schedule.",
    )
    _add_rotation_export(pagerduty)
    _add_schedules(pagerduty)
    pagerduty.add_argument(
        "--apply", action="store_true", help="make the changes (default: only show them)"
    )
    pagerduty.add_argument(
        "--escalation",
        action="store_true",
        help="also create or update the escalation policy named in the team file",
    )
    pagerduty.add_argument(
        "--force",
        action="store_true",
        help="send even a rotation that would page the wrong person",
    )
    pagerduty.add_argument(
        "--format", choices=("text", "json"), default="text", help="report format"
    )
    pagerduty.add_argument(
        "--api-url",
        metavar="URL",
        default="https://api.pagerduty.com",
        help="PagerDuty's REST API (https://api.eu.pagerduty.com for the EU service region; "
        "plain http only to a loopback host, for testing)",
    )
    pagerduty.set_defaults(handler=_cmd_sync_pagerduty)


def _cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    from oncall.review import (  # noqa: PLC0415 - only this command
        review,
        review_json,
        review_markdown,
        review_text,
    )

    team, horizon = _team_and_horizon(args)
    if args.rotation:
        rotation = load_rotation(args.rotation, team)
    else:
        from oncall.planner import plan  # noqa: PLC0415 - kept out of validate's start-up

        rotation = plan(team, horizon)
    windows = coverage_windows(team, horizon)
    findings = check(team, rotation, horizon, windows=windows)
    result = review(team, rotation, windows, findings, horizon)
    if args.format in ("html", "svg"):
        from oncall.timeline import page, timeline_svg  # noqa: PLC0415 - only these formats

        name = args.rotation or "the plan"
        text = page(result, name=name) if args.format == "html" else timeline_svg(result)
    elif args.format == "json":
        text = dumps(review_json(result))
    elif args.format == "markdown":
        text = review_markdown(result)
    else:
        text = review_text(result)
    _write(args.output or "-", text.encode(), out)
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    section = RotationFile if args.which == "rotation" else TeamFile
    out.write(dumps(json_schema(section)))
    return EXIT_OK


def _add_rotation_export(parser: argparse.ArgumentParser) -> None:
    """TEAM [ROTATION] [--from] [--to] [--strict]: what every rotation export takes."""
    _add_team(parser)
    parser.add_argument(
        "rotation", metavar="ROTATION", nargs="?", help="the rotation (default: plan now)"
    )
    _add_range(parser)
    parser.add_argument(
        "--strict",
        action="store_true",
        help="export nothing, exit 1, if the rotation has any error or warning",
    )


def _add_output(parser: argparse.ArgumentParser, *, required: bool) -> None:
    where = "'-': standard output" if required else "'-' or none: standard output"
    parser.add_argument(
        "-o", "--output", metavar="FILE", required=required, help=f"write here ({where})"
    )


def _add_schedules(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--schedule",
        metavar="ID",
        action="append",
        required=True,
        help="a PagerDuty schedule id; repeat it: primary first, then secondary",
    )


def _add_export(commands: argparse._SubParsersAction[_Parser], *, full: bool) -> None:
    export = commands.add_parser(
        "export",
        help="export a rotation to iCalendar or PagerDuty",
        description="Export a rotation (or, without ROTATION, a plan made on the spot).",
    )
    if not full:
        return
    targets = export.add_subparsers(dest="target", metavar="TARGET", required=True)
    ics = targets.add_parser(
        "ics",
        help="an iCalendar file: the team calendar, or personal feeds",
        description="Write the rotation as iCalendar (RFC 5545): one event per shift, in the "
        "team's zone, with stable UIDs. The rotation's findings are listed on standard "
        "error; a rotation with findings is still exported unless --strict.",
    )
    _add_rotation_export(ics)
    _add_output(ics, required=False)
    who = ics.add_mutually_exclusive_group()
    who.add_argument("--person", metavar="ID", help="only this person's shifts: their own feed")
    who.add_argument(
        "--per-person",
        metavar="DIR",
        help="write DIR/<id>.ics for everyone (each file's earlier version is its --previous)",
    )
    ics.add_argument(
        "--remind", metavar="DURATION", help="add a reminder this long before each shift"
    )
    ics.add_argument(
        "--previous",
        metavar="FILE",
        help="the earlier export: changed events get a higher SEQUENCE, removed ones are cancelled",
    )
    ics.set_defaults(handler=_cmd_export_ics)

    pagerduty = targets.add_parser(
        "pagerduty",
        help="PagerDuty schedule overrides: primary, secondary, ...",
        description="Write POST /schedules/<ID>/overrides requests: the n-th --schedule gets "
        "the n-th person of each shift. Send them with curl or any HTTP client. A rotation "
        "that would page the wrong person (someone on call during their time off, or not "
        "in the team file) is refused unless --force; other findings are listed on "
        "standard error.",
    )
    _add_rotation_export(pagerduty)
    _add_schedules(pagerduty)
    _add_output(pagerduty, required=True)
    pagerduty.add_argument(
        "--force",
        action="store_true",
        help="export even a rotation that would page the wrong person (on call during "
        "time off, or not in the team file)",
    )
    pagerduty.set_defaults(handler=_cmd_export_pagerduty)

    escalation = targets.add_parser(
        "pagerduty-escalation",
        help="the PagerDuty escalation policy from the team file's escalation section",
        description="Write the POST /escalation_policies request for the team's escalation.",
    )
    _add_team(escalation)
    _add_output(escalation, required=True)
    escalation.set_defaults(handler=_cmd_export_escalation)


def _columns() -> int:
    """The terminal's width as `shutil.get_terminal_size` finds it, without importing it.

    ``COLUMNS`` if it is a positive number, else the size of standard output's terminal,
    else 80.
    """
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _Parser(argparse.ArgumentParser):
    """argparse's parser, its help formatted for a width found when the parser is made.

    argparse makes a help formatter for every argument added, and by default each one
    imports `shutil` and asks for the terminal's size: a few milliseconds of every start.
    """

    def __init__(self, **kwargs: Any) -> None:
        width = _columns() - 2  # argparse's own margin; once per (sub)command's parser
        super().__init__(
            formatter_class=lambda prog: argparse.HelpFormatter(prog, width=width), **kwargs
        )


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of the ``oncall`` command, with every subcommand.

    With ``command``, only that subcommand takes its arguments: the others are named (for
    ``--help`` and "invalid choice") but not built, which is most of the parser's work at
    every start. Parsing a command line with that command is the same either way.
    """

    def wanted(name: str) -> bool:
        return command is None or command == name

    parser = _Parser(
        prog="oncall",
        description="Compute on-call coverage around risky events.",
        epilog="Exit codes: 0 success, 1 findings (uncovered windows, errors), 2 unusable input.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    windows = commands.add_parser(
        "windows",
        help="list the coverage windows that the team's risky events need",
        description="List the coverage windows: [start - lead, end + lag) around each risky "
        "event at or above the risk threshold, merged where they overlap, touch or lie "
        "within merge_gap.",
    )
    if wanted("windows"):
        _add_team(windows)
        _add_range(windows)
        windows.add_argument(
            "--format", choices=("text", "json"), default="text", help="output format"
        )
    windows.set_defaults(handler=_cmd_windows)

    plan = commands.add_parser(
        "plan",
        help="plan who is on call for every coverage window",
        description="Plan who is on call: up to ideal_staff people per window, never during "
        "PTO, min_rest honoured, load balanced fairly. Deterministic: the same input gives "
        "the same output. Exits 1 when some window is left below min_staff (after writing "
        "the rotation).",
    )
    if wanted("plan"):
        _add_team(plan)
        _add_range(plan)
        plan.add_argument(
            "--keep",
            metavar="ROTATION",
            help="keep the shifts of this rotation that still fit, exactly; plan only the rest",
        )
        plan.add_argument(
            "-o",
            "--output",
            metavar="ROTATION",
            help="write the rotation file here (.yaml, .yml, .toml or .json; '-' for YAML on "
            "standard output)",
        )
        plan.add_argument(
            "--format", choices=("text", "json"), default="text", help="report format"
        )
        plan.add_argument(
            "--explain", action="store_true", help="say per shift why everyone else was passed over"
        )
        plan.add_argument(
            "--optimal",
            action="store_true",
            help="plan exactly with OR-Tools' CP-SAT solver, within a bound (needs the "
            "oncall-coverage[optimal] extra)",
        )
        plan.add_argument(
            "--optimal-budget",
            metavar="SECONDS",
            type=_budget,
            help="the solver's bound, in deterministic seconds (its count of work, the same on "
            "every machine; default 20); implies --optimal",
        )
    plan.set_defaults(handler=_cmd_plan)

    validate = commands.add_parser(
        "validate",
        help="check a rotation against the team's windows, people, PTO and policy",
        description="Check a rotation, planned or hand-written: every window staffed (at "
        "least min_staff, ideally ideal_staff), nobody during PTO, every person known and "
        "named once, min_rest kept. Exits 1 when the rotation has errors (or warnings, "
        "with --strict), 0 otherwise.",
    )
    if wanted("validate"):
        _add_team(validate)
        validate.add_argument("rotation", metavar="ROTATION", help="the rotation file to check")
        _add_range(validate)
        validate.add_argument("--strict", action="store_true", help="fail on warnings too")
        validate.add_argument(
            "--format",
            choices=("text", "json", "github", "markdown"),
            default="text",
            help="text for people; json; github workflow commands (annotations); markdown "
            "for a pull-request comment or a job summary",
        )
    validate.set_defaults(handler=_cmd_validate)

    _add_export(commands, full=wanted("export"))
    _add_sync(commands, full=wanted("sync"))

    report = commands.add_parser(
        "report",
        help="review a rotation: load per person, after hours, holidays, staffing, score",
        description="Review a rotation (or, without ROTATION, a plan made on the spot): "
        "everyone's on-call, after-hours, weekend and holiday time (in their own zone and "
        "working hours), each window's staffing, pairings, and a quality score over the "
        "required windows only. html writes one self-contained page with a timeline; svg "
        "the timeline alone.",
    )
    if wanted("report"):
        _add_team(report)
        report.add_argument(
            "rotation", metavar="ROTATION", nargs="?", help="the rotation (default: plan now)"
        )
        _add_range(report)
        report.add_argument(
            "--format",
            choices=("text", "json", "markdown", "html", "svg"),
            default="text",
            help="text for people; json; markdown for a pull-request comment; html, one "
            "self-contained page; svg, the timeline alone",
        )
        _add_output(report, required=False)
    report.set_defaults(handler=_cmd_report)

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of the team or rotation file",
        description="Print the JSON Schema of a file format, for editors to complete and check.",
    )
    if wanted("schema"):
        schema.add_argument("which", nargs="?", choices=("team", "rotation"), default="team")
    schema.set_defaults(handler=_cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; return the exit code."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    named = [argument for argument in arguments if not argument.startswith("-")]
    parser = build_parser(named[0] if named else None)  # options before it take no value
    args = parser.parse_args(arguments)
    handler: Handler = args.handler
    previous = _exit_on_sigterm()
    try:
        return handler(args, out or sys.stdout)
    except OncallError as exc:
        sys.stderr.write(f"oncall: error: {exc}\n")
        return EXIT_INPUT
    except BrokenPipeError:
        # The reader went away (``oncall windows ... | head``): not an error of ours.
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:
        # Errors only a write gives, where no file is named: standard output (files written
        # with -o are named by `oncall.output`). Any other OSError is not one to name here.
        if exc.filename is None and exc.errno in _WRITE_ERRORS:
            return _cannot_write(exc)
        raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm() -> Any:
    """Make SIGTERM exit through Python, so that a half-written temporary file is removed.

    Returns the handler it replaced, or None where none can be set (not the main thread).
    """

    def stop(number: int, _frame: object) -> None:
        raise SystemExit(128 + number)

    try:
        return signal.signal(signal.SIGTERM, stop)
    except ValueError:  # signals are only for the main thread
        return None


_WRITE_ERRORS: Final = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
"""A full disk, a full quota, a file grown past its limit."""


def _cannot_write(exc: OSError) -> int:
    """Say that the output could not be written (exit 2), where stderr still can be."""
    if sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(f"oncall: error: cannot write the output ({exc.strerror or exc})\n")
            sys.stderr.flush()
    return EXIT_INPUT


def _flushed(code: int) -> int:
    """``code`` once the output is flushed, or 2 if it could not be (not if its reader left)."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:  # the reader went away, as in `main`: not an error of ours
        pass
    except OSError as exc:
        return _cannot_write(exc)
    with contextlib.suppress(OSError, ValueError):  # ValueError: `main` closed it
        if sys.stderr is not None:
            sys.stderr.flush()
    return code


def command() -> NoReturn:
    """The ``oncall`` command's own process: `main`, without the cyclic garbage collector.

    A 100,000-event team makes millions of objects that live until the command ends, and
    the collector walked them again and again: with Python's default thresholds a third
    or more of a large ``validate``, and 0.6 to 1.1 s of each command even with
    collections made 70 times rarer. The command makes next to no cyclic garbage (some 700
    unreachable objects at the end of each command on that team) and then exits, so it
    runs without the collector; reference counting still frees everything else as soon
    as it is unused, and the peak memory is the same. Only the command does this, never
    the library: it is not a library's to change.

    Then the process ends at once (`os._exit`), its output flushed: tearing the
    interpreter down (every module, every object still alive) costs some 8 ms, a tenth of
    a small command, and frees nothing the operating system does not. mypy's command ends
    the same way. Files are written and closed before `main` returns, and nothing of
    oncall's needs an exit handler. Under a tracer or a profiler, which save their data at
    exit, the process exits as usual.
    """
    import gc  # noqa: PLC0415 - only here

    gc.disable()
    code = _flushed(main())
    if sys.gettrace() is None and sys.getprofile() is None:
        os._exit(code)
    sys.exit(code)  # under coverage or a profiler (``python -m cProfile -o``): they save at exit


if __name__ == "__main__":  # pragma: no cover
    command()
