"""Writing files: the only module that writes.

A regular file is written to a temporary file beside it and renamed into place, so a
reader (or a calendar client polling a published feed) sees the old file or the new one,
never half of either, and a failure leaves the old file as it was. A symbolic link is
followed: the file it points to is replaced, and the link stays.

What is not a regular file is never replaced: a FIFO or a character device (``/dev/null``,
``/dev/stdout``), or a link to one, is written through; a block device, a socket or a
folder is refused.

Temporary files are named ``.<name>.oncall-<pid>-<random>.tmp``: those that killed runs
left behind (their process gone, or older than a day) are removed by the next run that
writes into the same folder. The command removes its own on SIGTERM (`oncall.cli`).
"""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Iterable
from pathlib import Path

from oncall.errors import InputError

__all__ = ["check_destination", "check_destinations", "make_folder", "write_atomic"]

_TEMPORARY = re.compile(r"\..+\.oncall-(?P<pid>\d+)-[a-z0-9_]+\.tmp")
_STALE_AFTER = 24 * 3600
"""A temporary file older than this (in seconds) is stale whatever its process."""


def _refuse(name: str, problem: str) -> InputError:
    return InputError(problem, file=name)


def check_destination(path: str | os.PathLike[str], *, new_folder: bool = False) -> None:
    """Refuse, before anything is written, a destination that cannot be written.

    With ``new_folder``, its folder may be missing where `make_folder` can make it.

    Raises:
        InputError: for an empty name, a folder, a block device or socket, or a folder
            that is missing and cannot be made, or cannot be written to.
    """
    name = os.fspath(path)
    if not name:
        raise InputError("expected a file name, found nothing", value=name)
    try:
        mode = Path(name).stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = None
    except OSError as exc:
        raise _refuse(name, f"cannot write the file ({exc.strerror or exc})") from exc
    if mode is not None and stat.S_ISDIR(mode):
        raise _refuse(name, "is a folder, not a file")
    if mode is not None and (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        if not os.access(name, os.W_OK):
            raise _refuse(name, "cannot write the file (permission denied)")
        return  # written through
    if mode is not None and not stat.S_ISREG(mode):
        raise _refuse(name, "is not a regular file, a FIFO or a character device")
    folder = Path(os.path.realpath(name)).parent
    while new_folder and not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.exists():
        raise _refuse(name, f"cannot write the file (there is no folder {folder})")
    if not folder.is_dir():
        raise _refuse(name, f"cannot write the file ({folder} is not a folder)")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _refuse(name, f"cannot write the file (the folder {folder} is not writable)")


def check_destinations(
    paths: Iterable[str | os.PathLike[str]], *, new_folder: bool = False
) -> None:
    """`check_destination` for each of ``paths``, all before any is written."""
    for path in paths:
        check_destination(path, new_folder=new_folder)


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace the file at ``path`` with ``data``, all at once; write through a FIFO or device.

    Raises:
        InputError: naming the file when it cannot be written.
    """
    name = os.fspath(path)
    check_destination(name)
    target = Path(os.path.realpath(name))  # a link stays; the file it points to is replaced
    try:
        mode = target.stat().st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        _write_through(name, data)
        return
    import tempfile  # noqa: PLC0415 - only writing regular files needs it

    _remove_stale(target.parent)
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.oncall-{os.getpid()}-", suffix=".tmp", dir=target.parent
        )
    except OSError as exc:
        raise InputError(f"cannot write the file ({exc.strerror or exc})", file=name) from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        mode = stat.S_IMODE(mode) if mode is not None else 0o666 & ~_umask()
        os.chmod(temporary, mode)  # noqa: PTH101 - on the temporary file's own name
        Path(temporary).replace(target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"cannot write the file ({exc.strerror or exc})", file=name) from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_through(name: str, data: bytes) -> None:
    """Write to a FIFO or character device as it is: no temporary file, no rename."""
    try:
        with open(name, "wb", buffering=0) as stream:  # noqa: PTH123 - keeps the error's text
            view = memoryview(data)
            while view:
                written = stream.write(view)
                view = view[written or 0 :]
    except OSError as exc:
        raise InputError(f"cannot write the file ({exc.strerror or exc})", file=name) from exc


_swept: set[str] = set()
"""Folders already swept of stale temporaries by this process: one scan per folder, so
that writing a feed per person into a folder of feeds stays linear."""


def _remove_stale(folder: Path) -> None:
    """Remove the temporary files that killed runs left behind in ``folder``."""
    key = os.fspath(folder)
    if key in _swept:
        return
    _swept.add(key)
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry.name)
        if match is None:
            continue
        try:
            old = now - entry.stat(follow_symlinks=False).st_mtime > _STALE_AFTER
            if old or not _alive(int(match.group("pid"))):
                os.unlink(entry.path)  # noqa: PTH108 - a scandir entry's path
        except OSError:
            continue  # another run's, or gone already


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return pid > 0
    return True


def make_folder(path: str | os.PathLike[str]) -> None:
    """Create a folder (and its parents) unless it exists.

    Raises:
        InputError: naming the folder when it cannot be made.
    """
    try:
        Path(path).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot make the folder ({exc.strerror or exc})", file=os.fspath(path)
        ) from exc


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
