"""Writing a file whole or not at all.

Every file the app writes for the user (reports, bundles, benchmark packs, keys, saved
mappings, backups) goes through :func:`atomic_path`: the content is written under a
fresh hidden name beside the target (same folder, so the final rename is atomic),
flushed to disk, then renamed over the target. A failure or a cancel part-way removes
the temporary file and leaves any earlier file at the target untouched.

``private=True`` creates the file readable and writable by its owner only (0600) from
the first byte, for keys and for anything holding survey data.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

PRIVATE_MODE = 0o600


def temporary_name(target: Path) -> Path:
    """A hidden, unique name beside ``target`` (``.name-1a2b3c4d5e6f.part``)."""
    return target.with_name(f".{target.name}-{uuid.uuid4().hex[:12]}.part")


@contextlib.contextmanager
def atomic_path(target: str | Path, *, private: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``target``.

    The caller writes the whole content to the yielded path (it does not exist yet unless
    ``private``, when it is created empty with mode 0600). On leaving the block normally
    the file is fsynced and renamed over ``target``; on any exception it is removed and
    the exception propagates (an ``OSError`` for the caller to turn into a sentence).
    """
    target = Path(target)
    temp = temporary_name(target)
    if private:
        os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE))
    try:
        yield temp
        _fsync(temp)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    if private:
        with contextlib.suppress(OSError):
            os.chmod(target, PRIVATE_MODE)


@contextlib.contextmanager
def atomic_stream(target: str | Path, *, private: bool = False) -> Iterator[BinaryIO]:
    """Like :func:`atomic_path`, yielding an open binary stream to write to."""
    with atomic_path(target, private=private) as temp:
        mode = "r+b" if private else "xb"  # "x": the usual permissions (umask) apply
        with open(temp, mode) as stream:
            yield stream


def write_atomically(target: str | Path, content: bytes | str, *, private: bool = False) -> Path:
    """Write ``content`` (text is written as UTF-8) to ``target`` whole or not at all."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with atomic_stream(target, private=private) as stream:
        stream.write(data)
    return Path(target)


def _fsync(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def os_reason(exc: OSError) -> str:
    """The human part of an OSError ("No space left on device"), for messages."""
    return exc.strerror or str(exc)
