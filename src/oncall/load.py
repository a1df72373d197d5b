"""Files -> models: the only module that reads files.

It is also the only one that translates foreign exceptions (OSError, pydantic
validation) into `InputError`; the format parsers do the same for their syntax
errors in `oncall.formats`.

Every error leaves here naming the file, the line where the format gives one, the field
path and the bad value.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast
from zoneinfo import ZoneInfo

from pydantic_core import ValidationError

from oncall.errors import InputError, Origin, Path, closest, foreign_problem, origin_at
from oncall.formats import Document, format_for, parse_document
from oncall.models import EventSpec, Horizon, Rotation, Team, TimeOff, check_known_person
from oncall.schema import (
    RotationFile,
    SourcesFile,
    TeamFile,
    build_rotation,
    build_team,
    fields_at,
    team_horizon,
    validator,
)
from oncall.timeutil import get_zone

__all__ = [
    "MAX_FILE_BYTES",
    "load_previous_export",
    "load_rotation",
    "load_team",
    "parse_rotation",
    "parse_team",
    "read_bytes",
    "read_team",
    "read_text",
    "validate",
]

MAX_FILE_BYTES: Final = 20 * 1024 * 1024
"""Larger input files are refused: no team or rotation file is this big."""

if TYPE_CHECKING:
    from pathlib import Path as FilePath

    from oncall.export.ics import Previous
    from oncall.sources import CalendarSource

T = TypeVar("T")


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """Read a regular file, refusing very large ones.

    The file is opened without blocking and checked before a byte is read: a FIFO, a
    device or a socket given as a file is refused, never waited on.

    Raises:
        InputError: naming the file when it cannot be read.
    """
    name = os.fspath(path)
    try:
        handle = os.open(path, os.O_RDONLY | _NONBLOCK)
    except FileNotFoundError as exc:
        raise InputError("no such file", file=name) from exc
    except IsADirectoryError as exc:
        raise InputError("is a folder, not a file", file=name) from exc
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc})", file=name) from exc
    mode = os.fstat(handle).st_mode
    if not stat.S_ISREG(mode):
        os.close(handle)
        if stat.S_ISDIR(mode):
            raise InputError("is a folder, not a file", file=name)
        raise InputError(f"is {_kind_of(mode)}, not a regular file", file=name)
    with os.fdopen(handle, "rb") as stream:
        try:
            raw = stream.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise InputError(f"cannot read the file ({exc.strerror or exc})", file=name) from exc
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB", file=name)
    return raw


_NONBLOCK: Final = getattr(os, "O_NONBLOCK", 0)
"""Opening a FIFO for reading waits for a writer unless told not to (POSIX only)."""


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a UTF-8 text file (a BOM is allowed), refusing very large files.

    Raises:
        InputError: naming the file when it cannot be read or decoded.
    """
    name = os.fspath(path)
    raw = read_bytes(path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("the file is not UTF-8 text", file=name, line=line) from exc


def _describe(value: object) -> str:
    return {
        dict: "a mapping",
        list: "a list",
        str: "text",
        int: "a number",
        float: "a number",
        bool: "true/false",
        type(None): "nothing",
    }.get(type(value), type(value).__name__)


_EXPECTED: Final = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _translate(error: Any, section: type, line_of: Callable[[Path], int | None]) -> InputError:
    """One pydantic error -> an InputError with its field path."""
    loc: Path = tuple(part for part in error["loc"] if isinstance(part, int | str))
    loc = loc[:-1] if loc[-1:] == ("[key]",) else loc  # a bad key: the path ends at the key
    kind = error["type"]
    value = error.get("input")
    context = error.get("ctx") or {}
    original = context.get("error")
    if "check" in context:  # refused by a kind's check (`oncall.schema`): it says why
        original = _refusal(context["check"], value)
    if isinstance(original, InputError):
        return original.within(*loc)
    if kind == "extra_forbidden":
        allowed = fields_at(section, loc[:-1])
        close = closest(str(loc[-1]), allowed)
        hint = f"did you mean {close!r}?" if close else None
        if hint is None and allowed:
            hint = "expected one of " + ", ".join(allowed)
        return InputError("unknown key", value=loc[-1], path=loc[:-1], hint=hint, line=line_of(loc))
    if kind == "missing":
        return InputError("missing required key", value=loc[-1], path=loc[:-1])
    if kind in _EXPECTED:
        return InputError(
            f"expected {_EXPECTED[kind]}, found {_describe(value)}", value=value, path=loc
        )
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        return InputError(f"expected one of {expected}, found", value=value, path=loc)
    message = str(error["msg"]).removeprefix("Value error, ")
    return InputError(f"{message[:1].lower()}{message[1:]}, found", value=value, path=loc)


def _refusal(check: Callable[[object], object], value: object) -> InputError | None:
    """The error with which ``check`` refuses ``value``."""
    try:
        check(value)
    except InputError as exc:
        return exc
    return None


def validate(document: Document, section: type[T]) -> T:
    """Validate parsed data against a file's top section (`oncall.schema.TeamFile`, ...).

    Raises:
        InputError: every problem pydantic found, first by line, each with its path.
    """
    data = {} if document.data is None else document.data
    if not isinstance(data, dict):
        raise InputError(f"expected a mapping at the top of the file, found {_describe(data)}")
    _check_kind(data, section)
    try:
        return cast(T, validator(section).validate_python(data))
    except ValidationError as exc:
        errors = [_translate(e, section, document.line_of) for e in exc.errors(include_url=False)]
        placed = [e.located(None, document.line_of(e.path)) for e in errors]
        placed.sort(key=lambda e: e.line or 0)
        first, *rest = placed
        raise replace(first, more=tuple(rest[:19])) from exc


_KINDS: Final = {"TeamFile": ("team", "shifts"), "RotationFile": ("shifts", "team")}
"""A file section's key that the other kind of file lacks, and the other kind's key."""


def _check_kind(data: dict[str, Any], section: type) -> None:
    """Refuse a rotation file given as a team file, and the other way round, in one line."""
    if section.__name__ not in _KINDS:
        return
    own, other = _KINDS[section.__name__]
    if own not in data and other in data:
        kinds = {"team": "a team file", "shifts": "a rotation file"}
        raise InputError(
            f"this is {kinds[other]} (it has {other!r}), not {kinds[own]}",
            hint="did you swap TEAM and ROTATION? the team file comes first",
        )


def _placed(document: Document, name: str, build: Callable[[], T]) -> T:
    """Run ``build``, placing any error in file ``name`` at the line of its path."""
    try:
        return build()
    except InputError as exc:
        more = tuple(e.located(name, document.line_of(e.path)) for e in exc.more)
        raise replace(exc, more=more).located(name, document.line_of(exc.path)) from exc


HorizonChoice = Callable[[ZoneInfo, Horizon], Horizon]
"""Chooses the horizon to load a team for, given its zone and its file's horizon."""


def parse_team(
    text: str,
    *,
    name: str = "team.yaml",
    folder: str | os.PathLike[str] | None = None,
    horizon: Horizon | None = None,
    allow_source_dirs: Iterable[str | os.PathLike[str]] = (),
) -> Team:
    """Read a team from the text of a file called ``name`` (its extension picks the format).

    iCalendar ``sources`` are read from ``folder`` (default: the folder of ``name``) and
    expanded within ``horizon`` (default: the file's), which becomes the team's: the
    team holds their events and time off. A source must lie inside ``folder``, or inside
    one of ``allow_source_dirs``: a team file cannot make oncall read a file elsewhere
    (docs/explanation/security.md).

    Raises:
        InputError: naming ``name``, the line, the field and the value; or an iCalendar
            source that cannot be read, parsed or expanded.
    """
    return _parse_team(
        text,
        name,
        folder,
        lambda _zone, found: found if horizon is None else horizon,
        allowed=tuple(allow_source_dirs),
    )


def _parse_team(  # noqa: PLR0913 - the parts of one reading
    text: str,
    name: str,
    folder: str | os.PathLike[str] | None,
    choose: HorizonChoice,
    *,
    calendars: bool = True,
    allowed: tuple[str | os.PathLike[str], ...] = (),
) -> Team:
    fmt = _placed(Document(None), name, lambda: format_for(name))
    document = _placed(Document(None), name, lambda: parse_document(text, fmt))
    data = _placed(document, name, lambda: validate(document, TeamFile))
    document = replace(document, data=None)  # only its lines are needed now: free the rest
    found = _placed(document, name, lambda: team_horizon(data))
    horizon = choose(get_zone(data.timezone), found)

    def imports(team: Team) -> tuple[tuple[EventSpec, ...], tuple[TimeOff, ...], list[str]]:
        from pathlib import Path  # noqa: PLC0415 - only calendar sources (3 ms of a start)

        from oncall.sources import resolve_sources  # noqa: PLC0415 - only calendar sources

        base = Path(folder) if folder is not None else Path(name).parent
        folders = tuple(Path(d) for d in allowed)
        calendars = _read_sources(data.sources, base, team, name, document, allowed=folders)
        imported = resolve_sources(team, calendars, horizon)
        return imported.events, imported.time_off, [c.name for c in calendars]

    return _placed(
        document,
        name,
        lambda: build_team(
            data,
            # Events are expanded later: they remember where they were written.
            place=_placer(name, document),
            horizon=horizon,
            imports=imports if calendars and data.sources is not None else None,
        ),
    )


def _read_sources(  # noqa: PLR0913 - the parts of one reading
    sources: SourcesFile | None,
    base: FilePath,
    team: Team,
    name: str,
    document: Document,
    *,
    allowed: tuple[FilePath, ...],
) -> tuple[CalendarSource, ...]:
    """Read and parse every iCalendar source (relative paths from ``base``)."""
    if sources is None:
        return ()
    from oncall.sources import CalendarSource  # noqa: PLC0415 - only calendar sources

    found = []
    for index, options in enumerate(sources.events):
        origin = _origin(("sources", "events", index), name, document)
        calendar = _read_calendar(base, options.file, origin, allowed)
        found.append(
            CalendarSource(
                options.file,
                calendar,
                kind=options.kind,
                risk=options.risk,
                match=options.match,
                origin=origin,
            )
        )
    known = {p.id for p in team.people}
    for index, pto in enumerate(sources.pto):
        origin = _origin(("sources", "pto", index), name, document)
        if pto.person is not None:
            check_known_person(pto.person, known, (*origin.path, "person"))
        calendar = _read_calendar(base, pto.file, origin, allowed)
        found.append(
            CalendarSource(
                pto.file,
                calendar,
                pto=True,
                person=pto.person,
                match_attendee=pto.match_attendee,
                match_name=pto.match_name,
                origin=origin,
            )
        )
    return tuple(found)


def _origin(path: Path, name: str, document: Document) -> Origin:
    return Origin(path, name, document.line_of(path))


def _placer(name: str, document: Document) -> Callable[[Path], Origin]:
    """Origins in file ``name`` at the lines ``document`` gives (one an entry: made fast)."""
    line_of = document.line_of
    shallow = document.lines_map(deep=False)

    def place(path: Path) -> Origin:
        line = shallow.get(path)  # an entry's own line, most often: asked for each entry
        return origin_at(path, name, line_of(path) if line is None else line)

    return place


def _read_calendar(
    base: FilePath, file: str, origin: Origin, allowed: tuple[FilePath, ...] = ()
) -> object:
    """Read and parse one .ics file; Google's floating times repaired by x-wr-timezone.

    Nothing of the file's content reaches a message: a parser's complaint quotes the line
    it choked on, and the file may be anything (see `_confined`).
    """
    import icalendar  # noqa: PLC0415 - slow to import; only sources need it
    import x_wr_timezone  # type: ignore[import-untyped]  # noqa: PLC0415 - likewise

    path = _confined(base, file, origin, allowed)
    try:
        data = read_bytes(path)
    except InputError as exc:
        raise origin.error(f"{file}: {exc.problem}") from exc
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").upper().startswith(b"BEGIN:VCALENDAR"):
        raise origin.error(
            f"{file}: not an iCalendar file (it does not begin with BEGIN:VCALENDAR)"
        )
    try:
        calendar = icalendar.Calendar.from_ical(data)
        return x_wr_timezone.to_standard(calendar)
    except Exception as exc:  # any failure to parse a foreign file is the file's problem
        line = _ics_line(data, exc)
        where = f"{file}:{line}" if line else file
        raise origin.error(
            f"{where}: not a usable iCalendar file ({foreign_problem(exc)})"
        ) from exc


_PSEUDO_FILE_SYSTEMS: Final = ("/proc", "/sys", "/dev")
"""Never calendars: their files are the machine's state (a process's environment, ...)."""


def _confined(base: FilePath, file: str, origin: Origin, allowed: tuple[FilePath, ...]) -> FilePath:
    """The file a source names, refused unless it lies in the team file's folder.

    A team file is edited in pull requests and checked by CI jobs that hold secrets, so
    what it names is read only from its own folder (symbolic links followed), or from a
    folder that the command line allows (``--allow-source-dir``): never from a path that
    the file itself can point anywhere (an absolute path, ``..``, a link leading out).
    """
    from pathlib import Path  # noqa: PLC0415 - only calendar sources

    written = Path(file)
    roots = (base.resolve(), *(folder.resolve() for folder in allowed))
    if (written.is_absolute() or written.drive or written.root) and not allowed:
        raise origin.error(
            "an absolute path is not read: a source lies in the team file's folder, found",
            value=file,
            hint="write a path relative to the team file, or allow the folder with "
            "--allow-source-dir",
        )
    resolved = (base / written).resolve()
    if any(resolved.is_relative_to(pseudo) for pseudo in _PSEUDO_FILE_SYSTEMS):
        raise origin.error("is not a calendar file (it lies in a system folder), found", value=file)
    if not any(resolved.is_relative_to(root) for root in roots):
        raise origin.error(
            "leads outside the team file's folder, found",
            value=file,
            hint="keep calendars beside the team file, or allow their folder with "
            "--allow-source-dir",
        )
    return resolved


def _ics_line(data: bytes, error: Exception) -> int | None:
    """The line of the content the parser complained about, where its message quotes it.

    The quoted content is only looked up, never shown.
    """
    match = re.search(r"'([^']{8,})'", str(error))
    if match is None:
        return None
    index = data.find(match.group(1).encode(errors="ignore")[:60])
    return data[:index].count(b"\n") + 1 if index >= 0 else None


def load_team(
    path: str | os.PathLike[str],
    *,
    horizon: Horizon | None = None,
    allow_source_dirs: Iterable[str | os.PathLike[str]] = (),
) -> Team:
    """Read a team file (YAML, TOML or JSON, by its extension), calendar sources included.

    The team's iCalendar ``sources`` are read and expanded within ``horizon`` (default:
    the file's ``horizon``), which becomes the team's; every function that takes the
    team then sees their events and time off. Load it again for another horizon.

    Its iCalendar ``sources`` are read from the team file's folder only, or from one of
    ``allow_source_dirs`` (the command line's ``--allow-source-dir``).

    Example:
        ```python
        team = load_team("examples/travel-pay/team.yaml")
        team.name, team.timezone  # ('travel-pay', 'America/New_York')
        ```

    Raises:
        InputError: naming the file, the line, the field and the value.
    """
    return read_team(
        path,
        lambda _zone, found: found if horizon is None else horizon,
        allow_source_dirs=allow_source_dirs,
    )


def read_team(
    path: str | os.PathLike[str],
    choose: HorizonChoice,
    *,
    calendars: bool = True,
    allow_source_dirs: Iterable[str | os.PathLike[str]] = (),
) -> Team:
    """`load_team`, for the horizon that ``choose`` picks from the team's zone and file.

    The command line uses it: ``--from``/``--to`` are read in the team's zone. Without
    ``calendars`` the sources are not read (the team then has none): for commands that
    use no events or time off.
    """
    name = os.fspath(path)
    _placed(Document(None), name, lambda: format_for(name))
    return _parse_team(
        read_text(path),
        name,
        None,  # the team file's own folder
        choose,
        calendars=calendars,
        allowed=tuple(allow_source_dirs),
    )


def parse_rotation(text: str, team: Team, *, name: str = "rotation.yaml") -> Rotation:
    """Read a rotation from the text of a file called ``name``; times in the team's zone.

    Each shift remembers its file and line (``shift.origin``) for findings.

    Raises:
        InputError: naming ``name``, the line, the field and the value.
    """
    fmt = _placed(Document(None), name, lambda: format_for(name))
    document = _placed(Document(None), name, lambda: parse_document(text, fmt))
    data = _placed(document, name, lambda: validate(document, RotationFile))
    document = replace(document, data=None)  # as in `_parse_team`
    return _placed(document, name, lambda: build_rotation(data, team, _placer(name, document)))


def load_rotation(path: str | os.PathLike[str], team: Team) -> Rotation:
    """Read a rotation file (YAML, TOML or JSON, by its extension) for ``team``.

    Raises:
        InputError: naming the file, the line, the field and the value.
    """
    name = os.fspath(path)
    _placed(Document(None), name, lambda: format_for(name))
    return parse_rotation(read_text(path), team, name=name)


def load_previous_export(path: str | os.PathLike[str]) -> Previous:
    """Read an earlier iCalendar export, for ``--previous``.

    Raises:
        InputError: naming the file when it cannot be read or is not iCalendar.
    """
    from oncall.export.ics import read_previous  # noqa: PLC0415 - icalendar loads slowly

    name = os.fspath(path)
    data = read_bytes(path)
    try:
        return read_previous(data)
    except InputError as exc:
        raise exc.located(name, None) from exc
