"""Writing files: the only module that writes, always atomically.

A file is written to a temporary file beside it and renamed into place, so a reader (or
a calendar client polling a published feed) sees the old file or the new one, never half
of either, and a failure leaves the old file as it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from oncall.errors import InputError

__all__ = ["make_folder", "write_atomic"]


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace the file at ``path`` with ``data``, all at once.

    Raises:
        InputError: naming the file when it cannot be written.
    """
    target = Path(path)
    name = os.fspath(path)
    if target.is_dir():
        raise InputError("is a folder, not a file", file=name)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    except OSError as exc:
        raise InputError(f"cannot write the file ({exc.strerror or exc})", file=name) from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
        os.chmod(temporary, mode)  # noqa: PTH101 - on the temporary file's own name
        Path(temporary).replace(target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"cannot write the file ({exc.strerror or exc})", file=name) from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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
