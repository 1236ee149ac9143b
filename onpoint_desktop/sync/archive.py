"""Reading a bundle's zip archive as if it were hostile: members checked before any is
read, every read capped whatever the archive claims, entries checked against the signed
manifest, and the big entries streamed line by line.

Refusal reasons (``BundleRefused``): ``unexpected-entry``, ``unsafe-name``,
``duplicate-entry``, ``corrupt``, ``too-large``, ``zip-bomb``, ``missing-entry``,
``tampered``, ``truncated`` and, for an over-long line, ``invalid-content``.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

from onpoint_desktop.sync.format import (
    DATA_ENTRIES,
    MANIFEST,
    SIGNATURE,
    BundleRefused,
    Limits,
    brief,
    data_entries,
    quoted,
)

KNOWN_MEMBERS = frozenset((MANIFEST, SIGNATURE, *DATA_ENTRIES))
ALLOWED_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
CHUNK = 1 << 20


def check_members(
    archive: zipfile.ZipFile, source: str, limits: Limits
) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > limits.entries:
        raise BundleRefused(
            "unexpected-entry",
            f"{source} holds {len(infos)} files; a bundle holds at most {len(KNOWN_MEMBERS)}.",
        )
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        if _unsafe(name) or _unsafe(info.orig_filename):
            raise BundleRefused(
                "unsafe-name",
                f"{source} contains an entry named {quoted(name)} that points outside the bundle "
                "(absolute path or '..'); it was refused as hostile.",
            )
        if name not in KNOWN_MEMBERS:
            raise BundleRefused(
                "unexpected-entry", f"{source} contains an unexpected entry {quoted(name)}."
            )
        if name in members:
            raise BundleRefused(
                "duplicate-entry", f"{source} contains the entry {quoted(name)} twice; refused."
            )
        if info.flag_bits & 0x1 or info.compress_type not in ALLOWED_COMPRESSION:
            raise BundleRefused(
                "corrupt", f"{source}: entry {quoted(name)} uses an encoding bundles never use."
            )
        if info.file_size > limits.entry_bytes:
            raise BundleRefused(
                "too-large",
                f"{source}: entry {quoted(name)} declares {info.file_size:,} bytes, over the "
                f"{limits.entry_bytes:,}-byte limit; refused.",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.ratio:
            raise BundleRefused(
                "zip-bomb",
                f"{source}: entry {quoted(name)} would expand {ratio:,.0f} times "
                f"({info.file_size:,} bytes); refused as a zip bomb.",
            )
        total += info.file_size
        members[name] = info
    if total > limits.total_bytes:
        raise BundleRefused(
            "too-large",
            f"{source} would expand to {total:,} bytes, over the {limits.total_bytes:,}-byte "
            "limit; refused.",
        )
    return members


def _unsafe(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return (
        not name
        or "\\" in name
        or "\x00" in name
        or name.startswith("/")
        or (len(name) > 1 and name[1] == ":")
        or any(p in ("..", ".") for p in parts)
    )


# A member's local header can contradict the directory (a name that is not the UTF-8 it
# claims: UnicodeDecodeError, a ValueError), or use a feature zipfile lacks
# (NotImplementedError); encryption flags are refused before reading, RuntimeError
# ("password required") is caught all the same.
_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)


def _damaged(info: zipfile.ZipInfo, exc: BaseException, source: str) -> BundleRefused:
    return BundleRefused(
        "truncated" if isinstance(exc, EOFError) else "corrupt",
        f"{source} is damaged: entry {quoted(info.filename)} cannot be read "
        f"({brief(str(exc), 200)}). Copy the file again, or ask for a fresh export.",
    )


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, source: str):
    """A member's bytes in chunks, stopping at ``cap`` bytes whatever its header says."""
    size = 0
    try:
        with archive.open(info) as fh:
            while chunk := fh.read(min(CHUNK, cap + 1 - size)):
                size += len(chunk)
                if size > cap:
                    raise BundleRefused(
                        "too-large",
                        f"{source}: entry {quoted(info.filename)} is larger than allowed.",
                    )
                yield chunk
    except _READ_ERRORS as exc:
        raise _damaged(info, exc, source) from None


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, source: str) -> bytes:
    """Read one member whole, stopping at ``cap`` bytes whatever its header says."""
    return b"".join(_chunks(archive, info, cap, source))


def entry_specs(
    manifest: dict[str, Any], members: dict[str, zipfile.ZipInfo], source: str, limits: Limits
) -> dict[str, dict[str, Any]]:
    """The signed size and SHA-256 of each data entry, checked against the archive."""
    listed = manifest["entries"]
    if not all(isinstance(e, dict) for e in listed):
        raise BundleRefused("corrupt", f"{source}: the manifest's entry list is malformed.")
    signed = {str(e.get("name")): e for e in listed}
    expected = data_entries(manifest.get("format"))
    if sorted(signed) != sorted(expected) or len(listed) != len(expected):
        raise BundleRefused(
            "unexpected-entry", f"{source}: the manifest lists entries this format does not have."
        )
    for name, spec in signed.items():
        if name not in members:
            raise BundleRefused(
                "missing-entry",
                f"{source}: entry {quoted(name)} listed in the manifest is missing.",
            )
        size = spec.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or members[name].file_size != size:
            raise BundleRefused(
                "tampered",
                f"{source}: entry {quoted(name)} is not the size the signed manifest gives; it was "
                "altered after signing. Refused.",
            )
        if size > limits.entry_bytes:
            raise BundleRefused(
                "too-large", f"{source}: entry {quoted(name)} is larger than allowed; refused."
            )
    return signed


def _tampered(name: str, source: str) -> BundleRefused:
    return BundleRefused(
        "tampered",
        f"{source}: entry {quoted(name)} does not match its signed SHA-256; it was altered "
        "after signing. Refused.",
    )


def read_entry(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, spec: dict[str, Any], cap: int, source: str
) -> bytes:
    """A small entry whole, checked against its signed size and hash."""
    if spec["size"] > cap:
        raise BundleRefused(
            "too-large", f"{source}: entry {quoted(info.filename)} is larger than allowed."
        )
    blob = read_member(archive, info, spec["size"], source)
    if len(blob) != spec["size"] or hashlib.sha256(blob).hexdigest() != spec.get("sha256"):
        raise _tampered(info.filename, source)
    return blob


def entry_lines(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    spec: dict[str, Any],
    limits: Limits,
    source: str,
) -> Iterator[tuple[int, bytes]]:
    """A JSON-lines entry's non-blank lines (numbered from 1), read as a stream; the
    entry's signed size and hash are checked when it ends (a mismatch raises then, and the
    caller drops what it took)."""
    digest = hashlib.sha256()
    size, number, rest = 0, 0, b""
    for chunk in _chunks(archive, info, spec["size"], source):
        digest.update(chunk)
        size += len(chunk)
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        if len(rest) > limits.line_bytes:
            raise _long_line(info.filename, number + len(lines) + 1, limits, source)
        for line in lines:
            number += 1
            if len(line) > limits.line_bytes:
                raise _long_line(info.filename, number, limits, source)
            if line.strip():
                yield number, line
    if size != spec["size"] or digest.hexdigest() != spec.get("sha256"):
        raise _tampered(info.filename, source)
    if rest.strip():
        yield number + 1, rest


def _long_line(name: str, number: int, limits: Limits, source: str) -> BundleRefused:
    return BundleRefused(
        "invalid-content",
        f"{source}: {name} line {number} is longer than {limits.line_bytes:,} bytes, more "
        "than any record can be; the bundle was refused.",
    )
